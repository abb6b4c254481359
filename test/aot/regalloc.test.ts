// Live ranges and the linear-scan allocator (liveranges.ts, pins.ts's
// allocateRanges, pass `regalloc`): the ranges plan.ts computes for small
// bodies, and programs whose locals share registers run differentially
// against Node's WebAssembly: a lazy `local.get x` still on the operand stack
// when a local sharing x's register is written, locals relying on their zero
// in a later loop, i32/i64 and f64 locals sharing, sharers around calls, locals
// kept in callee-saved registers across calls to a function that uses them too.

import { describe, it, expect } from 'vitest';
import { decodeModule, decodeBody } from '../../tools/wasm/index.ts';
import { liveRanges } from '../../tools/aot/liveranges.ts';
import { compileWat } from './linux-runner.ts';
import { differential } from './differential.ts';

const PROGRAMS = `(module (memory 1)
  (func $id (param i32) (result i32) (local.get 0))
  ;; x is last read lazily (still on the stack) when y, which may take x's register, is written
  (func (export "lazy") (param $p i32) (result i32) (local $x i32) (local $y i32)
    (local.set $x (i32.mul (local.get $p) (i32.const 3)))
    (i32.add (local.get $x)
      (i32.mul (local.tee $y (i32.add (local.get $p) (i32.const 100))) (i32.add (local.get $y) (local.get $p)))))
  ;; two loops over different locals; the second loop's locals start at their zero
  (func (export "phases") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $i i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32) (local $j i32)
    (loop $L1
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.add (local.get $c) (local.get $b)))
      (local.set $d (i32.add (i32.mul (local.get $d) (i32.const 3)) (local.get $c)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L1 (i32.lt_u (local.get $i) (local.get $n))))
    (i32.store (i32.const 0) (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $d))))
    (local.set $e (i32.const 7))
    (loop $L2
      (local.set $e (i32.add (local.get $e) (local.get $j)))
      (local.set $f (i32.xor (local.get $f) (local.get $e)))
      (local.set $g (i32.add (local.get $g) (local.get $f)))
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 5)) (local.get $g)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $L2 (i32.lt_u (local.get $j) (local.get $n))))
    (i32.add (i32.load (i32.const 0)) (i32.add (i32.add (local.get $e) (local.get $f)) (i32.add (local.get $g) (local.get $h)))))
  ;; an i64 then an i32 in one register, f64 temporaries in a loop, a call inside the loop
  (func (export "mixed") (param $n i32) (result i64)
    (local $w i64) (local $k i32) (local $s i32) (local $u f64) (local $v f64) (local $acc f64)
    (local.set $w (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 0x100000001)))
    (i32.store (i32.const 8) (i32.wrap_i64 (i64.rotl (local.get $w) (i64.const 13))))
    (loop $L
      (local.set $u (f64.mul (f64.convert_i32_s (local.get $k)) (f64.const 1.5)))
      (local.set $acc (f64.add (local.get $acc) (f64.sqrt (local.get $u))))
      (local.set $v (f64.sub (local.get $acc) (f64.const 0.25)))
      (local.set $s (i32.add (local.get $s) (call $id (i32.trunc_f64_s (local.get $v)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $L (i32.lt_s (local.get $k) (local.get $n))))
    (i64.add (i64.extend_i32_u (i32.add (local.get $s) (i32.load (i32.const 8))))
      (i64.trunc_f64_s (local.get $acc))))
  ;; callee-saved registers: keep's locals stay in r12-r14 across the calls; clobber pins
  ;; r12-r14 too (its loop calls) and returns from inside its loop as well as at its end
  (func $clobber (param $x i32) (result i32) (local $a i32) (local $b i32) (local $c i32)
    (loop $L
      (local.set $a (i32.add (call $id (local.get $a)) (i32.add (local.get $x) (i32.const 1))))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.add (local.get $c) (local.get $b)))
      (if (i32.gt_u (local.get $c) (i32.const 100000)) (then (return (local.get $c))))
      (br_if $L (i32.lt_u (local.get $a) (i32.const 500))))
    (i32.add (local.get $a) (local.get $b)))
  (func (export "keep") (param $n i32) (result i32) (local $p i32) (local $q i32) (local $r i32) (local $i i32)
    (loop $L
      (local.set $p (i32.add (local.get $p) (call $clobber (local.get $i))))
      (local.set $q (i32.xor (local.get $q) (i32.add (local.get $p) (local.get $i))))
      (local.set $r (i32.add (local.get $r) (call $clobber (i32.and (local.get $q) (i32.const 255)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $p) (i32.add (local.get $q) (local.get $r))))
  ;; a lazy read of x still on the stack when x is written moves to a free register, which
  ;; later temporaries must not take
  (func (export "detach") (param $p i32) (result i32) (local $x i32)
    (local.set $x (i32.mul (local.get $p) (i32.const 3)))
    (i32.add (local.get $x)
      (i32.add (local.tee $x (i32.add (local.get $p) (i32.const 7)))
        (i32.mul (i32.add (local.get $p) (i32.const 1)) (i32.add (local.get $x) (i32.const 2))))))
  ;; more locals read before written than pin registers: the unpinned ones read their zero from
  ;; the frame (stack the earlier calls left dirty); $u is written on one path only
  (func (export "zeros") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local $f i32) (local $g i32) (local $h i32) (local $i i32) (local $u i32)
    (if (i32.gt_u (local.get $n) (i32.const 5)) (then (local.set $u (i32.const 9))))
    (loop $L
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $b (i32.add (local.get $b) (local.get $a)))
      (local.set $c (i32.xor (local.get $c) (local.get $b)))
      (local.set $d (i32.add (local.get $d) (local.get $c)))
      (local.set $e (i32.add (local.get $e) (local.get $d)))
      (local.set $f (i32.xor (local.get $f) (local.get $e)))
      (local.set $g (i32.add (local.get $g) (local.get $f)))
      (local.set $h (i32.add (local.get $h) (local.get $g)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $u) (i32.add (local.get $h) (i32.add (local.get $b) (local.get $f)))))
)`;

function ranges(wat: string) {
  return compileWat(wat).then((wasm) => {
    const m = decodeModule(wasm);
    const instrs = decodeBody(m, 0);
    return { instrs, r: liveRanges(instrs, 4, 1) };
  });
}

describe('live ranges', () => {
  it('widen to loops the local is live around, not to loops it is only a temporary in', async () => {
    // locals: 0 param n, 1 i (loop counter), 2 t (temporary inside the loop), 3 z (zero, read in a later loop)
    const { instrs, r } = await ranges(`(module (func (param i32) (local i32 i32 i32)
      (loop $A
        (local.set 2 (i32.mul (local.get 1) (i32.const 3)))
        (local.set 1 (i32.add (local.get 1) (local.get 2)))
        (br_if $A (i32.lt_u (local.get 1) (local.get 0))))
      (loop $B
        (local.set 3 (i32.add (local.get 3) (i32.const 1)))
        (br_if $B (i32.lt_u (local.get 3) (local.get 0))))))`);
    const loops = instrs.flatMap((ins, pc) => (ins.op === 0x03 ? [pc] : []));
    const ends = loops.map((pc) => { let d = 0; for (let q = pc; ; q++) { const o = instrs[q].op; if (o === 0x02 || o === 0x03 || o === 0x04) d++; if (o === 0x0b && --d === 0) return q; } });
    expect(r.start[0]).toBe(0);                               // the parameter: from the entry
    expect(r.end[0]).toBe(ends[1]);                           // through loop B
    expect([r.start[1], r.end[1]]).toEqual([0, ends[0]]);     // i starts at its zero: the whole of loop A
    expect(r.start[2]).toBeGreaterThan(loops[0]);             // t: inside one iteration only
    expect(r.end[2]).toBeLessThan(ends[0]);
    expect(r.zeroAt[3]).toBe(loops[1]);                       // z gets its zero at loop B, not at entry
    expect([r.start[3], r.end[3], r.entry[3]]).toEqual([loops[1], ends[1], 0]);
    expect(r.entry[1]).toBe(1);                               // loop A is at position 0: zeroed at entry
  });
});

describe('register sharing vs Node', () => {
  it('lazy reads, zeroed locals in a later loop, mixed types and calls', async () => {
    const wasm = await compileWat(PROGRAMS);
    const saved = process.env.ASUK_AOT_PASSES;
    process.env.ASUK_AOT_PASSES = '+regalloc'; // the default too; stated so ASUK_AOT_PASSES in the caller's environment cannot turn it off
    const { mismatches, count } = await differential(wasm, [
      { name: 'lazy', args: [[0n], [5n], [0xffffffffn], [123456n]] },
      { name: 'phases', args: [[1n], [2n], [17n], [1000n]] },
      { name: 'mixed', args: [[1n], [9n], [300n]] },
      { name: 'keep', args: [[1n], [7n], [300n]] },
      { name: 'zeros', args: [[1n], [3n], [100n]] },
      { name: 'detach', args: [[0n], [5n], [0x7fffffffn]] },
    ]);
    if (saved === undefined) delete process.env.ASUK_AOT_PASSES; else process.env.ASUK_AOT_PASSES = saved;
    expect(count).toBe(20);
    expect(mismatches).toEqual([]);
  }, 60_000);
});
