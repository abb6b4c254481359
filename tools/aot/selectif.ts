// Selects as branches (pass `selectIf`, before planning, after inline): a
// `select` whose second operand costs two or more operations is rewritten to
// compute that operand only when it is chosen, as a compiler keeps a branch it
// does not if-convert:
//
//   A  B  C  select            A  local.set t  C
//                        ->    if (result T)  local.get t  else  B  end
//
// B and C must be pure and unable to trap (local and global reads, constants,
// numeric ops but integer division and float-to-integer truncation), so
// evaluating C before B, and B only when C is false, is the same program. A
// (anything, with its effects) still runs first, always. The local t is new.
//
// Why: asc and binaryen turn `c <= 57 ? c - 48 : (c | 32) - 87` into a select;
// as a cmov both arms run for every digit. In cpio's header parsing that was
// 4 instructions more per hex digit, 6 ms of 42 (the same code with the branch
// edited in ran 37, wasm2c + gcc 36, which keeps the branch). A select whose
// operands are plain values (min, max, the sort kernel's merge) stays a cmov:
// there the branch would be a data-dependent guess.

import { Op } from '../wasm/opcodes.ts';
import { NUMERIC_SIGS } from '../wasm/validate-sigs.ts';
import type { Instr, ValType } from '../wasm/types.ts';

/** Operations (not reads or constants) B needs before a select becomes a branch. */
export const SELECT_IF_MIN_COST = 2;

export interface SelectsRewritten { instrs: Instr[]; localTypes: ValType[]; owner: Int32Array | null }

/** Rewrites the selects worth a branch in `instrs` (owner: inline.ts's, kept in step). */
export function branchSelects(instrs: Instr[], localTypes: ValType[], owner: Int32Array | null): SelectsRewritten {
  let out: Instr[] | null = null;
  let own: number[] | null = null;
  let types = localTypes;
  for (let s = 0; s < instrs.length; s++) {
    const ins = instrs[s];
    const shape = ins.op === Op.Select || ins.op === Op.SelectT ? selectShape(instrs, s) : null;
    if (!shape) {
      if (out) { out.push(ins); own?.push(owner![s]); }
      continue;
    }
    if (!out) {
      out = instrs.slice(0, shape.b0);
      own = owner ? Array.from(owner.subarray(0, shape.b0)) : null;
      types = [...localTypes];
    } else {
      out.length -= s - shape.b0;                 // B and C were copied: taken back
      if (own) own.length -= s - shape.b0;
    }
    const t = types.length;
    types.push(shape.type);
    const who = owner ? owner[s] : 0;
    const emit = (x: Instr): void => { out!.push(x); own?.push(who); };
    const pos = ins.pos;
    emit({ op: Op.LocalSet, pos, a: t });
    for (let k = shape.c0; k < s; k++) emit(instrs[k]);
    emit({ op: Op.If, pos, blockType: { kind: 'value', type: shape.type } });
    emit({ op: Op.LocalGet, pos, a: t });
    emit({ op: Op.Else, pos });
    for (let k = shape.b0; k < shape.c0; k++) emit(instrs[k]);
    emit({ op: Op.End, pos });
  }
  if (!out) return { instrs, localTypes, owner };
  return { instrs: out, localTypes: types, owner: own ? Int32Array.from(own) : null };
}

/** B's and C's first positions and the selected type, when the select at `s` is worth a branch. */
function selectShape(instrs: Instr[], s: number): { b0: number; c0: number; type: ValType } | null {
  const c0 = pureStart(instrs, s - 1);
  if (c0 < 0) return null;
  const b0 = pureStart(instrs, c0 - 1);
  if (b0 <= 0) return null;                         // A comes before B
  let cost = 0;
  for (let k = b0; k < c0; k++) if (!isLeaf(instrs[k].op)) cost++;
  if (cost < SELECT_IF_MIN_COST) return null;
  const last = instrs[c0 - 1];
  const type = instrs[s].op === Op.SelectT ? instrs[s].types?.[0] : NUMERIC_SIGS.get(last.op)?.results[0];
  return type === undefined ? null : { b0, c0, type };
}

/** A read of a local or global, or a constant. */
export const isLeaf = (op: Op): boolean => op === Op.LocalGet || op === Op.GlobalGet || (op >= Op.I32Const && op <= Op.F64Const);

/** Start of the pure expression whose value the instruction at `end` leaves on top, or -1. */
function pureStart(instrs: Instr[], end: number): number {
  let need = 1;
  for (let k = end; k >= 0; k--) {
    const op = instrs[k].op;
    if (isLeaf(op)) need--;
    else {
      const sig = NUMERIC_SIGS.get(op);
      if (!sig || mayTrap(op)) return -1;
      need += sig.params.length - 1;
    }
    if (need === 0) return k;
  }
  return -1;
}

/** Numeric ops that trap: integer division and remainder, float-to-integer truncation (not _sat). */
export function mayTrap(op: Op): boolean {
  return (op >= Op.I32DivS && op <= Op.I32RemU) || (op >= Op.I64DivS && op <= Op.I64RemU)
    || (op >= Op.I32TruncF32S && op <= Op.I32TruncF64U) || (op >= Op.I64TruncF32S && op <= Op.I64TruncF64U);
}
