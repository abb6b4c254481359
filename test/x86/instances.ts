// Concrete instances of every table row, each with the text objdump should
// print for it (objdump -M intel spelling, normalized as described in
// encoder.test.ts). The expected text is derived from the row (mnemonic,
// operand kinds) and the operands chosen here, never from the encoder's bytes.

import {
  Assembler, CONDITIONS, cr, gprName, imm, mem, memIdx, r16, r32, r64, r8, ripMem, sreg, xmm,
  type Label, type Mem, type Operand,
} from '../../tools/x86/index.ts';
import { T, type Form, type OpSpec } from '../../tools/x86/rows.ts';

export type Bits = 32 | 64;
/** One operand choice: builds the operand at emission time and says how objdump prints it. */
export interface Choice { op: (ctx: Ctx) => Operand; text: (ctx: Ctx) => string }
export interface Ctx { a: Assembler; bits: Bits; near: Label; far: Label; farAddr: () => number }

const SIZE_PTR: Record<number, string> = { 8: 'BYTE', 16: 'WORD', 32: 'DWORD', 64: 'QWORD', 128: 'XMMWORD' };
const hex = (v: number | bigint): string => '0x' + v.toString(16);

function gprChoices(size: number, bits: Bits): number[] {
  if (bits === 32) return size === 8 ? [0, 3, 1, 2] : [0, 3, 6, 7, 1];
  return size === 8 ? [0, 9, 6, 15, 4] : [0, 9, 6, 15, 1];
}

/** Memory operands covering each ModRM/SIB path: SIB for rsp/r12, disp8 0 for rbp/r13, disp8, disp32, no base, absolute, label. */
function memChoices(bits: Bits): { m: (ctx: Ctx, size?: 8 | 16 | 32 | 64 | 128) => Mem; addr: (ctx: Ctx) => string }[] {
  const plain: [number | null, number | null, 1 | 2 | 4 | 8, number, string][] = bits === 64
    ? [[0, null, 1, 0, '[rax]'], [1, null, 1, 8, '[rcx+0x8]'], [4, null, 1, 0, '[rsp]'], [5, null, 1, 0, '[rbp+0x0]'],
       [12, null, 1, 0x10, '[r12+0x10]'], [13, null, 1, 0, '[r13+0x0]'], [3, 6, 4, 0x20, '[rbx+rsi*4+0x20]'],
       [8, 15, 8, -0x80, '[r8+r15*8-0x80]'], [2, null, 1, 0x12345, '[rdx+0x12345]'], [0, 1, 2, -0x1000, '[rax+rcx*2-0x1000]'],
       [null, 6, 8, 0x40, '[rsi*8+0x40]'], [4, 12, 1, 0, '[rsp+r12*1]'], [null, null, 1, 0x1000, 'ds:0x1000']]
    : [[0, null, 1, 0, '[eax]'], [1, null, 1, 8, '[ecx+0x8]'], [4, null, 1, 0, '[esp]'], [5, null, 1, 0, '[ebp+0x0]'],
       [3, 6, 4, 0x20, '[ebx+esi*4+0x20]'], [2, null, 1, 0x12345, '[edx+0x12345]'], [null, 6, 8, 0x40, '[esi*8+0x40]'],
       [null, null, 1, 0xb8000, 'ds:0xb8000']];
  const out = plain.map(([b, x, s, d, text]) => ({
    m: (_: Ctx, size?: 8 | 16 | 32 | 64 | 128) => (x === null ? mem(b, d, size) : memIdx(b, x, s, d, size)),
    addr: (_: Ctx) => text,
  }));
  out.push({
    m: (ctx: Ctx, size?: 8 | 16 | 32 | 64 | 128) => ripMem(ctx.far, 0x10, size),
    addr: (ctx: Ctx) => (bits === 64 ? `[rip->${hex(ctx.farAddr() + 0x10)}]` : `ds:${hex(ctx.farAddr() + 0x10)}`),
  });
  return out;
}

function memText(spec: OpSpec, addr: string): string {
  const size = spec.t === T.MEM && spec.size === 0 ? 0 : spec.size;
  return size ? `${SIZE_PTR[size]} PTR ${addr}` : addr;
}

/** Immediate values that select this row rather than a shorter one, with objdump's rendering. */
function immValues(spec: OpSpec, bits: Bits): (number | bigint)[] {
  if (spec.size === 64) return [0x123456789abcdef0n, -0x123456789n];
  if (spec.size === 32) return spec.sx ? [-0x12345678, 0x12345678] : [0x12345678, 0xdeadbeef];
  if (spec.size === 16) return spec.sx ? [-0x1234, 0x1234] : [0x1234, 0xfffe];
  return spec.sx ? [5, -3] : [3, 0x7f];
}

function immText(v: number | bigint, spec: OpSpec, bits: Bits): string {
  const width = spec.sx ? (spec.sxTo || bits) : spec.size;
  return hex(BigInt.asUintN(width, BigInt(v)));
}

function choicesFor(f: Form, spec: OpSpec, bits: Bits): Choice[] {
  const c = (op: (ctx: Ctx) => Operand, text: (ctx: Ctx) => string): Choice => ({ op, text });
  const msize = spec.size === 0 ? undefined : (spec.size as 8 | 16 | 32 | 64 | 128);
  const all = memChoices(bits);
  const mems = all.map((m) => c((ctx) => m.m(ctx, msize), (ctx) => memText(spec, m.addr(ctx))));
  // Where a register fixes the size, also try the memory operand without one.
  if (spec.sizeFixed && msize) mems.push(c((ctx) => all[4].m(ctx), (ctx) => memText(spec, all[4].addr(ctx))));
  switch (spec.t) {
    case T.GPR: return gprChoices(spec.size, bits).map((n) => c(() => reg(n, spec.size), () => gprName(n, spec.size)));
    case T.FIXED: return [c(() => reg(spec.n, spec.size), () => gprName(spec.n, spec.size))];
    case T.RM: return [...gprChoices(spec.size, bits).slice(1, 3).map((n) => c(() => reg(n, spec.size), () => gprName(n, spec.size))), ...mems];
    case T.MEM: return mems;
    case T.XMM: return (bits === 64 ? [0, 9, 15, 3] : [0, 7, 3]).map((n) => c(() => xmm(n), () => `xmm${n}`));
    case T.XMMRM: return [...(bits === 64 ? [1, 12] : [1, 6]).map((n) => c(() => xmm(n), () => `xmm${n}`)), ...mems];
    case T.CR: return (bits === 64 ? [0, 3, 4, 8] : [0, 3, 4]).map((n) => c(() => cr(n), () => `cr${n}`));
    case T.SREG: return [3, 0, 2, 4, 5].map((n) => c(() => sreg(n), () => ['es', 'cs', 'ss', 'ds', 'fs', 'gs'][n]));
    case T.ONE: return [c(() => imm(1), () => '1')];
    case T.IMM: {
      const vals = f.farSel >= 0 ? [0x8] : immValues(spec, bits);
      return vals.map((v) => c(() => imm(v), () => immText(v, spec, bits)));
    }
    case T.REL: return spec.size === 8
      ? [c((ctx) => ctx.near, (ctx) => hex(ctx.a.offsetOf(ctx.near)))]
      : [c((ctx) => ctx.far, (ctx) => hex(ctx.farAddr()))];
    case T.PTR: return [c((ctx) => ctx.far, (ctx) => hex(ctx.farAddr()))];
  }
}

function reg(n: number, size: number): Operand {
  return size === 64 ? r64(n) : size === 32 ? r32(n) : size === 16 ? r16(n) : r8(n);
}

/** Operand choices zipped (not crossed): instance k takes choice k mod length of every operand. */
export function instancesOf(f: Form, bits: Bits): Choice[][] {
  const lists = f.ops.map((s) => choicesFor(f, s, bits));
  const count = Math.max(1, ...lists.map((l) => l.length));
  const out: Choice[][] = [];
  for (let k = 0; k < count; k++) out.push(lists.map((l) => l[k % l.length]));
  return out;
}

const CANON = new Map<string, string>();
for (const names of CONDITIONS) for (const n of names) CANON.set(n, names[0]);

/** objdump's mnemonic for a row (canonical condition names, sal = shl, mov r64,imm64 = movabs). */
export function objdumpMnemonic(f: Form): string {
  const mn = f.mn;
  if (mn === 'sal') return 'shl';
  if (mn === 'mov' && f.ops[1]?.size === 64 && f.ops[1].t === T.IMM) return 'movabs';
  for (const p of ['j', 'set', 'cmov']) {
    if (mn.startsWith(p) && CANON.has(mn.slice(p.length)) && f.opcode.length >= 1 && mn !== 'jmp' && mn !== 'jmpf') {
      return p + CANON.get(mn.slice(p.length));
    }
  }
  return mn;
}

/** Whole-instruction spellings objdump uses for string operations and a few others. */
export function specialText(f: Form, bits: Bits): string | null {
  const di = bits === 64 ? 'rdi' : 'edi', si = bits === 64 ? 'rsi' : 'esi';
  const movs = (sz: string) => `movs ${sz} PTR es:[${di}],${sz} PTR ds:[${si}]`;
  const stos = (sz: string, acc: string) => `stos ${sz} PTR es:[${di}],${acc}`;
  const table: Record<string, string> = {
    movsb: movs('BYTE'), stosb: stos('BYTE', 'al'),
    'rep movsb': 'rep ' + movs('BYTE'), 'rep movsd': 'rep ' + movs('DWORD'), 'rep movsq': 'rep ' + movs('QWORD'),
    'rep stosb': 'rep ' + stos('BYTE', 'al'), 'rep stosd': 'rep ' + stos('DWORD', 'eax'), 'rep stosq': 'rep ' + stos('QWORD', 'rax'),
    iretd: 'iret',
  };
  return table[f.mn] ?? null;
}

/** The expected objdump text of an instance. */
export function expectedText(f: Form, choice: Choice[], ctx: Ctx): string {
  const special = specialText(f, ctx.bits);
  if (special) return special;
  const texts = choice.map((c) => c.text(ctx));
  if (f.farSel >= 0) return `jmp ${texts[f.farSel]}:${texts[f.farSel + 1]}`;
  if (f.mn === 'xchg' && f.ops[0].t === T.GPR && f.ops[1].t === T.RM) texts.reverse(); // objdump prints r/m first
  if (f.ops.some((o) => o.t === T.SREG)) {
    // Without a 66 prefix objdump names the register at 32 bits (the move is 16-bit either way).
    f.ops.forEach((o, i) => { if (o.t === T.RM && /^[a-z0-9]+$/.test(texts[i])) texts[i] = gprName(choiceReg(choice[i], ctx), 32); });
  }
  let mn = objdumpMnemonic(f);
  if (ctx.bits === 32 && /^[ls][gi]dt$/.test(mn)) mn += 'd'; // lgdtd/lidtd: 32-bit operand form
  return texts.length ? `${mn} ${texts.join(',')}` : mn;
}

function choiceReg(c: Choice, ctx: Ctx): number {
  const o = c.op(ctx);
  return o.k === 'r' ? o.n : -1;
}
