// The setTarget pass at emission (plan.ts `setAfter`): an op followed by
// `local.set/tee x` with x pinned computes straight into x's register and
// leaves "the value of x" on the stack, which that set then takes as written.
// So does the last op of a block or if-arm whose result merges in x's register
// (plan.ts `mergeAfter`, control.ts mergePin): `x = c ? x + 4 : x + 1` is
// `add x, 4` / `add x, 1` with nothing to move at the end.
// Used by intops, floatops, memory (loads, global.get) and control (compare results).

import { Op } from '../wasm/opcodes.ts';
import type { ValType } from '../wasm/types.ts';
import { K, type Val } from './frame.ts';
import type { FuncCompiler } from './func.ts';

/**
 * The local the value computed at this position is set to next: by a local.set/tee (setAfter), or
 * by the merge of the innermost block or if, its else or end next, in that local's register.
 */
function targetLocal(fc: FuncCompiler): number {
  const x = fc.plan.setAfter[fc.pc];
  if (x >= 0) return x;
  const m = fc.plan.mergeAfter[fc.pc], c = fc.ctrl[fc.ctrl.length - 1];
  return m >= 0 && c?.mergeReg >= 0 && c.mergeLocal === m ? m : -1;
}

/**
 * After computing into the register resultPin/setTargetPin returned: leaves
 * "the value of x" on the stack, which the following local.set/tee x (the
 * plan's setAfter) takes as already written, or a chain's next step computes
 * on in place (plan.ts chainSetTarget). The value a set or a merge (else, end)
 * takes next is pushed without counting towards the frame's depth: the very
 * next op pops it; under a tee or a step's operand it counts.
 */
export function finishResultPin(fc: FuncCompiler, t: ValType): void {
  const x = targetLocal(fc);
  const v: Val = { k: K.Local, t, n: x, b: 0n, p: -1 };
  const next = fc.at(fc.pc + 1).op;
  if (next === Op.LocalSet || next === Op.Else || next === Op.End) fc.frame.stack.push(v); else fc.frame.push(v);
}

/**
 * `<op> a b; local.set/tee x` with x pinned: the op can compute straight into
 * x's register. Returns that register, or -1 when the next op is not such a
 * set, or the stack below still reads x's register (x, or a local sharing it),
 * or b does (it would be clobbered before use unless a reads it too).
 * `commutative`: the op may swap a and b.
 */
export function resultPin(fc: FuncCompiler, b: Val, commutative = false): number {
  const f = fc.frame;
  const x = targetLocal(fc);
  if (x < 0) return -1;
  const pr = f.pinReg[x];
  if (pr < 0) return -1;
  const a = f.peek(), t = f.localTypes[x];
  if (f.readsPin(b, pr, t) && !f.readsPin(a, pr, t)) return -1;
  const own = fc.plan.chainOwn[fc.pc];
  // past an add/sub/mul step (plan chainOwn): only when that saves copying x's register out, and
  // not `x ^ t` with t in a register of its own, which computes in t as cheaply
  if ((own & 1) !== 0 && (!f.readsPin(a, pr, t) || (commutative && b.k === K.Reg))) return -1;
  if ((own & 2) !== 0 && stepReadsPin(fc, x, pr)) return -1;
  for (let d = 0; d < f.stack.length - 1; d++) if (f.readsPin(f.stack[d], pr, t)) return -1;
  return pr;
}

/**
 * A value about to be produced (load, global.get) followed by `local.set/tee x`
 * with x pinned: x's register to produce it in, or -1. Unlike resultPin, no
 * operand is still on the stack, so every stack entry must not read x.
 */
export function setTargetPin(fc: FuncCompiler): number {
  const f = fc.frame;
  const x = targetLocal(fc);
  if (x < 0) return -1;
  const pr = f.pinReg[x];
  const own = fc.plan.chainOwn[fc.pc];
  if (pr < 0 || (own & 1) !== 0 || ((own & 2) !== 0 && stepReadsPin(fc, x, pr))) return -1;
  for (const v of f.stack) if (f.readsPin(v, pr, f.localTypes[x])) return -1;
  return pr;
}

/** A chain's steps (plan chainSetTarget) read a local in x's register, which the op here would write first. */
function stepReadsPin(fc: FuncCompiler, x: number, pr: number): boolean {
  const { instrs } = fc.plan;
  for (let q = fc.pc + 1; q < instrs.length; q += 2) {
    const ins = instrs[q];
    if (ins.op === Op.LocalSet || ins.op === Op.LocalTee) return false;
    if (ins.op === Op.LocalGet && (ins.a === x || fc.frame.pinReg[ins.a!] === pr)) return true;
  }
  return false;
}
