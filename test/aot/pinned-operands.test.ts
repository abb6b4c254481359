// Pinned locals read in place, differentially against Node's WebAssembly:
// select tests a pinned condition without copying it (control.ts opSelect),
// int -> float conversions read a pinned signed source in place and
// convert straight into the pinned float local they are set to (convert.ts),
// and `local.tee x; local.get x` (plan.ts dup) leaves a register copy on top
// for an op to clobber (i32, i64, f64; a constant; x already in place; an
// older read of x below; with pins off, x in its frame slot).
// The loops keep every local in a register; the sources cover the sign and
// the unsigned cases (zero-extension of i32u, the halving path of i64u).

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { differential } from './differential.ts';

const PINNED = `(module
  ;; s += c ? a : b (i32) and f += c ? x : y (f64) with c, a, b pinned
  (func (export "sel") (param $c i32) (param $a i32) (param $b i32) (result i64) (local $i i32) (local $s i32) (local $f f64)
    (loop $l
      (local.set $s (i32.add (local.get $s) (select (local.get $a) (local.get $b) (local.get $c))))
      (local.set $f (f64.add (local.get $f) (select (f64.convert_i32_s (local.get $a)) (f64.const 0.5) (local.get $c))))
      (local.set $c (i32.xor (local.get $c) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 5))))
    (i64.add (i64.extend_i32_u (local.get $s)) (i64.trunc_sat_f64_s (local.get $f))))
  ;; every int -> float conversion from a pinned local into a pinned float local
  (func (export "conv") (param $a i32) (param $w i64) (result f64)
    (local $i i32) (local $x f64) (local $y f64) (local $z f32) (local $u f32) (local $acc f64)
    (loop $l
      (local.set $x (f64.convert_i32_s (local.get $a)))
      (local.set $y (f64.convert_i64_s (local.get $w)))
      (local.set $z (f32.convert_i32_u (local.get $a)))
      (local.set $u (f32.convert_i64_u (local.get $w)))
      (local.set $acc (f64.add (local.get $acc) (f64.add (f64.add (local.get $x) (local.get $y))
        (f64.add (f64.promote_f32 (local.get $z)) (f64.promote_f32 (local.get $u))))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $w (i64.add (local.get $w) (i64.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $acc))
  (func (export "dup") (param $s i32) (param $w i64) (result i64) (local $i i32) (local $t i32) (local $f f64) (local $k i32)
    (loop $l
      (local.set $t (i32.add (local.get $t) (i32.add (local.get $s)
        (i32.xor (local.tee $s (i32.xor (local.get $s) (i32.shl (local.get $s) (i32.const 13))))
                 (i32.shr_u (local.get $s) (i32.const 17))))))
      (local.set $w (i64.add (local.get $w) (i64.mul (local.tee $w (i64.rotl (local.get $w) (i64.const 7))) (local.get $w))))
      (local.set $f (f64.sub (local.tee $f (f64.add (local.get $f) (f64.convert_i32_s (local.get $t)))) (f64.mul (local.get $f) (f64.const 0.5))))
      (local.set $k (i32.sub (local.tee $k (i32.const 5)) (i32.shl (local.get $k) (local.get $i))))
      (local.set $s (i32.add (local.tee $s (local.get $s)) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (i64.add (i64.add (local.get $w) (i64.extend_i32_u (i32.add (local.get $s) (local.get $k))))
      (i64.add (i64.extend_i32_u (local.get $t)) (i64.trunc_sat_f64_s (local.get $f))))))`;

const I32S = [0n, 1n, 7n, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn];
const I64S = [0n, 5n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xfffffffffffffffen, 0x123456789abcdefn];

describe('pinned locals read in place vs Node WebAssembly', () => {
  for (const passes of ['+dup', '+dup,-pins']) {
    it(`select on a pinned condition, conversions into pinned float locals, tee + get (${passes})`, async () => {
      const saved = process.env.ASUK_AOT_PASSES;
      process.env.ASUK_AOT_PASSES = passes;
      try {
        const wasm = await compileWat(PINNED);
        const { mismatches, count } = await differential(wasm, [
          { name: 'sel', args: I32S.flatMap((c) => [[c, 3n, 0xfffffff9n], [c, 0x80000000n, 1n]]) },
          { name: 'conv', args: I32S.flatMap((a) => I64S.map((w) => [a, w])) },
          { name: 'dup', args: I32S.flatMap((a) => I64S.map((w) => [a, w])) },
        ]);
        expect(count).toBe(14 + 42 + 42);
        expect(mismatches).toEqual([]);
      } finally {
        if (saved === undefined) delete process.env.ASUK_AOT_PASSES; else process.env.ASUK_AOT_PASSES = saved;
      }
    }, 60_000);
  }
});
