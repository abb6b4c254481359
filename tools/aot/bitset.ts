// Character-class tests as one bit test. asc compiles `c == 32 || c == 10 ||
// c == 44 || c == 58` (pure operands, so it evaluates every compare) to
//
//   local.get c  i32.const K1  i32.eq
//   local.get c  i32.const K2  i32.eq  i32.or      (repeated)
//
// When every K is in 0..62 the whole chain is "bit c of MASK is set" with
// c clamped to 63 (bit 63 of MASK is clear):
//
//   mov r11d, 63 ; cmp c, 63 ; cmovb r11d, c ; mov t, MASK ; bt t, r11   -> CF
//
// The result stays in the flags (cond 'b') for useFlags to fuse with the
// following if / br_if / select, as a single compare would. plan.ts finds
// the chains (and decides what the flags fuse with).

import { imm, r32, r64 } from '../x86/index.ts';
import { K } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { useFlags } from './control.ts';
import { SCRATCH } from './masm.ts';

/** At an i32.eq the plan starts a chain at (c's value and `const K` on top): emits the bit test. */
export function bitSetTest(fc: FuncCompiler): boolean {
  const f = fc.frame, asm = fc.asm;
  const m = fc.plan.bitset.get(fc.pc);
  if (!m) return false;
  const b = f.peek(), a = f.peek(1);
  if (!a || b.k !== K.Const) throw new Error('planned bit-test chain does not start with c, i32.const');
  f.pop();
  const c = f.popRead();
  const t = f.allocGpr();
  asm.i('mov', r32(SCRATCH), imm(63));
  asm.i('cmp', r32(c.r), imm(63));
  asm.i('cmovb', r32(SCRATCH), r32(c.r));
  fc.masm.movImm(64, t, m.mask);
  asm.i('bt', r64(t), r64(SCRATCH));
  f.freeGpr(t);
  f.release(c);
  fc.absorb(fc.pc + 4 * m.groups);
  useFlags(fc, 'b', fc.pc + 4 * m.groups);
  return true;
}
