// The macro-assembler layer: the few value-level operations every op family
// needs (moves between registers, frame slots and constants; the module's
// constant pool; out-of-line code), lowered to x86-64 through tools/x86.
// Op visitors talk to this and to FuncCompiler; only this file and the op
// files name x86 mnemonics.
//
// Invariant kept by every move helper here: moves never change EFLAGS (no
// `xor r, r` for zero), so a compare may be emitted before a merge's moves.

import {
  Assembler, r8, r32, r64, xmm, imm, mem, ripMem,
  type Gpr, type Xmm, type Mem, type Label,
} from '../x86/index.ts';

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;
/** Preserved by every compiled function (ABI.md): locals live across calls keep them without saves per call. */
export const CALLEE_SAVED = (1 << R12) | (1 << R13) | (1 << R14);
/** Scratch registers never handed out by the allocator. */
export const SCRATCH = R11;
export const XSCRATCH = 15;

export type Size = 32 | 64;

export function gpr(size: Size, n: number): Gpr { return size === 64 ? r64(n) : r32(n); }
export function gpr8(n: number): Gpr { return r8(n); }
export function xr(n: number): Xmm { return xmm(n); }
export function fitsI32(v: bigint): boolean { return v >= -0x80000000n && v <= 0x7fffffffn; }

/**
 * The alignment every function entry and every compiled chunk has (module.ts, func.ts), so a
 * position inside a function is known modulo it: rotate.ts starts a loop proper on a multiple
 * of it. matmul's inner loop, the same code, ran 83 ms at 0x40 into a 128-byte block and 71 at
 * its start, twice (STATUS.md rounds 9 and 10).
 */
export const CODE_ALIGN = 128;

/** NOP encodings of 1..9 bytes by length (Intel SDM vol. 2B, "Recommended Multi-Byte Sequence of NOP"). */
const NOPS: number[][] = [
  [], [0x90], [0x66, 0x90], [0x0f, 0x1f, 0x00], [0x0f, 0x1f, 0x40, 0x00], [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00], [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00], [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

/** A 16-byte constant in the module's pool, emitted once at the end; w0..w3 its bytes as u32s, `next` the rest of its hash bucket. */
interface PoolEntry { lo: bigint; hi: bigint; label: Label; w0: number; w1: number; w2: number; w3: number; next: PoolEntry | undefined }

/** Padding longer than this (more than two nops) is jumped over (alignCode). */
const JUMP_PAD = 16;

/** constant()'s scratch: a constant's 16 bytes as two u64 and as four u32. */
const POOL_BITS = new BigUint64Array(2);
const POOL_WORDS = new Uint32Array(POOL_BITS.buffer);

export class Masm {
  /**
   * Pool entries by a hash of their 16 bytes (a small integer: Map keys that were bigints took
   * ~4 ms a compile of synth-2000 for 16k lookups), a bucket's entries linked by `next`; and in
   * first-use order.
   */
  private pool = new Map<number, PoolEntry>();
  private poolOrder: PoolEntry[] = [];

  constructor(readonly asm: Assembler) {}

  /** RIP-relative operand of a 16-byte-aligned constant (lo = low 8 bytes). */
  constant(lo: bigint, hi = 0n, size: 32 | 64 | 128 = 128): Mem {
    POOL_BITS[0] = lo; POOL_BITS[1] = hi;          // modulo 2^64, as BigInt.asUintN: one entry per bit pattern (chunks merge by it)
    const w0 = POOL_WORDS[0], w1 = POOL_WORDS[1], w2 = POOL_WORDS[2], w3 = POOL_WORDS[3];
    const h = (w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca6b) ^ Math.imul(w3, 0xc2b2ae35)) >>> 2;   // >>> 2: a Smi
    let e = this.pool.get(h);
    while (e !== undefined && !(e.w0 === w0 && e.w1 === w1 && e.w2 === w2 && e.w3 === w3)) e = e.next;
    if (e === undefined) {
      e = { lo: POOL_BITS[0], hi: POOL_BITS[1], label: this.asm.label(), w0, w1, w2, w3, next: this.pool.get(h) };
      this.pool.set(h, e);
      this.poolOrder.push(e);
    }
    return ripMem(e.label, 0, size);
  }

  /** The pool's entries in first-use order (module.ts merges a chunk's into the module's). */
  poolEntries(): readonly { lo: bigint; hi: bigint; label: Label }[] { return this.poolOrder; }

  /** Emits the constant pool (call once, after all code). */
  emitPool(): void {
    this.asm.align(16, 0);
    for (const e of this.poolOrder) {
      this.asm.bind(e.label);
      this.asm.u64(e.lo);
      this.asm.u64(e.hi);
    }
  }

  /** mov reg, imm without touching flags; i32 immediates are taken as their low 32 bits. */
  movImm(size: Size, d: number, v: bigint | number): void {
    if (typeof v === 'number' && (v | 0) === v) this.asm.movRI(size, d, v);     // an int32: its bits, and 64-bit sign-extends it as asIntN
    else if (size === 32) this.asm.movRI(32, d, Number(BigInt.asUintN(32, BigInt(v))));
    else this.asm.movRI(64, d, BigInt.asIntN(64, BigInt(v)));
  }

  movRR(size: Size, d: number, s: number): void {
    if (d !== s) this.asm.aluRR('mov', size, d, s);
  }

  load(size: Size, d: number, m: Mem): void { this.asm.load(size, d, m); }
  store(size: Size, m: Mem, s: number): void { this.asm.store(size, m, s); }

  /** Stores an integer constant of `size` bits to memory (via r11 when it does not fit an imm32). */
  storeImm(size: Size, m: Mem, v: bigint): void {
    if (size === 32) {
      this.asm.i('mov', { ...m, size: 32 }, imm(Number(BigInt.asUintN(32, v))));
    } else if (fitsI32(BigInt.asIntN(64, v))) {
      this.asm.i('mov', { ...m, size: 64 }, imm(BigInt.asIntN(64, v)));
    } else {
      this.movImm(64, SCRATCH, v);
      this.asm.i('mov', m, r64(SCRATCH));
    }
  }

  movX(d: number, s: number): void { if (d !== s) this.asm.movaps(d, s); }
  loadX(f64: boolean, d: number, m: Mem): void { this.asm.loadF(f64, d, m); }
  storeX(f64: boolean, m: Mem, s: number): void { this.asm.storeF(f64, m, s); }

  /** Materialises float bits into xmm `d` (flags preserved: xorps and mov do not touch them). */
  xmmImm(f64: boolean, d: number, bits: bigint): void {
    if (bits === 0n) { this.asm.xorps(d, d); return; }
    this.movImm(f64 ? 64 : 32, SCRATCH, bits);
    this.asm.i(f64 ? 'movq' : 'movd', xmm(d), f64 ? r64(SCRATCH) : r32(SCRATCH));
  }

  /**
   * Pads code to a multiple of `n` bytes with the multi-byte NOPs of the Intel SDM (vol. 2B, NOP):
   * padding that runs (a loop entered by falling into it) costs one instruction per 9 bytes, not per byte.
   */
  alignCode(n: number): void {
    if (this.asm.inCold) return;                 // cold code: not worth the padding
    let pad = (n - (this.asm.pos % n)) % n;
    if (pad > JUMP_PAD) {                        // one jmp over long padding, not a run of nops
      this.asm.bytes([0xeb, pad - 2]);
      for (pad -= 2; pad > 0; pad--) this.asm.u8(0xcc);
      return;
    }
    while (pad > 0) {
      const k = pad < NOPS.length ? pad : NOPS.length - 1;
      this.asm.bytes(NOPS[k]);
      pad -= k;
    }
  }

  /** int3s (never run: jumped over) until `after` more bytes end on a multiple of `n`. */
  padBefore(n: number, after: number): void {
    for (let pad = (n - ((this.asm.pos + after) % n)) % n; pad > 0; pad--) this.asm.u8(0xcc);
  }

  /** [base + disp] */
  m(base: number, disp: number, size?: 8 | 16 | 32 | 64 | 128): Mem { return mem(base, disp, size); }
}
