// Pass lea (plan.ts leaAt): multiplications by small constants and the add that
// consumes them as lea, the way gcc lowers `n * 10 + d`:
//
//   y + x * C   (C = m * 2^s, m in 1/3/5/9, s in 0..3)   lea t, [x + x*(m-1)]
//                                                        lea d, [y + t*2^s]
//   y + (x << K) (K = 1..3)                              lea d, [y + x*2^K]
//   x * 3/5/9                                            lea d, [x + x*(m-1)]
//
// A lea has one cycle of latency, imul three: in a loop that carries the
// value (a decimal parser's accumulator) the chain per iteration halves.
// lea leaves the flags alone and reads all its inputs before it writes, so
// d may be x's or y's own register. A 32-bit destination wraps like i32.add.

import { Op } from '../wasm/opcodes.ts';
import { ValType, type Instr } from '../wasm/types.ts';
import { imm, memIdx, type Mem } from '../x86/index.ts';
import { K, fitsI32Val } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { gpr, type Size } from './masm.ts';
import { LEA_ADD, leaParts } from './plan.ts';
import { finishResultPin, setTargetPin } from './settarget.ts';

const SCALE = [1, 2, 4, 8] as const;
/** The index scale of `x + x*(m-1)` for m = 3, 5, 9. */
const M_SCALE: Record<number, 2 | 4 | 8> = { 3: 2, 5: 4, 9: 8 };

/** At the `iN.const` of a planned lea (code = plan.lea at this position): emits it and absorbs the ops it covers. */
export function emitLea(fc: FuncCompiler, ins: Instr, code: number): void {
  const f = fc.frame;
  const t = ins.op === Op.I64Const ? ValType.I64 : ValType.I32;
  const size: Size = t === ValType.I64 ? 64 : 32;
  const withAdd = code > LEA_ADD;
  let [m, s] = leaParts(code & (LEA_ADD - 1))!;
  const last = fc.pc + (withAdd ? 2 : 1);
  fc.absorb(last);
  fc.pc = last;                                  // a set after the fused ops is planned at the last one
  const owned: number[] = [];                    // registers this op took; all but the result's are freed
  const xv = f.peek();
  if (m > 1 && (xv.k === K.Slot || (xv.k === K.Local && f.pinnedReg(xv) < 0))) {
    // x in memory: `imul t, [x], m` is one instruction where a load and a lea are two
    const t0 = f.allocGpr();
    fc.asm.i('imul', gpr(size, t0), f.memOf(xv, f.stack.length - 1), imm(m));
    f.pop();
    f.pushReg(t, t0);
    m = 1;
  }
  const x = f.popRead();
  if (x.owned) owned.push(x.r);
  let addr: Mem;
  if (!withAdd) addr = m > 1 ? memIdx(x.r, x.r, M_SCALE[m]) : memIdx(x.r, x.r, 1, 0);
  else {
    let xm = x.r;                                // x * m
    if (m > 1) {
      xm = x.owned ? x.r : f.allocGpr();
      if (!x.owned) owned.push(xm);
      fc.asm.lea(size, xm, memIdx(x.r, x.r, M_SCALE[m]));
    }
    const y = f.peek();
    if (y.k === K.Const && (size === 32 || fitsI32Val(y))) {
      f.pop();
      addr = memIdx(null, xm, SCALE[s], size === 32 ? y.n : Number(y.b));
    } else {
      const yr = f.popRead();
      if (yr.owned) owned.unshift(yr.r);         // preferred for the result
      addr = memIdx(yr.r, xm, SCALE[s]);
    }
  }
  const pr = setTargetPin(fc);
  const d = pr >= 0 ? pr : owned.length > 0 ? owned[0] : f.allocGpr();
  if (withAdd || m > 1) fc.asm.lea(size, d, addr);
  else fc.masm.movRR(size, d, x.r);              // x * m computed by the imul above
  for (const r of owned) if (r !== d) f.freeGpr(r);
  if (pr >= 0) finishResultPin(fc, t);
  else f.pushReg(t, d);
}
