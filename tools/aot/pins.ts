// Pinned locals: before compiling a body, pick the locals worth keeping in a
// register for the whole function (weighted by loop depth) and the
// registers for them. A pinned local's frame slot is its home across calls:
// calls store the written ones and reload them, only those plan.ts's
// liveness says are read again (every register is caller-saved, ABI.md).
// No fixed-register op (div, shifts, bulk memory, hw, merges, call results)
// uses a pin register, so pins never move.

import { Op } from '../wasm/opcodes.ts';
import type { Instr } from '../wasm/types.ts';
import type { UnrollPlan } from './unroll.ts';
import type { FuncPlan } from './plan.ts';
import { isFloat, type Frame } from './frame.ts';
import { R8, R9, R10, R12, R13, R14, RBX } from './masm.ts';

const GPR_PINS = [R12, R13, R14, R9, R8, R10];
const XMM_PINS = [8, 9, 10, 11, 12, 13, 14];

/**
 * Weighted use counts of locals, which are written, and the weighted number
 * of calls. A loop unroll.ts will unroll weighs as its trips at the same
 * depth, and its counter's reads there are constants (not uses).
 */
function scan(instrs: Instr[], nLocals: number, unrolls: FuncPlan['unrolls']) {
  const uses = new Float64Array(nLocals);
  const written = new Uint8Array(nLocals);
  const loops: boolean[] = [];
  const unrolled: UnrollPlan[] = [];
  let depth = 0, calls = 0, mult = 1;
  for (let pc = 0; pc < instrs.length; pc++) {
    const ins = instrs[pc];
    while (unrolled.length > 0 && pc > unrolled[unrolled.length - 1].loopEnd) mult /= tripsOf(unrolled.pop()!);
    const w = 4 ** Math.min(depth, 8) * mult;
    const u = unrolled[unrolled.length - 1];
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
      case Op.Call: case Op.CallIndirect: case Op.MemoryGrow: calls += w; break;
      default: break;
    }
  }
  return { uses, written, calls };
}

const tripsOf = (p: UnrollPlan): number => p.to - p.from;

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
