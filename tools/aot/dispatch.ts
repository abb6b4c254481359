// The op-visitor registry: each op family file registers its visitors here
// at load time; FuncCompiler dispatches through `handlers`.

import type { Op } from '../wasm/opcodes.ts';
import type { Instr } from '../wasm/types.ts';
import type { FuncCompiler } from './func.ts';

export type Handler = (fc: FuncCompiler, ins: Instr) => void;
/** Op visitors by opcode (0xFC ops at 0x100 + sub-opcode). */
export const handlers: (Handler | undefined)[] = new Array(0x120);
export function handlerIndex(op: number): number { return op >= 0xfc00 ? 0x100 + (op & 0xff) : op; }
export function on(ops: Op[], h: Handler): void { for (const op of ops) handlers[handlerIndex(op)] = h; }
