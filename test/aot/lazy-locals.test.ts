// Pass lazyLocals (tools/aot/lazy.ts, func.ts keepLazy): a `local.get` whose value is still on the
// operand stack when a block, loop or if starts stays a read of the local when nothing writes the
// local before the value's use and a pinned local's range reaches the use. Differentially against
// Node's WebAssembly, with the pass on and off, with pins off (locals in frame slots) and with
// whole-function pins (no live ranges). Each function puts a local's value under a construct in a
// way that goes wrong if it stays lazy when it may not: written inside on one path, written after
// the construct before the use, its register given to another local inside, a call inside
// (caller-saved register), arms that leave by different ways.

import { describe, it, expect } from 'vitest';
import { differentialWith, nonLeaf, slotStores } from './passes-env.ts';

const MOD = `(module
  (memory 1)
  ${nonLeaf('g')}
  ;; loop-live locals under an if with a call in one arm and a br_if out of a block in the other: kept
  (func $keep (export "keep") (param $x i32) (param $n i32) (result i32) (local $s i32) (local $k i32) (local $p i32)
    (local.set $p (i32.const 64))
    (loop $l
      (i32.store (local.get $p)
        (i32.add (local.get $s)
          (if (result i32) (i32.and (i32.add (local.get $x) (local.get $k)) (i32.const 1))
            (then (call $g (i32.add (local.get $k) (local.get $x))))
            (else (block $b (result i32)
              (drop (br_if $b (i32.const 5) (i32.and (local.get $k) (i32.const 2))))
              (i32.mul (local.get $k) (local.get $k)))))))
      (local.set $s (i32.xor (i32.load (local.get $p)) (i32.shl (local.get $s) (i32.const 1))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
    (i32.add (local.get $s) (local.get $p)))
  ;; the local is written inside the if on one arm only: its value under the if must be the old one
  (func $written (export "written") (param $x i32) (result i32) (local $s i32) (local $k i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (if (result i32) (i32.and (local.get $k) (local.get $x))
          (then (local.set $s (i32.add (local.get $s) (i32.const 100))) (local.get $s))
          (else (i32.const 3)))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 9))))
    (local.get $s))
  ;; written after the block, before the add that uses the value read before the block
  (func $after (export "after") (param $x i32) (result i32) (local $s i32) (local $k i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.add (block (result i32) (drop (br_if 0 (local.get $k) (i32.and (local.get $x) (i32.const 1)))) (i32.const 2))
          (local.tee $s (i32.add (local.get $k) (i32.const 10))))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 5))))
    (local.get $s))
  ;; $a's last access is the get under the block: linear scan may give its register to $t, first
  ;; written in the then-arm inside
  (func $share (export "share") (param $x i32) (result i32) (local $a i32) (local $t i32)
    (local.set $a (i32.mul (local.get $x) (i32.const 13)))
    (i32.store (i32.const 8) (i32.add (local.get $a) (i32.load (local.get $a))))
    (i32.add (local.get $a)
      (block (result i32)
        (if (i32.and (local.get $x) (i32.const 1))
          (then
            (local.set $t (i32.mul (local.get $x) (i32.const 5)))
            (i32.store (i32.const 12) (i32.add (i32.mul (local.get $t) (local.get $t)) (local.get $t)))))
        (i32.load (i32.const 12))))
    (i32.xor (local.get $x)))
  ;; \`x && y\` as one if (andIf), and the split test before it, with loop-live values under them
  (func $and (export "and") (param $x i32) (result i32) (local $s i32) (local $k i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (if (result i32) (if (result i32) (i32.gt_u (local.get $k) (i32.const 2)) (then (i32.lt_u (local.get $k) (local.get $x))) (else (i32.const 0)))
          (then (local.get $k)) (else (i32.const 1)))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 12))))
    (local.get $s)))`;

describe('pass lazyLocals: a local.get under a construct stays a read of the local', () => {
  for (const passes of ['all', '-lazyLocals', '-pins', '-regalloc']) {
    it(`computes what Node computes (passes ${passes})`, async () => {
      const xs = [0n, 1n, 2n, 3n, 7n, 40n, 0x7ffffffen, 0xfffffffdn];
      const { mismatches, count } = await differentialWith(passes, MOD, [
        { name: 'keep', args: xs.flatMap((x) => [1n, 5n, 17n].map((n) => [x, n])) },
        { name: 'written', args: xs.map((x) => [x]) },
        { name: 'after', args: xs.map((x) => [x]) },
        { name: 'share', args: [0n, 1n, 2n, 5n, 9n].map((x) => [x]) },
        { name: 'and', args: xs.map((x) => [x]) },
      ]);
      expect(count).toBe(24 + 8 + 8 + 5 + 8);
      expect(mismatches).toEqual([]);
    }, 60_000);
  }

  it('stores fewer values to frame slots in $keep with the pass on (objdump)', async () => {
    const on = await slotStores(MOD, 'all', 1), off = await slotStores(MOD, '-lazyLocals', 1);
    expect(on).toBeLessThan(off);
  });
});
