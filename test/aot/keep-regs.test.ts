// Pass keepRegs (func.ts keepReg, lazy.ts regSafe): a value in a register under a block or if keeps
// its register through it when the construct's ops only take free registers. Differentially
// against Node's WebAssembly, with the pass on and off, with pins off and with whole-function pins:
// values under constructs whose code calls (every register clobbered), divides (rax, rdx), shifts
// by a variable (rcx) or grows memory (rdi) on one arm only, which go wrong if the value is kept;
// a hex parse (cpio's `v << 4` under the digit's if), which keeps it; eight values under one if with
// a deep expression inside (the registers left for it). The disassembly shows the kept value.

import { describe, it, expect } from 'vitest';
import { differentialWith, nonLeaf, slotStores } from './passes-env.ts';

const arm = (then: string): string =>
  `(i32.add (i32.shl (local.get $x) (i32.const 4)) (if (result i32) (i32.and (local.get $x) (i32.const 1)) (then ${then}) (else (i32.const 7))))`;

const MOD = `(module
  (memory 1)
  ${nonLeaf('g')}
  (func (export "call") (param $x i32) (result i32) ${arm('(call $g (local.get $x))')})
  (func (export "div") (param $x i32) (result i32) ${arm('(i32.div_u (i32.const 100000) (i32.or (local.get $x) (i32.const 1)))')})
  (func (export "shift") (param $x i32) (result i32) ${arm('(i32.shl (local.get $x) (i32.and (local.get $x) (i32.const 7)))')})
  (func (export "grow") (param $x i32) (result i32) ${arm('(i32.add (memory.grow (i32.const 0)) (local.get $x))')})
  ;; 8 hex digits at 16 (stored by the caller): v = v << 4 | digit
  (func (export "hex") (param $x i32) (result i32) (local $v i32) (local $i i32) (local $c i32)
    (i64.store (i32.const 16) (i64.or (i64.const 0x3030303030303030)
      (i64.and (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 0x0100010001000100)) (i64.const 0x0707070707070707))))
    (i32.store8 (i32.const 19) (i32.add (i32.const 0x61) (i32.and (local.get $x) (i32.const 5))))
    (loop $l
      (local.set $c (i32.load8_u offset=16 (local.get $i)))
      (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4))
        (select (i32.sub (local.get $c) (i32.const 48)) (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 87))
          (i32.le_u (local.get $c) (i32.const 57)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 8))))
    (local.get $v))
  ;; eight computed values under one if (more than the free registers) whose arm nests a deep expression
  (func (export "many") (param $x i32) (param $y i32) (result i32)
    (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.add (i32.xor (local.get $y) (i32.const 5))
    (i32.add (i32.shl (local.get $x) (i32.const 2)) (i32.add (i32.sub (local.get $y) (local.get $x))
    (i32.add (i32.or (local.get $x) (i32.const 9)) (i32.add (i32.mul (local.get $y) (i32.const 7))
    (i32.add (i32.xor (local.get $x) (local.get $y)) (i32.add (i32.and (local.get $y) (i32.const 0x5a5a))
      (if (result i32) (i32.lt_u (local.get $y) (local.get $x))
        (then (i32.mul (i32.add (i32.xor (i32.mul (local.get $x) (local.get $y)) (i32.add (local.get $y) (i32.const 7)))
          (i32.sub (i32.and (local.get $x) (i32.const 255)) (i32.mul (local.get $y) (i32.const 11))))
          (select (local.get $x) (local.get $y) (i32.gt_s (local.get $x) (i32.const 100)))))
        (else (i32.const 1)))))))))))))`;

describe('pass keepRegs: a register value under a construct keeps its register', () => {
  for (const passes of ['all', '-keepRegs', '-pins', '-regalloc']) {
    it(`computes what Node computes (passes ${passes})`, async () => {
      const xs = [0n, 1n, 2n, 3n, 0x51n, 0x7ffffffen, 0x89abcdefn, 0xfffffffdn];
      const one = xs.map((x) => [x]);
      const { mismatches, count } = await differentialWith(passes, MOD, [
        { name: 'call', args: one }, { name: 'div', args: one }, { name: 'shift', args: one },
        { name: 'grow', args: one }, { name: 'hex', args: one },
        { name: 'many', args: xs.flatMap((x) => [0n, 5n, 200n, 0xfffffff0n].map((y) => [x, y])) },
      ]);
      expect(count).toBe(5 * 8 + 32);
      expect(mismatches).toEqual([]);
    }, 60_000);
  }

  it('keeps the hex parse\'s v << 4 out of its frame slot with the pass on (objdump)', async () => {
    const on = await slotStores(MOD, 'all', 5), off = await slotStores(MOD, '-keepRegs', 5);
    expect(on).toBeLessThan(off);
  });
});
