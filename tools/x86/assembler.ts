// The Assembler: a growable byte buffer, labels, and references to labels
// (fixups) that finish(base) resolves once every label is bound.

import { emitMemLast, encode, FIX_ABS32, FIX_ABS64, FIX_BRANCH, FIX_REL32 } from './encode.ts';
import { EncodeError, gpr, imm, r64, xmm, type Label, type Mem, type Operand } from './operands.ts';
import {
  ALU_RR, CC, SHIFT_DIGIT, SSE_ARITH, aluImm, encAluRI, encMovR32I, encMovR64SI, encRR, encTestRI,
  type AluImmOp, type AluOp, type Cond, type ShiftOp, type SseArith,
} from './direct.ts';
import type { Mnemonic } from './mnemonics.ts';

const FX_STRIDE = 5;
/** A point in the cold buffer (Assembler.coldMark). */
export interface ColdMark { readonly n: number; readonly nFx: number; readonly labels: number }
const COLD_START: ColdMark = { n: 0, nFx: 0, labels: 0 };

/** _labelOff of a label bound in cold code, until flushCold gives it an offset (< 0: reads as unbound). */
const COLD_BOUND = -2;
/** u64's scratch: a 64-bit value and its two 32-bit halves (little-endian, as x86). */
const U64 = new BigUint64Array(1);
const U64_HALVES = new Uint32Array(U64.buffer);

/** A relocatable piece of code (Assembler._chunk / _append); structured-clone safe. */
export interface AsmChunk {
  bytes: Uint8Array;
  /** Fixups, 5 int32s each: kind, field offset, label id, addend, end of the instruction. */
  fx: Int32Array;
  /** Offset of each label id bound in the chunk, -1 where not bound. */
  labelOff: Int32Array;
  names: string[];
  nameIds: number[];
}

/** Assembler.i's operand arrays by count (encode may rewrite ops[0]: movImmHook). */
const RAX_OP = r64(0);
const OPS0: Operand[] = [];
const OPS1: Operand[] = [RAX_OP];
const OPS2: Operand[] = [RAX_OP, RAX_OP];
const OPS3: Operand[] = [RAX_OP, RAX_OP, RAX_OP];
function set1(a: Operand): Operand[] { OPS1[0] = a; return OPS1; }
function set2(a: Operand, b: Operand): Operand[] { OPS2[0] = a; OPS2[1] = b; return OPS2; }
function set3(a: Operand, b: Operand, c: Operand): Operand[] { OPS3[0] = a; OPS3[1] = b; OPS3[2] = c; return OPS3; }

export class Assembler {
  /** Mode of the instructions that follow; may be switched mid-stream. */
  bits: 32 | 64;
  /** @internal the code (the cold code while cold); encode.ts writes instructions into it directly */
  _buf = new Uint8Array(4096);
  /** @internal bytes in use of _buf */
  _n = 0;

  // Internal state shared with encode.ts (not part of the public surface).
  /** @internal label id -> bound offset, -1 when unbound; [0, _nLabels) in use (grown by doubling: cheaper than push) */
  _labelOff = new Int32Array(1024).fill(-1);
  /** @internal */
  _nLabels = 0;
  private named = new Map<string, Label>();
  /**
   * Fixups, FX_STRIDE int32s each: kind, field offset, label id, addend, end of the instruction.
   * Int32, not Float64: a large module has ~100k fixups, and each fresh page of this array costs
   * a page fault (~10 µs on the bench VM); half the bytes, half the faults.
   */
  private fx = new Int32Array(FX_STRIDE * 256);
  private nFx = 0;
  /**
   * The last `jmp` to a label not yet bound, while nothing follows it: a
   * forward jump that binding its own label right away makes a jump to the
   * next instruction, which bind() removes (emission order leaves many at
   * the ends of blocks and rotated loops).
   */
  private jmpStart = 0;
  private jmpEnd = -1;
  private jmpLabel = -1;
  private jmpFx = 0;
  /** Labels bound right after that jump (at jmpEnd), before its own. */
  private readonly boundAfterJmp = new Int32Array(8);
  private nBoundAfterJmp = 0;
  /**
   * Cold code (beginCold .. endCold): bytes and fixups kept aside, in a second buffer, and
   * appended where flushCold is called, so a rarely taken path costs the hot path no taken
   * branch. A label bound there has offset COLD_BOUND (reads as unbound) until the flush;
   * `coldIds` and `coldOffs` hold them meanwhile. While cold, `buf`/`n`/`fx`/`nFx` are the cold
   * buffers and `other` the main ones (swapped back by endCold).
   */
  private readonly other = { buf: new Uint8Array(256), n: 0, fx: new Int32Array(FX_STRIDE * 32), nFx: 0 };
  /** @internal in cold code: no rel8 to a bound label (its offset is in the other buffer) */
  _cold = false;
  private coldIds: number[] = [];
  private coldOffs: number[] = [];

  constructor(opts?: { bits?: 32 | 64 }) {
    this.bits = opts?.bits ?? 64;
  }

  /** Current offset in bytes (in the cold buffer while cold). */
  get pos(): number { return this._n; }
  /** Emitting cold code (beginCold). */
  get inCold(): boolean { return this._cold; }

  /** Encode one instruction, e.g. `i('add', r64(RAX), imm(1))` (no table row has more than 3 operands). Throws EncodeError if no row fits. */
  i(mnemonic: Mnemonic, a?: Operand, b?: Operand, c?: Operand): void {
    const start = this._n;
    // one reused array per operand count (encode keeps none): a rest parameter made one per instruction
    const ops = c !== undefined ? set3(a!, b!, c) : b !== undefined ? set2(a!, b) : a !== undefined ? set1(a) : OPS0;
    const f = encode(this, mnemonic, ops);
    // `jmp rel32` (a `jmp label` not bound yet): asks the Form, not `a.k` (a megamorphic load) and the mnemonic
    if (f.relIdx === 0 && f.mn === 'jmp' && !this._cold && this._labelOff[(a as Label).id] < 0) {
      this.jmpStart = start; this.jmpEnd = this._n; this.jmpLabel = (a as Label).id; this.jmpFx = this.nFx;
      this.nBoundAfterJmp = 0;
    }
  }

  // ---- typed forms: the bytes i() gives for these operands, without selecting a row (direct.ts) ----
  // Operands outside a form's domain (a register number out of range, an immediate too wide)
  // go to i(), which encodes them the general way or throws its error.

  /** `op r(d), r(s)` of `size` bits: mov, test and the ALU ops (`mov` to itself is emitted too). */
  aluRR(op: AluOp, size: 32 | 64, d: number, s: number): void {
    if (this.bits !== 64 || !isReg(d) || !isReg(s)) { this.i(op, gpr(d, size), gpr(s, size)); return; }
    this._room(3);
    this._n = encRR(this._buf, this._n, size === 64, ALU_RR[op], s, d);
  }

  /** `op r(d), imm` of `size` bits for an ALU op with an immediate group, or test. */
  aluRI(op: AluImmOp | 'test', size: 32 | 64, d: number, v: number | bigint): void {
    const x = aluImm(size, v);
    if (x === null || this.bits !== 64 || !isReg(d)) { this.i(op, gpr(d, size), imm(v)); return; }
    this._room(7);
    const w = size === 64;
    this._n = op === 'test' ? encTestRI(this._buf, this._n, w, d, x) : encAluRI(this._buf, this._n, w, op, d, x);
  }

  /** `mov r(d), imm` of `size` bits as i() encodes it: B8+r for what a 32-bit write holds (64-bit: [0, 2^32), zero-extended), C7 for a negative simm32, movabs (through i()) for the rest. */
  movRI(size: 32 | 64, d: number, v: number | bigint): void {
    const x = aluImm(32, v);                        // [-2^31, 2^32) as its low 32 bits
    if (x !== null && this.bits === 64 && isReg(d)) {
      this._room(7);
      this._n = size === 32 || v >= 0 ? encMovR32I(this._buf, this._n, d, x) : encMovR64SI(this._buf, this._n, d, x);
      return;
    }
    this.i('mov', gpr(d, size), imm(v));
  }

  /** `movaps xmm(d), xmm(s)`. */
  movaps(d: number, s: number): void {
    if (this.bits !== 64 || !isReg(d) || !isReg(s)) { this.i('movaps', xmm(d), xmm(s)); return; }
    this.regReg(0, false, 0x0f, 0x28, d, s);
  }

  /** `movsxd r64(d), r32(s)`. */
  movsxd(d: number, s: number): void {
    if (this.bits !== 64 || !isReg(d) || !isReg(s)) { this.i('movsxd', r64(d), gpr(s, 32)); return; }
    this._room(3);
    this._n = encRR(this._buf, this._n, true, 0x63, d, s);
  }

  /** `mov r(d), m` of `size` bits (`m` of that size or unsized). */
  load(size: 32 | 64, d: number, m: Mem): void {
    if (this.bits !== 64 || !isReg(d) || (m.size !== undefined && m.size !== size)) { this.i('mov', gpr(d, size), m); return; }
    this.regMem(0, size === 64, false, 0x8b, -1, d, m);
  }

  /** `mov m, r(s)` of `size` bits (`m` of that size or unsized). */
  store(size: 8 | 16 | 32 | 64, m: Mem, s: number): void {
    if (this.bits !== 64 || !isReg(s) || (m.size !== undefined && m.size !== size)) { this.i('mov', m, gpr(s, size)); return; }
    this.regMem(size === 16 ? 0x66 : 0, size === 64, size === 8, size === 8 ? 0x88 : 0x89, -1, s, m);
  }

  /** `lea r(d), m` of `size` bits. */
  lea(size: 32 | 64, d: number, m: Mem): void {
    if (this.bits !== 64 || !isReg(d)) { this.i('lea', gpr(d, size), m); return; }
    this.regMem(0, size === 64, false, 0x8d, -1, d, m);
  }

  /** `movzx`/`movsx r(d), m8|m16` and `movsxd r64(d), m32`: the memory operand's size picks the form. */
  loadExt(op: 'movzx' | 'movsx' | 'movsxd', size: 32 | 64, d: number, m: Mem): void {
    const from = m.size;
    const ok = this.bits === 64 && isReg(d) && (op === 'movsxd' ? size === 64 && from === 32 : from === 8 || from === 16);
    if (!ok) { this.i(op, gpr(d, size), m); return; }
    if (op === 'movsxd') this.regMem(0, true, false, 0x63, -1, d, m);
    else this.regMem(0, size === 64, false, 0x0f, (op === 'movzx' ? 0xb6 : 0xbe) + (from === 16 ? 1 : 0), d, m);
  }

  /** `movss`/`movsd xmm(x), m` (f64: movsd), `m` of that size or unsized. */
  loadF(f64: boolean, x: number, m: Mem): void {
    if (this.bits !== 64 || !isReg(x) || (m.size !== undefined && m.size !== (f64 ? 64 : 32))) { this.i(f64 ? 'movsd' : 'movss', xmm(x), m); return; }
    this.regMem(f64 ? 0xf2 : 0xf3, false, false, 0x0f, 0x10, x, m);
  }

  /** `movss`/`movsd m, xmm(x)` (f64: movsd), `m` of that size or unsized. */
  storeF(f64: boolean, m: Mem, x: number): void {
    if (this.bits !== 64 || !isReg(x) || (m.size !== undefined && m.size !== (f64 ? 64 : 32))) { this.i(f64 ? 'movsd' : 'movss', m, xmm(x)); return; }
    this.regMem(f64 ? 0xf2 : 0xf3, false, false, 0x0f, 0x11, x, m);
  }

  /**
   * A register-memory form, ModRM.reg = `reg`: [prefix] [REX] op [op2] ModRM [SIB] [disp].
   * REX when W, any of reg/index/base is r8..r15, or (byteReg) reg is spl..dil.
   */
  private regMem(prefix: number, w: boolean, byteReg: boolean, op: number, op2: number, reg: number, m: Mem): void {
    this._room(16);
    const b = this._buf;
    let p = this._n;
    if (prefix !== 0) b[p++] = prefix;
    const { base, index } = m;
    const rex = (w ? 8 : 0) | ((reg >> 3) << 2) | (index !== null ? (index >> 3) << 1 : 0) | (base !== null ? base >> 3 : 0);
    if (rex !== 0 || (byteReg && reg >= 4)) b[p++] = 0x40 | rex;
    b[p++] = op;
    if (op2 >= 0) b[p++] = op2;
    this._n = emitMemLast(this, b, p, reg & 7, m);      // throws (nothing kept) on a displacement out of range
  }

  /** `op{ss,sd} xmm(d), xmm(src) | m` (f64: sd): scalar add, sub, mul, div, min, max, sqrt; `m` of the scalar's size or unsized. */
  sseArith(op: SseArith, f64: boolean, d: number, src: number | Mem): void {
    const e = SSE_ARITH[op];
    this.sseRM(f64 ? e.sd : e.ss, f64 ? 0xf2 : 0xf3, e.opcode, f64 ? 64 : 32, d, src);
  }

  /** `ucomiss`/`ucomisd xmm(d), xmm(src) | m` (f64: ucomisd). */
  ucomis(f64: boolean, d: number, src: number | Mem): void {
    this.sseRM(f64 ? 'ucomisd' : 'ucomiss', f64 ? 0x66 : 0, 0x2e, f64 ? 64 : 32, d, src);
  }

  /** `mn xmm(d), xmm(src) | m`, encoded [prefix] [REX] 0F opcode ModRM; `m` of `memSize` or unsized, else i(). */
  private sseRM(mn: Mnemonic, prefix: number, opcode: number, memSize: 32 | 64, d: number, src: number | Mem): void {
    if (typeof src === 'number') {
      if (this.bits !== 64 || !isReg(d) || !isReg(src)) this.i(mn, xmm(d), xmm(src));
      else this.regReg(prefix, false, 0x0f, opcode, d, src);
    } else if (this.bits !== 64 || !isReg(d) || (src.size !== undefined && src.size !== memSize)) this.i(mn, xmm(d), src);
    else this.regMem(prefix, false, false, 0x0f, opcode, d, src);
  }

  /** `xorps xmm(d), xmm(s)` (zeroes d when d = s). */
  xorps(d: number, s: number): void {
    if (this.bits !== 64 || !isReg(d) || !isReg(s)) { this.i('xorps', xmm(d), xmm(s)); return; }
    this.regReg(0, false, 0x0f, 0x57, d, s);
  }

  /** `cvtsi2ss`/`cvtsi2sd xmm(d), r(s)` of `size` bits (f64: cvtsi2sd). */
  cvtsi2s(f64: boolean, d: number, size: 32 | 64, s: number): void {
    if (this.bits !== 64 || !isReg(d) || !isReg(s)) { this.i(f64 ? 'cvtsi2sd' : 'cvtsi2ss', xmm(d), gpr(s, size)); return; }
    this.regReg(f64 ? 0xf2 : 0xf3, size === 64, 0x0f, 0x2a, d, s);
  }

  /** `op r(d), n` of `size` bits for a shift or rotate by a constant 0..255 (by 1: the D1 form). */
  shiftRI(op: ShiftOp, size: 32 | 64, d: number, n: number): void {
    if (this.bits !== 64 || !isReg(d) || (n & 255) !== n) { this.i(op, gpr(d, size), imm(n)); return; }
    this._room(4);
    let p = encRR(this._buf, this._n, size === 64, n === 1 ? 0xd1 : 0xc1, SHIFT_DIGIT[op], d);
    if (n !== 1) this._buf[p++] = n;
    this._n = p;
  }

  /** A register-register form with a two-byte opcode, ModRM.reg = `reg`: [prefix] [REX] op op2 ModRM(11, reg, rm). */
  private regReg(prefix: number, w: boolean, op: number, op2: number, reg: number, rm: number): void {
    this._room(5);
    const b = this._buf;
    let p = this._n;
    if (prefix !== 0) b[p++] = prefix;
    const rex = (w ? 8 : 0) | ((reg >> 3) << 2) | (rm >> 3);
    if (rex !== 0) b[p++] = 0x40 | rex;
    b[p++] = op;
    b[p++] = op2;
    b[p++] = 0xc0 | ((reg & 7) << 3) | (rm & 7);
    this._n = p;
  }

  /** `call l`: rel32 (a branch fixup, as from i()). */
  call(l: Label): void {
    if (this.bits !== 64) { this.i('call', l); return; }
    this.branch(l, -1, 0xe8, -1);
  }

  /** `jmp l`: rel8 when `l` is bound within reach (not from cold code), else rel32 (jump threading and the jump-to-next removal in bind() see it as from i()). */
  jmp(l: Label): void {
    if (this.bits !== 64) { this.i('jmp', l); return; }
    const start = this._n;
    if (this.branch(l, 0xeb, 0xe9, -1) && !this._cold) {
      this.jmpStart = start; this.jmpEnd = this._n; this.jmpLabel = l.id; this.jmpFx = this.nFx;
      this.nBoundAfterJmp = 0;
    }
  }

  /** `j<cond> l`: rel8 when `l` is bound within reach (not from cold code), else rel32. */
  jcc(cond: Cond, l: Label): void {
    if (this.bits !== 64) { this.i(`j${cond}`, l); return; }
    const cc = CC[cond];
    this.branch(l, 0x70 | cc, 0x0f, 0x80 | cc);
  }

  /**
   * A branch to `l`: opcode `short` with a rel8 when `l` is bound within its reach (not from cold
   * code; short < 0: none), else opcode `long` (then `long2` unless < 0) with a rel32 branch fixup.
   * Returns whether `l` was not bound yet (a forward rel32).
   */
  private branch(l: Label, short: number, long: number, long2: number): boolean {
    this.own(l);
    const start = this._n, off = this._labelOff[l.id], rel = off - (start + 2);
    this._room(6);
    const b = this._buf;
    if (short >= 0 && !this._cold && off >= 0 && rel >= -128 && rel <= 127) {
      b[start] = short; b[start + 1] = rel;
      this._n = start + 2;
      return false;
    }
    let p = start;
    b[p++] = long;
    if (long2 >= 0) b[p++] = long2;
    this._fixup(FIX_BRANCH, p, l, 0, p + 4);
    b[p] = 0; b[p + 1] = 0; b[p + 2] = 0; b[p + 3] = 0;
    this._n = p + 4;
    return off < 0;
  }

  // ---- labels ----

  /** A fresh anonymous label. */
  label(): Label {
    const l: Label = { k: 'l', id: this.newLabelId(), name: undefined, owner: this };
    return l;
  }

  /** The named label `name`, created on first use (a global symbol). */
  sym(name: string): Label {
    let l = this.named.get(name);
    if (!l) {
      l = { k: 'l', id: this.newLabelId(), name, owner: this };
      this.named.set(name, l);
    }
    return l;
  }

  private newLabelId(): number {
    const id = this._nLabels++;
    if (id >= this._labelOff.length) this.resizeLabels(this._labelOff.length * 2);
    return id;
  }

  private resizeLabels(cap: number): void {
    const b = new Int32Array(cap).fill(-1);
    b.set(this._labelOff);
    this._labelOff = b;
  }

  /** Bind `l` at the current position. Caller must bind each label once. */
  bind(l: Label): void {
    this.own(l);
    if (this._labelOff[l.id] !== -1) {
      throw new EncodeError('X86_LABEL_REBOUND', `label ${labelName(l)} is already bound at offset ${this._labelOff[l.id]}`);
    }
    if (this._cold) { this._labelOff[l.id] = COLD_BOUND; this.coldIds.push(l.id); this.coldOffs.push(this._n); return; }
    if (this.jmpEnd === this._n && this.jmpFx === this.nFx) {
      if (this.jmpLabel === l.id) {
        // The last instruction jumps to the very label bound after it: drop it, and move the
        // labels bound since (nothing has referred to them by offset yet) back with it.
        this._n = this.jmpStart; this.nFx--;
        for (let k = 0; k < this.nBoundAfterJmp; k++) this._labelOff[this.boundAfterJmp[k]] = this._n;
        this.jmpEnd = -1;
      } else if (this.nBoundAfterJmp < this.boundAfterJmp.length) {
        this.boundAfterJmp[this.nBoundAfterJmp++] = l.id;   // the jump's own label may still follow
      } else this.jmpEnd = -1;
    }
    this._labelOff[l.id] = this._n;
  }

  isBound(l: Label): boolean { this.own(l); return this._labelOff[l.id] >= 0; }

  /** Offset of a bound label. */
  offsetOf(l: Label): number {
    if (!this.isBound(l)) throw new EncodeError('X86_LABEL_UNBOUND', `label ${labelName(l)} is not bound yet`);
    return this._labelOff[l.id];
  }

  private own(l: Label): void {
    if (l.owner !== this) throw new EncodeError('X86_FOREIGN_LABEL', `label ${labelName(l)} was not created by this assembler`);
  }

  /**
   * Makes room for `bytes` more bytes of code, `fixups` more label references
   * and `labels` more labels, so a large compile grows its buffers once instead
   * of by doubling (each doubling copies, and fresh pages cost a fault each).
   * Exactly what is asked: a fresh typed array is zeroed (or filled) whole, so
   * rounding up to a power of two touched up to twice the pages.
   */
  reserve(bytes: number, fixups: number, labels = 0): void {
    if (this._n + bytes > this._buf.length) this.resize(this._n + bytes);
    if (this._nLabels + labels > this._labelOff.length) this.resizeLabels(this._nLabels + labels);
    const need = (this.nFx + fixups) * FX_STRIDE;
    if (need > this.fx.length) {
      const b = new Int32Array(need);
      b.set(this.fx.subarray(0, this.nFx * FX_STRIDE));
      this.fx = b;
    }
  }

  /** @internal Room for `bytes` more bytes in _buf: encode.ts checks once per instruction, then stores directly. */
  _room(bytes: number): void {
    if (this._n + bytes > this._buf.length) this.grow(this._n + bytes);
  }

  // ---- data ----

  private grow(need: number): void {
    let cap = this._buf.length * 2;
    while (cap < need) cap *= 2;
    this.resize(cap);
  }

  private resize(cap: number): void {
    const b = new Uint8Array(cap);
    b.set(this._buf.subarray(0, this._n));
    this._buf = b;
  }

  u8(v: number): void {
    if (this._n >= this._buf.length) this.grow(this._n + 1);
    this._buf[this._n++] = v;
  }
  u16(v: number): void { this.u8(v & 0xff); this.u8((v >>> 8) & 0xff); }
  u32(v: number): void {
    if (this._n + 4 > this._buf.length) this.grow(this._n + 4);
    const b = this._buf, n = this._n;
    b[n] = v; b[n + 1] = v >>> 8; b[n + 2] = v >>> 16; b[n + 3] = v >>> 24;
    this._n = n + 4;
  }
  u64(v: bigint | number): void {
    U64[0] = typeof v === 'bigint' ? v : BigInt(v);          // wraps modulo 2^64 (BigInt.asUintN(64, v)), no BigInt made
    this.u32(U64_HALVES[0]);
    this.u32(U64_HALVES[1]);
  }
  bytes(b: ArrayLike<number>): void {
    if (this._n + b.length > this._buf.length) this.grow(this._n + b.length);
    if (b instanceof Uint8Array) { this._buf.set(b, this._n); this._n += b.length; return; }
    for (let i = 0; i < b.length; i++) this._buf[this._n++] = b[i];
  }
  /**
   * Overwrites bytes already emitted at offset `at` (a field no fixup covers: an immediate
   * known only later, as a function's frame size in its prologue).
   */
  overwrite(at: number, b: ArrayLike<number>): void {
    if (at < 0 || at + b.length > this._n) throw new EncodeError('X86_RANGE', `overwrite of ${b.length} bytes at ${at} outside the code (${this._n} bytes)`);
    for (let i = 0; i < b.length; i++) this._buf[at + i] = b[i];
  }
  /** Pad to a multiple of `n` (a power of two) with `fill` (default: nop, 0x90). */
  align(n: number, fill = 0x90): void {
    if (n <= 0 || (n & (n - 1)) !== 0) throw new EncodeError('X86_BAD_ALIGN', `alignment ${n} is not a power of two`);
    while (this._n % n !== 0) this.u8(fill);
  }
  /** 4-byte absolute address of `l` (+ addend) as data. */
  addr32(l: Label, addend = 0): void { this._fixup(FIX_ABS32, this._n, l, addend, 0); this.u32(0); }
  /** 8-byte absolute address of `l` (+ addend) as data. */
  addr64(l: Label, addend = 0): void { this._fixup(FIX_ABS64, this._n, l, addend, 0); this.u32(0); this.u32(0); }
  /** 4-byte PC-relative reference to `l`, relative to the end of the field. */
  rel32(l: Label): void { this._fixup(FIX_REL32, this._n, l, 0, this._n + 4); this.u32(0); }

  /** @internal record a reference to resolve in finish() */
  _fixup(kind: number, at: number, l: Label, addend: number, end: number): void {
    this.own(l);
    if ((addend | 0) !== addend) throw new EncodeError('X86_RANGE', `addend ${addend} to label ${labelName(l)} does not fit 32 bits`);
    let k = this.nFx * FX_STRIDE;
    if (k + FX_STRIDE > this.fx.length) this.growFx(k + FX_STRIDE);
    const fx = this.fx;
    fx[k++] = kind; fx[k++] = at; fx[k++] = l.id; fx[k++] = addend; fx[k] = end;
    this.nFx++;
  }

  private markPos = 0;
  private markFx = 0;
  /** @internal remember position and fixup count, to undo a failed instruction */
  _mark(): void { this.markPos = this._n; this.markFx = this.nFx; }
  /** @internal undo everything since _mark() */
  _rollback(): void {
    this._n = this.markPos;
    this.nFx = this.markFx;
  }

  // ---- cold code ----

  /** What follows goes to the cold buffer, until endCold(); flushCold() places it. */
  beginCold(): void {
    if (this._cold) throw new EncodeError('X86_COLD', 'beginCold inside cold code');
    this.swapCold();
  }

  /** Back to the main stream after beginCold(). */
  endCold(): void {
    if (!this._cold) throw new EncodeError('X86_COLD', 'endCold outside cold code');
    this.swapCold();
  }

  private swapCold(): void {
    const o = this.other, { _buf: buf, _n: n, fx, nFx } = this;
    this._buf = o.buf; this._n = o.n; this.fx = o.fx; this.nFx = o.nFx;
    o.buf = buf; o.n = n; o.fx = fx; o.nFx = nFx;
    this._cold = !this._cold;
    this.jmpEnd = -1;
  }

  /** Room for `need` numbers of fixups, by doubling (a flush or chunk per function must not copy them all each time). */
  private growFx(need: number): void {
    const b = new Int32Array(Math.max(this.fx.length * 2, need));
    b.set(this.fx.subarray(0, this.nFx * FX_STRIDE));
    this.fx = b;
  }

  /** Appends `src`'s first `count` fixups, their fields rebased to `base`, label ids through `id`. */
  private appendFixups(src: Int32Array, count: number, base: number, id: (cid: number) => number): void {
    const need = (this.nFx + count) * FX_STRIDE;
    if (need > this.fx.length) this.growFx(need);
    const fx = this.fx;
    for (let j = 0, k = this.nFx * FX_STRIDE; j < count * FX_STRIDE; j += FX_STRIDE, k += FX_STRIDE) {
      const kind = src[j];
      fx[k] = kind; fx[k + 1] = base + src[j + 1]; fx[k + 2] = id(src[j + 2]); fx[k + 3] = src[j + 3];
      fx[k + 4] = kind === FIX_REL32 || kind === FIX_BRANCH ? base + src[j + 4] : src[j + 4];
    }
    this.nFx += count;
  }

  /** Appends the cold code so far here (unaligned: it is not run often): its labels bound, its fixups rebased. */
  flushCold(): void { this.flushColdFrom(COLD_START); }

  /** Where the cold code is now (in cold code): flushColdFrom places what follows it. */
  coldMark(): ColdMark {
    if (!this._cold) throw new EncodeError('X86_COLD', 'coldMark outside cold code');
    return { n: this._n, nFx: this.nFx, labels: this.coldIds.length };
  }

  /** Bytes of cold code after mark `m` (in the main stream). */
  coldSizeFrom(m: ColdMark): number { return (this._cold ? this._n : this.other.n) - m.n; }

  /**
   * Appends the cold code after mark `m` here, its labels bound and fixups rebased, and drops it
   * from the cold buffer (code placed where it falls through into what follows: a copy before a
   * loop's body).
   */
  flushColdFrom(m: ColdMark): void {
    if (this._cold) throw new EncodeError('X86_COLD', 'flushCold inside cold code');
    const c = this.other;
    if (c.n === m.n) return;
    const base = this._n - m.n;
    this.bytes(c.buf.subarray(m.n, c.n));
    for (let k = m.labels; k < this.coldIds.length; k++) this._labelOff[this.coldIds[k]] = base + this.coldOffs[k];
    this.coldIds.length = m.labels; this.coldOffs.length = m.labels;
    this.appendFixups(c.fx.subarray(m.nFx * FX_STRIDE), c.nFx - m.nFx, base, (id) => id);
    c.n = m.n; c.nFx = m.nFx;
    this.jmpEnd = -1;
  }

  // ---- chunks (code compiled by another Assembler, e.g. in a worker thread) ----

  /**
   * @internal This assembler's code as a relocatable chunk: bytes, fixups
   * (FX_STRIDE numbers each), every label's offset (-1: not bound here) and
   * the named labels. Offsets are relative to byte 0 of this assembler.
   */
  _chunk(): AsmChunk {
    const used = new Uint8Array(this._nLabels);         // names only of labels the chunk binds or refers to
    for (let k = 2; k < this.nFx * FX_STRIDE; k += FX_STRIDE) used[this.fx[k]] = 1;
    for (let id = 0; id < this._nLabels; id++) if (this._labelOff[id] >= 0) used[id] = 1;
    const names: string[] = [], nameIds: number[] = [];
    for (const [name, l] of this.named) if (used[l.id]) { names.push(name); nameIds.push(l.id); }
    return {
      bytes: this._buf.slice(0, this._n), fx: this.fx.slice(0, this.nFx * FX_STRIDE),
      labelOff: this._labelOff.slice(0, this._nLabels), names, nameIds,
    };
  }

  /**
   * @internal Appends chunk `c` at the current position: its bytes, its labels
   * bound here (`label(id)` gives this assembler's label for the chunk's label
   * `id`), its fixups rebased. Caller aligns first as the chunk assumed.
   */
  _append(c: AsmChunk, label: (id: number) => Label): void {
    const base = this._n;
    this.bytes(c.bytes);
    for (let id = 0; id < c.labelOff.length; id++) {
      if (c.labelOff[id] < 0) continue;
      const l = label(id);
      this.own(l);
      if (this._labelOff[l.id] !== -1) throw new EncodeError('X86_LABEL_REBOUND', `label ${labelName(l)} is already bound at offset ${this._labelOff[l.id]}`);
      this._labelOff[l.id] = base + c.labelOff[id];
    }
    const ids = new Int32Array(c.labelOff.length).fill(-1);
    this.appendFixups(c.fx, c.fx.length / FX_STRIDE, base, (cid) => {
      if (ids[cid] < 0) { const l = label(cid); this.own(l); ids[cid] = l.id; }
      return ids[cid];
    });
    this.jmpEnd = -1;
  }

  // ---- output ----

  /**
   * Resolve every reference for load address `base` of byte 0 and return the bytes: a view of
   * the assembler's own buffer, not a copy (a large module's code is megabytes, and each fresh
   * page of a copy costs a page fault). Each fixup's field is written whole, so a later
   * finish(base2) patches the same bytes for base2, and the view returned before shows them.
   */
  finish(base: number): Uint8Array {
    if (this._cold || this.other.n > 0) throw new EncodeError('X86_COLD', 'cold code was never flushed');
    const unbound = new Set<string>();
    for (let i = 0; i < this.nFx; i++) {
      const id = this.fx[i * FX_STRIDE + 2];
      if (this._labelOff[id] < 0) unbound.add(this.nameOf(id));
    }
    if (unbound.size > 0) {
      throw new EncodeError('X86_UNBOUND_LABEL', `referenced but never bound: ${[...unbound].join(', ')}`);
    }
    this.threadJumps();
    const dv = new DataView(this._buf.buffer);
    for (let i = 0; i < this.nFx; i++) this.patch(dv, i * FX_STRIDE, base);
    return this._buf.subarray(0, this._n);
  }

  /**
   * Jump threading: a jmp or jcc (rel32) whose target is a `jmp rel32` goes straight to where that
   * one goes (up to 8 hops, so a jump to itself ends). Block ends that branch on to an outer
   * block's end leave such chains. Calls (e8) keep their targets.
   */
  private threadJumps(): void {
    const fx = this.fx, b = this._buf, off = this._labelOff, nFx = this.nFx;
    // the `jmp rel32` instructions: their offsets ascend with the fixups (emission order), so a
    // binary search finds the one at a label's offset
    const isJmp = (k: number): boolean => fx[k] === FIX_BRANCH && b[fx[k + 1] - 1] === 0xe9;
    let nJmp = 0;
    for (let k = 0; k < nFx * FX_STRIDE; k += FX_STRIDE) if (isJmp(k)) nJmp++;
    if (nJmp === 0) return;
    const at = new Int32Array(nJmp), to = new Int32Array(nJmp);
    let j = 0;
    for (let k = 0; k < nFx * FX_STRIDE; k += FX_STRIDE) if (isJmp(k)) { at[j] = fx[k + 1] - 1; to[j++] = fx[k + 2]; }
    const jmpTo = (o: number): number => {
      let lo = 0, hi = nJmp - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (at[mid] === o) return to[mid];
        if (at[mid] < o) lo = mid + 1; else hi = mid - 1;
      }
      return -1;
    };
    for (let k = 0; k < nFx * FX_STRIDE; k += FX_STRIDE) {
      const a = fx[k + 1];
      if (fx[k] !== FIX_BRANCH) continue;
      if (b[a - 1] !== 0xe9 && !(b[a - 2] === 0x0f && (b[a - 1] & 0xf0) === 0x80)) continue;
      let id = fx[k + 2];
      for (let hop = 0; hop < 8; hop++) {
        if (b[off[id]] !== 0xe9) break;           // not the opcode of a jmp rel32 there: no binary search (most targets)
        const next = jmpTo(off[id]);
        if (next < 0 || next === id) break;
        id = next;
      }
      fx[k + 2] = id;
    }
  }

  /** Patches the fixup at fx[k..k+FX_STRIDE). */
  private patch(dv: DataView, k: number, base: number): void {
    const fx = this.fx;
    const kind = fx[k], at = fx[k + 1], id = fx[k + 2];
    const target = this._labelOff[id] + fx[k + 3];
    if (kind === FIX_REL32 || kind === FIX_BRANCH) {
      const d = target - fx[k + 4];
      if (d < -(2 ** 31) || d >= 2 ** 31) throw new EncodeError('X86_RANGE', `rel32 at offset ${at} out of range`);
      dv.setInt32(at, d, true);
    } else if (kind === FIX_ABS32) {
      const v = base + target;
      if (v < 0 || v >= 2 ** 32) {
        throw new EncodeError('X86_RANGE', `address ${v.toString(16)} of ${this.nameOf(id)} does not fit 32 bits`);
      }
      dv.setUint32(at, v, true);
    } else {
      dv.setBigUint64(at, BigInt.asUintN(64, BigInt(base) + BigInt(target)), true);
    }
  }

  /** The name of label `id` for error messages (labels are not kept in a table: one push per label less). */
  private nameOf(id: number): string {
    for (const [name, l] of this.named) if (l.id === id) return name;
    return `#${id}`;
  }

  /** Bound named labels, sorted by offset. */
  symbols(): { name: string; offset: number }[] {
    const out: { name: string; offset: number }[] = [];
    for (const [name, l] of this.named) if (this._labelOff[l.id] >= 0) out.push({ name, offset: this._labelOff[l.id] });
    return out.sort((x, y) => x.offset - y.offset || (x.name < y.name ? -1 : 1));
  }
}

/** A register number 0..15 (what r32() and xmm() accept). */
function isReg(n: number): boolean { return (n & 15) === n; }

function labelName(l: Label): string {
  return l.name ?? `#${l.id}`;
}
