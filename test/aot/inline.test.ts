// Pass `inline` (tools/aot/inline.ts): calls to small leaf functions compiled
// as the callee's body. Against Node: many parameters of every type, results
// through `return` from inside blocks and loops, locals that must start at
// zero at every call (read before written, in a loop), traps inside an inlined
// body, a callee whose only call is on a path ending in unreachable, arguments
// read in place or set by where the callee writes the parameter; a trap names the inlined callee; recursion is never inlined and still
// ends in `call stack exhausted`.
import { describe, expect, it } from 'vitest';
import { differential, I32_EDGES } from './differential.ts';
import { compileWat, runCommand } from './linux-runner.ts';
import { inlineCalls, INLINE_MAX } from '../../tools/aot/inline.ts';
import { Op } from '../../tools/wasm/opcodes.ts';
import { decodeBody, decodeModule, funcTypeOf, numImportedFuncs } from '../../tools/wasm/index.ts';

const WAT = `(module
  (memory 1)
  (func $many (param i32 i64 f32 f64 i32 i64 f64 i32) (result f64)
    (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
      (f64.add (f64.add (f64.promote_f32 (local.get 2)) (local.get 3))
        (f64.add (f64.convert_i32_u (i32.sub (local.get 4) (local.get 7)))
          (f64.add (f64.convert_i64_u (local.get 5)) (local.get 6))))))
  (func $first (param $n i32) (param $x i32) (result i32) (local $k i32)
    (block $out
      (loop $L
        (br_if $out (i32.ge_u (local.get $k) (local.get $n)))
        (if (i32.eq (i32.load8_u (local.get $k)) (local.get $x)) (then (return (local.get $k))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $L)))
    (i32.const -1))
  (func $acc (param $c i32) (result i32) (local $a i32)
    (if (local.get $c) (then (local.set $a (i32.const 5))))
    (i32.add (local.get $a) (local.get $c)))
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $noresult (param i32) (i32.store (i32.const 64) (local.get 0)))
  (func $rec (param i32) (result i32) (if (result i32) (local.get 0) (then (call $rec (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 0))))
  (func (export "many") (param i32 i64) (result f64)
    (call $many (local.get 0) (local.get 1) (f32.const 1.5) (f64.const -2.25) (i32.const 7) (local.get 1) (f64.const 0.5) (local.get 0)))
  (func (export "first") (param $n i32) (param $x i32) (result i32)
    (i32.store8 (i32.const 3) (i32.const 9)) (i32.store8 (i32.const 10) (i32.const 200))
    (i32.add (call $first (local.get $n) (local.get $x)) (call $first (i32.const 20) (i32.const 200))))
  (func (export "acc") (param $n i32) (result i32) (local $s i32) (local $i i32)
    (loop $L
      (local.set $s (i32.add (local.get $s) (call $acc (i32.and (local.get $i) (local.get $n)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (i32.const 8))))
    (local.get $s))
  (func (export "div") (param i32 i32) (result i32) (i32.add (i32.const 1) (call $div (local.get 0) (local.get 1))))
  (func (export "store") (param i32) (result i32) (call $noresult (local.get 0)) (i32.load (i32.const 64)))
  (func (export "rec") (param i32) (result i32) (call $rec (local.get 0)))
  (func $fail (param i32) (drop (i32.div_u (i32.const 1) (i32.sub (local.get 0) (local.get 0)))))
  (func $check (param i32) (result i32)
    (if (i32.gt_u (local.get 0) (i32.const 100)) (then (call $fail (local.get 0)) (unreachable)))
    (i32.mul (local.get 0) (i32.const 3)))
  (func (export "check") (param i32) (result i32) (i32.add (call $check (local.get 0)) (i32.const 1)))
  (func $bump (param i32) (param i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.const 1))) (i32.add (local.get 0) (local.get 1)))
  (func (export "bump") (param $x i32) (result i32)
    (i32.add (call $bump (local.get $x) (local.get $x)) (i32.mul (local.get $x) (i32.const 10))))
  (func $mixed (param i32) (result i32)
    (if (i32.and (local.get 0) (i32.const 1)) (then (local.set 0 (i32.const 5)))) (i32.add (local.get 0) (i32.const 1)))
  (func (export "mixed") (param $x i32) (result i32)
    (i32.add (call $mixed (local.get $x)) (i32.mul (local.get $x) (i32.const 10))))
)`;

describe('pass inline', () => {
  it('inlines the leaves and only them', async () => {
    const m = decodeModule(await compileWat(WAT));
    const nImp = numImportedFuncs(m);
    const typesOf = (k: number) => [...funcTypeOf(m, nImp + k).params, ...m.codes[k].locals.flatMap((d) => Array(d.count).fill(d.type))];
    const funcTypes = m.funcs.map((_, k) => funcTypeOf(m, nImp + k));
    const run = (k: number, kernel = false) => inlineCalls(m, funcTypes, k, decodeBody(m, k), typesOf(k), typesOf, kernel);
    const acc = run(8);                                    // "acc": calls $acc (func 2)
    expect(acc.instrs.some((i) => i.op === Op.Call)).toBe(false);
    expect(acc.localTypes.length).toBe(typesOf(8).length + 2);
    expect(acc.owner!.includes(2)).toBe(true);
    expect(run(11).instrs.some((i) => i.op === Op.Call && i.a === 5)).toBe(true);   // $rec is not a leaf
    expect(run(9, true).instrs.some((i) => i.op === Op.Call && i.a === 3)).toBe(true);   // kernel: $div may trap
    expect(run(9).instrs.some((i) => i.op === Op.Call)).toBe(false);
    expect(run(8, true).instrs.some((i) => i.op === Op.Call)).toBe(false);            // $acc cannot trap
    const check = run(14).instrs;                         // $check's only call is followed by unreachable
    expect(check.some((i) => i.op === Op.Call && i.a === 13)).toBe(false);
    expect(check.some((i) => i.op === Op.Call && i.a === 12)).toBe(true);
    expect(run(14, true).instrs.some((i) => i.op === Op.Call && i.a === 13)).toBe(true);
    // an argument `local.get x` is read in place for a parameter never written, set for one written
    const sets = (k: number) => run(k).instrs.filter((i) => i.op === Op.LocalSet).length;
    expect(sets(7)).toBe(6);    // "first": per call $k zeroed and set in the body; only the constant arguments set
    expect(sets(16)).toBe(1);   // "bump": both arguments read in place; param 0's write (straight-line) goes to its own local
    expect(sets(18)).toBe(2);   // "mixed": param 0 is written under an if: the argument is set, and $mixed's own set
    expect(INLINE_MAX).toBeGreaterThan(50);
  });

  it('runs as Node runs it', async () => {
    const wasm = await compileWat(WAT);
    const { mismatches, count } = await differential(wasm, [
      { name: 'many', args: [[0n, 0n], [1n, 5n], [0xffffffffn, 0x8000000000000000n], [7n, 0xffffffffffffffffn]] },
      { name: 'first', args: [[0n, 9n], [4n, 9n], [3n, 9n], [30n, 0n], [30n, 7n]] },
      { name: 'acc', args: I32_EDGES.map((x) => [x]) },
      { name: 'div', args: [[7n, 2n], [7n, 0n], [0x80000000n, 0xffffffffn], [0xfffffff9n, 2n]] },
      { name: 'store', args: [[5n], [0xdeadbeefn]] },
      { name: 'rec', args: [[10n], [100000000n]] },
      { name: 'check', args: [[5n], [100n], [101n], [0xffffffffn]] },
      { name: 'bump', args: [[0n], [7n], [0xffffffffn]] },
      { name: 'mixed', args: [[0n], [1n], [6n], [7n]] },
    ]);
    expect(count).toBeGreaterThan(25);
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('a trap inside an inlined callee names the callee', async () => {
    const wasm = await compileWat(`(module
      (func $divide (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
      (func $main (export "_start") (drop (call $divide (i32.const 1) (i32.const 0)))))`);
    const r = await runCommand(wasm);
    expect(r.stderr).toContain('integer divide by zero in divide');
  }, 60_000);
});
