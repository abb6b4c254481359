// Live ranges of locals (plan.ts, pass `regalloc`): for each local one
// interval of positions [start, end] outside which its register is never
// read or written, so two locals whose ranges do not overlap may share one
// register (pins.ts's linear scan).
//
// The range is the hull of every access of the local (reads and writes: a
// write clobbers the register), widened:
//   - to position 0 when a read may see the value the local had at entry
//     (a parameter's argument, or the zero of any other local): a read not
//     covered by an earlier write in a region that encloses it. For a
//     non-parameter the zero is instead set where the range starts (`zeroAt`):
//     the start of the top-level construct holding its first access, which
//     every path from the entry to that access passes
//   - to the whole of a loop when the local is live at the loop's header (a
//     read inside the loop not covered by a write inside it: the value comes
//     round the back edge or from before the loop), or when the range reaches
//     outside the loop (an exit before the write in a later iteration would
//     carry the older value out)
// A region is a block, loop, if-arm or else-arm: code after a write in the
// same region, or in regions nested inside it after the write, can only be
// reached through the write (structured control flow enters a region at its
// start and leaves it forward or to an enclosing loop's start).
// With pass `webs`, webs.ts's exact facts (reaching writes) replace these region rules for
// the entry value and the loops a local is live at the header of.

import { Op } from '../wasm/opcodes.ts';
import type { Instr } from '../wasm/types.ts';
import { scratchI32, scratchU8 } from './scratch.ts';
import type { WebFacts } from './webs.ts';

export interface LiveRanges {
  /** First position of each local's range, -1 when the local is never accessed. */
  start: Int32Array;
  /** Last position of each local's range. */
  end: Int32Array;
  /** The value a local has at entry (argument or zero) may be read; set at entry. */
  entry: Uint8Array;
  /** Position (> 0) before which a local's register is set to zero, -1 when none (entry does it). */
  zeroAt: Int32Array;
}

const UNCOVERED = 0x7fffffff;

interface Region { loop: boolean; pc: number; written: number[] }

export function liveRanges(instrs: Instr[], nLocals: number, nParams: number, facts: WebFacts | null = null): LiveRanges {
  const r: LiveRanges = {
    start: scratchI32(nLocals, -1), end: scratchI32(nLocals, -1),
    entry: scratchU8(nLocals), zeroAt: scratchI32(nLocals, -1),
  };
  /** Start of the top-level construct holding each local's first access (or that access). */
  const top = scratchI32(nLocals);
  const lo = scratchI32(nLocals, UNCOVERED), hi = scratchI32(nLocals, -1);
  /** Depth of the outermost open region holding a write of each local since it opened. */
  const cover = scratchI32(nLocals, UNCOVERED);
  /** Per local: the outermost loop (its position) whose header it is live at. */
  const liveLoop = scratchI32(nLocals, -1);
  const loopEnd = new Map<number, number>();
  const regions: Region[] = [{ loop: false, pc: -1, written: [] }];
  const close = (): Region => {
    const g = regions.pop()!;
    for (const x of g.written) cover[x] = UNCOVERED;
    return g;
  };
  if (facts) {                              // webs.ts saw every access and loop: no scan here
    lo.set(facts.lo.subarray(0, nLocals)); hi.set(facts.hi.subarray(0, nLocals)); top.set(facts.top.subarray(0, nLocals));
    for (let k = 0; k < facts.loopEnds.length; k += 2) loopEnd.set(facts.loopEnds[k], facts.loopEnds[k + 1]);
  }
  for (let pc = 0; !facts && pc < instrs.length; pc++) {
    const ins = instrs[pc];
    switch (ins.op) {
      case Op.Block: case Op.If: regions.push({ loop: false, pc, written: [] }); break;
      case Op.Loop: regions.push({ loop: true, pc, written: [] }); break;
      case Op.Else: { const g = close(); regions.push({ loop: false, pc: g.pc, written: [] }); break; }
      case Op.End: { const g = close(); if (g.loop) loopEnd.set(g.pc, pc); break; }
      case Op.LocalGet: case Op.LocalSet: case Op.LocalTee: {
        const x = ins.a!;
        if (x >= nLocals) break;
        if (pc < lo[x]) { lo[x] = pc; top[x] = regions.length > 1 ? regions[1].pc : pc; }
        hi[x] = pc;
        if (ins.op === Op.LocalGet) read(x, cover[x]);
        else if (cover[x] === UNCOVERED) { cover[x] = regions.length - 1; regions[regions.length - 1].written.push(x); }
        break;
      }
      default: break;
    }
  }
  function read(x: number, c: number): void {
    if (c === UNCOVERED) r.entry[x] = 1;
    // the outermost open loop deeper than the covering write's region
    const from = c === UNCOVERED ? 0 : c + 1;
    for (let d = from; d < regions.length; d++) {
      if (regions[d].loop) { if (liveLoop[x] < 0 || regions[d].pc < liveLoop[x]) liveLoop[x] = regions[d].pc; break; }
    }
  }
  if (facts) r.entry.set(facts.entry.subarray(0, nLocals));
  for (let x = 0; x < nLocals; x++) {
    if (hi[x] >= 0 && r.entry[x] && x >= nParams && top[x] > 0) { r.entry[x] = 0; r.zeroAt[x] = top[x]; }
  }
  if (facts) {
    // a loop that ends before a local's zero is set carries nothing the local needs
    for (let k = 0; k < facts.liveAt.length; k += 2) {
      const x = facts.liveAt[k], loop = facts.liveAt[k + 1];
      if (x >= nLocals || (r.zeroAt[x] >= 0 && (loopEnd.get(loop) ?? instrs.length) < r.zeroAt[x])) continue;
      if (liveLoop[x] < 0 || loop < liveLoop[x]) liveLoop[x] = loop;
    }
  }
  for (let x = 0; x < nLocals; x++) {
    if (hi[x] < 0) continue;
    let s = r.entry[x] ? 0 : r.zeroAt[x] >= 0 ? r.zeroAt[x] : lo[x], e = hi[x];
    if (liveLoop[x] >= 0) { s = Math.min(s, liveLoop[x]); e = Math.max(e, loopEnd.get(liveLoop[x]) ?? instrs.length); }
    r.start[x] = s; r.end[x] = e;
  }
  widenAcrossLoops(r, loopEnd);
  return r;
}

/** A range that overlaps a loop but is not inside it covers the whole loop (until nothing changes). */
function widenAcrossLoops(r: LiveRanges, loopEnd: Map<number, number>): void {
  for (let changed = true; changed;) {
    changed = false;
    for (let x = 0; x < r.start.length; x++) {
      if (r.start[x] < 0) continue;
      for (const [ls, le] of loopEnd) {
        const s = r.start[x], e = r.end[x];
        if (e < ls || s > le || (s >= ls && e <= le) || (s <= ls && e >= le)) continue;
        r.start[x] = Math.min(s, ls); r.end[x] = Math.max(e, le);
        changed = true;
      }
    }
  }
}
