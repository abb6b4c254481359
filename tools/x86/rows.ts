// Parses the SDM-notation rows of table.ts into Forms (a mnemonic's rows on its first use):
// flat records that say which operand goes into which field (opcode+r,
// ModRM.reg, ModRM.rm, immediate, relative target) so encoding an
// instruction never looks at a string again.

import { ROWS, type Row } from './table.ts';

/** Operand kinds a row can name (SDM Vol. 2 §3.1.1.3 "Instruction Column"). */
export const enum T {
  GPR, RM, MEM, IMM, REL, XMM, XMMRM, FIXED, CR, SREG, ONE, PTR,
}

export interface OpSpec {
  t: T;
  /** GPR/RM/MEM/FIXED: operand size in bits (MEM 0 = any); IMM/REL: field width in bits; XMMRM: memory size. */
  size: number;
  /** FIXED: register number. */
  n: number;
  /** RM/MEM/XMMRM: a memory operand without a size is accepted (another operand fixes it). */
  sizeFixed: boolean;
  /** IMM: sign-extended to `sxTo` bits (0 = the mode's width, for push). */
  sx: boolean;
  sxTo: number;
}

export interface Form {
  mn: string;
  text: string;              // "add r/m64, imm8 = REX.W + 83 /0 ib", for errors and tests
  ops: OpSpec[];
  mode: 0 | 32 | 64;         // 0: both modes
  prefixes: number[];        // operand-size 66 (auto) then mandatory prefixes, in emission order
  rexW: boolean;
  opcode: number[];
  opRegIdx: number;          // operand added to the last opcode byte (+rb/+rd), or -1
  regIdx: number;            // operand in ModRM.reg, or -1
  digit: number;             // /digit in ModRM.reg, or -1
  rmIdx: number;             // operand in ModRM.rm, or -1
  immIdx: number[];          // operands emitted as immediates, in order
  relIdx: number;            // operand emitted as a relative target, or -1
  farSel: number;            // cp: selector operand index, or -1 (offset operand is farSel+1)
  shortLen: number;          // total length of a rel8 form (for the backward range check)
  hasByteReg: boolean;       // some operand is an 8-bit GPR (spl..dil need REX)
}

const FIXED: Record<string, [number, number]> = {
  AL: [0, 8], AX: [0, 16], EAX: [0, 32], RAX: [0, 64], CL: [1, 8], DX: [2, 16],
};

function spec(t: T, size = 0, n = -1): OpSpec {
  return { t, size, n, sizeFixed: false, sx: false, sxTo: 0 };
}

function parseOperand(s: string, where: string): OpSpec {
  let m: RegExpExecArray | null;
  if ((m = /^r(8|16|32|64)$/.exec(s))) return spec(T.GPR, +m[1]);
  if ((m = /^r\/m(8|16|32|64)$/.exec(s))) return spec(T.RM, +m[1]);
  if ((m = /^m(8|16|32|64|128)$/.exec(s))) return spec(T.MEM, +m[1]);
  if (s === 'm' || /^m16&(32|64)$/.test(s)) return spec(T.MEM, 0);
  if ((m = /^imm(8|16|32|64)$/.exec(s))) return spec(T.IMM, +m[1]);
  if ((m = /^rel(8|32)$/.exec(s))) return spec(T.REL, +m[1]);
  if (/^xmm\d?$/.test(s)) return spec(T.XMM);
  if ((m = /^xmm\d?\/m(32|64|128)$/.exec(s))) return spec(T.XMMRM, +m[1]);
  if (s in FIXED) return spec(T.FIXED, FIXED[s][1], FIXED[s][0]);
  if (s === 'CR0-CR7') return spec(T.CR);
  if (s === 'Sreg') return spec(T.SREG, 16);
  if (s === '1') return spec(T.ONE);
  if (s === 'ptr32') return spec(T.PTR, 32);
  throw new Error(`X86_TABLE: unknown operand kind "${s}" in ${where}`);
}

const isRmKind = (t: T): boolean => t === T.RM || t === T.MEM || t === T.XMMRM;
const isRegKind = (t: T): boolean => t === T.GPR || t === T.XMM || t === T.CR || t === T.SREG;

/** Operand size of the row: the first GPR-class operand, not counting CL (count) or DX (port). */
function operandSize(ops: OpSpec[]): number {
  for (const o of ops) {
    if (o.t === T.GPR || o.t === T.RM) return o.size;
    if (o.t === T.FIXED && o.n === 0) return o.size;
  }
  return 0;
}

interface EncTokens {
  prefixes: number[]; rexW: boolean; opcode: number[]; plusR: boolean;
  modrm: 'r' | 'digit' | null; digit: number; imms: number[]; rel: number; far: boolean;
}

function parseEncoding(enc: string, where: string): EncTokens {
  const e: EncTokens = { prefixes: [], rexW: false, opcode: [], plusR: false, modrm: null, digit: -1, imms: [], rel: 0, far: false };
  const widths: Record<string, number> = { ib: 8, iw: 16, id: 32, io: 64 };
  for (const tok of enc.split(/\s+/)) {
    let m: RegExpExecArray | null;
    if (tok === '+' || tok === '' || tok === 'NP') continue;
    if (tok === 'REX.W') e.rexW = true;
    else if (/^(66|F2|F3)$/.test(tok) && e.opcode.length === 0) e.prefixes.push(parseInt(tok, 16));
    else if (/^[0-9A-F]{2}$/.test(tok)) e.opcode.push(parseInt(tok, 16));
    else if ((m = /^([0-9A-F]{2})\+r[bwdo]$/.exec(tok))) { e.opcode.push(parseInt(m[1], 16)); e.plusR = true; }
    else if (tok === '/r') e.modrm = 'r';
    else if ((m = /^\/([0-7])$/.exec(tok))) { e.modrm = 'digit'; e.digit = +m[1]; }
    else if (tok in widths) e.imms.push(widths[tok]);
    else if (tok === 'cb') e.rel = 8;
    else if (tok === 'cd') e.rel = 32;
    else if (tok === 'cp') e.far = true;
    else throw new Error(`X86_TABLE: unknown encoding token "${tok}" in ${where}`);
  }
  if (e.opcode.length === 0) throw new Error(`X86_TABLE: no opcode byte in ${where}`);
  return e;
}

/** Which operands go into ModRM.reg and ModRM.rm for a `/r` row. */
function assignModRM(ops: OpSpec[], where: string): [reg: number, rm: number] {
  const rm = ops.findIndex((o) => isRmKind(o.t));
  if (rm >= 0) return [ops.findIndex((o, i) => i !== rm && isRegKind(o.t)), rm];
  const regs = ops.map((o, i) => (isRegKind(o.t) ? i : -1)).filter((i) => i >= 0);
  if (regs.length !== 2) throw new Error(`X86_TABLE: cannot place operands of ${where} in ModRM`);
  const special = regs.find((i) => ops[i].t === T.CR || ops[i].t === T.SREG);
  if (special !== undefined) return [special, regs.find((i) => i !== special)!];
  return [regs[0], regs[1]];
}

/** Immediate semantics (SDM §3.1.1.1): imm8 of 83/6B/6A and every imm16/imm32 narrower than the operand are sign-extended. */
function markImmediates(f: Form, opsize: number): void {
  const last = f.opcode[f.opcode.length - 1];
  for (const i of f.immIdx) {
    const o = f.ops[i];
    if (opsize === 0 && (last === 0x6a || last === 0x68)) { o.sx = true; o.sxTo = 0; continue; }
    if (opsize > o.size && (o.size >= 16 || last === 0x83 || last === 0x6b)) { o.sx = true; o.sxTo = opsize; }
  }
}

/** Unsized memory is accepted where a register of the same size (or an xmm row) fixes the size. */
function markSizeFixed(ops: OpSpec[]): void {
  for (const o of ops) {
    if (o.t === T.XMMRM || (o.t === T.MEM && o.size === 0)) { o.sizeFixed = true; continue; }
    if (o.t !== T.RM && o.t !== T.MEM) continue;
    o.sizeFixed = ops.some((p) => p !== o && (p.t === T.GPR || (p.t === T.FIXED && p.n === 0)) && p.size === o.size);
  }
}

export function compileRow(row: Row): Form {
  const [mn, opText, enc, flags = ''] = row;
  const where = `${mn} ${opText} = ${enc}`;
  const ops = opText === '' ? [] : opText.split(',').map((s) => parseOperand(s.trim(), where));
  const e = parseEncoding(enc, where);
  const opsize = operandSize(ops);
  const f: Form = {
    mn, text: where, ops, mode: 0, prefixes: [], rexW: e.rexW, opcode: e.opcode,
    opRegIdx: -1, regIdx: -1, digit: e.digit, rmIdx: -1, immIdx: [], relIdx: -1, farSel: -1, shortLen: 0,
    hasByteReg: ops.some((o) => (o.t === T.GPR || o.t === T.RM) && o.size === 8),
  };
  if (opsize === 16 && !flags.includes('n66')) f.prefixes.push(0x66);
  f.prefixes.push(...e.prefixes);
  const is64 = e.rexW || ops.some((o) => (o.t === T.GPR || o.t === T.RM || o.t === T.FIXED) && o.size === 64);
  f.mode = flags.includes('32') ? 32 : flags.includes('64') || is64 ? 64 : 0;
  if (e.plusR) f.opRegIdx = ops.findIndex((o) => o.t === T.GPR);
  if (e.modrm === 'r') [f.regIdx, f.rmIdx] = assignModRM(ops, where);
  if (e.modrm === 'digit') f.rmIdx = ops.findIndex((o) => isRmKind(o.t));
  if (e.far) f.farSel = ops.findIndex((o) => o.t === T.IMM);
  f.immIdx = ops.map((o, i) => (o.t === T.IMM && i !== f.farSel ? i : -1)).filter((i) => i >= 0);
  if (f.immIdx.length !== e.imms.length || f.immIdx.some((i, k) => ops[i].size !== e.imms[k])) {
    throw new Error(`X86_TABLE: immediate operands do not match ib/iw/id/io in ${where}`);
  }
  f.relIdx = ops.findIndex((o) => o.t === T.REL);
  if ((f.relIdx >= 0) !== (e.rel > 0)) throw new Error(`X86_TABLE: rel operand without cb/cd in ${where}`);
  f.shortLen = f.prefixes.length + f.opcode.length + 1;
  markImmediates(f, opsize);
  markSizeFixed(ops);
  return f;
}

/** All forms by mnemonic, in table order (first matching form wins). */
export function compileTable(rows: readonly Row[] = ROWS): Map<string, Form[]> {
  const byMn = new Map<string, Form[]>();
  for (const [mn, group] of groupRows(rows)) byMn.set(mn, compileGroup(group));
  return byMn;
}

/** Rows by mnemonic, in table order. */
function groupRows(rows: readonly Row[]): Map<string, Row[]> {
  const byMn = new Map<string, Row[]>();
  for (const row of rows) {
    let list = byMn.get(row[0]);
    if (!list) byMn.set(row[0], (list = []));
    list.push(row);
  }
  return byMn;
}

/** The forms of one mnemonic's rows (markUniqueSizes looks only at a mnemonic's own forms). */
function compileGroup(rows: readonly Row[]): Form[] {
  const list = rows.map(compileRow);
  for (const f of list) markUniqueSizes(f, list);
  return list;
}

const takesMem = (o: OpSpec | undefined): boolean => o !== undefined && (o.t === T.RM || o.t === T.MEM || o.t === T.XMMRM);

/** Unsized memory is also accepted where every form of the mnemonic (same arity, same mode) agrees on its size: `movd xmm0, [rax]`, `sete [rax]`. */
function markUniqueSizes(f: Form, peers: Form[]): void {
  f.ops.forEach((o, i) => {
    if (o.sizeFixed || !takesMem(o)) return;
    o.sizeFixed = peers.every((g) => g.ops.length !== f.ops.length || !takesMem(g.ops[i])
      || (f.mode !== 0 && g.mode !== 0 && f.mode !== g.mode) || g.ops[i].size === o.size);
  });
}

// A mnemonic's rows are parsed on its first use: parsing all 743 rows (regular
// expressions, run cold) cost every one-shot compile ~25 ms before its first instruction.
const GROUPS = groupRows(ROWS);
const COMPILED = new Map<string, Form[]>();

/** Every mnemonic of the table, in table order. */
export const MNEMONICS: readonly string[] = [...GROUPS.keys()];

/** The forms of `mn` in table order, or undefined when the table has no such mnemonic. */
export function formsOf(mn: string): Form[] | undefined {
  let list = COMPILED.get(mn);
  if (list === undefined) {
    const rows = GROUPS.get(mn);
    if (rows === undefined) return undefined;
    list = compileGroup(rows);
    COMPILED.set(mn, list);
  }
  return list;
}

/** Every mnemonic's forms (parses the whole table: for tests and tools/x86/gen-mnemonics.ts). */
export function allForms(): Map<string, Form[]> {
  const out = new Map<string, Form[]>();
  for (const mn of MNEMONICS) out.set(mn, formsOf(mn)!);
  return out;
}
