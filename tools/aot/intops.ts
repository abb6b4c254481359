// Integer and variable ops: constants, locals, globals, i32/i64 arithmetic,
// compares (fused with br_if/if/select via useFlags), shifts and rotates,
// division with the spec's traps (§4.3.2 idiv/irem), clz/ctz/popcnt with
// baseline fallbacks, sign extension, wrap/extend.

import { Op } from '../wasm/opcodes.ts';
import { ValType, type Instr } from '../wasm/types.ts';
import { imm, mem, memIdx, r8, r16, r32, r64, ripMem, type Mnemonic, type Operand, type ShiftOp } from '../x86/index.ts';
import { K, LAST_READ, cI32, cI64, fitsI32Val, isFloat, regVal, sizeOf, type Val } from './frame.ts';
import { on, type FuncCompiler, type Handler } from './func.ts';
import { RAX, RCX, RDX, SCRATCH, gpr, type Size } from './masm.ts';
import { useFlags } from './control.ts';
import type { Cond } from './blocks.ts';
import { TrapKind } from './traps.ts';
import { bitSetTest } from './bitset.ts';
import { emitLea } from './lea.ts';
import { finishResultPin, resultPin, setTargetPin } from './settarget.ts';

/** An operand for `b` in `op a, b`: register, imm32, or memory; 64-bit constants that do not fit go via r11. */
export function srcOperand(fc: FuncCompiler, b: Val, d: number, size: Size): Operand {
  if (b.k === K.Reg) return gpr(size, b.n);
  if (b.k === K.Const) {
    if (size === 32) return imm(b.n);
    if (fitsI32Val(b)) return imm(b.b);
    return fc.masm.constant(b.b, 0n, 64);   // from the pool: no movabs in the loop
  }
  return fc.frame.memOf(b, d);
}

/** `x op 0` for add/sub/or/xor is x; `C op x` (commutative, x not a spill slot) becomes `x op C`. */
function foldConstOperand(f: FuncCompiler['frame'], mn: Mnemonic, commutative: boolean): boolean {
  const n = f.stack.length;
  const a = f.stack[n - 2], b = f.stack[n - 1];
  if (commutative && a.k === K.Const && (b.k === K.Reg || b.k === K.Local)) { f.stack[n - 2] = b; f.stack[n - 1] = a; }
  const c = f.stack[n - 1];
  const zero = c.k === K.Const && (c.t === ValType.I32 ? c.n === 0 : c.b === 0n);
  if (zero && (mn === 'add' || mn === 'sub' || mn === 'or' || mn === 'xor')) { f.pop(); return true; }
  return false;
}

function binop(mn: Mnemonic, size: Size, commutative: boolean) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame;
    if (foldConstOperand(f, mn, commutative)) return;
    if (updateInMemory(fc, mn, size)) return;
    let db = f.stack.length - 1;
    let b = f.pop();
    let a: Val;
    const pr = resultPin(fc, b, commutative);
    if (pr >= 0) {
      // computed straight into the set target's register: `x op= y` is one instruction
      const da = f.stack.length - 1;
      const a0 = f.pop();
      const src = srcOperand(fc, b, db, size);
      const inPr = f.pinnedReg(a0) === pr || (a0.k === K.Reg && a0.n === pr);   // x's read, or a value popReg computed in x's register
      if (inPr || !threeOperand(fc, mn, size, pr, a0, da, src)) {
        if (!inPr) { f.loadTo(a0, da, pr); f.free(a0); }
        if (mn === 'imul' && src.k === 'i') fc.asm.i('imul', gpr(size, pr), gpr(size, pr), src);
        else fc.alu(mn, size, pr, src);
      }
      f.free(b);
      finishResultPin(fc, a0.t);
      return;
    }
    if (commutative && b.k === K.Reg && f.peek().k !== K.Reg) {
      const da = f.stack.length - 1;
      a = b;
      b = f.pop();
      db = da;
    } else {
      if (leaFromPinned(fc, mn, size, b, db) || imulInto(fc, mn, size, b, db)) return;
      a = f.popReg();
    }
    const src = srcOperand(fc, b, db, size);
    if (mn === 'imul' && src.k === 'i') fc.asm.i('imul', gpr(size, a.n), gpr(size, a.n), src);
    else fc.alu(mn, size, a.n, src);
    f.free(b);
    f.push(regVal(a.t, a.n));
  };
}

/**
 * i32.and: where the plan says only a fused branch, if or select reads it (plan.ts andTest,
 * directly or through an i32.eqz), `test x, y` leaves ZF for the consumer and nothing is computed.
 */
function andOrTest(and: Handler): Handler {
  return (fc, ins) => {
    const kind = fc.plan.andTest[fc.pc];
    if (!kind) { and(fc, ins); return; }
    const f = fc.frame;
    let db = f.stack.length - 1, b = f.pop();
    let da = f.stack.length - 1, a = f.pop();
    if (a.k === K.Const) { [a, b] = [b, a]; [da, db] = [db, da]; }
    let owned = -1;
    const reg = (v: Val, d: number): number => {
      if (v.k === K.Reg) return v.n;
      const pr = f.pinnedReg(v);
      if (pr >= 0) return pr;
      owned = f.allocGpr();
      f.loadTo(v, d, owned);
      return owned;
    };
    const src = b.k === K.Const ? imm(b.n) : r32(reg(b, db));
    const pa = f.pinnedReg(a);
    const dst = a.k === K.Reg ? r32(a.n) : pa >= 0 ? r32(pa) : a.k === K.Const ? r32(reg(a, da)) : f.memOf(a, da);
    fc.asm.i('test', dst, src);
    f.free(a); f.free(b);
    if (owned >= 0) f.freeGpr(owned);
    if (kind === 2) { fc.absorb(fc.pc + 1); useFlags(fc, 'e', fc.pc + 1); }
    else useFlags(fc, 'ne');
  };
}

/** Ops with a memory-destination form that `updateInMemory` uses. */
const MEM_DEST: ReadonlySet<Mnemonic> = new Set<Mnemonic>(['add', 'sub', 'and', 'or', 'xor']);

/**
 * `local.get x; <y>; op; local.set/tee x` with x in its frame slot (not pinned) and y a
 * constant or in a register: `op [x], y`, one read-modify-write instead of load, op, store
 * (a counter that did not get a register). Not when the stack below still reads x lazily.
 */
function updateInMemory(fc: FuncCompiler, mn: Mnemonic, size: Size): boolean {
  const f = fc.frame, x = fc.plan.setAfter[fc.pc];
  if (x < 0 || f.pinReg[x] >= 0 || !MEM_DEST.has(mn)) return false;
  const n = f.stack.length, a = f.stack[n - 2], b = f.stack[n - 1];
  if (a.k !== K.Local || a.n !== x || (b.k === K.Local && b.n === x)) return false;
  if (b.k !== K.Reg && !(b.k === K.Const && (size === 32 || fitsI32Val(b))) && f.pinnedReg(b) < 0) return false;
  for (let d = 0; d < n - 2; d++) if (f.stack[d].k === K.Local && f.stack[d].n === x) return false;
  fc.asm.i(mn, f.localMem(x, size), srcOperand(fc, b, n - 1, size));
  f.pop(); f.pop();
  f.free(b);
  finishResultPin(fc, a.t);
  return true;
}

/** `a * C` with a not in a register of its own (a local, pinned or not, or a spill slot): `imul r, a, C` into a fresh register. */
function imulInto(fc: FuncCompiler, mn: Mnemonic, size: Size, b: Val, db: number): boolean {
  const f = fc.frame, a0 = f.peek();
  if (mn !== 'imul' || a0.k === K.Reg || a0.k === K.Const) return false;
  const src = srcOperand(fc, b, db, size);
  if (src.k !== 'i') return false;
  f.pop();
  const r = f.alloc(a0.t);
  threeOperand(fc, mn, size, r, a0, db - 1, src);
  f.free(b);
  f.push(regVal(a0.t, r));
  return true;
}

/** `x + y` / `x - C` with x a pinned local (y popped as b): lea into a fresh register. */
function leaFromPinned(fc: FuncCompiler, mn: Mnemonic, size: Size, b: Val, db: number): boolean {
  const f = fc.frame;
  if (f.pinnedReg(f.peek()) < 0 || (mn !== 'add' && mn !== 'sub')) return false;
  const src = srcOperand(fc, b, db, size);
  if (src.k !== 'i' && !(src.k === 'r' && mn === 'add')) return false;
  const a0 = f.pop();
  const r = f.alloc(a0.t);
  if (!threeOperand(fc, mn, size, r, a0, db - 1, src)) {
    f.loadTo(a0, db - 1, r);
    fc.asm.i(mn, gpr(size, r), src);
  }
  f.free(b);
  f.push(regVal(a0.t, r));
  return true;
}

/**
 * `d = a op src` without first copying a into d: `imul d, a, imm` (a in a
 * register or memory), `lea d, [a + src]` for add (src a register or imm32)
 * and `lea d, [a - imm]` for sub, with a in a register (lea wraps to 32 bits
 * with a 32-bit destination; it leaves the flags alone, which no op reads).
 * Returns false (nothing emitted) for every other case.
 */
function threeOperand(fc: FuncCompiler, mn: Mnemonic, size: Size, d: number, a0: Val, da: number, src: Operand): boolean {
  const f = fc.frame;
  if (mn === 'imul' && src.k === 'i' && a0.k !== K.Const) {
    fc.asm.i('imul', gpr(size, d), srcOperand(fc, a0, da, size), src);
    f.free(a0);
    return true;
  }
  const ra = a0.k === K.Reg ? a0.n : f.pinnedReg(a0);
  if ((mn !== 'add' && mn !== 'sub') || ra < 0 || ra === d) return false;
  if (src.k === 'i') {
    const v = mn === 'sub' ? -BigInt(src.v) : BigInt(src.v);
    const disp = BigInt.asIntN(32, v);
    if (size === 64 && disp !== v) return false;   // -(-2^31) does not fit a disp32
    fc.asm.lea(size, d, mem(ra, Number(disp)));
  } else if (src.k === 'r' && mn === 'add') fc.asm.lea(size, d, memIdx(ra, src.n, 1, 0));
  else return false;
  f.free(a0);
  return true;
}

function compare(cond: Cond, size: Size) {
  return (fc: FuncCompiler): void => {
    if (cond === 'e' && size === 32 && bitSetTest(fc)) return;
    const f = fc.frame;
    const db = f.stack.length - 1;
    const b = f.pop();
    const a = f.popRead();
    fc.alu('cmp', size, a.r, srcOperand(fc, b, db, size));
    f.release(a);
    f.free(b);
    useFlags(fc, cond);
  };
}

function eqz(size: Size) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame;
    const d = f.stack.length - 1;
    const a = f.pop();
    const held = a.k === K.Reg ? a.n : f.pinnedReg(a);
    if (size === 32 && held >= 0 && !isFloat(a.t) && fc.zfHolds(held)) f.free(a);   // the op that computed it set ZF
    else if (f.pinnedReg(a) >= 0) fc.asm.aluRR('test', size, f.pinnedReg(a), f.pinnedReg(a));
    else if (a.k === K.Slot || a.k === K.Local) fc.asm.i('cmp', f.memOf(a, d), imm(0));
    else {
      const r = a.k === K.Reg ? a : (f.stack.push(a), f.popReg());
      fc.asm.aluRR('test', size, r.n, r.n);
      f.free(r);
    }
    useFlags(fc, 'e');
  };
}

function shift(mn: ShiftOp, size: Size) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame;
    const c = f.peek();
    if (c.k === K.Const) {
      f.pop();
      const n = size === 32 ? c.n & 31 : Number(c.b & 63n);
      const pr = resultPin(fc, c);
      if (pr >= 0) {                         // `x = a << n` straight into x's register
        const da = f.stack.length - 1;
        const a0 = f.pop();
        if (f.pinnedReg(a0) !== pr) { f.loadTo(a0, da, pr); f.free(a0); }
        fc.asm.shiftRI(mn, size, pr, n);
        finishResultPin(fc, a0.t);
        return;
      }
      const a = f.popReg();
      fc.asm.shiftRI(mn, size, a.n, n);
      f.push(regVal(a.t, a.n));
      return;
    }
    const cnt = f.popFixed(RCX);
    const a = f.popReg(1 << RCX);
    fc.asm.i(mn, gpr(size, a.n), r8(RCX));
    f.free(cnt);
    f.push(regVal(a.t, a.n));
  };
}

/** div/rem: dividend in rax, result in rax (quotient) or rdx (remainder). */
function divide(signed: boolean, rem: boolean, size: Size) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm;
    f.evictGpr(RAX, 1 << RDX);
    f.evictGpr(RDX, 1 << RAX);
    f.mark(ValType.I32, RDX);
    const bc = f.peek();
    const isConst = bc.k === K.Const;
    const bv = isConst ? (size === 32 ? BigInt(bc.n) : bc.b) : 0n;
    const b = f.popReg((1 << RAX) | (1 << RDX));
    f.popFixed(RAX, 1 << RDX);
    const B = gpr(size, b.n), A = gpr(size, RAX);
    if (!isConst || bv === 0n) {
      asm.i('test', B, B);
      asm.jcc('e', fc.trap(TrapKind.DivByZero));
    }
    if (!signed) {
      asm.i('xor', r32(RDX), r32(RDX));
      asm.i('div', B);
    } else if (!rem) {
      if (!isConst || bv === -1n) {
        const ok = asm.label();
        asm.i('cmp', B, imm(-1));
        asm.jcc('ne', ok);
        asm.i('cmp', A, imm(1));
        asm.jcc('o', fc.trap(TrapKind.IntOverflow));
        asm.bind(ok);
      }
      asm.i(size === 32 ? 'cdq' : 'cqo');
      asm.i('idiv', B);
    } else {
      const done = asm.label();
      asm.i('xor', r32(RDX), r32(RDX));
      asm.i('cmp', B, imm(-1));
      asm.jcc('e', done);
      asm.i(size === 32 ? 'cdq' : 'cqo');
      asm.i('idiv', B);
      asm.bind(done);
    }
    f.free(b);
    const t = size === 32 ? ValType.I32 : ValType.I64;
    if (rem) { f.freeGpr(RAX); f.pushReg(t, RDX); } else { f.freeGpr(RDX); f.pushReg(t, RAX); }
  };
}

function clz(size: Size) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm;
    const a = f.popReg();
    const A = gpr(size, a.n);
    if (fc.ctx.features.lzcnt) asm.i('lzcnt', A, A);
    else {
      asm.i('bsr', A, A);
      asm.movRI(32, SCRATCH, size === 32 ? 63 : 127);
      asm.i('cmove', A, gpr(size, SCRATCH));
      asm.i('xor', A, imm(size - 1));
    }
    f.push(regVal(a.t, a.n));
  };
}

function ctz(size: Size) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm;
    const a = f.popReg();
    const A = gpr(size, a.n);
    if (fc.ctx.features.bmi1) asm.i('tzcnt', A, A);
    else {
      asm.i('bsf', A, A);
      asm.movRI(32, SCRATCH, size);
      asm.i('cmove', A, gpr(size, SCRATCH));
    }
    f.push(regVal(a.t, a.n));
  };
}

/** popcnt by the SWAR bit trick unless the CPU has POPCNT. */
function popcnt(size: Size) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm;
    const a = f.popReg();
    const A = gpr(size, a.n);
    if (fc.ctx.features.popcnt) { asm.i('popcnt', A, A); f.push(regVal(a.t, a.n)); return; }
    const t = f.allocGpr();
    const T = gpr(size, t), S = gpr(size, SCRATCH);
    const k = (v: bigint): void => { fc.masm.movImm(size, SCRATCH, size === 32 ? v & 0xffffffffn : v); };
    asm.i('mov', T, A); asm.i('shr', T, imm(1));
    k(0x5555555555555555n); asm.i('and', T, S); asm.i('sub', A, T);
    asm.i('mov', T, A); asm.i('shr', T, imm(2));
    k(0x3333333333333333n); asm.i('and', T, S); asm.i('and', A, S); asm.i('add', A, T);
    asm.i('mov', T, A); asm.i('shr', T, imm(4)); asm.i('add', A, T);
    k(0x0f0f0f0f0f0f0f0fn); asm.i('and', A, S);
    k(0x0101010101010101n); asm.i('imul', A, S);
    asm.i('shr', A, imm(size - 8));
    f.freeGpr(t);
    f.push(regVal(a.t, a.n));
  };
}

/** Unary op rewriting a register in place: `emit(dst)`; `to` is the result type. */
function unary(to: ValType, emit: (fc: FuncCompiler, r: number) => void) {
  return (fc: FuncCompiler): void => {
    const a = fc.frame.popReg();
    emit(fc, a.n);
    fc.frame.push(regVal(to, a.n));
  };
}

function opConst(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame;
  const lea = fc.plan.lea[fc.pc];
  if (lea !== 0) { emitLea(fc, ins, lea); return; }
  switch (ins.op) {
    case Op.I32Const: f.push(cI32(ins.a!)); break;
    case Op.I64Const: f.push(cI64(ins.i64!)); break;
    case Op.F32Const: f.push({ k: K.Const, t: ValType.F32, n: ins.a! >>> 0, b: 0n, p: -1 }); break;
    default: f.push({ k: K.Const, t: ValType.F64, n: 0, b: BigInt.asUintN(64, ins.i64!), p: -1 }); break;
  }
}

function localType(fc: FuncCompiler, ins: Instr): ValType {
  const t = fc.frame.localTypes[ins.a!];
  if (t === undefined) fc.fail('invalid', ins, `unknown local ${ins.a}`);
  return t;
}

function opLocalGet(fc: FuncCompiler, ins: Instr): void {
  const c = fc.constLocals.get(ins.a!);
  if (c !== undefined) { fc.frame.push(cI32(c)); return; }
  fc.frame.push({ k: K.Local, t: localType(fc, ins), n: ins.a!, b: fc.plan.overwritten[fc.pc] ? LAST_READ : 0n, p: fc.pc });
}

function opLocalSet(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame;
  const i = ins.a!;
  const t = localType(fc, ins);
  const tee = ins.op === Op.LocalTee;
  const d = f.stack.length - 1;
  const v = f.peek();
  const x: Val = { k: K.Local, t, n: i, b: 0n, p: -1 };
  const dup = tee && fc.plan.dup[fc.pc] === 1;
  if (dup) fc.absorb(fc.pc + 1);
  if (v.k === K.Local && v.n === i) { if (!tee) f.pop(); else if (dup) f.push({ ...x }); return; }
  f.pop();
  f.materializeLocal(i);
  const pr = f.pinReg[i];
  if (pr >= 0) {
    f.loadTo(v, d, pr);
    if (dup && v.k === K.Reg) { f.push(x); f.push(v); return; }   // the copy on top, for an op to clobber
    f.free(v);
    if (tee) f.push(x);
    if (dup) f.push({ ...x });
    return;
  }
  f.storeTo(v, d, f.localMem(i, sizeOf(t)));
  if (dup && v.k === K.Reg) { f.push(x); f.push(v); return; }
  if (tee) f.push(v); else f.free(v);
  if (dup) f.push({ ...x });
}

function opGlobalGet(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame;
  const g = fc.ctx.globals[ins.a!];
  if (!g) fc.fail('invalid', ins, `unknown global ${ins.a}`);
  if (g.constBits !== null) {
    const c: Val = { k: K.Const, t: g.type, n: 0, b: 0n, p: -1 };
    if (g.type === ValType.I32 || g.type === ValType.F32) c.n = g.type === ValType.I32 ? Number(BigInt.asIntN(32, g.constBits)) : Number(BigInt.asUintN(32, g.constBits));
    else c.b = g.type === ValType.I64 ? BigInt.asIntN(64, g.constBits) : BigInt.asUintN(64, g.constBits);
    f.push(c);
    return;
  }
  if (forwardSetGlobal(fc, ins.a!, g.type)) return;
  const pr = setTargetPin(fc);
  const r = pr >= 0 ? pr : f.alloc(g.type);
  if (isFloat(g.type)) fc.masm.loadX(g.type === ValType.F64, r, ripMem(g.label));
  else fc.masm.load(sizeOf(g.type), r, ripMem(g.label));
  if (pr >= 0) finishResultPin(fc, g.type);
  else f.push(regVal(g.type, r));
}

function opGlobalSet(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame;
  const g = fc.ctx.globals[ins.a!];
  if (!g) fc.fail('invalid', ins, `unknown global ${ins.a}`);
  const d = f.stack.length - 1;
  const v = f.pop();
  f.storeTo(v, d, ripMem(g.label, 0, sizeOf(g.type)));
  f.free(v);
  if (v.k === K.Reg && !isFloat(v.t)) fc.setGlobal = { g: ins.a!, reg: v.n, pos: fc.asm.pos };
}

/**
 * `global.set g; global.get g` (asc's stack pointer): the value is still in the register the
 * set stored from, which nothing has taken since (no code emitted, no other op ran).
 */
function forwardSetGlobal(fc: FuncCompiler, g: number, t: ValType): boolean {
  const f = fc.frame, s = fc.setGlobal;
  if (!s || s.g !== g || s.pos !== fc.asm.pos || (f.gprUsed & (1 << s.reg)) !== 0) return false;
  fc.setGlobal = null;
  const pr = setTargetPin(fc);
  if (pr >= 0) { fc.masm.movRR(sizeOf(t), pr, s.reg); finishResultPin(fc, t); }
  else f.pushReg(t, s.reg);
  return true;
}

const I32 = ValType.I32, I64 = ValType.I64;
on([Op.I32Const, Op.I64Const, Op.F32Const, Op.F64Const], opConst);
on([Op.LocalGet], opLocalGet);
on([Op.LocalSet, Op.LocalTee], opLocalSet);
on([Op.GlobalGet], opGlobalGet);
on([Op.GlobalSet], opGlobalSet);

for (const [size, base] of [[32, Op.I32Add], [64, Op.I64Add]] as [Size, number][]) {
  on([base], binop('add', size, true));
  on([base + 1], binop('sub', size, false));
  on([base + 2], binop('imul', size, true));
  on([base + 3], divide(true, false, size));
  on([base + 4], divide(false, false, size));
  on([base + 5], divide(true, true, size));
  on([base + 6], divide(false, true, size));
  on([base + 7], size === 32 ? andOrTest(binop('and', 32, true)) : binop('and', size, true));
  on([base + 8], binop('or', size, true));
  on([base + 9], binop('xor', size, true));
  on([base + 10], shift('shl', size));
  on([base + 11], shift('sar', size));
  on([base + 12], shift('shr', size));
  on([base + 13], shift('rol', size));
  on([base + 14], shift('ror', size));
  on([base - 3], clz(size));
  on([base - 2], ctz(size));
  on([base - 1], popcnt(size));
}
const conds: Cond[] = ['e', 'ne', 'l', 'b', 'g', 'a', 'le', 'be', 'ge', 'ae'];
conds.forEach((c, i) => { on([Op.I32Eq + i], compare(c, 32)); on([Op.I64Eq + i], compare(c, 64)); });
on([Op.I32Eqz], eqz(32));
on([Op.I64Eqz], eqz(64));

on([Op.I32WrapI64], unary(I32, (fc, r) => fc.asm.aluRR('mov', 32, r, r)));
on([Op.I64ExtendI32S], unary(I64, (fc, r) => fc.asm.movsxd(r, r)));
on([Op.I64ExtendI32U], unary(I64, (fc, r) => fc.asm.i('mov', r32(r), r32(r))));
on([Op.I32Extend8S], unary(I32, (fc, r) => fc.asm.i('movsx', r32(r), r8(r))));
on([Op.I32Extend16S], unary(I32, (fc, r) => fc.asm.i('movsx', r32(r), r16(r))));
on([Op.I64Extend8S], unary(I64, (fc, r) => fc.asm.i('movsx', r64(r), r8(r))));
on([Op.I64Extend16S], unary(I64, (fc, r) => fc.asm.i('movsx', r64(r), r16(r))));
on([Op.I64Extend32S], unary(I64, (fc, r) => fc.asm.movsxd(r, r)));
