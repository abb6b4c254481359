// A branch on a value an add/sub/and/or/xor has just computed reuses that
// instruction's ZF instead of `test r, r` (FuncCompiler.alu / zfHolds,
// control.ts condFromTop, intops.ts eqz), and `x & y` read only by a branch
// is a `test` (plan.ts andTest), differentially against Node's WebAssembly: a
// countdown `br_if (local.tee n (n - 1))`, `if (x & 8)`, and cases where the
// flags must not be reused: a block's end merging a branch that carries
// another value (its flags come from the branch's own test) and an i64 op
// wrapped to i32. (Both emit a move today, so the position check alone keeps
// them right; the test holds them to it.)

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { differential } from './differential.ts';

const MOD = `(module
  (func (export "countdown") (param $n i32) (result i32) (local $s i32)
    (loop $L
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (br_if $L (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  (func (export "bits") (param $x i32) (result i32) (local $r i32)
    (if (i32.and (local.get $x) (i32.const 8)) (then (local.set $r (i32.const 1))))
    (if (i32.or (local.get $x) (local.get $r)) (then (local.set $r (i32.add (local.get $r) (i32.const 2)))))
    (if (i32.xor (local.get $x) (i32.const 5)) (then (local.set $r (i32.add (local.get $r) (i32.const 4)))))
    (local.get $r))
  ;; c != 0 branches to the block's end with 0: the end's label follows the sub, but the
  ;; branch's flags say "non-zero", so the if must test the merged value
  (func (export "merge") (param $c i32) (param $x i32) (result i32)
    (if (result i32)
        (block $b (result i32)
          (drop (br_if $b (i32.const 0) (local.get $c)))
          (i32.sub (local.get $x) (i32.const 5)))
      (then (i32.const 100)) (else (i32.const 200))))
  ;; i32.eqz of an and/sub result reads its ZF too: fused with br_if, and as a value (setcc)
  (func (export "eqz") (param $x i32) (result i32) (local $r i32)
    (block $b (br_if $b (i32.eqz (i32.and (local.get $x) (i32.const 3)))) (local.set $r (i32.const 7)))
    (i32.add (local.get $r) (i32.eqz (i32.sub (local.get $x) (i32.const 9)))))
  ;; x & y read only by a branch/if/select (through an eqz or not) is a test: registers,
  ;; a local in its frame slot (many locals), constants on either side
  (func (export "andtest") (param $x i32) (param $y i32) (result i32)
    (local $r i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32) (local $g i32)
    (local.set $a (i32.add (local.get $x) (i32.const 1))) (local.set $b (i32.mul (local.get $a) (local.get $y)))
    (local.set $c (i32.xor (local.get $b) (local.get $x))) (local.set $d (i32.sub (local.get $c) (local.get $y)))
    (local.set $e (i32.or (local.get $d) (local.get $a))) (local.set $f (i32.shl (local.get $e) (i32.const 3)))
    (local.set $g (i32.rotl (local.get $f) (local.get $b)))
    (block $z (br_if $z (i32.eqz (i32.and (local.get $x) (i32.const 3)))) (local.set $r (i32.const 1)))
    (block $z (br_if $z (i32.and (i32.const 6) (local.get $y))) (local.set $r (i32.add (local.get $r) (i32.const 2))))
    (if (i32.and (local.get $a) (local.get $g)) (then (local.set $r (i32.add (local.get $r) (i32.const 4)))))
    (if (i32.eqz (i32.and (local.get $c) (local.get $d))) (then (local.set $r (i32.add (local.get $r) (i32.const 8)))))
    (if (i32.and (i32.const 5) (i32.const 4)) (then (local.set $r (i32.add (local.get $r) (i32.const 16)))))
    (i32.add (local.get $r) (i32.add (local.get $e) (i32.add (local.get $f)
      (select (i32.const 100) (i32.const 200) (i32.and (local.get $b) (i32.const 0x80000000)))))))
  ;; the i64 sub's flags describe 64 bits, the wrapped i32 only the low half
  (func (export "wide") (param $x i64) (result i32)
    (if (result i32) (i32.wrap_i64 (i64.sub (local.get $x) (i64.const 1)))
      (then (i32.const 1)) (else (i32.const 0))))
)`;

describe('branches reuse the flags of the op that computed the condition', () => {
  it('agrees with Node', async () => {
    const wasm = await compileWat(MOD);
    const { mismatches, count } = await differential(wasm, [
      { name: 'countdown', args: [[1n], [2n], [100n]] },
      { name: 'bits', args: [[0n], [5n], [8n], [13n]] },
      { name: 'merge', args: [[0n, 5n], [0n, 6n], [1n, 5n], [1n, 6n]] },
      { name: 'wide', args: [[1n], [2n], [0x100000001n], [0n]] },
      { name: 'eqz', args: [[0n], [4n], [9n], [5n], [0xfffffffcn]] },
      { name: 'andtest', args: [[0n, 0n], [1n, 1n], [4n, 7n], [0xffffffffn, 2n], [0x12345678n, 0x80000001n], [3n, 0xfffffff9n]] },
    ]);
    expect(count).toBe(26);
    expect(mismatches).toEqual([]);
  }, 60_000);
});
