// tools/fuzz/rng.ts — the fuzzer's seeded PRNG (SplitMix64's mixer feeding
// xorshift128+, both from their published definitions), deterministic per
// (seed, case index): a case is reproduced alone from those two numbers.

const M64 = (1n << 64n) - 1n;

/** SplitMix64: the next state and its mixed output. */
function splitmix(x: bigint): [bigint, bigint] {
  x = (x + 0x9e3779b97f4a7c15n) & M64;
  let z = x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return [x, z ^ (z >> 31n)];
}

export class Rng {
  private s0: bigint;
  private s1: bigint;

  /** The generator of case `index` under `seed`. */
  constructor(seed: number, index = 0) {
    let x = (BigInt(seed >>> 0) << 32n) ^ BigInt(index >>> 0);
    [x, this.s0] = splitmix(x);
    [, this.s1] = splitmix(x);
    if (this.s0 === 0n && this.s1 === 0n) this.s1 = 1n;
  }

  /** 32 random bits (xorshift128+). */
  u32(): number {
    let a = this.s0;
    const b = this.s1;
    this.s0 = b;
    a ^= (a << 23n) & M64;
    this.s1 = a ^ b ^ (a >> 17n) ^ (b >> 26n);
    return Number(((this.s1 + b) & M64) >> 32n);
  }

  /** An integer in [0, n). */
  int(n: number): number { return n <= 1 ? 0 : Math.floor((this.u32() / 2 ** 32) * n); }
  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  /** True with probability p. */
  chance(p: number): boolean { return this.u32() / 2 ** 32 < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  bytes(n: number): Buffer { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = this.int(256); return b; }
  /** A short name of safe characters. */
  word(min = 1, max = 8): string {
    const abc = 'abcdefghijklmnopqrstuvwxyz0123456789_-.';
    let s = '';
    const n = this.range(min, max);
    for (let i = 0; i < n; i++) s += abc[this.int(i === 0 ? 36 : abc.length)];
    return s;
  }
}
