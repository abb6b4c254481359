// Webs (pass `webs`, before planning; off by default, plan.ts DEFAULT_OFF): a local that holds
// unrelated values is split into one local per value. Wasm producers reuse locals freely
// (binaryen and LLVM colour their locals: a loop's accumulator and the character it just
// loaded may share one), so one local's live range spans the lives of several values and it
// takes one register for all of them. A web is a set of writes of a local and the reads they
// reach, closed under "reaches the same read"; webs of one local never meet, so each can be a
// local of its own, with its own live range (liveranges.ts) and register (pins.ts).
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
// It runs for every function compiled, so it allocates nothing per function but its results:
// the union-find, the phis' operand lists, the write log and the joins live in flat typed
// arrays kept from one function to the next. A construct's start values are the first
// entries per local in the write log from where it opened (a local is logged at its first
// write in each construct); what reaches a block's end is a list of (construct, local, value)
// entries, read when the construct closes.
//
// The same pass gives liveranges.ts exact facts in place of its region rules: whether a
// local's entry value is ever read (else nothing zeroes it), and the loops at whose header
// each local is live (its header phi is read).

import { Op } from '../wasm/opcodes.ts';
import type { Instr, ValType } from '../wasm/types.ts';
import { scratchI32, scratchU8 } from './scratch.ts';

/** Most locals a function may have after splitting (module.ts allows 50000 declared). */
const MAX_LOCALS = 50000;
/** Most loop-header phis (locals times loops) a function may need; past it there are no facts. */
const MAX_PHIS = 1 << 20;

/** What splitWebs found, by local index after splitting. */
export interface WebFacts {
  /** The local's value at entry (argument or zero) may be read. */
  entry: Uint8Array;
  /** Pairs (local, position of a loop at whose header it is live), flat; valid until the next splitWebs. */
  liveAt: Int32Array;
  /** Per local: first and last access (-1: none), start of the top-level construct of the first. */
  lo: Int32Array;
  hi: Int32Array;
  top: Int32Array;
  /** Pairs (position of a loop, position of its end), flat. */
  loopEnds: Int32Array;
}

const VALUE = 0, LOOP_PHI = 1, JOIN_PHI = 2;
const FRAME_BLOCK = 0, FRAME_LOOP = 1, FRAME_IF = 2;

/** A growable Int32Array kept across functions. */
class Ints {
  a = new Int32Array(256);
  n = 0;
  push(v: number): number {
    if (this.n === this.a.length) { const b = new Int32Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n] = v;
    return this.n++;
  }
  /** At least `len` elements (contents kept). */
  ensure(len: number): Int32Array {
    if (this.a.length < len) { const b = new Int32Array(Math.max(len, this.a.length * 2)); b.set(this.a); this.a = b; }
    return this.a;
  }
}

// nodes: union-find parent, kind, read (activated), head of the operand list (phis); nNodes in use
let parentA = new Int32Array(1024), kindA = new Uint8Array(1024), activeA = new Uint8Array(1024), opHeadA = new Int32Array(1024);
let nNodes = 0;
// operand lists of phis: value and next
const opVal = new Ints(), opNext = new Ints();
// write log: local and its value at the first write in a construct
const logLocal = new Ints(), logVal = new Ints();
// values reaching a block's or if's end: construct number, local, value
const endFrame = new Ints(), endLocal = new Ints(), endVal = new Ints();
// open constructs, by depth (fCap of each)
let fKind = new Int32Array(64), fUid = new Int32Array(64), fDead = new Int32Array(64), fLog = new Int32Array(64);
let fOpen = new Int32Array(64), fIncoming = new Int32Array(64), fNoElse = new Int32Array(64), fEnd = new Int32Array(64);
let fLoop = new Int32Array(64), fPc = new Int32Array(64);
// loops: position and first header phi (local l's is base + l)
const loopPc = new Ints(), loopBase = new Ints();
// per local (resized per function): current value, time of the last write, stamps and values of the joins
const cur = new Ints(), lastWrite = new Ints(), stampA = new Ints(), stampB = new Ints(), stampC = new Ints();
const valA = new Ints(), cntA = new Ints(), valB = new Ints();
/** Per position of an access: the node it reads or writes, and the top-level construct's start; the positions of the accesses. */
const nodeAt = new Ints(), topAt = new Ints(), accesses = new Ints();
const loopEnds = new Ints();
const pending = new Ints(), liveAt = new Ints(), webOf = new Ints();

let stamp = 0;
let now = 0;
let depth = 0;

function grown<T extends Int32Array | Uint8Array>(a: T, len: number): T {
  const b = new (a.constructor as new (n: number) => T)(len);
  b.set(a);
  return b;
}
function newNode(k: number): number {
  const i = nNodes++;
  if (i === parentA.length) {
    const len = parentA.length * 2;
    parentA = grown(parentA, len); kindA = grown(kindA, len); activeA = grown(activeA, len); opHeadA = grown(opHeadA, len);
  }
  parentA[i] = i; kindA[i] = k; activeA[i] = 0; opHeadA[i] = -1;
  return i;
}
function find(x: number): number {
  const p = parentA;
  while (p[x] !== x) { p[x] = p[p[x]]; x = p[x]; }
  return x;
}
function union(a: number, b: number): void {
  const ra = find(a), rb = find(b);
  if (ra !== rb) parentA[rb] = ra;
}
function addOperand(phi: number, v: number): void {
  opVal.push(v);
  opNext.push(opHeadA[phi]);
  opHeadA[phi] = opVal.n - 1;
}
/** A read of node x: x's web takes in every value the phis it reads join, transitively. */
function activate(x: number): void {
  pending.n = 0;
  pending.push(x);
  while (pending.n > 0) {
    const v = pending.a[--pending.n];
    if (kindA[v] === VALUE || activeA[v]) continue;
    activeA[v] = 1;
    for (let k = opHeadA[v]; k >= 0; k = opNext.a[k]) { union(v, opVal.a[k]); pending.push(opVal.a[k]); }
  }
}

function open(k: number, dead: boolean, n: number, pc: number): void {
  if (depth === fKind.length) {
    const len = depth * 2;
    fKind = grown(fKind, len); fUid = grown(fUid, len); fDead = grown(fDead, len); fLog = grown(fLog, len); fOpen = grown(fOpen, len);
    fIncoming = grown(fIncoming, len); fNoElse = grown(fNoElse, len); fEnd = grown(fEnd, len); fLoop = grown(fLoop, len);
    fPc = grown(fPc, len);
  }
  fKind[depth] = k; fUid[depth] = ++stamp; fDead[depth] = dead ? 1 : 0; fLog[depth] = logLocal.n;
  fOpen[depth] = ++now; fIncoming[depth] = 0; fNoElse[depth] = k === FRAME_IF ? 1 : 0; fEnd[depth] = endFrame.n;
  fLoop[depth] = -1; fPc[depth] = pc;
  if (k === FRAME_LOOP) {
    fLoop[depth] = loopPc.n;
    loopPc.push(pc); loopBase.push(nNodes);
    const c = cur.a;
    for (let l = 0; l < n; l++) { const p = newNode(LOOP_PHI); addOperand(p, c[l]); c[l] = p; }
  }
  depth++;
}

/**
 * Marks the locals written since construct `t` opened: the first log entry of each gets stamp
 * `s` in stampA (a local is logged at its first write in each construct, so later entries of a
 * local in the range are its writes in inner constructs or the other arm of an if).
 */
function isFirst(k: number, s: number): boolean {
  const l = logLocal.a[k];
  if (stampA.a[l] === s) return false;
  stampA.a[l] = s;
  return true;
}

/** The current path branches to construct `t` (a depth). */
function branch(t: number): void {
  if (t <= 0) return;                                    // the function's end: nothing reads after it
  const c = cur.a, s = ++stamp;
  if (fKind[t] === FRAME_LOOP) {
    const base = loopBase.a[fLoop[t]];
    for (let k = fLog[t]; k < logLocal.n; k++) {
      if (!isFirst(k, s)) continue;
      const l = logLocal.a[k], phi = base + l, v = c[l];
      if (activeA[phi]) { union(phi, v); activate(v); } else addOperand(phi, v);
    }
    return;
  }
  fIncoming[t]++;
  const uid = fUid[t];
  for (let k = fLog[t]; k < logLocal.n; k++) {
    if (!isFirst(k, s)) continue;
    const l = logLocal.a[k];
    endFrame.push(uid); endLocal.push(l); endVal.push(c[l]);
  }
}

/** Closes the innermost construct at its end (`reachable`: the fallthrough); returns whether code after it is reachable. */
function close(reachable: boolean): boolean {
  const t = depth - 1;
  let live = reachable;
  if (fKind[t] !== FRAME_LOOP) {
    if (reachable) branch(t);
    if (fNoElse[t] && !fDead[t]) fIncoming[t]++;   // the false path, with the start values
    const incoming = fIncoming[t], uid = fUid[t], c = cur.a;
    live = incoming > 0;
    // start values (first log entry per local), then per local: how many paths wrote it, one value, all the same?
    const sa = ++stamp, sb = ++stamp;
    for (let k = fLog[t]; k < logLocal.n; k++) {
      const l = logLocal.a[k];
      if (stampA.a[l] !== sa) { stampA.a[l] = sa; valA.a[l] = logVal.a[k]; cntA.a[l] = 0; }
    }
    for (let k = fEnd[t]; k < endFrame.n; k++) {
      if (endFrame.a[k] !== uid) continue;
      const l = endLocal.a[k], v = endVal.a[k];
      if (stampB.a[l] !== sb) { stampB.a[l] = sb; valB.a[l] = v; } else if (valB.a[l] !== v) valB.a[l] = -1;
      cntA.a[l]++;
    }
    // decide each local written inside: its start value (no path to the end wrote it), the one
    // value that reaches the end, or a join phi of them all
    const sc = ++stamp;
    for (let k = fLog[t]; k < logLocal.n; k++) {
      const l = logLocal.a[k];
      if (stampC.a[l] === sc) continue;
      stampC.a[l] = sc;
      const start = valA.a[l];
      if (stampB.a[l] !== sb) { c[l] = start; continue; }
      const one = valB.a[l], all = cntA.a[l] >= incoming;
      if (one >= 0 && (all || one === start)) { c[l] = one; continue; }
      const p = newNode(JOIN_PHI);
      if (!all) addOperand(p, start);
      for (let j = fEnd[t]; j < endFrame.n; j++) if (endFrame.a[j] === uid && endLocal.a[j] === l) addOperand(p, endVal.a[j]);
      c[l] = p;
    }
  }
  const dead = fDead[t] === 1;
  depth--;
  return live && !dead;
}

/**
 * Splits the locals of `instrs` into webs, in place: reads and writes of a split web get the
 * index of a new local, appended to `localTypes`. Returns null (nothing changed) for a function
 * with more locals times loops than MAX_PHIS.
 */
export function splitWebs(instrs: Instr[], localTypes: ValType[]): WebFacts | null {
  const n = localTypes.length;
  let loops = 0;
  for (let pc = 0; pc < instrs.length; pc++) if (instrs[pc].op === Op.Loop) loops++;
  if (loops * n > MAX_PHIS) return null;
  nNodes = opVal.n = opNext.n = 0;
  logLocal.n = logVal.n = endFrame.n = endLocal.n = endVal.n = 0;
  loopPc.n = loopBase.n = liveAt.n = 0;
  depth = 0;
  for (const a of [cur, lastWrite, stampA, stampB, stampC, valA, cntA, valB]) a.ensure(n);
  stamp = 0; now = 0;                                    // stamps restart: the per-local arrays are cleared
  stampA.a.fill(0, 0, n); stampB.a.fill(0, 0, n); stampC.a.fill(0, 0, n);
  const c = cur.a;
  for (let l = 0; l < n; l++) { newNode(VALUE); c[l] = l; lastWrite.a[l] = 0; }
  const node = nodeAt.ensure(instrs.length), top = topAt.ensure(instrs.length);
  accesses.n = 0; loopEnds.n = 0;
  open(FRAME_BLOCK, false, n, 0);                        // the function's body
  let dead = false;
  for (let pc = 0; pc < instrs.length; pc++) {
    const ins = instrs[pc];
    switch (ins.op) {
      case Op.Block: open(FRAME_BLOCK, dead, n, pc); break;
      case Op.Loop: open(FRAME_LOOP, dead, n, pc); break;
      case Op.If: open(FRAME_IF, dead, n, pc); break;
      case Op.Else: {
        const t = depth - 1;
        if (!dead) branch(t);                            // the then-arm's end joins the if's end
        fNoElse[t] = 0;
        const st = ++stamp;
        for (let k = fLog[t]; k < logLocal.n; k++) if (isFirst(k, st)) c[logLocal.a[k]] = logVal.a[k];   // the else-arm starts where the if did
        fOpen[t] = ++now;                               // its first writes are logged again
        dead = fDead[t] === 1;
        break;
      }
      case Op.End:
        if (depth === 1) { depth = 0; break; }
        if (fKind[depth - 1] === FRAME_LOOP) { loopEnds.push(fPc[depth - 1]); loopEnds.push(pc); }
        dead = !close(!dead);
        break;
      case Op.Br: if (!dead) branch(depth - 1 - ins.a!); dead = true; break;
      case Op.BrIf: if (!dead) branch(depth - 1 - ins.a!); break;
      case Op.BrTable:                                   // a target named twice counts twice on both sides of a join
        if (!dead) {
          for (const d of ins.targets!) branch(depth - 1 - d);
          branch(depth - 1 - ins.a!);
        }
        dead = true;
        break;
      case Op.Return: case Op.Unreachable: dead = true; break;
      case Op.LocalGet: {
        const l = ins.a!;
        if (l >= n) break;
        const v = c[l];
        node[pc] = v;
        top[pc] = depth > 1 ? fPc[1] : pc;
        accesses.push(pc);
        if (!dead && kindA[v] !== VALUE && !activeA[v]) activate(v);
        break;
      }
      case Op.LocalSet: case Op.LocalTee: {
        const l = ins.a!;
        if (l >= n) break;
        if (lastWrite.a[l] < fOpen[depth - 1]) { logLocal.push(l); logVal.push(c[l]); }
        lastWrite.a[l] = ++now;
        c[l] = node[pc] = newNode(VALUE);
        top[pc] = depth > 1 ? fPc[1] : pc;
        accesses.push(pc);
        break;
      }
      default: break;
    }
  }
  return assign(instrs, localTypes, n);
}

/** Gives every web a local (the entry's web keeps the index) and collects the facts. */
function assign(instrs: Instr[], localTypes: ValType[], n: number): WebFacts {
  const node = nodeAt.a, acc = accesses.a;
  const web = webOf.ensure(nNodes);
  web.fill(-1, 0, nNodes);
  for (let l = 0; l < n; l++) web[find(l)] = l;
  let count = n;
  const most = n + Math.min(accesses.n, MAX_LOCALS);              // new locals: at most one per access
  const entry = scratchU8(most), lo = scratchI32(most, -1), hi = scratchI32(most, -1), top = scratchI32(most);
  for (let k = 0; k < accesses.n; k++) {
    const pc = acc[k], ins = instrs[pc], l = ins.a!;
    const root = find(node[pc]);
    let x = web[root];
    if (x < 0) {
      x = web[root] = count < MAX_LOCALS ? count++ : l;
      if (x >= n) localTypes.push(localTypes[l]);
    }
    if (x === l && ins.op === Op.LocalGet && l < n && root === find(l)) entry[l] = 1;
    if (lo[x] < 0) { lo[x] = pc; top[x] = topAt.a[pc]; }
    hi[x] = pc;
    ins.a = x;
  }
  for (let id = 0; id < loopPc.n; id++) {
    const base = loopBase.a[id];
    for (let l = 0; l < n; l++) {
      if (!activeA[base + l]) continue;
      const x = web[find(base + l)];
      if (x >= 0) { liveAt.push(x); liveAt.push(loopPc.a[id]); }
    }
  }
  return {
    entry: entry.subarray(0, count), liveAt: liveAt.a.subarray(0, liveAt.n),
    lo: lo.subarray(0, count), hi: hi.subarray(0, count), top: top.subarray(0, count), loopEnds: loopEnds.a.subarray(0, loopEnds.n),
  };
}
