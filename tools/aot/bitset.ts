// Character-class tests as one bit test. asc compiles `c == 32 || c == 10 ||
// c == 44 || c == 58` (pure operands, so it evaluates every compare) to
//
//   local.get c  i32.const K1  i32.eq
//   local.get c  i32.const K2  i32.eq  i32.or      (repeated)
//
// When every K is in 0..62 the whole chain is "bit c of MASK is set". Before
// an if or a br_if (the usual consumer) it is two branches, as a compiler
// lowers a switch over a sparse set:
//
//   cmp c, maxK ; ja <false>        (bt takes a register bit offset mod 64)
//   mov t, MASK ; bt t, c           -> CF, for the if / br_if
//
// Each branch depends on c through one instruction: a mispredicted one
// resolves as soon as c is loaded (a character class is data the predictor
// often gets wrong). Elsewhere (select, a boolean, `x || y`) it stays
// branchless, MASK cleared when c >= 64:
//
//   cmp c, 64 ; sbb t, t ; and t, [rip + MASK] ; bt t, c                  -> CF
//
import { imm, r32, r64 } from '../x86/index.ts';
import { K } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { canSplitTest, splitTest, useFlags } from './control.ts';
import { maxBit } from './plan.ts';

/** At an i32.eq the plan starts a chain at (c's value and `const K` on top): emits the bit test. */
export function bitSetTest(fc: FuncCompiler): boolean {
  const f = fc.frame, asm = fc.asm;
  const m = fc.plan.bitset.get(fc.pc);
  if (!m) return false;
  const b = f.peek(), a = f.peek(1);
  if (!a || b.k !== K.Const) throw new Error('planned bit-test chain does not start with c, i32.const');
  const at = fc.pc + 4 * m.groups;
  const falseTo = canSplitTest(fc, at) ? splitTest(fc, 2) : undefined;
  f.pop();
  const c = f.popRead();
  const t = f.allocGpr();
  const placed = falseTo && !asm.inCold ? fc.placedThreads.get(fc.pc) : undefined;   // control.ts placeThread
  const th = falseTo && !placed && !asm.inCold ? fc.plan.threads.get(fc.pc) : undefined;
  const thread = th ? { to: asm.label(), plan: th, target: fc.labelAt(th.target) } : undefined;
  if (falseTo) {
    asm.i('cmp', r32(c.r), imm(maxBit(m.mask)));
    asm.jcc('a', placed ?? (thread ? thread.to : falseTo));
    fc.masm.movImm(64, t, m.mask);
  } else {
    asm.i('cmp', r32(c.r), imm(64));
    asm.i('sbb', r64(t), r64(t));                 // all ones when c < 64, else 0
    asm.i('and', r64(t), fc.masm.constant(m.mask, 0n, 64));
  }
  asm.i('bt', r64(t), r64(c.r));
  f.freeGpr(t);
  f.release(c);
  fc.absorb(at);
  useFlags(fc, 'b', at, falseTo);
  if (thread) fc.ctrl[fc.ctrl.length - 1].thread = thread;     // the if just begun: its end emits the thread
  return true;
}
