// Operand types of the "plain" instructions (numeric, conversion, memory
// access), derived once from the opcode table's text-format names
// (WebAssembly core 2.0 §3.3.1 numeric, §3.3.7 memory instructions).

import { Imm, Op, opInfo } from './opcodes.ts';
import { ValType } from './types.ts';

export interface Sig { params: ValType[]; results: ValType[] }

const T: Record<string, ValType> = { i32: ValType.I32, i64: ValType.I64, f32: ValType.F32, f64: ValType.F64 };

const UNOPS = /^(clz|ctz|popcnt|abs|neg|ceil|floor|trunc|nearest|sqrt|extend8_s|extend16_s|extend32_s)$/;
const RELOPS = /^(eq|ne|lt|gt|le|ge)(_[su])?$/;

/** Signature of a numeric or conversion instruction from its name, e.g. `i64.extend_i32_s`. */
function numericSig(name: string): Sig | undefined {
  const [prefix, rest] = name.split('.') as [string, string];
  const t = T[prefix];
  if (t === undefined) return undefined;
  const conv = /_(i32|i64|f32|f64)/.exec(rest);
  if (conv) return { params: [T[conv[1]!]!], results: [t] };
  if (rest === 'eqz') return { params: [t], results: [ValType.I32] };
  if (RELOPS.test(rest)) return { params: [t, t], results: [ValType.I32] };
  if (UNOPS.test(rest)) return { params: [t], results: [t] };
  return { params: [t, t], results: [t] };
}

/** Signatures of numeric/conversion ops (0x45-0xc4 and 0xFC 0-7), indexed by Op. */
export const NUMERIC_SIGS = new Map<Op, Sig>();
for (let op = 0x45; op <= 0xc4; op++) NUMERIC_SIGS.set(op, numericSig(opInfo(op)!.name)!);
for (let op = 0xfc00; op <= 0xfc07; op++) NUMERIC_SIGS.set(op, numericSig(opInfo(op)!.name)!);

/** A load or store: its value type, access width in bytes and whether it stores. */
export interface MemAccess { type: ValType; bytes: number; store: boolean }

/** Memory access ops (0x28-0x3e), indexed by Op. */
export const MEM_ACCESS = new Map<Op, MemAccess>();
for (let op = 0x28; op <= 0x3e; op++) {
  const info = opInfo(op)!;
  if (info.imm !== Imm.MemArg) continue;
  const [prefix, rest] = info.name.split('.') as [string, string];
  const type = T[prefix]!;
  const width = /(\d+)/.exec(rest);
  const bytes = width ? Number(width[1]) / 8 : type === ValType.I32 || type === ValType.F32 ? 4 : 8;
  MEM_ACCESS.set(op, { type, bytes, store: rest.startsWith('store') });
}
