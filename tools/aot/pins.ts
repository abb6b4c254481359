// Pinned locals: before compiling a body, pick the locals worth keeping in a
// register (weighted by loop depth) and the registers for them. r12-r14 are
// callee-saved (ABI.md): a local there survives calls, and the function saves
// the register once at entry. In a caller-saved pin register the local's frame
// slot is its home across calls: calls store the written ones and reload them,
// only those plan.ts's liveness says are read again. No fixed-register op (div,
// shifts, bulk memory, hw, merges, call results) uses a pin register, so pins never move.
//
// Two allocators:
//   choosePins     (pass `regalloc` off) one register per local for the whole
//                  function, the heaviest locals first
//   allocateRanges (pass `regalloc`) linear scan over the live ranges of
//                  liveranges.ts: locals whose ranges do not overlap share a
//                  register; when none is free, the lighter of the new range
//                  and the lightest active one stays in its frame slot; a range
//                  with calls in it takes a callee-saved register first, one
//                  without a caller-saved one; a local is worth a caller-saved
//                  register when its weighted uses outweigh the saves/reloads
//                  of the calls inside its own range; rdi is the last caller-saved
//                  register, in functions where no op needs it fixed (plan.ts pinRdi); in a
//                  leaf where no op needs rcx, rdx or rdi, those three come right after the
//                  other caller-saved ones, before any callee-saved (plan.ts leafRegs);
//                  on the kernel rbx is one too where no hw instruction (cpuid) is
//                  inlined (plan.ts kernelRbx)

import { Op } from '../wasm/opcodes.ts';
import type { Instr } from '../wasm/types.ts';
import type { UnrollPlan } from './unroll.ts';
import type { FuncPlan } from './plan.ts';
import type { LiveRanges } from './liveranges.ts';
import { isFloat, type Frame } from './frame.ts';
import { CALLEE_SAVED, R8, R9, R10, R12, R13, R14, RBX, RCX, RDI, RDX } from './masm.ts';
import { scratchF64, scratchI8, scratchU8 } from './scratch.ts';

/** Weight of a use at loop depth d: 4^d, capped at depth 8. */
const DEPTH_WEIGHT = Array.from({ length: 9 }, (_, d) => 4 ** d);

const GPR_PINS = [R12, R13, R14, R9, R8, R10];
const GPR_KEEP = [R12, R13, R14];
const GPR_VOL = [R9, R8, R10];
const XMM_PINS = [8, 9, 10, 11, 12, 13, 14];

/**
 * Weighted use counts of locals, which are written, and the weighted number
 * of calls (not those `unreachable` follows: noReturn). A loop unroll.ts will unroll weighs as its trips at the same
 * depth, and its counter's reads there are constants (not uses).
 */
function scan(instrs: Instr[], nLocals: number, unrolls: FuncPlan['unrolls']) {
  const uses = scratchF64(nLocals);
  const written = scratchU8(nLocals);
  const loops: boolean[] = [];
  const unrolled: UnrollPlan[] = [];
  /** Weighted calls at or before each position (prefix sums). */
  const callsUpTo = scratchF64(instrs.length);
  let depth = 0, calls = 0, mult = 1;
  for (let pc = 0; pc < instrs.length; pc++) {
    const ins = instrs[pc];
    while (unrolled.length > 0 && pc > unrolled[unrolled.length - 1].loopEnd) mult /= tripsOf(unrolled.pop()!);
    const w = (depth < 8 ? DEPTH_WEIGHT[depth] : DEPTH_WEIGHT[8]) * mult;
    const u = unrolled.length > 0 ? unrolled[unrolled.length - 1] : undefined;   // no out-of-bounds read (slow in V8)
    if ((ins.op === Op.Call || ins.op === Op.CallIndirect || ins.op === Op.MemoryGrow) && !noReturn(instrs, pc)) calls += w;
    callsUpTo[pc] = calls;
    if (u && (ins.op === Op.LocalGet || ins.op === Op.LocalSet || ins.op === Op.LocalTee) && ins.a === u.local) continue;
    switch (ins.op) {
      case Op.Block: case Op.If: loops.push(false); break;
      case Op.Loop: {
        const plan = unrolls.get(pc) ?? null;
        if (plan) { unrolled.push(plan); mult *= tripsOf(plan); }
        loops.push(!plan); if (!plan) depth++;
        break;
      }
      case Op.End: if (loops.pop()) depth--; break;
      case Op.LocalGet: uses[ins.a!] += w; break;
      case Op.LocalSet: case Op.LocalTee: uses[ins.a!] += w; written[ins.a!] = 1; break;
      default: break;
    }
  }
  return { uses, written, calls, callsUpTo };
}

const tripsOf = (p: UnrollPlan): number => p.to - p.from;

/**
 * A call that `unreachable` follows (asc's stack check calling abort): execution never goes on
 * after it, so it saves and reloads nothing (func.ts liveAfterCall) and costs a register nothing.
 */
export const noReturn = (instrs: Instr[], pc: number): boolean => instrs[pc + 1]?.op === Op.Unreachable;

/** Pins the locals of frame `f` worth a register (kernel: rbx is the boot stub's). */
export function choosePins(f: Frame, plan: FuncPlan, kernel: boolean): void {
  const n = f.localTypes.length;
  if (n === 0) return;
  const { uses, written, calls } = scan(plan.instrs, n, plan.unrolls);
  const order = [...Array(n).keys()]
    .filter((i) => uses[i] >= 2 && uses[i] > calls * (written[i] ? 2 : 1))
    .sort((a, b) => uses[b] - uses[a]);
  const gprs = kernel ? [...GPR_PINS] : [...GPR_PINS, RBX];
  const xmms = [...XMM_PINS];
  for (const i of order) {
    const pool = isFloat(f.localTypes[i]) ? xmms : gprs;
    const reg = pool.shift();
    if (reg !== undefined) f.pin(i, reg, written[i] === 1);
  }
}

interface Active { local: number; reg: number; end: number }

/** Free registers of one class: callee-saved (kept across calls), caller-saved, and rdi (pinRdi) after both. */
interface Pool { keep: number[]; vol: number[]; extra: number[] }

/**
 * Linear scan over plan.ranges: pins locals of frame `f`, sharing registers between disjoint ranges.
 * `hw`: the body inlines kernel hw instructions, which claim rbx (cpuid) and rdi.
 * A range with calls in it prefers a callee-saved register (no save/reload at the calls, one save
 * per invocation of the function); a range without calls prefers a caller-saved one (no save at all).
 */
export function allocateRanges(f: Frame, plan: FuncPlan, ranges: LiveRanges, kernel: boolean, hw: boolean): void {
  const n = f.localTypes.length;
  if (n === 0) return;
  const { uses, written, callsUpTo } = scan(plan.instrs, n, plan.unrolls);
  const { start, end } = ranges;
  const callsIn = (i: number): number => callsUpTo[end[i]] - (start[i] > 0 ? callsUpTo[start[i] - 1] : 0);
  /** Worth a caller-saved register: its uses outweigh the saves and reloads at the calls in its range. */
  const volOk = (i: number): boolean => uses[i] > callsIn(i) * (written[i] ? 2 : 1);
  /** Worth a callee-saved register: its uses outweigh the save at entry and the restore at return. */
  const keepOk = (i: number): boolean => !isFloat(f.localTypes[i]) && uses[i] >= KEEP_MIN_USES;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (start[i] >= 0 && uses[i] >= 2 && (volOk(i) || keepOk(i))) order.push(i);
  order.sort((a, b) => start[a] - start[b] || uses[b] - uses[a]);
  const reg = scratchI8(n, -1);
  const pools: Record<'gpr' | 'xmm', Pool> = {
    gpr: { keep: [...GPR_KEEP], vol: !kernel || (plan.kernelRbx && !hw) ? [...GPR_VOL, RBX] : [...GPR_VOL], extra: [] },
    xmm: { keep: [], vol: [...XMM_PINS], extra: [] },
  };
  if (plan.leafRegs && !hw) pools.gpr.vol.push(RCX, RDX, RDI);   // a leaf: caller-saved costs nothing, callee-saved a save
  else if (plan.pinRdi && !hw) pools.gpr.extra.push(RDI);   // last: the value stack keeps it unless needed
  const active = { gpr: [] as Active[], xmm: [] as Active[] };
  for (const i of order) {
    const cls = isFloat(f.localTypes[i]) ? 'xmm' : 'gpr';
    const act = active[cls], pool = pools[cls];
    for (let k = act.length - 1; k >= 0; k--) {
      if (act[k].end < start[i]) { release(pool, act[k].reg); removeAt(act, k); }
    }
    const keepFits = keepOk(i), volFits = volOk(i);      // which kind of register local i is worth
    let r = takeFree(pool, callsIn(i) > 0, keepFits, volFits);
    if (r === undefined) {
      let light = -1;
      for (let k = 0; k < act.length; k++) {
        if (fits(act[k].reg, keepFits, volFits) && (light < 0 || uses[act[k].local] < uses[act[light].local])) light = k;
      }
      const v = act[light];
      if (!v || uses[v.local] >= uses[i]) continue;
      reg[v.local] = -1;                      // the lighter range stays in its frame slot
      removeAt(act, light);
      r = v.reg;
    }
    reg[i] = r;
    act.push({ local: i, reg: r, end: end[i] });
  }
  for (let i = 0; i < n; i++) if (reg[i] >= 0) f.pin(i, reg[i], written[i] === 1, ranges.entry[i] === 1);
}

/** Weighted uses a local needs for a callee-saved register (its save and restore cost two). */
const KEEP_MIN_USES = 3;

const isKeep = (r: number): boolean => (CALLEE_SAVED & (1 << r)) !== 0;

function release(pool: Pool, r: number): void { (isKeep(r) ? pool.keep : r === RDI ? pool.extra : pool.vol).unshift(r); }

/** Whether register r suits a local worth a callee-saved one (`keep`) or a caller-saved one (`vol`). */
function fits(r: number, keep: boolean, vol: boolean): boolean { return isKeep(r) ? keep : vol; }

/** A free register that fits, callee-saved first when the range has calls; removed from the pool. (No closure per local: this runs per local.) */
function takeFree(pool: Pool, calls: boolean, keep: boolean, vol: boolean): number | undefined {
  return takeFrom(calls ? pool.keep : pool.vol, keep, vol) ?? takeFrom(calls ? pool.vol : pool.keep, keep, vol) ?? takeFrom(pool.extra, keep, vol);
}

/** The first register of `list` that fits, removed from it, or undefined. */
function takeFrom(list: number[], keep: boolean, vol: boolean): number | undefined {
  for (let k = 0; k < list.length; k++) {
    if (!fits(list[k], keep, vol)) continue;
    const r = list[k];
    removeAt(list, k);
    return r;
  }
  return undefined;
}

/** Removes list[k] (splice without the array of removed elements it makes: this runs per local). */
function removeAt<T>(list: T[], k: number): void {
  for (let j = k; j + 1 < list.length; j++) list[j] = list[j + 1];
  list.length--;
}
