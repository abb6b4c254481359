// Linear memory (spec §4.4.7, ABI.md "Memory"): loads and stores of every
// width, memory.size/grow, and the bulk ops memory.copy/fill/init and
// data.drop. The effective address is the zero-extended i32 plus the u32
// offset as a 64-bit sum (no wrap), relative to r15. Linux relies on its
// guard region for bounds (AotOptions.bounds 'guard', the default) or checks
// the access's end against the byte-size cell ('explicit'); the kernel has none.

import { Op } from '../wasm/opcodes.ts';
import { ValType, type Instr } from '../wasm/types.ts';
import { imm, mem, memIdx, r8, r32, r64, ripMem, type Mem, type Mnemonic } from '../x86/index.ts';
import { K, constBits, isFloat, regVal, type Val } from './frame.ts';
import { on, type FuncCompiler } from './func.ts';
import { R15, RAX, RCX, RDI, RSI, SCRATCH } from './masm.ts';
import { TrapKind } from './traps.ts';
import { finishResultPin, setTargetPin } from './settarget.ts';
import { emitMemmove, emitMemset } from './memmove.ts';

const I32 = ValType.I32, I64 = ValType.I64, F32 = ValType.F32, F64 = ValType.F64;

/**
 * The memory operand for address value `a` (already popped, depth d) + offset,
 * for an access of `size` bytes. Returns the operand and the GPR it uses if
 * the caller owns it (else -1). With AotOptions.bounds 'explicit' (Linux) it
 * first traps unless the access lies inside the memory.
 */
function address(fc: FuncCompiler, a: Val, d: number, offset: number, size: number): { m: Mem; reg: number } {
  const f = fc.frame;
  const explicit = !fc.ctx.kernel && fc.ctx.opts.bounds === 'explicit';
  if (a.k === K.Const) {
    const ea = (a.n >>> 0) + offset;
    if (explicit) checkConstEnd(fc, ea + size);
    if (ea <= 0x7fffffff) return { m: mem(R15, ea), reg: -1 };
    const t = f.allocGpr();
    fc.masm.movImm(64, t, BigInt(ea));
    return { m: memIdx(R15, t, 1, 0), reg: t };
  }
  let r: number;
  let owned = true;
  if (a.k === K.Reg) r = a.n;
  else if (f.pinnedReg(a) >= 0) { r = f.pinnedReg(a); owned = false; }
  else { r = f.allocGpr(); f.loadTo(a, d, r); }
  if (offset + size > 0x7fffffff) {
    const t = f.allocGpr();
    fc.asm.movRI(32, t, offset);
    fc.asm.i('add', r64(t), r64(r));
    if (owned) f.freeGpr(r);
    if (explicit) checkEnd(fc, t, size);
    return { m: memIdx(R15, t, 1, 0), reg: t };
  }
  if (explicit) checkEnd(fc, r, offset + size);
  if (!owned) {
    if (fc.ctx.kernel) return { m: mem(r, offset), reg: -1 };
    return { m: memIdx(R15, r, 1, offset), reg: -1 };
  }
  if (fc.ctx.kernel) return { m: mem(r, offset), reg: r };
  return { m: memIdx(R15, r, 1, offset), reg: r };
}

/** The u64 byte size of memory 0 (Linux cells, ABI.md "Memory"). */
const memBytes = (fc: FuncCompiler): Mem => ripMem(fc.ctx.memPages, 16, 64);

/** Traps unless reg + disp (64-bit, disp < 2^31) <= the memory's byte size. */
function checkEnd(fc: FuncCompiler, reg: number, disp: number): void {
  fc.asm.lea(64, SCRATCH, mem(reg, disp));
  fc.asm.i('cmp', r64(SCRATCH), memBytes(fc));
  fc.asm.jcc('a', fc.trap(TrapKind.MemoryOutOfBounds));
}

/** Traps unless the constant `end` <= the memory's byte size. */
function checkConstEnd(fc: FuncCompiler, end: number): void {
  if (end <= 0x7fffffff) fc.asm.i('cmp', memBytes(fc), imm(end));
  else {
    fc.masm.movImm(64, SCRATCH, BigInt(end));
    fc.asm.i('cmp', memBytes(fc), r64(SCRATCH));
  }
  fc.asm.jcc('b', fc.trap(TrapKind.MemoryOutOfBounds));
}

interface LoadKind { t: ValType; mn: Mnemonic; size: 8 | 16 | 32 | 64; wide: boolean }
const LOADS: Partial<Record<Op, LoadKind>> = {
  [Op.I32Load]: { t: I32, mn: 'mov', size: 32, wide: false },
  [Op.I64Load]: { t: I64, mn: 'mov', size: 64, wide: true },
  [Op.F32Load]: { t: F32, mn: 'movss', size: 32, wide: false },
  [Op.F64Load]: { t: F64, mn: 'movsd', size: 64, wide: false },
  [Op.I32Load8S]: { t: I32, mn: 'movsx', size: 8, wide: false },
  [Op.I32Load8U]: { t: I32, mn: 'movzx', size: 8, wide: false },
  [Op.I32Load16S]: { t: I32, mn: 'movsx', size: 16, wide: false },
  [Op.I32Load16U]: { t: I32, mn: 'movzx', size: 16, wide: false },
  [Op.I64Load8S]: { t: I64, mn: 'movsx', size: 8, wide: true },
  [Op.I64Load8U]: { t: I64, mn: 'movzx', size: 8, wide: false },
  [Op.I64Load16S]: { t: I64, mn: 'movsx', size: 16, wide: true },
  [Op.I64Load16U]: { t: I64, mn: 'movzx', size: 16, wide: false },
  [Op.I64Load32S]: { t: I64, mn: 'movsxd', size: 32, wide: true },
  [Op.I64Load32U]: { t: I64, mn: 'mov', size: 32, wide: false },
};

function opLoad(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame;
  const k = LOADS[ins.op as Op]!;
  const d = f.stack.length - 1;
  const a = f.pop();
  const { m, reg } = address(fc, a, d, ins.b! >>> 0, k.size / 8);
  m.size = k.size;
  const pr = setTargetPin(fc);                 // `local.set x (load)`: load straight into x
  if (isFloat(k.t)) {
    const x = pr >= 0 ? pr : f.allocXmm();
    fc.asm.loadF(k.mn === 'movsd', x, m);
    if (reg >= 0) f.freeGpr(reg);
    if (pr >= 0) finishResultPin(fc, k.t); else f.push(regVal(k.t, x));
    return;
  }
  const r = pr >= 0 ? pr : reg >= 0 ? reg : f.allocGpr();
  if (k.mn === 'mov') fc.asm.load(k.wide ? 64 : 32, r, m);
  else fc.asm.loadExt(k.mn as 'movzx' | 'movsx' | 'movsxd', k.wide ? 64 : 32, r, m);
  if (pr >= 0) {
    if (reg >= 0) f.freeGpr(reg);
    finishResultPin(fc, k.t);
  } else f.push(regVal(k.t, r));
}

const STORES: Partial<Record<Op, 8 | 16 | 32 | 64>> = {
  [Op.I32Store]: 32, [Op.I64Store]: 64, [Op.F32Store]: 32, [Op.F64Store]: 64,
  [Op.I32Store8]: 8, [Op.I32Store16]: 16, [Op.I64Store8]: 8, [Op.I64Store16]: 16, [Op.I64Store32]: 32,
};

function opStore(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, asm = fc.asm;
  const w = STORES[ins.op as Op]!;
  const dv = f.stack.length - 1;
  const v = f.pop();
  const da = f.stack.length - 1;
  const a = f.pop();
  const { m, reg } = address(fc, a, da, ins.b! >>> 0, w / 8);
  m.size = w;
  if (v.k === K.Const) {
    const bits = constBits(v);
    if (w === 64) fc.masm.storeImm(64, m, bits);
    else asm.i('mov', m, imm(Number(BigInt.asUintN(w, bits))));
  } else if (v.k === K.Reg && isFloat(v.t)) {
    asm.storeF(w === 64, m, v.n);
  } else if (v.k === K.Reg) {
    asm.store(w, m, v.n);
  } else if (f.pinnedReg(v) >= 0) {
    const pr = f.pinnedReg(v);
    if (isFloat(v.t)) asm.storeF(w === 64, m, pr);
    else asm.store(w, m, pr);
  } else {
    fc.masm.load(w === 64 ? 64 : 32, SCRATCH, { ...(f.memOf(v, dv) as Mem), size: w === 64 ? 64 : 32 });
    asm.store(w, m, SCRATCH);
  }
  f.free(v);
  if (reg >= 0) f.freeGpr(reg);
}

function opMemorySize(fc: FuncCompiler): void {
  const r = fc.frame.allocGpr();
  fc.masm.load(32, r, ripMem(fc.ctx.memPages));
  fc.frame.push(regVal(I32, r));
}

function opMemoryGrow(fc: FuncCompiler): void {
  const f = fc.frame, asm = fc.asm, ctx = fc.ctx;
  if (!ctx.kernel) {
    f.spillBelow(f.stack.length - 1, false);
    const dl = f.popFixed(RDI);
    fc.beforeCall();
    if (ctx.multi) {
      asm.lea(64, RSI, ripMem(ctx.memPages));
      asm.call(asm.sym('memory_grow_at'));
    } else {
      asm.call(asm.sym('memory_grow'));
    }
    fc.afterCall();
    f.free(dl);
    f.pushReg(I32, RAX);
    return;
  }
  const delta = f.popReg();
  const r = f.allocGpr();
  const fail = asm.label(), done = asm.label();
  fc.masm.load(32, r, ripMem(ctx.memPages));
  asm.lea(64, SCRATCH, memIdx(r, delta.n, 1, 0));
  fc.masm.load(32, delta.n, ripMem(ctx.memMaxPages));
  asm.i('cmp', r64(SCRATCH), r64(delta.n));
  asm.jcc('a', fail);
  asm.i('mov', ripMem(ctx.memPages, 0, 32), r32(SCRATCH));
  asm.jmp(done);
  asm.bind(fail);
  asm.movRI(32, r, -1);
  asm.bind(done);
  f.free(delta);
  f.push(regVal(I32, r));
}

/** Traps unless reg(a) + reg(n) <= mem_pages * 64 KiB (64-bit sums of zero-extended i32s). */
export function memBoundsCheck(fc: FuncCompiler, a: number, n: number): void {
  const f = fc.frame, asm = fc.asm;
  const t = f.allocGpr();
  fc.masm.load(32, SCRATCH, ripMem(fc.ctx.memPages));
  asm.i('shl', r64(SCRATCH), imm(16));
  asm.lea(64, t, memIdx(a, n, 1, 0));
  asm.i('cmp', r64(t), r64(SCRATCH));
  asm.jcc('a', fc.trap(TrapKind.MemoryOutOfBounds));
  f.freeGpr(t);
}

/** Pops (dst, src/val, n) into rdi, rsi|rax, rcx. */
export function popBulk(fc: FuncCompiler, mid: number): Val[] {
  const f = fc.frame;
  const n = f.popFixed(RCX);
  const s = f.popFixed(mid);
  const d = f.popFixed(RDI);
  return [d, s, n];
}

function opMemoryCopy(fc: FuncCompiler): void {
  const f = fc.frame, asm = fc.asm;
  const vals = popBulk(fc, RSI);
  if (!fc.ctx.kernel) {
    memBoundsCheck(fc, RDI, RCX);
    memBoundsCheck(fc, RSI, RCX);
    asm.i('add', r64(RDI), r64(R15));
    asm.i('add', r64(RSI), r64(R15));
  }
  emitMemmove(fc);
  for (const v of vals) f.free(v);
}

function opMemoryFill(fc: FuncCompiler): void {
  const f = fc.frame, asm = fc.asm;
  const vals = popBulk(fc, RAX);
  if (!fc.ctx.kernel) {
    memBoundsCheck(fc, RDI, RCX);
    asm.i('add', r64(RDI), r64(R15));
  }
  asm.i('movzx', r32(RAX), r8(RAX));                     // the byte in all 8 lanes of rax
  asm.i('imul', r64(RAX), fc.masm.constant(0x0101010101010101n, 0n, 64));
  emitMemset(fc);
  for (const v of vals) f.free(v);
}

function opMemoryInit(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, asm = fc.asm, ctx = fc.ctx;
  const seg = ins.a!;
  if (seg >= ctx.dataLabels.length) fc.fail('invalid', ins, `unknown data segment ${seg}`);
  const vals = popBulk(fc, RSI);
  const t = f.allocGpr();
  fc.masm.load(32, SCRATCH, ripMem(ctx.dataLens[seg]));
  asm.lea(64, t, memIdx(RSI, RCX, 1, 0));
  asm.i('cmp', r64(t), r64(SCRATCH));
  asm.jcc('a', fc.trap(TrapKind.MemoryOutOfBounds));
  f.freeGpr(t);
  if (!ctx.kernel) {
    memBoundsCheck(fc, RDI, RCX);
    asm.i('add', r64(RDI), r64(R15));
  }
  asm.lea(64, SCRATCH, ripMem(ctx.dataLabels[seg]));
  asm.i('add', r64(RSI), r64(SCRATCH));
  asm.i('rep movsb');
  for (const v of vals) f.free(v);
}

function opDataDrop(fc: FuncCompiler, ins: Instr): void {
  const l = fc.ctx.dataLens[ins.a!];
  if (!l) fc.fail('invalid', ins, `unknown data segment ${ins.a}`);
  fc.asm.i('mov', ripMem(l, 0, 32), imm(0));
}

on(Object.keys(LOADS).map(Number), opLoad);
on(Object.keys(STORES).map(Number), opStore);
on([Op.MemorySize], opMemorySize);
on([Op.MemoryGrow], opMemoryGrow);
on([Op.MemoryCopy], opMemoryCopy);
on([Op.MemoryFill], opMemoryFill);
on([Op.MemoryInit], opMemoryInit);
on([Op.DataDrop], opDataDrop);
