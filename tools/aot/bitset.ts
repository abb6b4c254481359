// Character-class tests as one bit test. asc compiles `c == 32 || c == 10 ||
// c == 44 || c == 58` (pure operands, so it evaluates every compare) to
//
//   local.get c  i32.const K1  i32.eq
//   local.get c  i32.const K2  i32.eq  i32.or      (repeated)
//
// When every K is in 0..62 the whole chain is "bit c of MASK is set", with
// MASK cleared when c >= 64 (bt takes a register bit offset mod 64):
//
//   cmp c, 64 ; sbb t, t ; and t, [rip + MASK] ; bt t, c                  -> CF
//
// The result stays in the flags (cond 'b') for useFlags to fuse with the
// following if / br_if / select, as a single compare would. plan.ts finds
// the chains (and decides what the flags fuse with).

import { imm, r32, r64 } from '../x86/index.ts';
import { K } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { useFlags } from './control.ts';

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
  asm.i('cmp', r32(c.r), imm(64));
  asm.i('sbb', r64(t), r64(t));                 // all ones when c < 64, else 0
  asm.i('and', r64(t), fc.masm.constant(m.mask, 0n, 64));
  asm.i('bt', r64(t), r64(c.r));
  f.freeGpr(t);
  f.release(c);
  fc.absorb(fc.pc + 4 * m.groups);
  useFlags(fc, 'b', fc.pc + 4 * m.groups);
  return true;
}
