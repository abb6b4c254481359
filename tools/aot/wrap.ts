// Pass `wrap`: shrink-wrapping of the callee-saved registers (r12-r14, ABI.md).
// A function saves the ones its locals are pinned to at entry and restores them
// at return. When the live ranges of all those locals (liveranges.ts, after
// pins.ts chose the registers) lie inside one block, the saves go to that
// block's start and the restores after its end instead, so a call that never
// enters the block pays neither: libc's memcpy keeps two locals of its
// unaligned copy loops in r12 and r13, and its aligned 4-byte copy (kv's qsort
// swaps) now skips both saves and both restores.
//
// The block must be a plain block (no params or results, not fused) in no loop,
// so it is entered at most once per call, and be left only through its end: no
// branch inside it targets a label outside it, and no return. A block that
// starts at or before the first position of the ranges and ends at or after the
// last; the innermost such.

import { Op } from '../wasm/opcodes.ts';
import type { Instr } from '../wasm/types.ts';

/** The block whose start saves and whose end restores (positions of its `block` and `end`). */
export interface Wrap { start: number; end: number }

/**
 * The innermost block of `instrs` around positions [lo, hi] that pass wrap may save and restore
 * around (above), or null. `absorbed`: the plan's fused positions.
 */
export function wrapBlock(instrs: Instr[], lo: number, hi: number, absorbed: Uint8Array): Wrap | null {
  // per construct (block, loop, if), by the order it opens in: start, end, unsuitable
  const start: number[] = [], end: number[] = [], bad: boolean[] = [], loop: boolean[] = [];
  const open: number[] = [];              // constructs open here, outermost first
  let loops = 0;
  let atLo: number[] | null = null;       // the constructs open at lo
  for (let pc = 0; pc < instrs.length; pc++) {
    const ins = instrs[pc];
    switch (ins.op) {
      case Op.Block: case Op.Loop: case Op.If:
        start.push(pc); end.push(-1); loop.push(ins.op === Op.Loop);
        bad.push(ins.op !== Op.Block || loops > 0 || ins.blockType?.kind !== 'empty' || absorbed[pc] === 1);
        if (ins.op === Op.Loop) loops++;
        open.push(start.length - 1);
        break;
      case Op.End: {
        const id = open.pop();
        if (id === undefined) break;         // the function's end
        end[id] = pc;
        if (loop[id]) loops--;
        if (absorbed[pc] === 1) bad[id] = true;
        break;
      }
      case Op.Br: case Op.BrIf: leave(open, ins.a!, bad); break;
      case Op.BrTable: for (const d of ins.targets!) leave(open, d, bad); leave(open, ins.a!, bad); break;
      case Op.Return: leave(open, open.length, bad); break;
    }
    if (pc === lo) atLo = open.slice();      // a block opening at lo included
  }
  if (!atLo) return null;
  for (let k = atLo.length - 1; k >= 0; k--) {
    const id = atLo[k];
    if (!bad[id] && end[id] >= hi) return { start: start[id], end: end[id] };
  }
  return null;
}

/** A branch to label `depth` leaves the constructs inside the one it targets. */
function leave(open: number[], depth: number, bad: boolean[]): void {
  for (let k = Math.max(0, open.length - depth); k < open.length; k++) bad[open[k]] = true;
}
