// Selects the first table Form whose operand kinds match, then emits it:
// prefixes, REX, opcode, ModRM/SIB/displacement, immediates, targets
// (SDM Vol. 2 §2.1 "Instruction Format", §2.2.1 "REX Prefixes").

import { EncodeError, operandText, r32, type Gpr, type Imm, type Label, type Mem, type Operand } from './operands.ts';
import { formsOf, T, type Form, type OpSpec } from './rows.ts';

/** Fixup kinds; FIX_BRANCH is a FIX_REL32 that is the rel32 field of a jmp, jcc or call (jump threading). */
export const FIX_REL32 = 0, FIX_ABS32 = 1, FIX_ABS64 = 2, FIX_BRANCH = 3;

/** What the encoder writes into: the Assembler (assembler.ts) as the encoder sees it. */
export interface CodeSink {
  bits: 32 | 64;
  readonly pos: number;
  /** labels made so far: _labelOff[0, _nLabels) */
  _nLabels: number;
  _labelOff: Int32Array;
  /** in cold code (Assembler.beginCold): bound labels are in the other buffer, out of rel8 reach */
  _cold: boolean;
  /** the code buffer and the bytes in use: emit() stores an instruction there after one _room() */
  _buf: Uint8Array;
  _n: number;
  _room(bytes: number): void;
  _fixup(kind: number, at: number, l: Label, addend: number, end: number): void;
  _mark(): void;
  _rollback(): void;
}

// BigInt constants made once: a BigInt expression allocates on every evaluation
const P63 = 2n ** 63n, P64 = 2n ** 64n, P53 = 2n ** 53n, M53 = -P53, P32 = 2n ** 32n;
const POW: Record<number, number> = { 8: 2 ** 8, 16: 2 ** 16, 32: 2 ** 32 };
const HALF: Record<number, number> = { 8: 2 ** 7, 16: 2 ** 15, 32: 2 ** 31, 64: 2 ** 63 };

/** Number or bigint immediate as an exact number, or null (non-integer, out of int64/uint64 range). */
function toNumber(v: number | bigint, sx64: boolean): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (v < -P63 || v >= P64) return null;
  const w = sx64 ? BigInt.asIntN(64, v) : v;
  return w >= M53 && w <= P53 ? Number(w) : null;
}

/**
 * The field value of immediate `v` for spec `s` (its low W bits: unsigned for 8 and 16, an int32 for
 * 32, a bigint for 64), or null if it does not fit.
 * Sign-extended fields take the operand-size value (given signed or unsigned) and need it to fit signed W.
 */
export function fitImm(v: number | bigint, s: OpSpec, bits: number): number | bigint | null {
  const w = s.size;
  // An int32 into a field of 8, 16 or 32 bits not sign-extended to 16: most immediates, and what
  // the general path below gives for them in a few compares (it ran twice per immediate).
  if (typeof v === 'number' && (v | 0) === v && w !== 64 && (!s.sx || (s.sxTo || bits) >= 32)) {
    if (w === 32) return v;
    const lo = w === 8 ? -0x80 : -0x8000, hi = s.sx ? -lo - 1 : w === 8 ? 0xff : 0xffff;
    return v >= lo && v <= hi ? v & (w === 8 ? 0xff : 0xffff) : null;
  }
  if (w === 64) {
    const b = typeof v === 'bigint' ? v : Number.isInteger(v) ? BigInt(v) : null;
    return b === null || b < -P63 || b >= P64 ? null : BigInt.asUintN(64, b);
  }
  const to = s.sx ? (s.sxTo || bits) : 0;
  let n = toNumber(v, to === 64);
  if (n === null) return null;
  if (s.sx && to <= 32) {
    if (n < -HALF[to] || n >= POW[to]) return null;
    if (n >= HALF[to]) n -= POW[to];
  }
  if (s.sx ? n < -HALF[w] || n >= HALF[w] : n < -HALF[w] || n >= POW[w]) return null;
  return w === 32 ? n | 0 : n < 0 ? n + POW[w] : n;   // int32 bits: n + 2^32 would be a HeapNumber
}

function shortOk(a: CodeSink, f: Form, l: Label): boolean {
  const off = l.id < a._nLabels && !a._cold ? a._labelOff[l.id] : -1;
  if (off < 0) return false;
  const d = off - (a.pos + f.shortLen);
  return d >= -128 && d <= 127;
}

/**
 * What an operand's class (opClass) cannot tell about whether it fits spec `s`
 * (candidates() filters by class): the fixed register, the value of an
 * immediate, the reach of a rel8.
 */
function matchDyn(a: CodeSink, f: Form, j: number, o: Operand): boolean {
  const s = f.ops[j];
  switch (s.t) {
    case T.FIXED: return (o as { n: number }).n === s.n;
    case T.ONE: { const v = (o as { v: number | bigint }).v; return v === 1 || v === 1n; }
    case T.IMM: {
      const v = fitImm((o as { v: number | bigint }).v, s, a.bits);
      FITTED[j] = v;
      return v !== null;
    }
    case T.REL: return s.size === 32 || shortOk(a, f, o as Label);
    case T.PTR: return o.k === 'l' || fitImm((o as { v: number | bigint }).v, s, 32) !== null;
    default: return true;
  }
}

/**
 * The field value of each immediate operand (by operand index) of the Form pick() returned:
 * matchDyn fits it (every immediate spec is dynamic), emitImm stores it without fitting again.
 */
const FITTED: (number | bigint | null)[] = [null, null, null];

/** Whether spec `s` needs matchDyn (its class alone does not decide). */
function dynamic(s: OpSpec): boolean {
  return s.t === T.FIXED || s.t === T.ONE || s.t === T.IMM || (s.t === T.REL && s.size !== 32) || s.t === T.PTR;
}

// Operand classes: r8 r16 r32 r64 xmm cr sreg, mem without a size, imm, label,
// mem 8 16 32 64 128 (a memory operand's size is part of its class, so the
// class decides every check but matchDyn's).
const C_MEM = 7, C_IMM = 8, C_LABEL = 9, C_MEM8 = 10;      // < 16: 4 bits of a signature each

function opClass(o: Operand): number {
  switch (o.k) {
    case 'r': return o.size === 8 ? 0 : o.size === 16 ? 1 : o.size === 32 ? 2 : 3;
    case 'x': return 4;
    case 'c': return 5;
    case 's': return 6;
    case 'm': {
      const z = o.size;
      return z === undefined ? C_MEM : z === 8 ? C_MEM8 : z === 16 ? C_MEM8 + 1 : z === 32 ? C_MEM8 + 2 : z === 64 ? C_MEM8 + 3 : C_MEM8 + 4;
    }
    case 'i': return C_IMM;
    case 'l': return C_LABEL;
  }
}

const MEM_SIZES = [8, 16, 32, 64, 128];

/** Whether an operand of class `c` can fit spec `s` (all but matchDyn's checks). */
function classFits(s: OpSpec, c: number): boolean {
  const gpr = (size: number) => c === (size === 8 ? 0 : size === 16 ? 1 : size === 32 ? 2 : 3);
  const memOk = () => (c === C_MEM ? s.sizeFixed : c >= C_MEM8 && (s.size === 0 || MEM_SIZES[c - C_MEM8] === s.size));
  switch (s.t) {
    case T.GPR: case T.FIXED: return gpr(s.size);
    case T.RM: return gpr(s.size) || memOk();
    case T.MEM: return memOk();
    case T.XMM: return c === 4;
    case T.XMMRM: return c === 4 || memOk();
    case T.CR: return c === 5;
    case T.SREG: return c === 6;
    case T.ONE: case T.IMM: return c === C_IMM;
    case T.REL: return c === C_LABEL;
    case T.PTR: return c === C_IMM || c === C_LABEL;
  }
}

/** The forms of one class signature: those the classes fit, in table order, and which of their operands matchDyn checks (bit i: operand i). */
interface Candidates { forms: Form[]; dyn: number[] }
interface Entry { forms: Form[]; cache: Map<number, Candidates> }
const ENTRIES = new Map<string, Entry>();

/** The Entry of `mn`, made on its first use. */
function entryOf(mn: string): Entry {
  let e = ENTRIES.get(mn);
  if (e === undefined) {
    const forms = formsOf(mn);
    if (!forms) throw new EncodeError('X86_UNKNOWN_MNEMONIC', `no instruction "${mn}" in tools/x86/table.ts`);
    e = { forms, cache: new Map() };
    ENTRIES.set(mn, e);
  }
  return e;
}

/**
 * The last Candidates found for a slot's (mnemonic, class signature), in front of ENTRIES and the
 * Entry's cache: two Map lookups per instruction (~25 ns) became a few loads and compares. The slot
 * is a hash of the signature and three characters of the mnemonic; a collision only costs the Maps.
 */
const RECENT_BITS = 10;
const recentMn: string[] = new Array<string>(1 << RECENT_BITS).fill('');
const recentSig = new Int32Array(1 << RECENT_BITS).fill(-1);
const recentC: (Candidates | null)[] = new Array<Candidates | null>(1 << RECENT_BITS).fill(null);

/**
 * Class of each operand of the instruction being encoded (signature() fills it): `o.k` is read
 * once per operand, as an operand has one of 7+ shapes and each read of it was a megamorphic load.
 */
const CLS = new Int32Array(3);
const isMem = (c: number): boolean => c === C_MEM || c >= C_MEM8;

/** The class signature of `ops` in the current mode; fills CLS. */
function signature(a: CodeSink, ops: Operand[]): number {
  // shifts and ors keep the key a small integer: arithmetic that may overflow int32 made it a
  // double, which Map.get took boxed (a HeapNumber per instruction, 4.6 MB per compile of synth-550)
  let sig = (ops.length << 1) | (a.bits === 64 ? 1 : 0);
  for (let i = 0; i < ops.length; i++) { const c = opClass(ops[i]); CLS[i] = c; sig = (sig << 4) | c; }
  return sig;
}

/** Forms of `mn` whose mode and operand classes fit `ops` (signature `sig`; cached per signature), in table order. */
function candidates(a: CodeSink, mn: string, sig: number, ops: Operand[]): Candidates {
  const n = mn.length;
  const mix = sig ^ n << 15 ^ mn.charCodeAt(0) << 18 ^ mn.charCodeAt(n >> 1) << 25 ^ mn.charCodeAt(n - 1) << 11;
  const h = Math.imul(mix, 0x9e3779b1) >>> (32 - RECENT_BITS);
  if (recentSig[h] === sig && recentMn[h] === mn) return recentC[h]!;
  const e = entryOf(mn);
  const c = e.cache.get(sig) ?? classify(a, e, sig, ops);
  recentMn[h] = mn; recentSig[h] = sig; recentC[h] = c;
  return c;
}

/**
 * candidates() on a miss. Apart, because closures over `a` and `ops` in
 * candidates itself gave every call a heap context (48 bytes per instruction).
 */
function classify(a: CodeSink, e: Entry, sig: number, ops: Operand[]): Candidates {
  const forms = e.forms.filter((f) => f.ops.length === ops.length && (f.mode === 0 || f.mode === a.bits)
    && f.ops.every((s, i) => classFits(s, opClass(ops[i]))));
  const c = { forms, dyn: forms.map((f) => f.ops.reduce((m, s, i) => (dynamic(s) ? m | 1 << i : m), 0)) };
  e.cache.set(sig, c);
  return c;
}

/** The first candidate whose operands pass matchDyn, or null. */
function pick(a: CodeSink, c: Candidates, ops: Operand[]): Form | null {
  const { forms, dyn } = c;
  for (let i = 0; i < forms.length; i++) {
    const d = dyn[i], f = forms[i];
    if (d === 0) return f;
    let ok = true;
    for (let j = 0; ok && j < ops.length; j++) if ((d >> j) & 1) ok = matchDyn(a, f, j, ops[j]);
    if (ok) return f;
  }
  return null;
}

/** Encode one instruction into `a` and return its Form. Throws EncodeError when no row of `mn` fits `ops`. */
export function encode(a: CodeSink, mn: string, ops: Operand[]): Form {
  const f = select(a, mn, ops);
  if (f === null) throw noMatch(a, mn, ops, entryOf(mn).forms);
  a._mark();
  try { emit(a, f, ops); } catch (e) { a._rollback(); throw e; }
  return f;
}

/** The Form for `mn ops` at the current position, or null; CLS holds the operands' classes after it. */
function select(a: CodeSink, mn: string, ops: Operand[]): Form | null {
  let sig = signature(a, ops);
  if (movImmHook(mn, ops)) sig = signature(a, ops);
  return pick(a, candidates(a, mn, sig, ops), ops);
}

/** The Form `encode` would use for `mn ops` at the current position, or null (for tests and tools). */
export function selectForm(a: CodeSink, mn: string, ops: Operand[]): Form | null {
  return select(a, mn, ops.slice());
}

/**
 * `mov r64, imm` with 0 <= imm < 2^32 is `mov r32, imm32` (writes zero-extend, SDM Vol. 1 §3.4.1.1):
 * rewrites ops[0] and returns true. Needs CLS; the string compare comes last, as a `j${cc}` mnemonic is not interned.
 */
function movImmHook(mn: string, ops: Operand[]): boolean {
  if (ops.length !== 2 || CLS[0] !== 3 || CLS[1] !== C_IMM || mn !== 'mov') return false;
  const v = (ops[1] as Imm).v;
  if (!(typeof v === 'number' ? v >= 0 && v < 2 ** 32 && Number.isInteger(v) : v >= 0n && v < P32)) return false;
  ops[0] = r32((ops[0] as Gpr).n);
  return true;
}

function noMatch(a: CodeSink, mn: string, ops: Operand[], forms: Form[]): EncodeError {
  const text = `${mn} ${ops.map(operandText).join(', ')}`.trim();
  const mode = forms.filter((f) => f.mode === 0 || f.mode === a.bits).map((f) => f.text.slice(mn.length + 1));
  const unsized = ops.some((o) => o.k === 'm' && o.size === undefined) ? ' (a memory operand may need a size)' : '';
  return new EncodeError('X86_NO_FORM', `no encoding of "${text}" in ${a.bits}-bit mode${unsized}; forms: ${mode.join(' | ') || 'none in this mode'}`);
}

/** Number of a register operand: the classes of a Form's reg, opcode-reg and non-memory rm operands are registers' (r, xmm, cr, sreg). */
const regNum = (o: Operand): number => (o as Gpr).n;

/** REX bits (SDM §2.2.1.2): W from the row, R from ModRM.reg, X from SIB.index, B from rm/base/opcode reg. */
function rexOf(f: Form, ops: Operand[]): number {
  let rex = f.rexW ? 8 : 0;
  if (f.regIdx >= 0 && regNum(ops[f.regIdx]) >= 8) rex |= 4;
  if (f.rmIdx >= 0) {
    const o = ops[f.rmIdx];
    if (isMem(CLS[f.rmIdx])) {
      const { base, index } = o as Mem;
      if (base !== null && base >= 8) rex |= 1;
      if (index !== null && index >= 8) rex |= 2;
    } else if (regNum(o) >= 8) rex |= 1;
  }
  if (f.opRegIdx >= 0 && regNum(ops[f.opRegIdx]) >= 8) rex |= 1;
  if (f.hasByteReg) {
    // SPL/BPL/SIL/DIL exist only with a REX prefix (SDM §3.4.1.1, Table 3-2).
    for (let i = 0; i < ops.length; i++) if (CLS[i] === 0 && regNum(ops[i]) >= 4 && regNum(ops[i]) < 8) rex |= 0x100;
  }
  return rex;
}

/** No instruction is longer (SDM Vol. 2 §2.1); the table's longest is 12 bytes. */
const MAX_INSN = 15;
/** u64 immediates: a bigint's two 32-bit halves (little-endian, as x86). */
const U64 = new BigUint64Array(1);
const U64_HALVES = new Uint32Array(U64.buffer);

/** The pending RIP-relative field of the instruction being encoded (emitLabelMem), -1 if none. */
let ripAt = -1, ripLabel: Label | null = null, ripAddend = 0;

// The emitters below store into the sink's buffer at `p` and return the position after what
// they wrote: emit() makes room for MAX_INSN bytes once (u8() checked the capacity per byte).

function emit(a: CodeSink, f: Form, ops: Operand[]): void {
  a._room(MAX_INSN);
  const b = a._buf;
  let p = a._n;
  for (let i = 0; i < f.prefixes.length; i++) b[p++] = f.prefixes[i];
  const rex = rexOf(f, ops);
  if (rex !== 0) {
    if (a.bits === 32) throw new EncodeError('X86_NEEDS_REX', `"${f.mn} ${ops.map(operandText).join(', ')}" needs a REX prefix, which 32-bit mode does not have`);
    b[p++] = 0x40 | (rex & 15);
  }
  const op = f.opcode, last = op.length - 1;
  for (let i = 0; i < last; i++) b[p++] = op[i];
  b[p++] = op[last] + (f.opRegIdx >= 0 ? regNum(ops[f.opRegIdx]) & 7 : 0);
  ripAt = -1;
  if (f.rmIdx >= 0) {
    const reg3 = f.digit >= 0 ? f.digit : regNum(ops[f.regIdx]) & 7;
    p = isMem(CLS[f.rmIdx]) ? emitMem(a, b, p, reg3, ops[f.rmIdx] as Mem) : emitReg(b, p, reg3, ops[f.rmIdx]);
  }
  if (f.farSel >= 0) p = emitFar(a, b, p, ops[f.farSel], ops[f.farSel + 1]);
  for (let i = 0; i < f.immIdx.length; i++) p = emitImm(b, p, f.ops[f.immIdx[i]].size, FITTED[f.immIdx[i]]!);
  if (f.relIdx >= 0) p = emitRel(a, b, p, f.ops[f.relIdx].size, ops[f.relIdx] as Label);
  if (ripAt >= 0) a._fixup(FIX_REL32, ripAt, ripLabel!, ripAddend, p);
  a._n = p;
}

/** 4 bytes of `v` (a number's low 32 bits) at `p`. */
function put32(b: Uint8Array, p: number, v: number): number {
  b[p] = v; b[p + 1] = v >>> 8; b[p + 2] = v >>> 16; b[p + 3] = v >>> 24;
  return p + 4;
}

/** Immediate field `v` (fitImm's value) of `size` bits at `p`. */
function emitImm(b: Uint8Array, p: number, size: number, v: number | bigint): number {
  if (typeof v === 'bigint') {
    U64[0] = v;
    return put32(b, put32(b, p, U64_HALVES[0]), U64_HALVES[1]);
  }
  if (size === 8) { b[p] = v; return p + 1; }
  if (size === 16) { b[p] = v; b[p + 1] = v >>> 8; return p + 2; }
  return put32(b, p, v);
}

function emitRel(a: CodeSink, b: Uint8Array, p: number, size: number, l: Label): number {
  if (size === 8) { b[p] = a._labelOff[l.id] - (p + 1); return p + 1; }
  a._fixup(FIX_BRANCH, p, l, 0, p + 4);
  return put32(b, p, 0);
}

/** `jmp far sel:offset` (EA cp, ptr16:32): 4-byte offset, then the 2-byte selector. */
function emitFar(a: CodeSink, b: Uint8Array, p: number, sel: Operand, target: Operand): number {
  if (target.k === 'l') { a._fixup(FIX_ABS32, p, target, 0, 0); p = put32(b, p, 0); }
  else p = put32(b, p, Number(fitImm((target as { v: number | bigint }).v, { size: 32 } as OpSpec, 32)));
  const s = Number(fitImm((sel as { v: number | bigint }).v, { size: 16 } as OpSpec, 32));
  b[p] = s; b[p + 1] = s >>> 8;
  return p + 2;
}

function dispValue(a: CodeSink, disp: number): number {
  const ok = Number.isInteger(disp) && disp >= -(2 ** 31) && disp < (a.bits === 32 ? 2 ** 32 : 2 ** 31);
  if (!ok) throw new EncodeError('X86_BAD_MEMORY', `displacement ${disp} does not fit a signed 32-bit field in ${a.bits}-bit mode`);
  return disp | 0;          // the field's bits as an int32 (u32 writes them alike): `>>> 0` made a HeapNumber of every negative disp
}

/** ModRM for a register operand (mod = 11). */
function emitReg(b: Uint8Array, p: number, reg3: number, o: Operand): number {
  b[p] = 0xc0 | reg3 << 3 | (regNum(o) & 7);
  return p + 1;
}

/** ModRM (+SIB, +disp) for a memory operand (SDM Vol. 2 §2.1.5, Tables 2-2 and 2-3). */
function emitMem(a: CodeSink, b: Uint8Array, p: number, reg3: number, o: Mem): number {
  const r = reg3 << 3;
  const { base, index } = o;
  if (a.bits === 32 && ((base !== null && base >= 8) || (index !== null && index >= 8))) {
    throw new EncodeError('X86_NEEDS_REX', `r8..r15 cannot address memory in 32-bit mode: ${operandText(o)}`);
  }
  if (o.label) return emitLabelMem(a, b, p, r, o);
  const ss = (o.scale === 8 ? 3 : o.scale === 4 ? 2 : o.scale === 2 ? 1 : 0) << 6;
  const disp = dispValue(a, o.disp);
  if (base === null) {
    // No base: SIB with base=101 and mod=00 means [index*scale + disp32]; 32-bit mode has plain [disp32].
    if (index === null && a.bits === 32) b[p++] = 0x05 | r;
    else { b[p++] = 0x04 | r; b[p++] = ss | ((index === null ? 4 : index) & 7) << 3 | 5; }
    return put32(b, p, disp);
  }
  const bb = base & 7;
  const d = o.disp;
  const mod = d === 0 && bb !== 5 ? 0 : d >= -128 && d <= 127 ? 1 : 2; // rbp/r13 base has no mod=00 form
  if (index !== null) { b[p++] = (mod << 6) | r | 4; b[p++] = ss | (index & 7) << 3 | bb; }
  else if (bb === 4) { b[p++] = (mod << 6) | r | 4; b[p++] = 0x24; } // rsp/r12 base needs a SIB
  else b[p++] = (mod << 6) | r | bb;
  if (mod === 1) b[p++] = d;
  else if (mod === 2) p = put32(b, p, disp);
  return p;
}

/**
 * ModRM, SIB and displacement of memory operand `o` with ModRM.reg = `reg3` at `p`, for a form
 * the operand ends (no immediate after it): a RIP-relative operand's fixup is made here, its
 * field relative to the end. The Assembler's typed memory forms (direct.ts) write the rest.
 */
export function emitMemLast(a: CodeSink, b: Uint8Array, p: number, reg3: number, o: Mem): number {
  ripAt = -1;
  p = emitMem(a, b, p, reg3, o);
  if (ripAt >= 0) a._fixup(FIX_REL32, ripAt, ripLabel!, ripAddend, p);
  return p;
}

/** A label operand: [rip + rel32] in 64-bit mode, absolute disp32 (label address + disp) in 32-bit mode. */
function emitLabelMem(a: CodeSink, b: Uint8Array, p: number, r: number, o: Mem): number {
  const l = o.label!;
  if (a.bits === 64) {
    if (o.base !== null || o.index !== null) {
      throw new EncodeError('X86_BAD_MEMORY', `a RIP-relative operand cannot have a base or index: ${operandText(o)}`);
    }
    b[p++] = 0x05 | r;
    ripAt = p; ripLabel = l; ripAddend = o.disp;
    return put32(b, p, 0);
  }
  const ss = (o.scale === 8 ? 3 : o.scale === 4 ? 2 : o.scale === 2 ? 1 : 0) << 6;
  if (o.base === null && o.index === null) b[p++] = 0x05 | r;
  else if (o.base === null) { b[p++] = 0x04 | r; b[p++] = ss | (o.index! & 7) << 3 | 5; }
  else if (o.index !== null) { b[p++] = 0x84 | r; b[p++] = ss | (o.index & 7) << 3 | (o.base & 7); }
  else if ((o.base & 7) === 4) { b[p++] = 0x84 | r; b[p++] = 0x24; }
  else b[p++] = 0x80 | r | (o.base & 7);
  a._fixup(FIX_ABS32, p, l, o.disp, 0);
  return put32(b, p, 0);
}
