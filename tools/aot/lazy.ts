// Passes lazyLocals and keepRegs (func.ts keepLazy, keepReg): the analyses that
// let a value stay where it is through a block, loop or if that starts with it
// on the operand stack, instead of going to its spill slot at the construct's
// entry (Frame.spillBelow) because something inside might move it on some paths.
//   useOfGet  where the value a `local.get` pushed (a lazy read of the local,
//             frame.ts K.Local) is used, and whether a write of the local inside
//             a construct comes first
//   regSafe   whether a construct's code takes registers from the free ones only,
//             so a value kept in a register is never moved

import { Op } from '../wasm/opcodes.ts';
import type { FuncType, Instr } from '../wasm/types.ts';

/** The types useOfGet needs: a called function's, a call_indirect's, a construct's (null when not valid). */
export interface UseTypes {
  calleeType(func: number): FuncType | undefined;
  indirectType(type: number): FuncType | undefined;
  constructType(ins: Instr): FuncType | null;
}

/**
 * The position where the value that the `local.get` at `get` pushed is used: popped by an op,
 * taken by a branch or by a construct's end as one of its values, or dropped by a branch.
 * -1 when a write of the local inside a construct comes before that (the write would move the
 * value out first on its path only; one at the get's own level does so on every path), or when
 * the scan cannot tell: an op whose stack effect is not in the tables here (bulk memory,
 * tables, SIMD), a construct with params, or more than `limit` instructions.
 */
export function useOfGet(instrs: Instr[], get: number, types: UseTypes, limit: number): number {
  const x = instrs[get].a!;
  const stop = Math.min(instrs.length, get + 1 + limit);
  let h = 1;                 // values on the stack from the get's value up
  let depth = 0;             // inside a construct the get's level opened (which cannot pop the value)
  let results = 0;           // that construct's results, pushed at its end
  for (let q = get + 1; q < stop; q++) {
    const ins = instrs[q], op = ins.op;
    if (depth > 0) {
      if (op === Op.Block || op === Op.Loop || op === Op.If) depth++;
      else if (op === Op.End && --depth === 0) h += results;
      else if ((op === Op.LocalSet || op === Op.LocalTee) && ins.a === x) return -1;
      continue;
    }
    switch (op) {
      case Op.Block: case Op.Loop: case Op.If: {
        const t = types.constructType(ins);
        if (!t || t.params.length > 0) return -1;
        if (op === Op.If && --h < 1) return q;             // the value is the if's condition
        results = t.results.length;
        depth = 1;
        break;
      }
      case Op.Else: case Op.End: case Op.Br: case Op.BrTable: case Op.Return: case Op.Unreachable:
        return q;                                          // a value of the construct or branch, or dropped
      case Op.BrIf:
        if (--h < 1) return q;                             // the condition; else taken as a value or kept
        break;
      case Op.Call: case Op.CallIndirect: {
        const t = op === Op.Call ? types.calleeType(ins.a!) : types.indirectType(ins.a!);
        if (!t) return -1;
        h -= t.params.length + (op === Op.CallIndirect ? 1 : 0);
        if (h < 1) return q;
        h += t.results.length;
        break;
      }
      case Op.LocalSet: case Op.LocalTee:                 // a write here moves the value out first, on every path
        if (h === 1) return q;                             // the value is what is written
        if (op === Op.LocalSet) h--;
        break;
      default: {
        const sat = op >= Op.I32TruncSatF32S && op <= Op.I64TruncSatF64U;
        const pops = op < 0x100 ? POPS[op] : sat ? 1 : -1;
        if (pops < 0) return -1;
        if (h - pops < 1) return q;
        h += (sat ? 1 : PUSHES[op]) - pops;
        break;
      }
    }
  }
  return -1;
}

/**
 * Pass keepRegs: whether the code strictly between positions `from` (a construct) and `to` (its
 * end) compiles with registers taken from the free ones only: control flow without br_table,
 * locals, globals, memory loads and stores, constants, integer compares and add, sub, mul, and,
 * or, xor, shifts and rotates by a constant, wraps and extends. Not: calls (they spill and clobber
 * every register), division (rax, rdx), shifts by a variable (rcx), bulk memory and memory.grow
 * (rdi, rsi, rcx), float ops and anything else.
 */
export function regSafe(instrs: Instr[], from: number, to: number): boolean {
  for (let q = from + 1; q < to; q++) {
    const op = instrs[q].op;
    if (op >= 0x100 || !SAFE[op]) return false;
    if (SHIFT[op] && instrs[q - 1].op !== (op < Op.I64Clz ? Op.I32Const : Op.I64Const)) return false;
  }
  return true;
}
const SAFE = new Uint8Array(0x100), SHIFT = new Uint8Array(0x100);
(() => {
  const set = (t: Uint8Array, from: Op, to: Op): void => { t.fill(1, from, to + 1); };
  set(SAFE, Op.Unreachable, Op.BrIf); set(SAFE, Op.Return, Op.Return); set(SAFE, Op.Drop, Op.Select);
  set(SAFE, Op.LocalGet, Op.GlobalSet); set(SAFE, Op.I32Load, Op.I64Store32); set(SAFE, Op.I32Const, Op.I64Const);
  set(SAFE, Op.I32Eqz, Op.I64GeU); set(SAFE, Op.I32Add, Op.I32Mul); set(SAFE, Op.I32And, Op.I32Rotr);
  set(SAFE, Op.I64Add, Op.I64Mul); set(SAFE, Op.I64And, Op.I64Rotr);
  set(SAFE, Op.I32WrapI64, Op.I32WrapI64); set(SAFE, Op.I64ExtendI32S, Op.I64ExtendI32U); set(SAFE, Op.I32Extend8S, Op.I64Extend32S);
  set(SHIFT, Op.I32Shl, Op.I32Rotr); set(SHIFT, Op.I64Shl, Op.I64Rotr);
})();

/** Values a one-byte op without control flow or calls pops, -1 when not listed; PUSHES, the values it pushes. */
const POPS = new Int8Array(0x100).fill(-1);
const PUSHES = new Int8Array(0x100).fill(1);
(() => {
  const set = (from: Op, to: Op, pops: number, pushes = 1): void => { POPS.fill(pops, from, to + 1); PUSHES.fill(pushes, from, to + 1); };
  set(Op.Nop, Op.Nop, 0, 0); set(Op.Drop, Op.Drop, 1, 0); set(Op.Select, Op.SelectT, 3);
  set(Op.LocalGet, Op.LocalGet, 0); set(Op.GlobalGet, Op.GlobalGet, 0); set(Op.GlobalSet, Op.GlobalSet, 1, 0);
  set(Op.I32Load, Op.I64Load32U, 1); set(Op.I32Store, Op.I64Store32, 2, 0);
  set(Op.MemorySize, Op.MemorySize, 0); set(Op.MemoryGrow, Op.MemoryGrow, 1);
  set(Op.I32Const, Op.F64Const, 0);
  set(Op.I32Eqz, Op.I32Eqz, 1); set(Op.I32Eq, Op.I32GeU, 2); set(Op.I64Eqz, Op.I64Eqz, 1); set(Op.I64Eq, Op.F64Ge, 2);
  set(Op.I32Clz, Op.I32Popcnt, 1); set(Op.I32Add, Op.I32Rotr, 2);
  set(Op.I64Clz, Op.I64Popcnt, 1); set(Op.I64Add, Op.I64Rotr, 2);
  set(Op.F32Abs, Op.F32Sqrt, 1); set(Op.F32Add, Op.F32Copysign, 2);
  set(Op.F64Abs, Op.F64Sqrt, 1); set(Op.F64Add, Op.F64Copysign, 2);
  set(Op.I32WrapI64, Op.I64Extend32S, 1);
  set(Op.RefNull, Op.RefNull, 0); set(Op.RefIsNull, Op.RefIsNull, 1); set(Op.RefFunc, Op.RefFunc, 0);
})();
