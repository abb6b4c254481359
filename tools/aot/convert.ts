// Conversions (spec §4.3.4): trapping float->int truncation with the exact
// range checks (NaN -> "invalid conversion to integer", out of range ->
// "integer overflow"), saturating truncation, int->float (unsigned i64 by
// halving), demote/promote, reinterpret.
//
// Fast path: one cvtt instruction and a sentinel test; everything else runs
// out of line at the end of the function.

import { Op } from '../wasm/opcodes.ts';
import { ValType } from '../wasm/types.ts';
import { imm, r32, r64, xmm } from '../x86/index.ts';
import { K, regVal, type Val } from './frame.ts';
import { on, type FuncCompiler } from './func.ts';
import { SCRATCH, XSCRATCH } from './masm.ts';
import { TrapKind } from './traps.ts';
import { finishResultPin, setTargetPin } from './settarget.ts';

const F32 = ValType.F32, F64 = ValType.F64, I32 = ValType.I32, I64 = ValType.I64;

/** Bits of the float constant `v` in the source format. */
const FB = new DataView(new ArrayBuffer(8));      // one scratch buffer: an ArrayBuffer per call cost 2% of a compile
function fbits(f64: boolean, v: number): bigint {
  const b = FB;
  if (f64) { b.setFloat64(0, v, true); return b.getBigUint64(0, true); }
  b.setFloat32(0, v, true);
  return BigInt(b.getUint32(0, true));
}

interface Trunc { signed: boolean; f64: boolean; i64: boolean; sat: boolean }

function truncOp(p: Trunc) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm;
    const a = f.popReg();
    const r = f.allocGpr();
    const sx = p.f64 ? 'sd' : 'ss';
    const X = xmm(a.n);
    const cst = (v: number) => fc.masm.constant(fbits(p.f64, v), 0n, p.f64 ? 64 : 32);
    const done = asm.label(), slow = asm.label();
    const R64 = r64(r), R = p.i64 ? r64(r) : r32(r);
    if (p.signed) {
      asm.i(`cvtt${sx}2si`, R, X);
      asm.i('cmp', R, imm(1));
      asm.jcc('o', slow);
    } else if (!p.i64) {
      asm.i(`cvtt${sx}2si`, R64, X);
      asm.i('mov', r64(SCRATCH), R64);
      asm.i('shr', r64(SCRATCH), imm(32));
      asm.jcc('ne', slow);
    } else {
      const high = asm.label();
      asm.i(`ucomi${sx}`, X, cst(2 ** 63));
      asm.jcc('ae', high);
      asm.i(`cvtt${sx}2si`, R64, X);
      asm.i('test', R64, R64);
      asm.jcc('s', slow);
      fc.outOfLine(() => {
        asm.bind(high);
        asm.i('movaps', xmm(XSCRATCH), X);
        asm.i(`sub${sx}`, xmm(XSCRATCH), cst(2 ** 63));
        asm.i(`cvtt${sx}2si`, R64, xmm(XSCRATCH));
        asm.i('test', R64, R64);
        asm.jcc('s', slow);
        fc.masm.movImm(64, SCRATCH, 1n << 63n);
        asm.i('xor', R64, r64(SCRATCH));
        asm.jmp(done);
      });
    }
    asm.bind(done);
    fc.outOfLine(() => { asm.bind(slow); truncSlow(fc, p, a.n, r, done); });
    f.free(a);
    f.push(regVal(p.i64 ? I64 : I32, r));
  };
}

/** The slow path: classify NaN / overflow, trap or saturate into `r`, jump to `done`. */
function truncSlow(fc: FuncCompiler, p: Trunc, x: number, r: number, done: ReturnType<FuncCompiler['asm']['label']>): void {
  const asm = fc.asm;
  const sx = p.f64 ? 'sd' : 'ss';
  const X = xmm(x);
  const cst = (v: number) => fc.masm.constant(fbits(p.f64, v), 0n, p.f64 ? 64 : 32);
  asm.i(`ucomi${sx}`, X, X);
  if (!p.sat) {
    asm.jcc('p', fc.trap(TrapKind.InvalidConversion));
    if (p.signed) {
      // The sentinel INT_MIN is a valid result for x in the lowest truncation bucket.
      const bits = p.i64 ? 64 : 32;
      const lower = -(2 ** (bits - 1));
      const exclusive = p.f64 && !p.i64;          // f64 -> i32: valid iff x > -2^31 - 1
      asm.i(`ucomi${sx}`, X, cst(exclusive ? lower - 1 : lower));
      asm.i(exclusive ? 'jbe' : 'jb', fc.trap(TrapKind.IntOverflow));
      asm.i(`ucomi${sx}`, X, cst(0));
      asm.jcc('ae', fc.trap(TrapKind.IntOverflow));
      asm.jmp(done);
    } else {
      asm.jmp(fc.trap(TrapKind.IntOverflow));
    }
    return;
  }
  const zero = asm.label();
  asm.jcc('p', zero);
  asm.i(`ucomi${sx}`, X, cst(0));
  const neg = asm.label();
  asm.jcc('b', neg);
  // positive overflow: max value
  if (p.signed) fc.masm.movImm(p.i64 ? 64 : 32, r, p.i64 ? 0x7fffffffffffffffn : 0x7fffffffn);
  else fc.masm.movImm(p.i64 ? 64 : 32, r, p.i64 ? -1n : 0xffffffffn);
  asm.jmp(done);
  asm.bind(neg);
  if (p.signed) {
    // cvtt produced INT_MIN, which is also the right result for valid x in the lowest bucket.
    fc.masm.movImm(p.i64 ? 64 : 32, r, p.i64 ? -(1n << 63n) : 0x80000000n);
    asm.jmp(done);
  }
  asm.bind(zero);
  asm.movRI(32, r, 0);
  asm.jmp(done);
}

function convertOp(from: 'i32s' | 'i32u' | 'i64s' | 'i64u', f64: boolean) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame, asm = fc.asm;
    // a signed source is only read (a pinned local in place); i32u needs its zero-extension and i64u is modified
    const a = from === 'i32s' || from === 'i64s' ? f.popRead() : owned(f.popReg());
    const pr = setTargetPin(fc);                  // straight into the pinned float local it is set to
    const x = pr >= 0 ? pr : f.allocXmm();
    const X = xmm(x), sx = f64 ? 'sd' : 'ss';
    asm.xorps(x, x);
    if (from === 'i32s') asm.cvtsi2s(f64, x, 32, a.r);
    else if (from !== 'i64u') asm.cvtsi2s(f64, x, 64, a.r);
    else {
      const neg = asm.label(), done = asm.label();
      asm.i('test', r64(a.r), r64(a.r));
      asm.jcc('s', neg);
      asm.i(`cvtsi2${sx}`, X, r64(a.r));
      asm.bind(done);
      fc.outOfLine(() => {
        asm.bind(neg);
        asm.i('mov', r64(SCRATCH), r64(a.r));
        asm.i('shr', r64(SCRATCH), imm(1));
        asm.i('and', r32(a.r), imm(1));
        asm.i('or', r64(SCRATCH), r64(a.r));
        asm.i(`cvtsi2${sx}`, X, r64(SCRATCH));
        asm.i(`add${sx}`, X, X);
        asm.jmp(done);
      });
    }
    f.release(a);
    if (pr >= 0) finishResultPin(fc, f64 ? F64 : F32);
    else f.push(regVal(f64 ? F64 : F32, x));
  };
}

/** A register value popped with popReg, in popRead's form (owned: released after use). */
function owned(v: Val): { r: number; owned: boolean; t: ValType } { return { r: v.n, owned: true, t: v.t }; }

/** Reinterpret: constants and memory-resident values just change type; registers cross files. */
function reinterpret(to: ValType) {
  return (fc: FuncCompiler): void => {
    const f = fc.frame;
    const v = f.pop();
    const src = v.k === K.Reg ? v.n : f.pinnedReg(v);
    if (src < 0) {
      const nv: Val = { ...v, t: to };
      if (v.k === K.Const && (to === I32)) nv.n = v.n | 0;
      if (v.k === K.Const && (to === F32)) nv.n = v.n >>> 0;
      if (v.k === K.Const && (to === I64)) nv.b = BigInt.asIntN(64, v.b);
      if (v.k === K.Const && (to === F64)) nv.b = BigInt.asUintN(64, v.b);
      f.push(nv);
      return;
    }
    f.free(v);
    const r = f.alloc(to);
    if (to === I32) fc.asm.i('movd', r32(r), xmm(src));
    else if (to === I64) fc.asm.i('movq', r64(r), xmm(src));
    else if (to === F32) fc.asm.i('movd', xmm(r), r32(src));
    else fc.asm.i('movq', xmm(r), r64(src));
    f.push(regVal(to, r));
  };
}

function demote(fc: FuncCompiler): void {
  const a = fc.frame.popReg();
  fc.asm.i('cvtsd2ss', xmm(a.n), xmm(a.n));
  fc.frame.push(regVal(F32, a.n));
}
function promote(fc: FuncCompiler): void {
  const a = fc.frame.popReg();
  fc.asm.i('cvtss2sd', xmm(a.n), xmm(a.n));
  fc.frame.push(regVal(F64, a.n));
}

const truncs: [Op, Op, boolean, boolean, boolean][] = [
  [Op.I32TruncF32S, Op.I32TruncSatF32S, true, false, false],
  [Op.I32TruncF32U, Op.I32TruncSatF32U, false, false, false],
  [Op.I32TruncF64S, Op.I32TruncSatF64S, true, true, false],
  [Op.I32TruncF64U, Op.I32TruncSatF64U, false, true, false],
  [Op.I64TruncF32S, Op.I64TruncSatF32S, true, false, true],
  [Op.I64TruncF32U, Op.I64TruncSatF32U, false, false, true],
  [Op.I64TruncF64S, Op.I64TruncSatF64S, true, true, true],
  [Op.I64TruncF64U, Op.I64TruncSatF64U, false, true, true],
];
for (const [op, satOp, signed, f64, i64] of truncs) {
  on([op], truncOp({ signed, f64, i64, sat: false }));
  on([satOp], truncOp({ signed, f64, i64, sat: true }));
}
on([Op.F32ConvertI32S], convertOp('i32s', false));
on([Op.F32ConvertI32U], convertOp('i32u', false));
on([Op.F32ConvertI64S], convertOp('i64s', false));
on([Op.F32ConvertI64U], convertOp('i64u', false));
on([Op.F64ConvertI32S], convertOp('i32s', true));
on([Op.F64ConvertI32U], convertOp('i32u', true));
on([Op.F64ConvertI64S], convertOp('i64s', true));
on([Op.F64ConvertI64U], convertOp('i64u', true));
on([Op.F32DemoteF64], demote);
on([Op.F64PromoteF32], promote);
on([Op.I32ReinterpretF32], reinterpret(I32));
on([Op.I64ReinterpretF64], reinterpret(I64));
on([Op.F32ReinterpretI32], reinterpret(F32));
on([Op.F64ReinterpretI64], reinterpret(F64));
