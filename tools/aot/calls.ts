// Calls (ABI.md "Calls between wasm functions"): direct calls, imports
// (target labels, kernel hw instructions, env.abort) and call_indirect
// through a table of function descriptors {u32 sig id, u32 0, u64 code}.
// All registers are caller-saved: values below the arguments that sit in
// registers are spilled first; locals stay where they are.

import { Op } from '../wasm/opcodes.ts';
import { ValType, type FuncType, type Instr } from '../wasm/types.ts';
import { imm, mem, memIdx, r32, r64, ripMem } from '../x86/index.ts';
import { K, isFloat, sizeOf } from './frame.ts';
import { on, type FuncCompiler } from './func.ts';
import { RAX, RCX, RDI, RDX, RSI, RSP, SCRATCH } from './masm.ts';
import { TrapKind } from './traps.ts';
import { emitHw } from './hw.ts';

/** Stores the top `params.length` values into the outgoing argument area and pops them. */
export function passArgs(fc: FuncCompiler, t: FuncType): void {
  const f = fc.frame;
  const n = t.params.length;
  const base = f.stack.length - n;
  f.spillBelow(base, false);
  fc.needOut(Math.max(n, t.results.length));
  for (let k = 0; k < n; k++) {
    const v = f.stack[base + k];
    f.storeTo(v, base + k, mem(RSP, 8 * k, sizeOf(v.t)));
  }
  for (let k = 0; k < n; k++) f.free(f.pop());
}

/** Pushes the results of a call that just returned. */
export function takeResults(fc: FuncCompiler, t: FuncType, zeroExtend: boolean): void {
  const f = fc.frame;
  if (t.results.length === 1) {
    const rt = t.results[0];
    if (zeroExtend && rt === ValType.I32) fc.asm.i('mov', r32(RAX), r32(RAX));
    f.pushReg(rt, isFloat(rt) ? 0 : RAX);
    return;
  }
  for (let k = 0; k < t.results.length; k++) {
    const d = f.stack.length;
    fc.masm.load(64, SCRATCH, mem(RSP, 8 * k));
    fc.masm.store(64, f.slotMem(d, 64), SCRATCH);
    f.push({ k: K.Slot, t: t.results[k], n: 0, b: 0n, p: -1 });
  }
}

function opCall(fc: FuncCompiler, ins: Instr): void {
  const ctx = fc.ctx;
  const callee = ctx.callees[ins.a!];
  const t = ctx.funcTypes[ins.a!];
  if (!callee || !t) fc.fail('invalid', ins, `unknown function ${ins.a}`);
  if (callee.kind === 'hw') { emitHw(fc, callee.name, t, ins); return; }
  passArgs(fc, t);
  if (callee.kind === 'abort') { emitAbort(fc); return; }
  fc.beforeCall();
  fc.asm.call(callee.label);
  fc.afterCall();
  takeResults(fc, t, callee.kind === 'import');
}

/** env.abort(msg, file, line, col) -> `abort` with edi, esi, edx, ecx (never returns). */
function emitAbort(fc: FuncCompiler): void {
  const asm = fc.asm;
  [RDI, RSI, RDX, RCX].forEach((r, k) => asm.i('mov', r32(r), mem(RSP, 8 * k, 32)));
  asm.call(asm.sym('abort'));
}

function opCallIndirect(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, asm = fc.asm, ctx = fc.ctx;
  const t = ctx.m.types[ins.a!];
  const table = ctx.tables[ins.b!];
  if (!t || !table) fc.fail('invalid', ins, `unknown type ${ins.a} or table ${ins.b}`);
  const idx = f.popReg();
  passArgs(fc, t);
  asm.i('cmp', r32(idx.n), ripMem(table.label, 0, 32));
  asm.jcc('ae', fc.trap(TrapKind.UndefinedElement));
  asm.lea(64, SCRATCH, ripMem(table.data));
  asm.i('mov', r64(SCRATCH), memIdx(SCRATCH, idx.n, 8, 0, 64));
  asm.i('test', r64(SCRATCH), r64(SCRATCH));
  asm.jcc('e', fc.trap(TrapKind.UninitializedElement));
  asm.i('cmp', mem(SCRATCH, 0, 32), imm(ctx.typeIds[ins.a!]));
  asm.jcc('ne', fc.trap(TrapKind.IndirectCallTypeMismatch));
  fc.beforeCall();
  asm.i('call', mem(SCRATCH, 8, 64));
  fc.afterCall();
  f.free(idx);
  takeResults(fc, t, true);
}

on([Op.Call], opCall);
on([Op.CallIndirect], opCallIndirect);
