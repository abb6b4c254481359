// Full unrolling of small counted loops, the shape asc emits for
// `for (let k = C0; k < N; k++) BODY` with constant bounds (cpio's hex8):
//
//   i32.const C0  local.set $k
//   loop
//     local.get $k  i32.const N  i32.lt_u | i32.lt_s | i32.ne
//     if
//       BODY                                   (no branches, no writes of $k)
//       local.get $k  i32.const 1  i32.add  local.set $k
//       br 1
//     end
//   end
//
// becomes BODY compiled N - C0 times with `local.get $k` read as the
// constant of each trip, then `$k = N`. Exact: the loop runs exactly those
// trips (the counter is only written by the increment, BODY cannot leave
// early), and $k holds N after it, as the loop would leave it.
//
// This file only recognises the shape (pure); plan.ts lays out the trips as
// emission steps and func.ts compiles them.

import { Op } from '../wasm/opcodes.ts';
import { ValType, type Instr } from '../wasm/types.ts';

const MAX_TRIPS = 16;
const MAX_UNROLLED = 256;

export interface UnrollPlan { local: number; from: number; to: number; bodyStart: number; bodyEnd: number; loopEnd: number }

/** Ops BODY may contain: straight-line ops, calls and nested blocks/ifs (which nothing branches out of). */
function bodyOp(op: Op): boolean {
  if (op >= Op.Drop) return op < 0x100 || (op >= 0xfc00 && op < 0xfd00);   // 0xFC: sat-trunc, bulk memory
  return op === Op.Nop || op === Op.Block || op === Op.If || op === Op.Else || op === Op.End ||
    op === Op.Call || op === Op.CallIndirect;
}

const is = (ins: Instr | undefined, op: Op, a?: number): boolean =>
  ins !== undefined && ins.op === op && (a === undefined || ins.a === a);

/** The trip range when `at(pc)` is a counted loop of the shape above with constant bounds. */
export function planUnroll(instrs: Instr[], pc: number, localTypes: ValType[]): UnrollPlan | null {
  const at = (k: number) => instrs[pc + k];
  const loop = instrs[pc];
  if (loop?.op !== Op.Loop || loop.blockType?.kind !== 'empty' || pc < 2) return null;
  const init = at(-2), set = at(-1);
  if (!is(init, Op.I32Const) || !is(set, Op.LocalSet)) return null;
  const k = set.a!;
  if (localTypes[k] !== ValType.I32 || !is(at(1), Op.LocalGet, k) || !is(at(2), Op.I32Const)) return null;
  const cmp = at(3)?.op;
  if (cmp !== Op.I32LtU && cmp !== Op.I32LtS && cmp !== Op.I32Ne) return null;
  if (at(4)?.op !== Op.If || at(4).blockType?.kind !== 'empty') return null;
  const from = init.a! | 0, to = at(2).a! | 0;
  if (from < 0 || to <= from || to - from > MAX_TRIPS) return null;
  const bodyStart = pc + 5;
  let depth = 0, p = bodyStart;
  for (; p < instrs.length; p++) {
    const ins = instrs[p];
    if (!bodyOp(ins.op)) return null;
    if ((ins.op === Op.LocalSet || ins.op === Op.LocalTee) && ins.a === k) break;
    if (ins.op === Op.Block || ins.op === Op.If) depth++;
    else if (ins.op === Op.End) { if (depth === 0) return null; depth--; }
  }
  // p is the increment's local.set: BODY = [bodyStart, p - 3)
  const bodyEnd = p - 3;
  if (depth !== 0 || bodyEnd < bodyStart) return null;
  if (!is(instrs[bodyEnd], Op.LocalGet, k) || !is(instrs[bodyEnd + 1], Op.I32Const, 1) || !is(instrs[bodyEnd + 2], Op.I32Add)) return null;
  if (!is(instrs[p + 1], Op.Br, 1) || !is(instrs[p + 2], Op.End) || !is(instrs[p + 3], Op.End)) return null;
  if ((to - from) * (bodyEnd - bodyStart) > MAX_UNROLLED) return null;
  return { local: k, from, to, bodyStart, bodyEnd, loopEnd: p + 3 };
}
