// Tables and references (spec §4.4.6 table instructions, §4.4.3 references).
// A table is `u32 size, u32 capacity` at TableInfo.label and `capacity`
// 8-byte entries at TableInfo.data. A funcref is the address of the
// function's descriptor (null = 0); an externref is an opaque 64-bit value
// (null = 0).

import { Op } from '../wasm/opcodes.ts';
import { ValType, type Instr } from '../wasm/types.ts';
import { imm, memIdx, r8, r32, r64, ripMem, type Label } from '../x86/index.ts';
import { K, regVal } from './frame.ts';
import { on, type FuncCompiler } from './func.ts';
import { RCX, RDI, RSI, SCRATCH } from './masm.ts';
import { TrapKind } from './traps.ts';
import { popBulk } from './memory.ts';
import { emitMemmove } from './memmove.ts';
import type { TableInfo } from './context.ts';

function table(fc: FuncCompiler, ins: Instr, i: number): TableInfo {
  const t = fc.ctx.tables[i];
  if (!t) fc.fail('invalid', ins, `unknown table ${i}`);
  return t;
}

/** Traps with `kind` unless a + n <= the u32 at `len` (64-bit sum of zero-extended i32s). */
function boundsCheck(fc: FuncCompiler, a: number, n: number | null, len: Label, kind: TrapKind): void {
  const f = fc.frame, asm = fc.asm;
  fc.masm.load(32, SCRATCH, ripMem(len));
  if (n === null) {
    asm.i('cmp', r64(a), r64(SCRATCH));
    asm.jcc('ae', fc.trap(kind));
    return;
  }
  const t = f.allocGpr();
  asm.lea(64, t, memIdx(a, n, 1, 0));
  asm.i('cmp', r64(t), r64(SCRATCH));
  asm.jcc('a', fc.trap(kind));
  f.freeGpr(t);
}

function opTableGet(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, asm = fc.asm;
  const t = table(fc, ins, ins.a!);
  const idx = f.popReg();
  boundsCheck(fc, idx.n, null, t.label, TrapKind.TableOutOfBounds);
  asm.lea(64, SCRATCH, ripMem(t.data));
  asm.i('mov', r64(idx.n), memIdx(SCRATCH, idx.n, 8, 0, 64));
  f.push(regVal(t.elem, idx.n));
}

function opTableSet(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, asm = fc.asm;
  const t = table(fc, ins, ins.a!);
  const v = f.popReg();
  const idx = f.popReg();
  boundsCheck(fc, idx.n, null, t.label, TrapKind.TableOutOfBounds);
  asm.lea(64, SCRATCH, ripMem(t.data));
  asm.i('mov', memIdx(SCRATCH, idx.n, 8, 0, 64), r64(v.n));
  f.free(v);
  f.free(idx);
}

function opTableSize(fc: FuncCompiler, ins: Instr): void {
  const t = table(fc, ins, ins.a!);
  const r = fc.frame.allocGpr();
  fc.masm.load(32, r, ripMem(t.label));
  fc.frame.push(regVal(ValType.I32, r));
}

/** Stores `val` into entries [from, to) of the table data (registers; `from` is clobbered). */
function fillLoop(fc: FuncCompiler, t: TableInfo, from: number, to: number, val: number): void {
  const asm = fc.asm;
  const top = asm.label(), done = asm.label();
  asm.lea(64, SCRATCH, ripMem(t.data));
  asm.bind(top);
  asm.i('cmp', r64(from), r64(to));
  asm.jcc('ae', done);
  asm.i('mov', memIdx(SCRATCH, from, 8, 0, 64), r64(val));
  asm.i('add', r64(from), imm(1));
  asm.jmp(top);
  asm.bind(done);
}

function opTableGrow(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, asm = fc.asm;
  const t = table(fc, ins, ins.a!);
  const delta = f.popReg();
  const init = f.popReg();
  const old = f.allocGpr();
  const i = f.allocGpr();
  const fail = asm.label(), done = asm.label();
  fc.masm.load(32, old, ripMem(t.label));
  asm.lea(64, delta.n, memIdx(old, delta.n, 1, 0));       // new size (64-bit, no wrap)
  fc.masm.movImm(64, SCRATCH, BigInt(t.max));
  asm.i('cmp', r64(delta.n), r64(SCRATCH));
  asm.jcc('a', fail);
  asm.i('mov', ripMem(t.label, 0, 32), r32(delta.n));
  asm.i('mov', r32(i), r32(old));
  fillLoop(fc, t, i, delta.n, init.n);
  asm.jmp(done);
  asm.bind(fail);
  asm.movRI(32, old, -1);
  asm.bind(done);
  f.free(delta); f.free(init); f.freeGpr(i);
  f.push(regVal(ValType.I32, old));
}

function opTableFill(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, asm = fc.asm;
  const t = table(fc, ins, ins.a!);
  const n = f.popReg();
  const val = f.popReg();
  const i = f.popReg();
  boundsCheck(fc, i.n, n.n, t.label, TrapKind.TableOutOfBounds);
  asm.i('add', r64(n.n), r64(i.n));
  fillLoop(fc, t, i.n, n.n, val.n);
  f.free(n); f.free(val); f.free(i);
}

/** rdi = dst index, rsi = src index, rcx = count: scale to byte addresses and memmove. */
function moveEntries(fc: FuncCompiler, dst: Label, src: Label): void {
  const asm = fc.asm;
  asm.lea(64, SCRATCH, ripMem(dst));
  asm.lea(64, RDI, memIdx(SCRATCH, RDI, 8, 0));
  asm.lea(64, SCRATCH, ripMem(src));
  asm.lea(64, RSI, memIdx(SCRATCH, RSI, 8, 0));
  asm.i('shl', r64(RCX), imm(3));
  emitMemmove(fc);
}

function opTableCopy(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame;
  const td = table(fc, ins, ins.a!), ts = table(fc, ins, ins.b!);
  const vals = popBulk(fc, RSI);
  boundsCheck(fc, RDI, RCX, td.label, TrapKind.TableOutOfBounds);
  boundsCheck(fc, RSI, RCX, ts.label, TrapKind.TableOutOfBounds);
  moveEntries(fc, td.data, ts.data);
  for (const v of vals) f.free(v);
}

function opTableInit(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, ctx = fc.ctx;
  const seg = ins.a!;
  const t = table(fc, ins, ins.b!);
  if (seg >= ctx.elemLabels.length) fc.fail('invalid', ins, `unknown element segment ${seg}`);
  const vals = popBulk(fc, RSI);
  boundsCheck(fc, RSI, RCX, ctx.elemLens[seg], TrapKind.TableOutOfBounds);
  boundsCheck(fc, RDI, RCX, t.label, TrapKind.TableOutOfBounds);
  moveEntries(fc, t.data, ctx.elemLabels[seg]);
  for (const v of vals) f.free(v);
}

function opElemDrop(fc: FuncCompiler, ins: Instr): void {
  const l = fc.ctx.elemLens[ins.a!];
  if (!l) fc.fail('invalid', ins, `unknown element segment ${ins.a}`);
  fc.asm.i('mov', ripMem(l, 0, 32), imm(0));
}

function opRefNull(fc: FuncCompiler, ins: Instr): void {
  const t = ins.a === ValType.ExternRef ? ValType.ExternRef : ValType.FuncRef;
  fc.frame.push({ k: K.Const, t, n: 0, b: 0n, p: -1 });
}

function opRefIsNull(fc: FuncCompiler): void {
  const f = fc.frame;
  const v = f.peek();
  if (v.k === K.Const) { f.pop(); f.push({ k: K.Const, t: ValType.I32, n: v.b === 0n ? 1 : 0, b: 0n, p: -1 }); return; }
  const r = f.popReg();
  fc.asm.i('test', r64(r.n), r64(r.n));
  fc.asm.i('sete', r8(r.n));
  fc.asm.i('movzx', r32(r.n), r8(r.n));
  f.push(regVal(ValType.I32, r.n));
}

function opRefFunc(fc: FuncCompiler, ins: Instr): void {
  const r = fc.frame.allocGpr();
  fc.asm.lea(64, r, ripMem(fc.ctx.funcDesc(ins.a!)));
  fc.frame.push(regVal(ValType.FuncRef, r));
}

on([Op.TableGet], opTableGet);
on([Op.TableSet], opTableSet);
on([Op.TableSize], opTableSize);
on([Op.TableGrow], opTableGrow);
on([Op.TableFill], opTableFill);
on([Op.TableCopy], opTableCopy);
on([Op.TableInit], opTableInit);
on([Op.ElemDrop], opElemDrop);
on([Op.RefNull], opRefNull);
on([Op.RefIsNull], opRefIsNull);
on([Op.RefFunc], opRefFunc);
