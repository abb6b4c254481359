// Pass `wrap`: shrink-wrapping of the callee-saved registers (r12-r14, ABI.md).
// A function saves the ones its locals are pinned to at entry and restores them
// at return. When the live ranges of all those locals (liveranges.ts, after
// pins.ts chose the registers) lie in one stretch of statements of one
// construct, the saves go to the stretch's start and the restores to its end,
// so a call that never enters the stretch pays neither: libc's memcpy keeps
// two locals of its unaligned copy loops in r12 and r13, and its aligned or
// short copies (kv's qsort swaps, lz's matches) skip both saves and restores.
//
// The stretch [save, restore): in no loop, so it runs at most once per call;
// entered only at its start (whole statements of one construct from the one
// holding the first write to the construct's end or else, not across an else);
// left at its end, where the restore falls through, or by a branch out of it:
// a `br` or `return` restores before it jumps, a br_if or br_table jumps to a
// landing pad out of line that restores (emission: func.ts exitLabel,
// control.ts). Of the constructs holding the ranges, the innermost that gives
// such a stretch.

import { Op } from '../wasm/opcodes.ts';
import type { FuncPlan } from './plan.ts';

/** Save before position `save`; restore before position `restore` when it falls through to it, and on every branch out of [save, restore). */
export interface Wrap { save: number; restore: number }

/**
 * The stretch around positions [lo, hi] that pass wrap saves and restores around (above), or
 * null. `plan`: its instructions, fused positions (emitted by the op that fused them) and block
 * structure.
 */
export function wrapStretch(plan: FuncPlan, lo: number, hi: number): Wrap | null {
  const { instrs, absorbed, endOf, elseOf, startOf } = plan;
  const n = instrs.length;
  // The first write may come before the first access: setTarget computes a value straight into its
  // local's register, from the start of the straight-line code holding the set, and a block or if
  // whose result is set to it merges there in every arm. Walking back over straight-line code and
  // whole constructs leaves the constructs open the same.
  const atLo = openAt(plan, lo), atHi = openAt(plan, hi);
  for (;;) {
    while (lo > 0 && instrs[lo - 1].op > Op.Return) lo--;
    const c = lo > 0 ? startOf[lo - 1] : -1;
    if (c < 0 || instrs[lo - 1].op !== Op.End || instrs[c].blockType?.kind === 'empty') break;
    lo = c;
  }
  if (lo === 0) return null;              // the first write in the first straight-line code: the entry saves as early
  // the constructs around both: a common prefix
  let common = 0;
  while (common < atLo.length && common < atHi.length && atLo[common] === atHi[common]) common++;
  // not inside a loop (saved each iteration): the stretch holds the outermost loop around lo and hi whole
  let top = 0;
  while (top < common && instrs[atLo[top]].op !== Op.Loop) top++;
  for (let k = top - 1; k >= -1; k--) {
    const c = k >= 0 ? atLo[k] : -1;
    const childLo = atLo[k + 1];
    let save = childLo !== undefined ? childLo : lo;
    // a fused op (a compare and its if) is emitted at its first position
    while (save > 0 && absorbed[save] && instrs[save - 1].op > Op.Return && (c < 0 || save - 1 > c)) save--;
    const inThen = c >= 0 && elseOf[c] >= 0 && save < elseOf[c];
    if (absorbed[save] || (inThen && hi > elseOf[c])) continue;        // not across an if's arms
    // the end of c's code (its else or end): nothing on the stack reads a local lazily any more
    const restore = c < 0 ? n - 1 : inThen ? elseOf[c] : endOf[c];
    if (!absorbed[restore]) return { save, restore };
  }
  return null;
}

/** The blocks, loops and ifs open at position p (started before it, not ended), outermost first: back from p, over whole constructs. */
function openAt(plan: FuncPlan, p: number): number[] {
  const { instrs, startOf } = plan;
  const out: number[] = [];
  for (let q = p - 1; q >= 0; q--) {
    const op = instrs[q].op;
    if (op === Op.End) q = startOf[q];                       // a construct before p: on before its start
    else if (op === Op.Else) { q = startOf[q]; out.push(q); } // p in an else-arm: its if is open
    else if (op === Op.Block || op === Op.Loop || op === Op.If) out.push(q);
  }
  return out.reverse();
}
