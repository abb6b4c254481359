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
// start and leaves it forward or to an enclosing loop's start). A local written
// on every way to a block's end (its fallthrough and each branch to it), a
// loop's end, or both arms' ends of an if with an else counts as written in the
// enclosing region after it.
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

/**
 * An open block, loop, if-arm or else-arm (`kind`): the locals whose covering write is at its
 * own level; `brAll`, the locals written since it opened at every branch to its end so far
 * (null: none yet; branches to a loop go to its start); an else-arm's `thenCovered`, the locals
 * covered at every way out of the then-arm to the if's end.
 */
interface Region { kind: RegionKind; pc: number; written: number[]; brAll: number[] | null; thenCovered: number[] | null }
const enum RegionKind { Block, Loop, Then, Else }

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
  const regions: Region[] = [{ kind: RegionKind.Block, pc: -1, written: [], brAll: null, thenCovered: null }];
  const open = (kind: RegionKind, pc: number): void => { regions.push({ kind, pc, written: [], brAll: null, thenCovered: null }); };
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
      case Op.Block: open(RegionKind.Block, pc); break;
      case Op.If: open(RegionKind.Then, pc); break;
      case Op.Loop: open(RegionKind.Loop, pc); break;
      case Op.Else: {
        const g = regions[regions.length - 1], thenCovered = coveredAtEnd(g);
        close();
        open(RegionKind.Else, g.pc);
        regions[regions.length - 1].thenCovered = thenCovered;
        break;
      }
      case Op.End: {
        const g = regions[regions.length - 1];
        const covered = g.kind === RegionKind.Then ? null : coveredAtEnd(g);   // an if without else: its false path writes nothing
        close();
        if (g.kind === RegionKind.Loop) loopEnd.set(g.pc, pc);
        if (covered && regions.length > 0) promote(covered);
        break;
      }
      case Op.Br: case Op.BrIf: branchTo(ins.a!); break;
      case Op.BrTable: for (const d of ins.targets!) branchTo(d); branchTo(ins.a!); break;
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
  /**
   * A branch to label `d`: the locals written since its region opened (on this path) reach its
   * end. Those are the ones covered at its depth or deeper (cover[x] >= t). brAll is an array,
   * not a Set (one per block branched to): a local is in one open region's `written` at most.
   */
  function branchTo(d: number): void {
    const t = regions.length - 1 - d;
    const g = regions[t];
    if (!g || g.kind === RegionKind.Loop) return;        // a loop's label is its start
    const all = g.brAll;
    if (all) {
      let kept = 0;
      for (const x of all) if (!(cover[x] < t || cover[x] === UNCOVERED)) all[kept++] = x;
      all.length = kept;
      return;
    }
    g.brAll = [];
    for (let k = t; k < regions.length; k++) for (const x of regions[k].written) g.brAll.push(x);
  }
  /**
   * The locals written on every way to region g's end: its fallthrough and every branch to it.
   * An array (g.written has no duplicates), not a Set: this runs at every end and else.
   */
  function coveredAtEnd(g: Region): number[] {
    const out: number[] = [];
    for (const x of g.written) {
      if ((g.brAll && !g.brAll.includes(x)) || (g.thenCovered && !g.thenCovered.includes(x))) continue;
      out.push(x);
    }
    return out;
  }
  /**
   * After a construct every way out of which wrote x: x is covered in the enclosing region from
   * here, as if written at its level (a block's end is reached only by its fallthrough and the
   * branches to it; a loop's only by its fallthrough).
   */
  function promote(xs: number[]): void {
    const parent = regions[regions.length - 1], depth = regions.length - 1;
    for (const x of xs) {
      if (cover[x] !== UNCOVERED) continue;
      cover[x] = depth;
      parent.written.push(x);
    }
  }
  function read(x: number, c: number): void {
    if (c === UNCOVERED) r.entry[x] = 1;
    // the outermost open loop deeper than the covering write's region
    const from = c === UNCOVERED ? 0 : c + 1;
    for (let d = from; d < regions.length; d++) {
      if (regions[d].kind === RegionKind.Loop) { if (liveLoop[x] < 0 || regions[d].pc < liveLoop[x]) liveLoop[x] = regions[d].pc; break; }
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
  if (loopEnd.size === 0) return;
  // the loops as two arrays, in the map's order: iterating the map made an entry array per local and loop
  const starts = [...loopEnd.keys()], ends = [...loopEnd.values()];
  for (let changed = true; changed;) {
    changed = false;
    for (let x = 0; x < r.start.length; x++) {
      if (r.start[x] < 0) continue;
      for (let k = 0; k < starts.length; k++) {
        const ls = starts[k], le = ends[k];
        const s = r.start[x], e = r.end[x];
        if (e < ls || s > le || (s >= ls && e <= le) || (s <= ls && e >= le)) continue;
        r.start[x] = Math.min(s, ls); r.end[x] = Math.max(e, le);
        changed = true;
      }
    }
  }
}
