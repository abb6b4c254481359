// Encoders and tables behind the Assembler's typed forms (aluRR, aluRI,
// movRI, shiftRI, sseArith, ...): the forms compiled code uses most, written
// as the bytes the table (encode.ts) selects for the same operands, without
// selecting a form. Register-register and immediate forms with a one-byte
// opcode are here; the Assembler writes the prefixed two-byte-opcode and
// memory forms itself (regReg, regMem) and hands anything outside a form's
// domain to i(). test/x86/direct.test.ts checks every form against i(),
// operand by operand. (SDM Vol. 2 §2.1 "Instruction Format", §2.2.1 "REX
// Prefixes"; opcodes from the ADD/OR/AND/SUB/XOR/CMP, TEST, MOV, shift and SSE pages.)

import type { Mnemonic } from './mnemonics.ts';

/** Two-operand integer ops with an `op r/m, r` form. */
export type AluOp = 'add' | 'or' | 'adc' | 'sbb' | 'and' | 'sub' | 'xor' | 'cmp' | 'test' | 'mov';
/** Of those, the ones with an immediate group `83 /digit ib` and `81 /digit id`. */
export type AluImmOp = 'add' | 'or' | 'adc' | 'sbb' | 'and' | 'sub' | 'xor' | 'cmp';

/** `op r/m, r` opcode by op; the immediate group's ModRM.reg digit is (opcode >> 3) for the first eight. */
export const ALU_RR: Readonly<Record<AluOp, number>> = {
  add: 0x01, or: 0x09, adc: 0x11, sbb: 0x19, and: 0x21, sub: 0x29, xor: 0x31, cmp: 0x39, test: 0x85, mov: 0x89,
};

/** Shifts and rotates by a constant: `C1 /digit ib`, or `D1 /digit` by 1. */
export type ShiftOp = 'rol' | 'ror' | 'shl' | 'shr' | 'sar';
export const SHIFT_DIGIT: Readonly<Record<ShiftOp, number>> = { rol: 0, ror: 1, shl: 4, shr: 5, sar: 7 };

/** Scalar SSE arithmetic: `F3 0F op` (ss) or `F2 0F op` (sd); the mnemonics for i(). */
export type SseArith = 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max' | 'sqrt';
export const SSE_ARITH: Readonly<Record<SseArith, { opcode: number; ss: Mnemonic; sd: Mnemonic }>> = {
  sqrt: { opcode: 0x51, ss: 'sqrtss', sd: 'sqrtsd' }, add: { opcode: 0x58, ss: 'addss', sd: 'addsd' },
  mul: { opcode: 0x59, ss: 'mulss', sd: 'mulsd' }, sub: { opcode: 0x5c, ss: 'subss', sd: 'subsd' },
  min: { opcode: 0x5d, ss: 'minss', sd: 'minsd' }, div: { opcode: 0x5e, ss: 'divss', sd: 'divsd' },
  max: { opcode: 0x5f, ss: 'maxss', sd: 'maxsd' },
};

/** Condition codes (the low nibble of jcc, setcc, cmovcc). */
export type Cond = 'o' | 'no' | 'b' | 'ae' | 'e' | 'ne' | 'be' | 'a' | 's' | 'ns' | 'p' | 'np' | 'l' | 'ge' | 'le' | 'g';
export const CC: Readonly<Record<Cond, number>> = {
  o: 0, no: 1, b: 2, ae: 3, e: 4, ne: 5, be: 6, a: 7, s: 8, ns: 9, p: 10, np: 11, l: 12, ge: 13, le: 14, g: 15,
};

/** A REX prefix with W (64-bit operand), R (ModRM.reg >= 8) and B (ModRM.rm >= 8), or none when all are clear. */
function rexFor(w: boolean, reg: number, rm: number): number {
  const bits = (w ? 8 : 0) | ((reg >> 3) << 2) | (rm >> 3);
  return bits === 0 ? 0 : 0x40 | bits;
}

function put32(b: Uint8Array, p: number, v: number): number {
  b[p] = v; b[p + 1] = v >>> 8; b[p + 2] = v >>> 16; b[p + 3] = v >>> 24;
  return p + 4;
}

/** `opcode r/m(rm), r(reg)` between registers: [REX] opcode ModRM(11, reg, rm). */
export function encRR(b: Uint8Array, p: number, w: boolean, opcode: number, reg: number, rm: number): number {
  const rex = rexFor(w, reg, rm);
  if (rex !== 0) b[p++] = rex;
  b[p++] = opcode;
  b[p++] = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  return p;
}

/**
 * The value an immediate ALU op of `size` bits encodes for `v`, as an int32, or null when
 * no sign-extended imm32 holds it: a 32-bit op takes [-2^31, 2^32) (its low 32 bits), a
 * 64-bit op [-2^31, 2^31).
 */
export function aluImm(size: 32 | 64, v: number | bigint): number | null {
  if (typeof v === 'bigint') {
    if (v < -0x80000000n || v >= (size === 32 ? 0x100000000n : 0x80000000n)) return null;
    return Number(v) | 0;
  }
  if (!Number.isInteger(v) || v < -0x80000000 || v >= (size === 32 ? 0x100000000 : 0x80000000)) return null;
  return v | 0;
}

/** `op r(d), imm` for an ALU op with an immediate group (`v` from aluImm): imm8 when it fits, else the eax form or 81 /digit. */
export function encAluRI(b: Uint8Array, p: number, w: boolean, op: AluImmOp, d: number, v: number): number {
  const digit = ALU_RR[op] >> 3;
  if (v >= -128 && v <= 127) {
    p = encRR(b, p, w, 0x83, digit, d);
    b[p++] = v;
    return p;
  }
  if (d === 0) {                                     // op eax/rax, imm32: one byte shorter
    if (w) b[p++] = 0x48;
    b[p++] = (digit << 3) | 5;
    return put32(b, p, v);
  }
  return put32(b, encRR(b, p, w, 0x81, digit, d), v);
}

/** `test r(d), imm32` (no imm8 form): A9 for eax/rax, else F7 /0. */
export function encTestRI(b: Uint8Array, p: number, w: boolean, d: number, v: number): number {
  if (d === 0) {
    if (w) b[p++] = 0x48;
    b[p++] = 0xa9;
    return put32(b, p, v);
  }
  return put32(b, encRR(b, p, w, 0xf7, 0, d), v);
}

/** `mov r32(d), imm32`: [REX.B] B8+r id (also a 64-bit mov of a value in [0, 2^32): the write zero-extends). */
export function encMovR32I(b: Uint8Array, p: number, d: number, v: number): number {
  if (d >= 8) b[p++] = 0x41;
  b[p++] = 0xb8 + (d & 7);
  return put32(b, p, v);
}

/** `mov r64(d), simm32`: REX.W C7 /0 id. */
export function encMovR64SI(b: Uint8Array, p: number, d: number, v: number): number {
  return put32(b, encRR(b, p, true, 0xc7, 0, d), v);
}
