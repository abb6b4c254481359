// Passes webs, reuse, lea, selectIf, coldThen and lazyLocals (tools/aot/webs.ts, plan.ts planOverwritten,
// tools/aot/lea.ts, tools/aot/selectif.ts, plan.ts structure), differentially against Node's
// WebAssembly:
//   - lea: `y + x * C` for every factor C the pass takes, `y + (x << K)`, `x * 3/5/9`, both
//     widths, with x and y each a constant, a register value, a pinned local or a local in
//     its frame slot, at the edge values (wrap-around included);
//   - random structured programs (seeded) that reuse a few locals for unrelated values across
//     ifs, blocks left by br/br_if/br_table, loops, dead code after branches and reads of
//     locals no path has written yet, selects (rewritten to branches when the second operand
//     costs two or more operations, that operand's arm out of line in loops), `x == K` conditions (cold then-arms in loops) and value ifs
//     and blocks set to a local (setTarget merges them in its register), and while loops (rotated;
//     then-arms that flow to the back edge end in a copy of it, pass latchCopy), and value
//     blocks and ifs whose statements write locals under a read of a local (pass lazyLocals
//     keeps such reads lazy when nothing inside writes the local): the webs,
//     their exact liveness facts, the last-read register reuse and the branches must compute
//     what Node computes, with every pass on and with each of these off.

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { differential, I32_EDGES, I64_EDGES } from './differential.ts';
import { withPasses } from './passes-env.ts';

const FACTORS = [2, 3, 4, 5, 6, 8, 9, 10, 12, 18, 20, 24, 36, 40, 72];

/** One function per (width, factor, operand kinds): `y + x * C` in the order binaryen emits it. */
function leaModule(): { wat: string; names: string[] } {
  const fns: string[] = [], names: string[] = [];
  for (const t of ['i32', 'i64']) {
    for (const c of FACTORS) {
      // x pinned (read twice), y a register value; result set to a pinned local and returned
      let name = `${t}_mul${c}_pin`;
      fns.push(`(func (export "${name}") (param $x ${t}) (param $y ${t}) (result ${t}) (local $r ${t})
        (local.set $r (${t}.add (${t}.xor (local.get $y) (${t}.const 5)) (${t}.mul (local.get $x) (${t}.const ${c}))))
        (${t}.add (local.get $r) (${t}.add (local.get $x) (local.get $r))))`);
      names.push(name);
      // x read once (its frame slot), y a constant
      name = `${t}_mul${c}_mem`;
      fns.push(`(func (export "${name}") (param $x ${t}) (param $y ${t}) (result ${t})
        (${t}.add (${t}.const -7) (${t}.mul (local.get $x) (${t}.const ${c}))))`);
      names.push(name);
      // x a register value, y a local read in place
      name = `${t}_mul${c}_reg`;
      fns.push(`(func (export "${name}") (param $x ${t}) (param $y ${t}) (result ${t})
        (${t}.add (local.get $y) (${t}.mul (${t}.sub (local.get $x) (local.get $y)) (${t}.const ${c}))))`);
      names.push(name);
    }
    for (const k of [1, 2, 3]) {
      const name = `${t}_shl${k}`;
      fns.push(`(func (export "${name}") (param $x ${t}) (param $y ${t}) (result ${t})
        (${t}.add (local.get $y) (${t}.shl (local.get $x) (${t}.const ${k}))))`);
      names.push(name);
    }
    for (const c of [3, 5, 9]) {
      const name = `${t}_only${c}`;
      fns.push(`(func (export "${name}") (param $x ${t}) (param $y ${t}) (result ${t}) (local $r ${t})
        (local.set $r (${t}.mul (local.get $x) (${t}.const ${c})))
        (${t}.xor (local.get $r) (${t}.mul (${t}.add (local.get $x) (local.get $y)) (${t}.const ${c}))))`);
      names.push(name);
    }
  }
  return { wat: `(module ${fns.join('\n')})`, names };
}

/** xorshift32: the generator's seeded randomness. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s % n; };
}

const NV = 5;            // locals $v0..$v4 reused for everything
/**
 * A random function of two i32 params: statements over locals $v0..$v4 (and the params) in nested
 * blocks, ifs and loops. Every loop has a counter local of its own, so each terminates.
 */
function randomFunc(name: string, r: (n: number) => number): string {
  let loops = 0, depth = 0;
  const v = (): string => (r(6) === 0 ? `$p${r(2)}` : `$v${r(NV)}`);
  const expr = (d: number): string => {
    const k = r(d > 2 ? 2 : 9);
    if (k >= 7 && depth < 4) {                          // a value block or if under a read or a computed value, writing locals
      depth++;
      const under = r(2) === 0 ? `(local.get ${v()})` : `(i32.shl (local.get ${v()}) (i32.const 4))`;   // keepRegs: a register value
      const s = k === 7 ? `(i32.add ${under} (block (result i32) ${stmts(1 + r(2))} ${expr(d + 1)}))`
        : `(i32.sub ${under} (if (result i32) ${cond()} (then ${stmts(1 + r(2))} ${expr(d + 1)}) (else ${expr(d + 1)})))`;
      depth--;
      return s;
    }
    if (k >= 7) return `(local.get ${v()})`;
    if (k === 0) return `(local.get ${v()})`;
    if (k === 1) return `(i32.const ${[0, 1, 7, -1, 48, 0x12345][r(6)]})`;
    const op = ['i32.add', 'i32.xor', 'i32.mul', 'i32.sub', 'i32.shl', 'i32.or'][r(6)];
    if (k === 5) return `(${op} (local.get ${v()}) (i32.const ${[3, 5, 10, 4, 2][r(5)]}))`;   // lea shapes
    if (k === 6) return `(select ${expr(d + 1)} ${expr(d + 1)} ${cond()})`;                  // selectIf when B costs 2+
    return `(${op} ${expr(d + 1)} ${expr(d + 1)})`;
  };
  const eq = (): string => `(i32.eq (local.get ${v()}) (i32.const ${r(4)}))`;              // coldThen in a loop
  const lt = (): string => `(i32.lt_u (i32.and ${expr(1)} (i32.const 15)) (i32.const ${r(16)}))`;
  const cond = (): string => {
    const k = r(4);
    if (k === 0) return eq();
    if (k === 1) return `(if (result i32) ${eq()} (then ${lt()}) (else (i32.const 0)))`;     // asc's x && y
    return lt();
  };
  const stmts = (n: number): string => Array.from({ length: n }, () => stmt()).join('\n');
  const stmt = (): string => {
    const k = depth > 3 ? r(3) : r(12);
    if (k <= 1) return `(local.set ${v()} ${expr(0)})`;
    if (k === 2) return `(drop (local.tee ${v()} ${expr(0)}))`;
    depth++;
    let s: string;
    if (k === 3 || k === 4) s = `(if ${cond()} (then ${stmts(1 + r(3))}) (else ${stmts(r(3))}))`;
    else if (k === 5) s = `(block ${stmts(r(2))} (br_if 0 ${cond()}) ${stmts(1 + r(2))})`;
    else if (k === 6) s = `(block (block ${stmts(r(2))} (br_table 0 1 1 (i32.and ${expr(1)} (i32.const 3)))) ${stmts(1 + r(2))})`;
    else if (k === 7) s = `(block ${stmts(1 + r(2))} (br 0) ${stmts(1)})`;                // dead code after br
    else if (k === 9) {                                 // a value if set to a local (merged in its register)
      s = `(local.set ${v()} (if (result i32) ${cond()} (then ${stmts(r(2))} ${expr(0)}) (else ${expr(0)})))`;
    } else if (k === 10) {                              // a value block left by br_if with a value, teed
      s = `(drop (local.tee ${v()} (block (result i32) ${stmts(r(2))} (drop (br_if 0 ${expr(0)} ${cond()})) ${stmts(r(2))} ${expr(0)})))`;
    } else if (k === 11) {                              // while (c < N): a rotated loop; arms flowing to its back edge copy it
      const c = `$c${loops++}`;
      s = `(local.set ${c} (i32.const 0)) (loop $l${c} (if (i32.lt_u (local.get ${c}) (i32.const ${1 + r(4)}))
        (then (local.set ${c} (i32.add (local.get ${c}) (i32.const 1))) ${stmts(1 + r(3))} (br $l${c}))))`;
    } else {
      const c = `$c${loops++}`;
      s = `(local.set ${c} (i32.const 0)) (loop $l${c} ${stmts(1 + r(3))}
        (local.set ${c} (i32.add (local.get ${c}) (i32.const 1))) (br_if $l${c} (i32.lt_u (local.get ${c}) (i32.const ${1 + r(4)}))))`;
    }
    depth--;
    return s;
  };
  const body = stmts(4 + r(5));
  const counters = Array.from({ length: loops }, (_, k) => `(local $c${k} i32)`).join(' ');
  const vs = Array.from({ length: NV }, (_, k) => `(local $v${k} i32)`).join(' ');
  const sum = Array.from({ length: NV }, (_, k) => `(local.get $v${k})`).reduce((a, b) => `(i32.add (i32.mul ${a} (i32.const 31)) ${b})`);
  return `(func (export "${name}") (param $p0 i32) (param $p1 i32) (result i32) ${vs} ${counters}
    ${body}
    (i32.xor ${sum} (i32.xor (local.get $p0) (local.get $p1))))`;
}

/**
 * Last reads whose register an op clobbers (pass reuse), where something else still needs it: an
 * older lazy read of the same local under it, the op's value still on the stack when the local is
 * written, a call between the read and its use, a branch out with the value.
 */
const REUSE = `(module
  (func $g (param i32) (result i32) (i32.add (local.get 0) (i32.const 100)))
  (func (export "under") (param $x i32) (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $x) (i32.const 4))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $x))
  (func (export "overwritten") (param $x i32) (param $y i32) (result i32)
    (local.set $y (i32.add (i32.shl (local.get $x) (i32.const 2)) (local.tee $x (i32.add (local.get $y) (i32.const 7)))))
    (i32.xor (local.get $x) (local.get $y)))
  (func (export "call") (param $x i32) (param $y i32) (result i32)
    (local.set $x (i32.sub (i32.mul (local.get $x) (i32.const 6)) (call $g (local.get $y))))
    (i32.add (local.get $x) (local.get $y)))
  (func (export "branch") (param $x i32) (param $y i32) (result i32)
    (block $b (result i32)
      (drop (br_if $b (i32.shl (local.get $x) (i32.const 3)) (i32.and (local.get $y) (i32.const 1))))
      (local.set $x (local.get $y))
      (i32.add (local.get $x) (local.get $y)))))`;

describe('passes webs, reuse and lea vs Node WebAssembly', () => {
  it('computes y + x * C, y + (x << K) and x * 3/5/9 exactly at the edge values', async () => {
    const { wat, names } = leaModule();
    const wasm = await compileWat(wat);
    const x32 = I32_EDGES.slice(0, 9), x64 = I64_EDGES.slice(0, 9);
    const calls = names.map((name) => {
      const xs = name.startsWith('i32') ? x32 : x64;
      return { name, args: xs.flatMap((a) => [xs[0], xs[2], xs[5]].map((b) => [a, b])) };
    });
    const { mismatches, count } = await differential(wasm, calls);
    expect(count).toBe(names.length * 27);
    expect(mismatches).toEqual([]);
  }, 120_000);

  it("keeps a last read's register while something else still needs it", async () => {
    const wasm = await compileWat(REUSE);
    const xs = [0n, 1n, 0x80000000n, 0xffffffffn, 0x12345678n];
    const pairs = xs.flatMap((a) => xs.map((b) => [a, b]));
    const { mismatches, count } = await differential(wasm, [
      { name: 'under', args: xs.map((a) => [a, 3n]) },
      { name: 'overwritten', args: pairs }, { name: 'call', args: pairs }, { name: 'branch', args: pairs },
    ]);
    expect(count).toBe(5 + 3 * 25);
    expect(mismatches).toEqual([]);
  }, 60_000);

  const r = rng(0x5eed);
  const funcs = Array.from({ length: 60 }, (_, k) => randomFunc(`f${k}`, r));
  const wat = `(module ${funcs.join('\n')})`;
  const args = [[0n, 0n], [1n, 2n], [0xffffffffn, 7n], [0x12345678n, 0x9abcdef0n], [48n, 0x80000000n]];
  for (const spec of ['all', '-webs', '-reuse', '-lea', '-selectIf', '-coldThen', '-setTarget', '-latchCopy', '-lazyLocals', '-keepRegs']) {
    it(`runs 60 random programs with reused locals as Node does (${spec})`, async () => {
      const wasm = await compileWat(wat);
      const { mismatches, count } = await withPasses(spec, () =>
        differential(wasm, funcs.map((_, k) => ({ name: `f${k}`, args }))));
      expect(count).toBe(60 * args.length);
      expect(mismatches).toEqual([]);
    }, 120_000);
  }
});
