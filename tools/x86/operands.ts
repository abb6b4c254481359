// Operand values handed to Assembler.i(): registers, memory references,
// immediates and labels. Plain objects with a one-letter kind tag `k` so the
// encoder can switch on them without instanceof.
//
// Four object shapes in all, so that the encoder's reads of `o.k`, `o.size`
// and `o.n` stay polymorphic (V8 caches up to four shapes per read; a fifth
// made every read of them a megamorphic lookup): every register (general,
// xmm, control, segment) is a frozen {k, n, size}, interned; every memory
// operand has all seven fields, `label` undefined when it has none; then
// immediates and labels (assembler.ts makes those).

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

/** Segment register numbers (ModRM.reg encoding of `mov Sreg`). */
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

export type Gpr = { k: 'r'; n: number; size: 8 | 16 | 32 | 64 };
/** `size` is only there to give registers one shape (see above); xmm(), cr() and sreg() set it. */
export type Xmm = { k: 'x'; n: number; size?: 128 };
export type Cr = { k: 'c'; n: number; size?: 64 };
export type Seg = { k: 's'; n: number; size?: 16 };
export type Mem = {
  k: 'm'; size?: 8 | 16 | 32 | 64 | 128; base: number | null; index: number | null;
  scale: 1 | 2 | 4 | 8; disp: number; label?: Label;
};
export type Imm = { k: 'i'; v: number | bigint };
/** A code position; `owner` is the Assembler that made it (checked on use: a cheap field, not a table lookup). */
export type Label = { k: 'l'; id: number; name?: string; owner?: unknown };
export type Operand = Gpr | Xmm | Cr | Seg | Mem | Imm | Label;
export type MemSize = 8 | 16 | 32 | 64 | 128;

/** Thrown when an instruction matches no table row or cannot be encoded. */
export class EncodeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'EncodeError';
    this.code = code;
  }
}

function checkReg(n: number, max: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new EncodeError('X86_BAD_REGISTER', `${what} register number ${n} out of range 0..${max}`);
  }
}

// Registers are interned: r64(RAX) === r64(RAX), so constructing them in a hot loop is free.
function table<T>(count: number, make: (n: number) => T): T[] {
  const out: T[] = [];
  for (let n = 0; n < count; n++) out.push(Object.freeze(make(n)) as T);
  return out;
}
const G64 = table<Gpr>(16, (n) => ({ k: 'r', n, size: 64 }));
const G32 = table<Gpr>(16, (n) => ({ k: 'r', n, size: 32 }));
const G16 = table<Gpr>(16, (n) => ({ k: 'r', n, size: 16 }));
const G8 = table<Gpr>(16, (n) => ({ k: 'r', n, size: 8 }));
const XMM = table<Xmm>(16, (n) => ({ k: 'x', n, size: 128 }));
const CR = table<Cr>(9, (n) => ({ k: 'c', n, size: 64 }));
const SREG = table<Seg>(6, (n) => ({ k: 's', n, size: 16 }));

export function r64(n: number): Gpr { return G64[n] ?? (checkReg(n, 15, 'r64'), G64[0]); }
export function r32(n: number): Gpr { return G32[n] ?? (checkReg(n, 15, 'r32'), G32[0]); }
export function r16(n: number): Gpr { return G16[n] ?? (checkReg(n, 15, 'r16'), G16[0]); }
/** 8-bit register: 0..3 = al cl dl bl, 4..7 = spl bpl sil dil (need REX, 64-bit mode only), 8..15 = r8b.. */
export function r8(n: number): Gpr { return G8[n] ?? (checkReg(n, 15, 'r8'), G8[0]); }
export function gpr(n: number, size: 8 | 16 | 32 | 64): Gpr {
  return size === 64 ? r64(n) : size === 32 ? r32(n) : size === 16 ? r16(n) : r8(n);
}
export function xmm(n: number): Xmm { return XMM[n] ?? (checkReg(n, 15, 'xmm'), XMM[0]); }
/** Control register cr0, cr2, cr3, cr4 or cr8. */
export function cr(n: number): Cr {
  if (n !== 0 && n !== 2 && n !== 3 && n !== 4 && n !== 8) {
    throw new EncodeError('X86_BAD_REGISTER', `control register cr${n} does not exist (cr0 cr2 cr3 cr4 cr8)`);
  }
  return CR[n];
}
/** Segment register: ES=0 CS=1 SS=2 DS=3 FS=4 GS=5. */
export function sreg(n: number): Seg { checkReg(n, 5, 'segment'); return SREG[n]; }
export function imm(v: number | bigint): Imm { return { k: 'i', v }; }

/** [base + disp]; base null = absolute address disp. */
export function mem(base: number | null, disp = 0, size?: MemSize): Mem {
  return { k: 'm', size, base, index: null, scale: 1, disp, label: undefined };
}
/** [base + index*scale + disp]. */
export function memIdx(base: number | null, index: number, scale: 1 | 2 | 4 | 8, disp = 0, size?: MemSize): Mem {
  if (index === RSP) throw new EncodeError('X86_BAD_MEMORY', 'rsp cannot be an index register');
  // rbp/r13 as a base has no form without a displacement: [r13 + rsi] would
  // need a zero disp8, and on Intel cores base+index+disp is a slow 3-component
  // LEA (3-cycle latency, one port). With scale 1 the two swap for free.
  if (scale === 1 && disp === 0 && base !== null && (base & 7) === 5 && (index & 7) !== 5) return { k: 'm', size, base: index, index: base, scale, disp, label: undefined };
  return { k: 'm', size, base, index, scale, disp, label: undefined };
}
/** 64-bit mode: [rip + rel32] to label+disp. 32-bit mode: absolute [disp32] = address of label + disp. */
export function ripMem(label: Label, disp = 0, size?: MemSize): Mem {
  return { k: 'm', size, base: null, index: null, scale: 1, disp, label };
}

const NAMES64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const NAMES32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const NAMES16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const NAMES8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

/** Intel name of a general-purpose register (objdump's spelling). */
export function gprName(n: number, size: number): string {
  if (n >= 8) return `r${n}${size === 64 ? '' : size === 32 ? 'd' : size === 16 ? 'w' : 'b'}`;
  return (size === 64 ? NAMES64 : size === 32 ? NAMES32 : size === 16 ? NAMES16 : NAMES8)[n];
}

/** Human-readable operand text for error messages. */
export function operandText(o: Operand): string {
  switch (o.k) {
    case 'r': return gprName(o.n, o.size);
    case 'x': return `xmm${o.n}`;
    case 'c': return `cr${o.n}`;
    case 's': return SEGS[o.n] ?? `seg${o.n}`;
    case 'i': return `imm(${o.v})`;
    case 'l': return `label(${o.name ?? '#' + o.id})`;
    case 'm': {
      const parts: string[] = [];
      if (o.label) parts.push(`label(${o.label.name ?? '#' + o.label.id})`);
      if (o.base !== null) parts.push(gprName(o.base, 64));
      if (o.index !== null) parts.push(`${gprName(o.index, 64)}*${o.scale}`);
      if (o.disp !== 0 || parts.length === 0) parts.push(String(o.disp));
      return `${o.size ? `m${o.size} ` : ''}[${parts.join('+')}]`;
    }
  }
}
