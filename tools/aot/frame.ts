// The frame and the value stack (Liftoff-style). Every wasm value on the
// operand stack is one Val: a constant, a register, its own spill slot, or a
// still-unread local (read lazily so that `local.get; i32.add` folds into a
// memory operand). A value at stack depth d, once spilled, lives in slot d.
//
// Frame layout (rbp-relative, ABI.md):
//   [rbp + 16 + 8i]          parameter i (the caller's argument area)
//   [rbp + 8] return address, [rbp] saved rbp
//   [rbp - 8(s+1)]           the caller's value of callee-saved register s (S of them:
//                            the ones pinned here; stack values never use r12-r14)
//   [rbp - 8(S + j + 1)]     non-parameter local j
//   [rbp - 8(S + L + d + 1)] spill slot of stack depth d
//   [rsp + 8k]               outgoing argument area (calls)

import { ValType } from '../wasm/types.ts';
import { mem, xmm, type Gpr, type Mem, type Xmm } from '../x86/index.ts';
import { AotError } from './errors.ts';
import { Masm, gpr, RAX, RCX, RDX, RBX, RSI, RDI, R8, R9, R10, RBP, CALLEE_SAVED, SCRATCH, XSCRATCH, type Size } from './masm.ts';

export const enum K { Const, Reg, Slot, Local }

/**
 * One operand-stack value. Const: i32/f32 bits in `n` (i32 signed), i64/f64/ref
 * bits in `b`. Reg: register number in `n` (GPR or XMM by type). Local: index in `n`,
 * `b` LAST_READ when the local is written before it is read again (plan.ts overwritten).
 * `p`: for a Local that a `local.get` pushed, that get's position (the value may stay a read
 * of the local below a block, FrameKeeper.keepLazy); for a Reg that a construct keeps in its
 * register, -(the construct's end + 2) (FrameKeeper.keepReg); -1 otherwise.
 */
export interface Val { k: K; t: ValType; n: number; b: bigint; p: number }

/** Passes lazyLocals and keepRegs (func.ts): which stack entries stay where they are at a construct's entry. */
export interface FrameKeeper {
  /** A Local entry a local.get pushed stays a read of the local (lazyLocals). */
  keepLazy(v: Val): boolean;
  /** A Reg entry keeps its register through the construct being entered (keepRegs). */
  keepReg(v: Val): boolean;
  /** A Reg entry is one a construct around the position keeps: nothing may move it (keepRegs). */
  keptReg(v: Val): boolean;
}
/** Val.b of a Local value: the local's last read before its next write (popReg may clobber its register). */
export const LAST_READ = 1n;

export function isFloat(t: ValType): boolean { return t === ValType.F32 || t === ValType.F64; }
export function is64(t: ValType): boolean { return t !== ValType.I32 && t !== ValType.F32; }
export function sizeOf(t: ValType): Size { return is64(t) ? 64 : 32; }

export function cI32(v: number): Val { return { k: K.Const, t: ValType.I32, n: v | 0, b: 0n, p: -1 }; }
export function cI64(v: bigint): Val { return { k: K.Const, t: ValType.I64, n: 0, b: BigInt.asIntN(64, v), p: -1 }; }
export function fitsI32Val(v: Val): boolean { return v.b >= -0x80000000n && v.b <= 0x7fffffffn; }
export function regVal(t: ValType, n: number): Val { return { k: K.Reg, t, n, b: 0n, p: -1 }; }
/** The raw bits of a constant as a bigint (i32/f32 zero-extended). */
export function constBits(v: Val): bigint {
  return is64(v.t) ? v.b : BigInt(v.n >>> 0);
}

/** Registers for stack values: caller-saved only, so a function saves just the callee-saved registers it pins. */
export const GPR_ORDER = [RSI, RDI, R8, R9, R10, RBX, RAX, RCX, RDX];
const XMM_ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0];

/**
 * A local kept in a register ("pinned"; for the whole function, or over its
 * live range when the register is shared, pins.ts); its frame slot is its
 * home across calls. `entry`: its value at entry may be read (loaded or zeroed there).
 */
export interface Pinned { local: number; reg: number; float: boolean; written: boolean; entry: boolean }

export class Frame {
  stack: Val[] = [];
  gprUsed = 0;
  xmmUsed = 0;
  maxDepth = 0;
  /** Register of each local, or -1 when it lives in its frame slot. */
  pinReg: Int8Array;
  pinned: Pinned[] = [];
  /** Registers held by pinned locals: never allocated to stack values. */
  gprPinned = 0;
  xmmPinned = 0;
  /** Callee-saved registers pinned here, in save-slot order (saved at entry, restored at return). */
  readonly saved: number[] = [];

  /** nParams: P; localTypes: all locals incl. params. */
  constructor(readonly masm: Masm, readonly localTypes: ValType[], readonly nParams: number) {
    this.pinReg = new Int8Array(localTypes.length).fill(-1);
  }

  /** Keeps local `i` in register `reg` (before any code is compiled). */
  pin(i: number, reg: number, written: boolean, entry = true): void {
    const float = isFloat(this.localTypes[i]);
    this.pinReg[i] = reg;
    this.pinned.push({ local: i, reg, float, written, entry });
    if (!float && (CALLEE_SAVED & (1 << reg)) !== 0 && !this.saved.includes(reg)) this.saved.push(reg);
    if (float) this.xmmPinned |= 1 << reg; else this.gprPinned |= 1 << reg;
    this.resetRegs();
  }

  /** Marks every register free except the pinned ones. */
  resetRegs(): void { this.gprUsed = this.gprPinned; this.xmmUsed = this.xmmPinned; }

  /**
   * Stores pinned locals that may differ from their home slot (before a call
   * clobbers registers); `calls.liveAfterCall` says which are read after it.
   * (An object with the method, not a closure: see `keeper`.)
   */
  savePinned(calls: { liveAfterCall(local: number): boolean }): void {
    for (const p of this.pinned) if (p.written && !this.keeps(p) && calls.liveAfterCall(p.local)) this.storePinned(p);
  }
  /** A pinned local in a callee-saved register: calls preserve it. */
  keeps(p: Pinned): boolean { return !p.float && (CALLEE_SAVED & (1 << p.reg)) !== 0; }
  /** Reloads the pinned locals `calls.liveAfterCall` selects from their home slots (after a call). */
  reloadPinned(calls: { liveAfterCall(local: number): boolean }): void {
    for (const p of this.pinned) {
      if (this.keeps(p) || !calls.liveAfterCall(p.local)) continue;
      const t = this.localTypes[p.local];
      if (p.float) this.masm.loadX(t === ValType.F64, p.reg, this.localMem(p.local));
      else this.masm.load(sizeOf(t), p.reg, this.localMem(p.local));
    }
  }
  /** Loads pinned parameters from their argument slots (function entry). */
  reloadParams(): void {
    for (const p of this.pinned) {
      if (p.local >= this.nParams || !p.entry) continue;
      const t = this.localTypes[p.local];
      if (p.float) this.masm.loadX(t === ValType.F64, p.reg, this.localMem(p.local));
      else this.masm.load(sizeOf(t), p.reg, this.localMem(p.local));
    }
  }
  private storePinned(p: Pinned): void {
    const t = this.localTypes[p.local];
    if (p.float) this.masm.storeX(t === ValType.F64, this.localMem(p.local), p.reg);
    else this.masm.store(sizeOf(t), this.localMem(p.local), p.reg);
  }

  get nLocalSlots(): number { return this.localTypes.length - this.nParams; }

  localMem(i: number, size?: 32 | 64): Mem {
    const disp = i < this.nParams ? 16 + 8 * i : -8 * (this.saved.length + i - this.nParams + 1);
    return mem(RBP, disp, size);
  }
  slotMem(d: number, size?: 32 | 64): Mem { return mem(RBP, -8 * (this.saved.length + this.nLocalSlots + d + 1), size); }
  /** Save slot k of the callee-saved registers. */
  savedMem(k: number): Mem { return mem(RBP, -8 * (k + 1), 64); }

  push(v: Val): void {
    this.stack.push(v);
    if (this.stack.length > this.maxDepth) this.maxDepth = this.stack.length;
  }
  pop(): Val {
    const v = this.stack.pop();
    if (!v) throw new AotError('invalid', 'operand stack underflow');
    return v;
  }
  peek(i = 0): Val { return this.stack[this.stack.length - 1 - i]; }
  pushReg(t: ValType, n: number): void { this.mark(t, n); this.push(regVal(t, n)); }

  // ---- register bookkeeping -------------------------------------------------
  mark(t: ValType, n: number): void { if (isFloat(t)) this.xmmUsed |= 1 << n; else this.gprUsed |= 1 << n; }
  /** Frees a register value's register; a pinned local's register (a last read's, popReg) stays the local's. */
  free(v: Val): void {
    if (v.k !== K.Reg) return;
    if (isFloat(v.t)) this.freeXmm(v.n); else this.freeGpr(v.n);
  }
  freeGpr(n: number): void { this.gprUsed &= ~(1 << n) | this.gprPinned; }
  freeXmm(n: number): void { this.xmmUsed &= ~(1 << n) | this.xmmPinned; }

  /** A free GPR (spilling the oldest register value if none), marked used. `avoid`: bitmask. */
  allocGpr(avoid = 0): number {
    for (;;) {
      for (const r of GPR_ORDER) {
        if (((this.gprUsed | avoid) & (1 << r)) === 0) { this.gprUsed |= 1 << r; return r; }
      }
      this.spillOldest(false);
    }
  }
  allocXmm(avoid = 0): number {
    for (;;) {
      for (const r of XMM_ORDER) {
        if (((this.xmmUsed | avoid) & (1 << r)) === 0) { this.xmmUsed |= 1 << r; return r; }
      }
      this.spillOldest(true);
    }
  }
  alloc(t: ValType, avoid = 0): number { return isFloat(t) ? this.allocXmm(avoid) : this.allocGpr(avoid); }

  private spillOldest(float: boolean): void {
    for (let d = 0; d < this.stack.length; d++) {
      const v = this.stack[d];
      if (v.k === K.Reg && isFloat(v.t) === float && !this.keeper?.keptReg(v)) { this.spillAt(d); return; }
    }
    throw new AotError('internal', `out of ${float ? 'xmm' : 'general'} registers with nothing to spill`);
  }

  /** Makes GPR `r` free of stack values (moving its holder to another register). Does not mark it. */
  evictGpr(r: number, avoid = 0): void {
    if ((this.gprUsed & (1 << r)) === 0) return;
    for (let d = 0; d < this.stack.length; d++) {
      const v = this.stack[d];
      if (v.k === K.Reg && !isFloat(v.t) && v.n === r) {
        if (this.keeper?.keptReg(v)) throw new AotError('internal', `register ${r} is kept through a construct (pass keepRegs)`);
        const n = this.allocGpr(avoid | (1 << r));
        this.masm.movRR(64, n, r);
        v.n = n;
        this.freeGpr(r);
        return;
      }
    }
    throw new AotError('internal', `register ${r} is held by a popped value`);
  }

  // ---- moves ----------------------------------------------------------------
  /** Operand of a Slot/Local value: its memory, or the register of a pinned local. */
  memOf(v: Val, d: number): Mem | Gpr | Xmm {
    if (v.k !== K.Local) return this.slotMem(d, sizeOf(v.t));
    const r = this.pinReg[v.n];
    if (r < 0) return this.localMem(v.n, sizeOf(v.t));
    return isFloat(v.t) ? xmm(r) : gpr(sizeOf(v.t), r);
  }
  /** The register of a pinned Local value, or -1. */
  pinnedReg(v: Val): number { return v.k === K.Local ? this.pinReg[v.n] : -1; }
  /**
   * Whether `v` reads pin register `reg` of the class of type `t`: a lazy read of a local pinned
   * there (locals may share one), or a value computed there from a local's last read (popReg).
   */
  /** Whether a stack entry reads register `reg` (readsPin). */
  anyReadsPin(reg: number, t: ValType): boolean {
    for (let d = 0; d < this.stack.length; d++) if (this.readsPin(this.stack[d], reg, t)) return true;
    return false;
  }
  readsPin(v: Val, reg: number, t: ValType): boolean {
    if (isFloat(v.t) !== isFloat(t)) return false;
    return v.k === K.Local ? this.pinReg[v.n] === reg : v.k === K.Reg && v.n === reg;
  }

  /** Emits a load of `v` (at stack depth d when it is a Slot) into GPR/XMM `r`. Flags preserved. */
  loadTo(v: Val, d: number, r: number): void {
    const masm = this.masm;
    if (isFloat(v.t)) {
      const f64 = v.t === ValType.F64;
      const pr = this.pinnedReg(v);
      if (v.k === K.Const) masm.xmmImm(f64, r, constBits(v));
      else if (v.k === K.Reg) masm.movX(r, v.n);
      else if (pr >= 0) masm.movX(r, pr);
      else masm.loadX(f64, r, this.memOf(v, d) as Mem);
      return;
    }
    const size = sizeOf(v.t);
    const pr = this.pinnedReg(v);
    if (v.k === K.Const) masm.movImm(size, r, constBits(v));
    else if (v.k === K.Reg) masm.movRR(size, r, v.n);
    else if (pr >= 0) masm.movRR(size, r, pr);
    else masm.load(size, r, this.memOf(v, d) as Mem);
  }

  /** Emits a store of `v` to memory `m` (8 or 4 bytes by type). Flags preserved. */
  storeTo(v: Val, d: number, m: Mem): void {
    const masm = this.masm;
    const size = sizeOf(v.t);
    if (v.k === K.Const) { masm.storeImm(size, m, constBits(v)); return; }
    const r = v.k === K.Reg ? v.n : this.pinnedReg(v);
    if (r >= 0) {
      if (isFloat(v.t)) masm.storeX(v.t === ValType.F64, m, r);
      else masm.store(size, m, r);
      return;
    }
    masm.load(size, SCRATCH, this.memOf(v, d) as Mem);
    masm.store(size, m, SCRATCH);
  }

  /** Spills stack entry d (Reg or Local) to its slot. */
  spillAt(d: number): void {
    const v = this.stack[d];
    if (v.k !== K.Reg && v.k !== K.Local) return;
    this.storeTo(v, d, this.slotMem(d, sizeOf(v.t)));
    this.free(v);
    v.k = K.Slot;
  }

  /**
   * Passes lazyLocals and keepRegs (func.ts): what keeps stack entries where they are through a
   * construct's entry; null when both are off. An object whose methods are on its prototype, not
   * closures: a call site's inline cache holds the function it called, and a closure would keep
   * its function compiler (and the plan) alive from one function's compile into the next.
   */
  keeper: FrameKeeper | null = null;

  /**
   * Spills every Reg entry below depth `to`, and, if `locals` (a construct's entry or a test before
   * one), every Local entry: those keepReg or keepLazy keep stay.
   */
  spillBelow(to: number, locals: boolean): void {
    for (let d = 0; d < to; d++) {
      const v = this.stack[d];
      if (v.k === K.Reg) { if (!(locals && this.keeper?.keepReg(v))) this.spillAt(d); }
      else if (locals && v.k === K.Local && !(v.p >= 0 && this.keeper?.keepLazy(v))) this.spillAt(d);
    }
  }

  /** Marks every register free except the pinned ones and those of the stack's Reg entries. */
  resetRegsToStack(): void {
    this.resetRegs();
    for (const v of this.stack) if (v.k === K.Reg) this.mark(v.t, v.n);
  }

  /**
   * Before local `i` is written: entries still reading it lazily (or another local sharing its
   * register) get their value now, in a free register when there is one (no store and reload),
   * else in their spill slot. Flags preserved.
   */
  materializeLocal(i: number): void {
    const r = this.pinReg[i], t = this.localTypes[i];
    for (let d = 0; d < this.stack.length; d++) {
      const v = this.stack[d];
      if ((v.k === K.Local && v.n === i) || (r >= 0 && this.readsPin(v, r, t))) this.detach(d);
    }
  }
  private detach(d: number): void {
    const v = this.stack[d], float = isFloat(v.t);
    const order = float ? XMM_ORDER : GPR_ORDER, used = float ? this.xmmUsed : this.gprUsed;
    const r = order.find((x) => (used & (1 << x)) === 0);
    if (r === undefined) { this.spillAt(d); return; }
    this.loadTo(v, d, r);
    v.k = K.Reg; v.n = r; v.b = 0n;
    this.mark(v.t, r);
  }

  /** Pops the top value into a register this op owns (may clobber). */
  popReg(avoid = 0): Val {
    const d = this.stack.length - 1;
    const v = this.pop();
    if (v.k === K.Reg && (avoid & (1 << v.n)) === 0) return v;
    if (v.k === K.Local && v.b === LAST_READ && this.pinReg[v.n] >= 0 && !isFloat(v.t)) {
      // the local's last read before it is written again: its register is this op's to clobber
      const r = this.pinReg[v.n];
      if ((avoid & (1 << r)) === 0 && !this.anyReadsPin(r, v.t)) return regVal(v.t, r);
    }
    const r = this.alloc(v.t, avoid);
    this.loadTo(v, d, r);
    this.free(v);
    return regVal(v.t, r);
  }

  /**
   * Pops the top value into a register only to read it: its own register
   * (owned), a pinned local's register (not owned: never write it), or a fresh
   * one (owned). Free with `release`.
   */
  popRead(): { r: number; owned: boolean; t: ValType } {
    const v = this.peek();
    const pr = this.pinnedReg(v);
    if (pr >= 0) { this.pop(); return { r: pr, owned: false, t: v.t }; }
    const o = this.popReg();
    return { r: o.n, owned: true, t: o.t };
  }
  release(o: { r: number; owned: boolean; t: ValType }): void {
    if (o.owned) { if (isFloat(o.t)) this.freeXmm(o.r); else this.freeGpr(o.r); }
  }

  /** Pops the top (integer) value into GPR `r`, first moving any other stack value out of it. */
  popFixed(r: number, avoid = 0): Val {
    const t = this.peek();
    if (isFloat(t.t)) throw new AotError('internal', 'popFixed on a float value');
    if (t.k === K.Reg && t.n === r) return this.pop();
    this.evictGpr(r, avoid);
    const d = this.stack.length - 1;
    const v = this.pop();
    if (v.k === K.Reg && v.n === r) return v;
    this.loadTo(v, d, r);
    this.free(v);
    this.mark(v.t, r);
    return regVal(v.t, r);
  }

  /** Depth index a just-popped value had (for Slot memory operands). */
  get top(): number { return this.stack.length; }
}

export { RAX, RCX, RDX, XSCRATCH };
