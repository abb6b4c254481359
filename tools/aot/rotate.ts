// Loop rotation for the shape asc (and binaryen) emit for while/for loops:
//
//   loop $L                          L:    <header>        (first entry)
//     <header: pure ops -> i32>            j!cond  exit
//     if                             body: ...
//       ...                                <header again>  (each `br $L`)
//       br $L                              jcond   body
//     end                                  jmp     exit
//   end                              exit:
//
// Every `br $L` re-emits the header and branches straight into the body, so
// an iteration costs one conditional branch instead of a compare at the top
// plus a jump back. Duplicating the header is exact: it is the code the
// branch would run next. It is compiled from the same frame state both times
// (at the loop label every value below the loop is spilled or constant, and
// only pinned locals hold registers), so it yields the same state at the if.

import { Op } from '../wasm/opcodes.ts';
import type { Label } from '../x86/index.ts';
import { K } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { handlers, handlerIndex } from './dispatch.ts';
import { CtrlKind, type Cond, type Ctrl } from './control.ts';

export interface Rot {
  /** First header instruction and the `if` that ends the header. */
  start: number;
  ifPc: number;
  /** Bound at the start of the if's then-arm (null until compiled: no rotation). */
  body: Label | null;
  /** The if's else label: where a false header condition goes. */
  exit: Label | null;
  emitted: boolean;
}

const MAX_HEADER = 24;

/** Ops a header may contain: no control flow, calls, stores or fixed-register ops. */
function headerOp(op: Op): boolean {
  if (op === Op.LocalGet || op === Op.LocalSet || op === Op.LocalTee || op === Op.GlobalGet) return true;
  if (op === Op.I32Const || op === Op.I64Const) return true;
  if (op >= Op.I32Load && op <= Op.I64Load32U) return true;
  if (op >= Op.I32Eqz && op <= Op.I64GeU) return true;
  if ((op >= Op.I32Add && op <= Op.I32Mul) || (op >= Op.I32And && op <= Op.I32Xor)) return true;
  if ((op >= Op.I64Add && op <= Op.I64Mul) || (op >= Op.I64And && op <= Op.I64Xor)) return true;
  return op === Op.I32WrapI64 || op === Op.I64ExtendI32S || op === Op.I64ExtendI32U;
}

/** At `loop` (fc.pc): records a rotation plan on `c` when the loop has the shape above. */
export function planRotation(fc: FuncCompiler, c: Ctrl): void {
  if (c.params.length !== 0) return;
  const start = fc.pc + 1;
  let depth = 0;                             // nested if/else/end (value ifs: `x && y`)
  for (let pc = start; pc < fc.instrs.length && pc - start <= MAX_HEADER; pc++) {
    const ins = fc.instrs[pc];
    if (ins.op === Op.If && depth === 0 && ins.blockType?.kind === 'empty') {
      if (pc === start) return;
      c.rot = { start, ifPc: pc, body: null, exit: null, emitted: false };
      return;
    }
    if (ins.op === Op.If) { if (ins.blockType?.kind !== 'value') return; depth++; continue; }
    if (ins.op === Op.Else && depth > 0) continue;
    if (ins.op === Op.End && depth > 0) { depth--; continue; }
    if (!headerOp(ins.op)) return;
  }
}

/** True when the frame is in loop-header state: `base` spilled/constant values, only pins in registers. */
function headerState(fc: FuncCompiler, base: number): boolean {
  const f = fc.frame;
  if (f.stack.length !== base || f.gprUsed !== f.gprPinned || f.xmmUsed !== f.xmmPinned) return false;
  return f.stack.every((v) => v.k === K.Slot || v.k === K.Const);
}

/** In beginIf, after the jump to the else label: binds the rotated loop's body label if this is its if. */
export function noteRotationIf(fc: FuncCompiler, ifc: Ctrl): void {
  const loop = fc.ctrl[fc.ctrl.length - 2];
  const rot = loop?.rot;
  if (!rot || loop.kind !== CtrlKind.Loop || rot.ifPc !== fc.pc || rot.body) return;
  if (ifc.base !== loop.base || !headerState(fc, loop.base)) { loop.rot = undefined; return; }
  rot.body = fc.asm.label();
  rot.exit = ifc.elseLabel;
  fc.asm.align(64);                          // the loop proper starts here: in one 64-byte fetch window when short
  fc.asm.bind(rot.body);
}

/** beginIf while re-emitting a header: branch into the body or out of the loop. */
export function rotationJump(fc: FuncCompiler, rot: Rot, cond: Cond, base: number, alsoExit?: Label): void {
  if (!headerState(fc, base)) throw new Error('rotated loop header left a different frame state');
  fc.asm.i(`j${cond}`, rot.body!);
  if (alsoExit) fc.asm.bind(alsoExit);        // the false path of a fused `x && y` header
  fc.asm.i('jmp', rot.exit!);
  rot.emitted = true;
}

/** `br` to loop `c`: emits the rotated back edge when planned; returns false to branch normally. */
export function rotatedBackEdge(fc: FuncCompiler, c: Ctrl): boolean {
  const rot = c.rot;
  if (!rot?.body) return false;
  const f = fc.frame;
  const saved = { stack: f.stack, g: f.gprUsed, x: f.xmmUsed, pc: fc.pc };
  f.stack = f.stack.slice(0, c.base).map((v) => ({ ...v }));
  f.resetRegs();
  fc.rotating = { rot, base: c.base };
  rot.emitted = false;
  try {
    for (fc.pc = rot.start; !rot.emitted; fc.pc++) {
      if (fc.pc > rot.ifPc) throw new Error('rotated loop header did not end at its if');
      const ins = fc.instrs[fc.pc];
      handlers[handlerIndex(ins.op)]!(fc, ins);
    }
  } finally {
    fc.rotating = null;
  }
  f.stack = saved.stack; f.gprUsed = saved.g; f.xmmUsed = saved.x; fc.pc = saved.pc;
  return true;
}
