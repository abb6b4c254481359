// liveranges.ts's region rule at joins: a local written on every way to a block's end (its
// fallthrough and each branch to it), a loop's end, or both arms of an if with an else, counts
// as written after the construct, so its zero at entry is not needed (no `entry`, no zeroAt).
// Where some way skips the write (a branch before it, an if without else, one arm), the zero
// stays; programs of each shape run against Node with their zeros read.

import { describe, it, expect } from 'vitest';
import { decodeModule, decodeBody } from '../../tools/wasm/index.ts';
import { liveRanges } from '../../tools/aot/liveranges.ts';
import { compileWat } from './linux-runner.ts';
import { differential } from './differential.ts';

// local 1 ($x) is read after each construct; param 0 picks the path
const SHAPES = `(module
  ;; memcpy's prologue: branches out of the block only after x is written
  (func (export "block_all") (param $p i32) (result i32) (local $x i32)
    (block $b
      (local.set $x (i32.add (local.get $p) (i32.const 1)))
      (br_if $b (i32.and (local.get $p) (i32.const 1)))
      (local.set $x (i32.add (local.get $p) (i32.const 2))))
    (local.get $x))
  ;; a branch out before the write: x's zero reaches the read
  (func (export "block_skip") (param $p i32) (result i32) (local $x i32)
    (block $b
      (br_if $b (i32.and (local.get $p) (i32.const 1)))
      (local.set $x (i32.add (local.get $p) (i32.const 2))))
    (local.get $x))
  (func (export "if_both") (param $p i32) (result i32) (local $x i32)
    (if (i32.and (local.get $p) (i32.const 1))
      (then (local.set $x (i32.const 10)))
      (else (local.set $x (i32.const 20))))
    (local.get $x))
  (func (export "if_one") (param $p i32) (result i32) (local $x i32)
    (if (i32.and (local.get $p) (i32.const 1))
      (then (local.set $x (i32.const 10))))
    (local.get $x))
  ;; the then-arm leaves the if early, before its write
  (func (export "if_branch") (param $p i32) (result i32) (local $x i32)
    (if (i32.and (local.get $p) (i32.const 1))
      (then (br_if 0 (i32.and (local.get $p) (i32.const 2))) (local.set $x (i32.const 10)))
      (else (local.set $x (i32.const 20))))
    (local.get $x))
  (func (export "loop_end") (param $p i32) (result i32) (local $x i32) (local $i i32)
    (loop $l
      (local.set $x (i32.add (local.get $i) (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $x)))`;

const COVERED: Record<string, boolean> = {
  block_all: true, block_skip: false, if_both: true, if_one: false, if_branch: false, loop_end: true,
};

describe('live ranges at joins', () => {
  it("needs a local's zero only where some way to the read skips every write", async () => {
    const m = decodeModule(await compileWat(SHAPES));
    for (const e of m.exports) {
      const r = liveRanges(decodeBody(m, e.index), 3, 1);           // param $p, $x, ($i)
      const zeroed = r.entry[1] === 1 || r.zeroAt[1] >= 0;
      expect({ f: e.name, zeroed }).toEqual({ f: e.name, zeroed: !COVERED[e.name] });
    }
    expect(m.exports.length).toBe(6);
  });

  it('runs every shape as Node does, zeros included', async () => {
    const wasm = await compileWat(SHAPES);
    const args = [0n, 1n, 2n, 3n, 0xffffffffn].map((p) => [p]);
    const { mismatches, count } = await differential(wasm, Object.keys(COVERED).map((name) => ({ name, args })));
    expect(count).toBe(6 * 5);
    expect(mismatches).toEqual([]);
  }, 60_000);
});
