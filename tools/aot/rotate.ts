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
//
// plan.ts recognises the shape and lays out the replays as emission steps;
// func.ts compiles them; this file emits the rotation's branches.

import type { Label } from '../x86/index.ts';
import { K } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { CtrlKind, negate, type Cond, type Ctrl, type Rot } from './blocks.ts';
import { CODE_ALIGN } from './masm.ts';

/**
 * True when the frame is in loop-header state: `base` values spilled or constant, or ones that
 * stay as they are through the loop (a lazy read passes lazyLocals keeps, a register value
 * keepRegs keeps), and only pins and those values in registers.
 */
function headerState(fc: FuncCompiler, base: number): boolean {
  const f = fc.frame;
  if (f.stack.length !== base || f.xmmUsed !== f.xmmPinned) return false;
  let regs = f.gprPinned;
  for (const v of f.stack) {
    if (v.k === K.Slot || v.k === K.Const) continue;
    if (v.k === K.Reg && f.keeper?.keptReg(v)) { regs |= 1 << v.n; continue; }
    if (v.k === K.Local && v.p >= 0 && f.keeper?.keepLazy(v)) continue;
    return false;
  }
  return f.gprUsed === regs;
}

/**
 * In beginIf, after the jump to the else label: binds the rotated loop's body label if this is its
 * if, 128-byte aligned. `place` may emit code that ends where the body starts (aligned itself).
 */
export function noteRotationIf(fc: FuncCompiler, ifc: Ctrl, ifPc: number, place?: (rot: Rot) => boolean): void {
  const loop = fc.ctrl[fc.ctrl.length - 2];
  const rot = loop?.rot;
  if (!rot || loop.kind !== CtrlKind.Loop || rot.ifPc !== ifPc || rot.body) return;
  if (ifc.base !== loop.base || !headerState(fc, loop.base)) { loop.rot = undefined; return; }
  rot.body = fc.asm.label();
  rot.exit = ifc.elseLabel;
  if (!place?.(rot)) fc.masm.alignCode(CODE_ALIGN);   // the loop proper starts here: at a 128-byte block's start
  fc.asm.bind(rot.body);
}

/** beginIf while re-emitting a header: branch into the body or out of the loop. */
export function rotationJump(fc: FuncCompiler, rot: Rot, cond: Cond, base: number, alsoExit?: Label): void {
  if (!headerState(fc, base)) throw new Error('rotated loop header left a different frame state');
  rot.emitted = true;
  if (rot.fallInto && !alsoExit) { fc.asm.jcc(negate(cond), rot.exit!); return; }   // the body follows
  fc.asm.jcc(cond, rot.body!);
  if (alsoExit) fc.asm.bind(alsoExit);        // the false path of a fused `x && y` header
  fc.asm.jmp(rot.exit!);
}
