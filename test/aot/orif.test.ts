// `x || y` as one if (plan.ts / control.ts orIf), differentially against
// Node's WebAssembly: a true first compare jumps into the then-arm before the
// second operand is computed. Shapes: the first boolean teed to a local (in a
// register, and in its frame slot with pins off) and read in the then-arm,
// values live on the stack below the if, i64 operands with a global in B, an
// if with a result, a local first read (zero) inside B, and the shape inside
// a loop. Each function runs every combination of the two operands.

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { differential } from './differential.ts';

const ORS = `(module
  (global $g (mut i64) (i64.const 1000))
  ;; asc's shape: if (c == 45 || c - 48 < 10) with neg = c == 45 teed and read afterwards
  (func (export "sign") (param $c i32) (param $k i32) (result i32) (local $neg i32)
    (if (i32.or (local.tee $neg (i32.eq (local.get $c) (i32.const 45)))
                (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
      (then (return (i32.add (i32.mul (local.get $k) (i32.const 3)) (local.get $neg)))))
    (i32.sub (local.get $k) (local.get $neg)))
  ;; values below the if (a register and a lazy local read) and an if with a result
  (func (export "below") (param $a i32) (param $b i32) (result i32)
    (i32.add (i32.mul (local.get $a) (i32.const 7)) (i32.add (local.get $b)
      (if (result i32) (i32.or (i32.lt_s (local.get $a) (local.get $b))
                                (i32.gt_u (i32.add (local.get $b) (local.get $a)) (i32.const 100)))
        (then (i32.const 11)) (else (i32.const 23))))))
  ;; i64 compares, a global and a shift in B
  (func (export "wide") (param $x i64) (param $y i64) (result i64)
    (if (result i64) (i32.or (i64.eq (local.get $x) (i64.const -1))
                             (i64.ge_u (i64.shl (local.get $y) (i64.const 3)) (global.get $g)))
      (then (i64.add (local.get $x) (local.get $y)))
      (else (i64.sub (local.get $x) (local.get $y)))))
  ;; a local read for the first time (its zero) inside B, written in the then-arm
  (func (export "zero") (param $a i32) (result i32) (local $z i32)
    (if (i32.or (i32.eqz (local.get $a)) (i32.ge_s (i32.add (local.get $z) (local.get $a)) (i32.const 5)))
      (then (local.set $z (i32.const 9))))
    (i32.add (local.get $z) (local.get $a)))
  ;; in a loop: count c in " ,:" or digits over k = 0..n (the tee'd flag read in the body)
  (func (export "loop") (param $n i32) (result i32) (local $k i32) (local $c i32) (local $f i32) (local $s i32)
    (loop $l
      (if (i32.lt_s (local.get $k) (local.get $n))
        (then
          (local.set $c (i32.and (i32.mul (local.get $k) (i32.const 37)) (i32.const 63)))
          (if (i32.or (local.tee $f (i32.eq (local.get $c) (i32.const 32)))
                      (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
            (then (local.set $s (i32.add (local.get $s) (i32.add (local.get $f) (i32.const 2))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $l))))
    (local.get $s)))`;

const I32S = [0n, 1n, 4n, 5n, 32n, 45n, 47n, 48n, 52n, 57n, 58n, 60n, 99n, 101n, 0x7fffffffn, 0x80000000n, 0xffffffffn];

function pairs(xs: bigint[]): bigint[][] { return xs.flatMap((a) => xs.map((b) => [a, b])); }

async function run(): Promise<{ mismatches: unknown[]; count: number }> {
  const wasm = await compileWat(ORS);
  return differential(wasm, [
    { name: 'sign', args: pairs(I32S) },
    { name: 'below', args: pairs(I32S) },
    { name: 'wide', args: pairs([0n, 1n, 124n, 125n, 126n, 0xffffffffffffffffn, 0x2000000000000000n]) },
    { name: 'zero', args: I32S.map((a) => [a]) },
    { name: 'loop', args: [[0n], [1n], [2n], [40n], [200n]] },
  ]);
}

describe('x || y as one if vs Node WebAssembly', () => {
  for (const passes of ['+orIf', '+orIf,-pins']) {
    it(`every operand combination (${passes})`, async () => {
      const saved = process.env.ASUK_AOT_PASSES;
      process.env.ASUK_AOT_PASSES = passes;
      try {
        const { mismatches, count } = await run();
        expect(count).toBe(17 * 17 * 2 + 49 + 17 + 5);
        expect(mismatches).toEqual([]);
      } finally {
        if (saved === undefined) delete process.env.ASUK_AOT_PASSES; else process.env.ASUK_AOT_PASSES = saved;
      }
    }, 60_000);
  }
});
