// Pinned locals: before compiling a body, pick the locals worth keeping in a
// register for the whole function (weighted by loop depth) and the
// registers for them. A pinned local's frame slot is its home across calls:
// calls store the written ones and reload all (every register is
// caller-saved, ABI.md). No fixed-register op (div, shifts, bulk memory, hw,
// merges, call results) uses a pin register, so pins never move.

import { Op } from '../wasm/opcodes.ts';
import type { Instr } from '../wasm/types.ts';
import { isFloat } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { R8, R9, R10, R12, R13, R14, RBX } from './masm.ts';

const GPR_PINS = [R12, R13, R14, R9, R8, R10];
const XMM_PINS = [8, 9, 10, 11, 12, 13, 14];

/** Weighted use counts of locals, which are written, and the weighted number of calls. */
function scan(instrs: Instr[], nLocals: number) {
  const uses = new Float64Array(nLocals);
  const written = new Uint8Array(nLocals);
  const loops: boolean[] = [];
  let depth = 0, calls = 0;
  for (const ins of instrs) {
    const w = 4 ** Math.min(depth, 8);
    switch (ins.op) {
      case Op.Block: case Op.If: loops.push(false); break;
      case Op.Loop: loops.push(true); depth++; break;
      case Op.End: if (loops.pop()) depth--; break;
      case Op.LocalGet: uses[ins.a!] += w; break;
      case Op.LocalSet: case Op.LocalTee: uses[ins.a!] += w; written[ins.a!] = 1; break;
      case Op.Call: case Op.CallIndirect: case Op.MemoryGrow: calls += w; break;
      default: break;
    }
  }
  return { uses, written, calls };
}

export function choosePins(fc: FuncCompiler, instrs: Instr[]): void {
  const f = fc.frame;
  const n = f.localTypes.length;
  if (n === 0) return;
  const { uses, written, calls } = scan(instrs, n);
  const order = [...Array(n).keys()]
    .filter((i) => uses[i] >= 2 && uses[i] > calls * (written[i] ? 2 : 1))
    .sort((a, b) => uses[b] - uses[a]);
  const gprs = fc.ctx.kernel ? [...GPR_PINS] : [...GPR_PINS, RBX];
  const xmms = [...XMM_PINS];
  for (const i of order) {
    const pool = isFloat(f.localTypes[i]) ? xmms : gprs;
    const reg = pool.shift();
    if (reg !== undefined) f.pin(i, reg, written[i] === 1);
  }
}
