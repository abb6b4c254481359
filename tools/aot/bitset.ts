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
// following if / br_if / select, as a single compare would.

import { Op } from '../wasm/opcodes.ts';
import { imm, r32, r64 } from '../x86/index.ts';
import { K } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { useFlags } from './control.ts';
import { SCRATCH } from './masm.ts';

/** At an i32.eq: the number of `local.get c; i32.const K; i32.eq; i32.or` groups after it, and the mask. */
function match(fc: FuncCompiler, local: number, k0: number): { groups: number; mask: bigint } | null {
  if (k0 < 0 || k0 > 62) return null;
  let mask = 1n << BigInt(k0);
  let groups = 0;
  for (let pc = fc.pc + 1; pc + 3 < fc.instrs.length; pc += 4) {
    const [g, c, e, o] = [fc.instrs[pc], fc.instrs[pc + 1], fc.instrs[pc + 2], fc.instrs[pc + 3]];
    if (g.op !== Op.LocalGet || g.a !== local || c.op !== Op.I32Const || e.op !== Op.I32Eq || o.op !== Op.I32Or) break;
    const k = c.a! | 0;
    if (k < 0 || k > 62) break;
    mask |= 1n << BigInt(k);
    groups++;
  }
  return groups >= 2 ? { groups, mask } : null;
}

/** i32.eq with `local c, const K` on top and a matching chain after it: emits the bit test. */
export function bitSetTest(fc: FuncCompiler): boolean {
  const f = fc.frame, asm = fc.asm;
  const b = f.peek(), a = f.peek(1);
  if (!a || b.k !== K.Const || a.k !== K.Local) return false;
  const m = match(fc, a.n, b.n);
  if (!m) return false;
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
  fc.pc += 4 * m.groups;
  useFlags(fc, 'b');
  return true;
}
