// f32/f64 ops (spec §4.3.3): arithmetic, sqrt, min/max with NaN propagation
// and -0 < +0, sign ops by bit masks, rounding (roundss/sd with SSE4.1, else
// an SSE2 sequence), compares (gt/ge/lt/le fuse with br_if/if/select).

import { Op } from '../wasm/opcodes.ts';
import { ValType } from '../wasm/types.ts';
import { imm, r8, r32, r64, xmm, type Mem } from '../x86/index.ts';
import { K, constBits, regVal, type Val } from './frame.ts';
import { on, type FuncCompiler } from './func.ts';
import { SCRATCH, XSCRATCH } from './masm.ts';
import { useFlags } from './control.ts';
import { finishResultPin, resultPin } from './settarget.ts';

const SIGN32 = 0x80000000n, SIGN64 = 0x8000000000000000n;
export function signMask(f64: boolean): bigint { return f64 ? SIGN64 : SIGN32; }
export function absMask(f64: boolean): bigint { return f64 ? SIGN64 - 1n : SIGN32 - 1n; }
function sfx(f64: boolean): 'sd' | 'ss' { return f64 ? 'sd' : 'ss'; }
function pk(f64: boolean): 'pd' | 'ps' { return f64 ? 'pd' : 'ps'; }

/** Scalar source operand for `op a, b`: an xmm register (its number), a memory slot, or a pool constant. */
export function fsrc(fc: FuncCompiler, b: Val, d: number, f64: boolean): number | Mem {
  if (b.k === K.Reg) return b.n;
  if (b.k === K.Const) return fc.masm.constant(constBits(b), 0n, f64 ? 64 : 32);
  const pr = fc.frame.pinnedReg(b);
  return pr >= 0 ? pr : fc.frame.memOf(b, d) as Mem;
}

/** The value `b` in an xmm register (its own, or xmm15). */
function freg(fc: FuncCompiler, b: Val, d: number): number {
  if (b.k === K.Reg) return b.n;
  fc.frame.loadTo(b, d, XSCRATCH);
  return XSCRATCH;
}

function fbinop(mn: 'add' | 'sub' | 'mul' | 'div', f64: boolean) {
  const commutative = mn === 'add' || mn === 'mul';
  return (fc: FuncCompiler): void => {
    const f = fc.frame;
    let db = f.stack.length - 1;
    let b = f.pop();
    const pr = resultPin(fc, b);
    if (pr >= 0) {
      const da = f.stack.length - 1;
      const a0 = f.pop();
      if (f.pinnedReg(a0) !== pr) { f.loadTo(a0, da, pr); f.free(a0); }
      fc.asm.sseArith(mn, f64, pr, fsrc(fc, b, db, f64));
      f.free(b);
      finishResultPin(fc, a0.t);
      return;
    }
    let a: Val;
    if (commutative && b.k === K.Reg && f.peek().k !== K.Reg) {
      a = b;
      db = f.stack.length - 1;
      b = f.pop();
    } else {
      a = f.popReg();
    }
    fc.asm.sseArith(mn, f64, a.n, fsrc(fc, b, db, f64));
    f.free(b);
    f.push(regVal(a.t, a.n));
  };
}

/** min/max: NaN if either is NaN; min(-0, +0) = -0, max(-0, +0) = +0. */
function fminmax(max: boolean, f64: boolean) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm;
    const db = f.stack.length - 1;
    const b = f.pop();
    const a = f.popReg();
    const A = xmm(a.n), B = xmm(freg(fc, b, db));
    const nan = asm.label(), normal = asm.label(), done = asm.label();
    asm.i(`ucomi${sfx(f64)}`, A, B);
    asm.jcc('p', nan);
    asm.jcc('ne', normal);
    asm.i(`${max ? 'and' : 'or'}${pk(f64)}` as const, A, B);
    asm.jmp(done);
    asm.bind(nan);
    asm.i(`add${sfx(f64)}`, A, B);
    asm.jmp(done);
    asm.bind(normal);
    asm.i(`${max ? 'max' : 'min'}${sfx(f64)}` as const, A, B);
    asm.bind(done);
    f.free(b);
    f.push(regVal(a.t, a.n));
  };
}

function funary(f64: boolean, emit: (fc: FuncCompiler, r: number) => void) {
  return (fc: FuncCompiler): void => {
    const a = fc.frame.popReg();
    emit(fc, a.n);
    fc.frame.push(regVal(a.t, a.n));
  };
}

function copysign(f64: boolean) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm, masm = fc.masm;
    const db = f.stack.length - 1;
    const b = f.pop();
    const a = f.popReg();
    f.loadTo(b, db, XSCRATCH);
    asm.i(`and${pk(f64)}`, xmm(XSCRATCH), masm.constant(signMask(f64)));
    asm.i(`and${pk(f64)}`, xmm(a.n), masm.constant(absMask(f64)));
    asm.i(`or${pk(f64)}`, xmm(a.n), xmm(XSCRATCH));
    f.free(b);
    f.push(regVal(a.t, a.n));
  };
}

const enum Round { Nearest = 0, Floor = 1, Ceil = 2, Trunc = 3 }

/** ceil/floor/trunc/nearest of xmm `r` in place. */
function emitRound(fc: FuncCompiler, r: number, f64: boolean, mode: Round): void {
  const asm = fc.asm, masm = fc.masm;
  if (fc.ctx.features.sse41) { asm.i(`round${sfx(f64)}`, xmm(r), xmm(r), imm(8 | mode)); return; }
  const X = xmm(r), T = xmm(XSCRATCH);
  const big = f64 ? 0x4330000000000000n : 0x4b000000n;          // 2^52 / 2^23
  const one = f64 ? 0x3ff0000000000000n : 0x3f800000n;
  const done = asm.label(), nan = asm.label();
  asm.i('movaps', T, X);
  asm.i(`and${pk(f64)}`, T, masm.constant(absMask(f64)));
  asm.i(`ucomi${sfx(f64)}`, T, masm.constant(big, 0n, f64 ? 64 : 32));
  asm.jcc('p', nan);
  asm.jcc('ae', done);
  if (mode === Round.Nearest) {
    asm.i(`add${sfx(f64)}`, T, masm.constant(big, 0n, f64 ? 64 : 32));
    asm.i(`sub${sfx(f64)}`, T, masm.constant(big, 0n, f64 ? 64 : 32));
  } else {
    asm.i(`cvtt${sfx(f64)}2si`, f64 ? r64(SCRATCH) : r32(SCRATCH), X);
    asm.i(`cvtsi2${sfx(f64)}`, T, f64 ? r64(SCRATCH) : r32(SCRATCH));
    if (mode !== Round.Trunc) {
      const skip = asm.label();
      asm.i(`ucomi${sfx(f64)}`, T, X);
      asm.i(mode === Round.Floor ? 'jbe' : 'jae', skip);
      asm.i(`${mode === Round.Floor ? 'sub' : 'add'}${sfx(f64)}` as const, T, masm.constant(one, 0n, f64 ? 64 : 32));
      asm.bind(skip);
    }
  }
  asm.i(`and${pk(f64)}`, X, masm.constant(signMask(f64)));
  asm.i(`or${pk(f64)}`, X, T);
  asm.jmp(done);
  asm.bind(nan);
  asm.i(`add${sfx(f64)}`, X, X);
  asm.bind(done);
}

/** Float compare: gt/ge/lt/le as one condition (fusable); eq/ne need the parity flag too. */
function fcompare(kind: 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge', f64: boolean) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm;
    const db = f.stack.length - 1;
    const b = f.pop();
    const a = f.popReg();
    if (kind === 'lt' || kind === 'le') asm.ucomis(f64, freg(fc, b, db), a.n);
    else asm.ucomis(f64, a.n, fsrc(fc, b, db, f64));
    f.free(a);
    f.free(b);
    if (kind === 'eq' || kind === 'ne') {
      const r = f.allocGpr();
      asm.i(kind === 'eq' ? 'sete' : 'setne', r8(r));
      asm.i(kind === 'eq' ? 'setnp' : 'setp', r8(SCRATCH));
      asm.i(kind === 'eq' ? 'and' : 'or', r8(r), r8(SCRATCH));
      asm.i('movzx', r32(r), r8(r));
      f.push(regVal(ValType.I32, r));
      return;
    }
    useFlags(fc, kind === 'gt' || kind === 'lt' ? 'a' : 'ae');
  };
}

for (const f64 of [false, true]) {
  const o = (op32: Op, op64: Op): Op[] => [f64 ? op64 : op32];
  on(o(Op.F32Add, Op.F64Add), fbinop('add', f64));
  on(o(Op.F32Sub, Op.F64Sub), fbinop('sub', f64));
  on(o(Op.F32Mul, Op.F64Mul), fbinop('mul', f64));
  on(o(Op.F32Div, Op.F64Div), fbinop('div', f64));
  on(o(Op.F32Min, Op.F64Min), fminmax(false, f64));
  on(o(Op.F32Max, Op.F64Max), fminmax(true, f64));
  on(o(Op.F32Copysign, Op.F64Copysign), copysign(f64));
  on(o(Op.F32Sqrt, Op.F64Sqrt), funary(f64, (fc, r) => fc.asm.sseArith('sqrt', f64, r, r)));
  on(o(Op.F32Abs, Op.F64Abs), funary(f64, (fc, r) => fc.asm.i(`and${pk(f64)}`, xmm(r), fc.masm.constant(absMask(f64)))));
  on(o(Op.F32Neg, Op.F64Neg), funary(f64, (fc, r) => fc.asm.i(`xor${pk(f64)}`, xmm(r), fc.masm.constant(signMask(f64)))));
  on(o(Op.F32Ceil, Op.F64Ceil), funary(f64, (fc, r) => emitRound(fc, r, f64, Round.Ceil)));
  on(o(Op.F32Floor, Op.F64Floor), funary(f64, (fc, r) => emitRound(fc, r, f64, Round.Floor)));
  on(o(Op.F32Trunc, Op.F64Trunc), funary(f64, (fc, r) => emitRound(fc, r, f64, Round.Trunc)));
  on(o(Op.F32Nearest, Op.F64Nearest), funary(f64, (fc, r) => emitRound(fc, r, f64, Round.Nearest)));
  on(o(Op.F32Eq, Op.F64Eq), fcompare('eq', f64));
  on(o(Op.F32Ne, Op.F64Ne), fcompare('ne', f64));
  on(o(Op.F32Lt, Op.F64Lt), fcompare('lt', f64));
  on(o(Op.F32Gt, Op.F64Gt), fcompare('gt', f64));
  on(o(Op.F32Le, Op.F64Le), fcompare('le', f64));
  on(o(Op.F32Ge, Op.F64Ge), fcompare('ge', f64));
}
