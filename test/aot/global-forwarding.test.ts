// `global.set g; global.get g` takes the value from the register the set
// stored (intops.ts forwardSetGlobal; asc's stack-pointer updates),
// differentially against Node's WebAssembly: into a fresh register, into a
// pinned local (local.set after the get), and cases that must load: another
// global in between, a get of a different global, an i64 global.

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { differential } from './differential.ts';

const MOD = `(module
  (global $sp (mut i32) (i32.const 1000))
  (global $other (mut i32) (i32.const 7))
  (global $w (mut i64) (i64.const 5))
  (func (export "push") (param $n i32) (result i32) (local $p i32) (local $s i32)
    (loop $L
      (global.set $sp (i32.sub (global.get $sp) (i32.const 16)))
      (local.set $p (global.get $sp))
      (global.set $other (i32.add (local.get $p) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.xor (global.get $sp) (global.get $other))))
      (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
      (global.set $other (i32.mul (global.get $sp) (i32.const 3)))
      (local.set $s (i32.add (global.get $sp) (local.get $s)))
      (global.set $w (i64.add (global.get $w) (i64.extend_i32_u (local.get $s))))
      (local.set $s (i32.add (local.get $s) (i32.wrap_i64 (global.get $w))))
      (br_if $L (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $s) (i32.add (global.get $sp) (global.get $other))))
)`;

describe('global.set then global.get of the same global', () => {
  it('agrees with Node', async () => {
    const wasm = await compileWat(MOD);
    const { mismatches, count } = await differential(wasm, [{ name: 'push', args: [[1n], [2n], [50n]] }]);
    expect(count).toBe(3);
    expect(mismatches).toEqual([]);
  }, 60_000);
});
