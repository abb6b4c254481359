// Webs (pass `webs`, before planning): a local that holds unrelated values is split into one
// local per value. Wasm producers reuse locals freely (binaryen and LLVM colour their
// locals: a loop's accumulator and the character it just loaded may share one), so one
// local's live range spans the lives of several values and it takes one register for all
// of them. A web is a set of writes of a local and the reads they reach, closed under
// "reaches the same read"; webs of one local never meet, so each can be a local of its own,
// with its own live range (liveranges.ts) and register (pins.ts).
//
// Reaching writes over structured control flow, in one pass (pruned SSA, as with phis that
// exist only when used): every write is a node of a union-find, and each local's current node
// is the value that reaches this point (the entry's value, argument or zero, is a node too).
// Where paths join with different values of a local (a block's or if's end, over the branches
// to it and the fallthrough; a loop's header, over the entry and each branch back) the join is
// a phi node. A read unites its node's web with everything a phi it reads joins, and phis
// are united with their inputs only once read (a phi nobody reads joins nothing): a local
// reused for an unrelated value after a loop or an if does not merge its two webs just
// because both reach the join. Every construct keeps the value each local it writes had at
// its start, so a block's join costs the locals written inside, not all of them; a loop's
// header has a phi per local. The web holding the entry's node keeps the local's index
// (parameters stay where the caller put them); the others get new locals of the same type.
// Code after a branch is unreachable and joins nothing.
//
// The same pass gives liveranges.ts exact facts in place of its region rules: whether a
// local's entry value is ever read (else nothing zeroes it), and the loops at whose header
// each local is live (its header phi is read).

import { Op } from '../wasm/opcodes.ts';
import type { Instr, ValType } from '../wasm/types.ts';

/** Most locals a function may have after splitting (module.ts allows 50000 declared). */
const MAX_LOCALS = 50000;
/** Most loop-header phis (locals times loops) a function may need; past it there are no facts. */
const MAX_PHIS = 1 << 20;

/** What splitWebs found, by local index after splitting. */
export interface WebFacts {
  /** Number of locals after splitting (new ones appended to localTypes). */
  count: number;
  /** The local's value at entry (argument or zero) may be read. */
  entry: Uint8Array;
  /** Pairs (local, position of a loop at whose header it is live), flat. */
  liveAt: number[];
}

interface Frame {
  loop: boolean;
  /** Loops: number (loopPc, loopBase, ...). */
  id: number;
  /** Unreachable at its start (opened in dead code): stays dead at its end. */
  deadOpen: boolean;
  /** Value (node) at the frame's start of each local written inside it. */
  start: Map<number, number>;
  /** Join at the end (blocks, ifs): the values of each local written on some incoming path, and on how many. */
  end: Map<number, number[]>;
  wrote: Map<number, number>;
  incoming: number;
  /** An if without an else so far: its false path joins the end with the start values. */
  ifNoElse: boolean;
}

const VALUE = 0, LOOP_PHI = 1, JOIN_PHI = 2;

/**
 * Splits the locals of `instrs` into webs, in place (with `split`): reads and writes of a split
 * web get the index of a new local, appended to `localTypes`. Returns null (nothing changed)
 * for a function with more locals times loops than MAX_PHIS.
 */
export function splitWebs(instrs: Instr[], localTypes: ValType[], split = true): WebFacts | null {
  const n = localTypes.length;
  let loops = 0;
  for (const ins of instrs) if (ins.op === Op.Loop) loops++;
  if (loops * n > MAX_PHIS) return null;
  // nodes: 0..n-1 the entry values, then writes and phis
  const parent: number[] = [], kind: number[] = [], aux: number[] = [], active: number[] = [];
  const newNode = (k: number, a: number): number => {
    const v = parent.length;
    parent.push(v); kind.push(k); aux.push(a); active.push(0);
    return v;
  };
  for (let l = 0; l < n; l++) newNode(VALUE, l);
  const find = (x: number): number => {
    while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; }
    return x;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent[rb] = ra;
  };
  /** Loops: position, first header phi (local l's is base + l), values at the entry, values from back edges. */
  const loopPc: number[] = [], loopBase: number[] = [], loopEntry: Int32Array[] = [];
  const loopBack: Map<number, number[]>[] = [];
  const joinOps: number[][] = [];
  const pending: number[] = [];
  /** A read of node x: x's web takes in every value the phis it reads join, transitively. */
  const activate = (x: number): void => {
    pending.push(x);
    while (pending.length > 0) {
      const v = pending.pop()!;
      if (kind[v] === VALUE || active[v]) continue;
      active[v] = 1;
      let ops: readonly number[];
      if (kind[v] === JOIN_PHI) ops = joinOps[aux[v]];
      else {
        const id = aux[v], l = v - loopBase[id];
        ops = [loopEntry[id][l], ...(loopBack[id].get(l) ?? [])];
      }
      for (const o of ops) { union(v, o); pending.push(o); }
    }
  };
  const cur = new Int32Array(n);
  for (let l = 0; l < n; l++) cur[l] = l;
  /** Node of each access (reads: the value read; writes: the value written), -1 elsewhere. */
  const node = new Int32Array(instrs.length).fill(-1);
  const frames: Frame[] = [];
  const open = (loop: boolean, dead: boolean, ifNoElse: boolean, pc: number): void => {
    const f: Frame = { loop, id: -1, deadOpen: dead, start: new Map(), end: new Map(), wrote: new Map(), incoming: 0, ifNoElse };
    if (loop) {
      f.id = loopPc.length;
      loopPc.push(pc); loopEntry.push(cur.slice()); loopBack.push(new Map());
      loopBase.push(parent.length);
      for (let l = 0; l < n; l++) cur[l] = newNode(LOOP_PHI, f.id);
    }
    frames.push(f);
  };
  /** The locals written since frame `t` opened. */
  const writtenSince = (t: number): Iterable<number> => {
    if (t === frames.length - 1) return frames[t].start.keys();
    const out = new Set<number>();
    for (let k = t; k < frames.length; k++) for (const l of frames[k].start.keys()) out.add(l);
    return out;
  };
  /** The current path branches to label `depth`. */
  const branch = (depth: number): void => {
    const t = frames.length - 1 - depth;
    if (t <= 0) return;                                   // the function's end: nothing reads after it
    const f = frames[t];
    if (f.loop) {
      const base = loopBase[f.id], back = loopBack[f.id];
      for (const l of writtenSince(t)) {
        const phi = base + l, v = cur[l];
        if (active[phi]) { union(phi, v); activate(v); continue; }
        const list = back.get(l);
        if (list) list.push(v); else back.set(l, [v]);
      }
      return;
    }
    f.incoming++;
    for (const l of writtenSince(t)) {
      const list = f.end.get(l);
      if (list) list.push(cur[l]); else f.end.set(l, [cur[l]]);
      f.wrote.set(l, (f.wrote.get(l) ?? 0) + 1);
    }
  };
  /** Closes the innermost frame at its end (`reachable`: the fallthrough); returns whether code after it is reachable. */
  const close = (reachable: boolean): boolean => {
    const f = frames[frames.length - 1];
    let live = reachable;
    if (!f.loop) {
      if (reachable) branch(0);
      if (f.ifNoElse && !f.deadOpen) f.incoming++;       // the false path, with the start values
      live = f.incoming > 0;
      for (const [l, list] of f.end) {
        if ((f.wrote.get(l) ?? 0) < f.incoming) list.push(f.start.get(l)!);
        let same = true;
        for (const v of list) if (v !== list[0]) { same = false; break; }
        if (same) cur[l] = list[0];
        else { cur[l] = newNode(JOIN_PHI, joinOps.length); joinOps.push(list); }
      }
      // a local written only on paths that did not reach the end still holds its start value
      for (const [l, v] of f.start) if (!f.end.has(l)) cur[l] = v;
    }
    frames.pop();
    const p = frames[frames.length - 1];
    for (const [l, v] of f.start) if (!p.start.has(l)) p.start.set(l, v);
    return live && !f.deadOpen;
  };
  open(false, false, false, 0);                          // the function's body
  let dead = false;
  for (let pc = 0; pc < instrs.length; pc++) {
    const ins = instrs[pc];
    switch (ins.op) {
      case Op.Block: open(false, dead, false, pc); break;
      case Op.Loop: open(true, dead, false, pc); break;
      case Op.If: open(false, dead, true, pc); break;
      case Op.Else: {
        const f = frames[frames.length - 1];
        if (!dead) branch(0);                             // the then-arm's end joins the if's end
        f.ifNoElse = false;
        for (const [l, v] of f.start) cur[l] = v;         // the else-arm starts where the if did
        dead = f.deadOpen;
        break;
      }
      case Op.End:
        if (frames.length === 1) { frames.pop(); break; }
        dead = !close(!dead);
        break;
      case Op.Br: if (!dead) branch(ins.a!); dead = true; break;
      case Op.BrIf: if (!dead) branch(ins.a!); break;
      case Op.BrTable:
        if (!dead) {
          const seen = new Set<number>();
          for (const d of [...ins.targets!, ins.a!]) if (!seen.has(d)) { seen.add(d); branch(d); }
        }
        dead = true;
        break;
      case Op.Return: case Op.Unreachable: dead = true; break;
      case Op.LocalGet: {
        const l = ins.a!;
        if (l >= n) break;
        node[pc] = cur[l];
        if (!dead) activate(cur[l]);
        break;
      }
      case Op.LocalSet: case Op.LocalTee: {
        const l = ins.a!;
        if (l >= n) break;
        const f = frames[frames.length - 1];
        if (!f.start.has(l)) f.start.set(l, cur[l]);
        cur[l] = node[pc] = newNode(VALUE, l);
        break;
      }
      default: break;
    }
  }
  // the entry's web keeps the index; every other web of a local gets a new one (when splitting)
  const local = new Map<number, number>();                // web root -> local index
  for (let l = 0; l < n; l++) local.set(find(l), l);
  let count = n;
  const owner = new Int32Array(instrs.length).fill(-1);
  for (let pc = 0; pc < instrs.length; pc++) {
    if (node[pc] < 0) continue;
    const root = find(node[pc]);
    let x = local.get(root);
    if (x === undefined) {
      x = split && count < MAX_LOCALS ? count++ : instrs[pc].a!;
      local.set(root, x);
    }
    owner[pc] = x;
  }
  const facts: WebFacts = { count, entry: new Uint8Array(count), liveAt: [] };
  for (let pc = 0; pc < instrs.length; pc++) {
    const l = instrs[pc].a!;
    if (instrs[pc].op === Op.LocalGet && node[pc] >= 0 && find(node[pc]) === find(l)) facts.entry[l] = 1;
  }
  for (let id = 0; id < loopPc.length; id++) {
    for (let l = 0; l < n; l++) {
      const phi = loopBase[id] + l;
      if (!active[phi]) continue;
      const x = local.get(find(phi));
      if (x !== undefined) facts.liveAt.push(x, loopPc[id]);
    }
  }
  if (count === n) return facts;
  const origin = new Int32Array(count - n);
  for (let pc = 0; pc < instrs.length; pc++) if (owner[pc] >= n) origin[owner[pc] - n] = instrs[pc].a!;
  for (let k = 0; k < count - n; k++) localTypes.push(localTypes[origin[k]]);
  for (let pc = 0; pc < instrs.length; pc++) if (owner[pc] >= 0) instrs[pc].a = owner[pc];
  return facts;
}
