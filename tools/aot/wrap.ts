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
import type { Instr } from '../wasm/types.ts';

/** Save before position `save`; restore before position `restore` when it falls through to it, and on every branch out of [save, restore). */
export interface Wrap { save: number; restore: number }

/**
 * The stretch of `instrs` around positions [lo, hi] that pass wrap saves and restores around
 * (above), or null. `absorbed`: the plan's fused positions (emitted by the op that fused them).
 */
export function wrapStretch(instrs: Instr[], lo: number, hi: number, absorbed: Uint8Array): Wrap | null {
  const n = instrs.length;
  // per construct (block, loop, if), in the order they open: start, else, end positions, kind
  const start: number[] = [], elseAt: number[] = [], end: number[] = [], loop: boolean[] = [], value: boolean[] = [];
  const startOfEnd = new Map<number, number>();
  const open: number[] = [];
  for (let pc = 0; pc < n; pc++) {
    const ins = instrs[pc];
    switch (ins.op) {
      case Op.Block: case Op.Loop: case Op.If:
        start.push(pc); elseAt.push(-1); end.push(n); loop.push(ins.op === Op.Loop); value.push(ins.blockType?.kind !== 'empty');
        open.push(start.length - 1);
        break;
      case Op.Else: elseAt[open[open.length - 1]] = pc; break;
      case Op.End: { const id = open.pop(); if (id !== undefined) { end[id] = pc; startOfEnd.set(pc, id); } break; }
    }
  }
  // The first write may come before the first access: setTarget computes a value straight into its
  // local's register, from the start of the straight-line code holding the set, and a block or if
  // whose result is set to it merges there in every arm.
  for (;;) {
    while (lo > 0 && instrs[lo - 1].op > Op.Return) lo--;
    const c = startOfEnd.get(lo - 1);
    if (c === undefined || !value[c]) break;
    lo = start[c];
  }
  // the constructs around lo and around hi (opened before them), outermost first
  const around = (p: number): number[] => {
    const out: number[] = [];
    for (let c = 0; c < start.length; c++) if (start[c] < p && end[c] >= p) out.push(c);
    return out;
  };
  const atLo = around(lo), atHi = around(hi);
  // the constructs around both: a common prefix
  let common = 0;
  while (common < atLo.length && common < atHi.length && atLo[common] === atHi[common]) common++;
  // not inside a loop (saved each iteration): the stretch holds the outermost loop around lo and hi whole
  let top = 0;
  while (top < common && !loop[atLo[top]]) top++;
  for (let k = top - 1; k >= -1; k--) {
    const c = k >= 0 ? atLo[k] : -1;
    const childLo = atLo[k + 1];
    let save = childLo !== undefined ? start[childLo] : lo;
    // a fused op (a compare and its if) is emitted at its first position
    while (save > 0 && absorbed[save] && instrs[save - 1].op > Op.Return && (c < 0 || save - 1 > start[c])) save--;
    const inThen = c >= 0 && elseAt[c] >= 0 && save < elseAt[c];
    if (absorbed[save] || (inThen && hi > elseAt[c])) continue;        // not across an if's arms
    // the end of c's code (its else or end): nothing on the stack reads a local lazily any more
    const restore = c < 0 ? n - 1 : inThen ? elseAt[c] : end[c];
    if (!absorbed[restore]) return { save, restore };
  }
  return null;
}
