// The instruction table: one row per encoding, written in the Intel SDM's own
// notation (Vol. 2, §3.1.1 "Instruction Format": opcode column and
// instruction column). Rows are parsed once by rows.ts.
//
//   [mnemonic, operands, encoding, flags?]
//
// Operands: r8..r64, r/m8..r/m64, m (any size), m8..m128, imm8..imm64,
// rel8/rel32, xmm (xmm1/xmm2), xmm/m32..xmm/m128, AL AX EAX RAX CL DX (fixed),
// CR0-CR7 (any control register, cr8 via REX.R), Sreg, 1 (shift by one),
// ptr32 (far pointer offset: a Label or imm).
// Encoding: legacy prefixes 66/F2/F3 first, `REX.W +`, opcode bytes, `XX+rb/rw/rd/ro`
// (register in the opcode's low bits), `XX+cc` (condition code), `/r` or `/0`../7`,
// then `ib iw id io` (immediates), `cb cd` (relative targets), `cp` (far pointer).
// Flags: `32` = legacy/compat mode only, `64` = 64-bit mode only (rows using a
// 64-bit operand or REX.W are 64-only automatically), `n66` = a 16-bit operand
// that does not take the operand-size prefix.
//
// The 16/32/64-bit triples and the condition-code families are expanded by the
// helpers below; each still yields exactly the SDM rows.

export type Row = readonly [mnemonic: string, operands: string, encoding: string, flags?: string];

/** Condition codes (SDM Vol. 1 Appendix B): code -> names, first is objdump's spelling. */
export const CONDITIONS: readonly (readonly string[])[] = [
  ['o'], ['no'], ['b', 'c', 'nae'], ['ae', 'nb', 'nc'], ['e', 'z'], ['ne', 'nz'], ['be', 'na'], ['a', 'nbe'],
  ['s'], ['ns'], ['p', 'pe'], ['np', 'po'], ['l', 'nge'], ['ge', 'nl'], ['le', 'ng'], ['g', 'nle'],
];

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** Expand `S` (16/32/64) in operands and `iz` (iw/id/id) in the encoding: one row per operand size. */
function wdq(mn: string, ops: string, enc: string, flags?: string): Row[] {
  const out: Row[] = [];
  for (const s of [16, 32, 64]) {
    const acc = s === 16 ? 'AX' : s === 32 ? 'EAX' : 'RAX';
    const o = ops.replace(/\bA\b/g, acc).replace(/S/g, String(s)).replace(/immZ/g, s === 16 ? 'imm16' : 'imm32');
    const e = (s === 64 ? 'REX.W + ' : '') + enc.replace(/\biz\b/, s === 16 ? 'iw' : 'id');
    out.push(flags ? [mn, o, e, flags] : [mn, o, e]);
  }
  return out;
}

/** The eight classic ALU operations share one shape (SDM "ADD"; digit = /0../7, opcode base = digit*8). */
function alu(mn: string, digit: number): Row[] {
  const b = digit * 8;
  return [
    [mn, 'AL, imm8', `${hex(b + 4)} ib`],
    [mn, 'r/m8, imm8', `80 /${digit} ib`],
    [mn, 'r/m8, r8', `${hex(b)} /r`],
    [mn, 'r8, r/m8', `${hex(b + 2)} /r`],
    ...wdq(mn, 'r/mS, imm8', `83 /${digit} ib`),
    ...wdq(mn, 'A, immZ', `${hex(b + 5)} iz`),
    ...wdq(mn, 'r/mS, immZ', `81 /${digit} iz`),
    ...wdq(mn, 'r/mS, rS', `${hex(b + 1)} /r`),
    ...wdq(mn, 'rS, r/mS', `${hex(b + 3)} /r`),
  ];
}

/** Group-2 shifts and rotates (SDM "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR"). */
function shift(mn: string, digit: number): Row[] {
  return [
    [mn, 'r/m8, 1', `D0 /${digit}`],
    [mn, 'r/m8, CL', `D2 /${digit}`],
    [mn, 'r/m8, imm8', `C0 /${digit} ib`],
    ...wdq(mn, 'r/mS, 1', `D1 /${digit}`),
    ...wdq(mn, 'r/mS, CL', `D3 /${digit}`),
    ...wdq(mn, 'r/mS, imm8', `C1 /${digit} ib`),
  ];
}

/** Group-3 unary ops (NOT /2, NEG /3, MUL /4, IMUL /5, DIV /6, IDIV /7); INC/DEC are group 4/5. */
function unary(mn: string, op8: string, op: string, digit: number): Row[] {
  return [[mn, 'r/m8', `${op8} /${digit}`], ...wdq(mn, 'r/mS', `${op} /${digit}`)];
}

/** A `cc` family: one row per condition code, each alias spelled out. */
function cc(mn: string, ops: string, enc: string, flags?: string): Row[] {
  const out: Row[] = [];
  const m = /([0-9A-F]{2})\+cc/.exec(enc);
  if (!m) throw new Error(`X86_TABLE: cc row "${mn}" has no XX+cc opcode`);
  CONDITIONS.forEach((names, code) => {
    const e = enc.replace(m[0], hex(parseInt(m[1], 16) + code));
    for (const name of names) out.push(flags ? [mn.replace('cc', name), ops, e, flags] : [mn.replace('cc', name), ops, e]);
  });
  return out;
}

/** Scalar SSE arithmetic: `ss` (F3, m32) and `sd` (F2, m64) forms of one opcode. */
function sse(base: string, op: string): Row[] {
  return [[`${base}ss`, 'xmm1, xmm2/m32', `F3 0F ${op} /r`], [`${base}sd`, 'xmm1, xmm2/m64', `F2 0F ${op} /r`]];
}

/** Packed logic/moves: `ps` (no prefix) and `pd` (66) forms over m128. */
function packed(base: string, op: string): Row[] {
  return [[`${base}ps`, 'xmm1, xmm2/m128', `0F ${op} /r`], [`${base}pd`, 'xmm1, xmm2/m128', `66 0F ${op} /r`]];
}

const GENERAL: Row[] = [
  ...alu('add', 0), ...alu('or', 1), ...alu('adc', 2), ...alu('sbb', 3),
  ...alu('and', 4), ...alu('sub', 5), ...alu('xor', 6), ...alu('cmp', 7),
  // MOV (SDM Vol. 2B "MOV"): register forms before the r/m forms so a register picks the short row.
  ['mov', 'r/m8, r8', '88 /r'], ['mov', 'r8, r/m8', '8A /r'],
  ...wdq('mov', 'r/mS, rS', '89 /r'), ...wdq('mov', 'rS, r/mS', '8B /r'),
  ['mov', 'r8, imm8', 'B0+rb ib'], ['mov', 'r/m8, imm8', 'C6 /0 ib'],
  ['mov', 'r16, imm16', 'B8+rw iw'], ['mov', 'r32, imm32', 'B8+rd id'],
  ['mov', 'r/m16, imm16', 'C7 /0 iw'], ['mov', 'r/m32, imm32', 'C7 /0 id'],
  ['mov', 'r/m64, imm32', 'REX.W + C7 /0 id'], ['mov', 'r64, imm64', 'REX.W + B8+rd io'],
  ['movabs', 'r64, imm64', 'REX.W + B8+rd io'],
  ['mov', 'r/m16, Sreg', '8C /r', 'n66'], ['mov', 'Sreg, r/m16', '8E /r', 'n66'], ['mov', 'Sreg, r32', '8E /r'],
  ['mov', 'r64, CR0-CR7', '0F 20 /r', '64'], ['mov', 'CR0-CR7, r64', '0F 22 /r', '64'],
  ['mov', 'r32, CR0-CR7', '0F 20 /r', '32'], ['mov', 'CR0-CR7, r32', '0F 22 /r', '32'],
  ['movzx', 'r16, r/m8', '0F B6 /r'], ['movzx', 'r32, r/m8', '0F B6 /r'], ['movzx', 'r64, r/m8', 'REX.W + 0F B6 /r'],
  ['movzx', 'r32, r/m16', '0F B7 /r'], ['movzx', 'r64, r/m16', 'REX.W + 0F B7 /r'],
  ['movsx', 'r16, r/m8', '0F BE /r'], ['movsx', 'r32, r/m8', '0F BE /r'], ['movsx', 'r64, r/m8', 'REX.W + 0F BE /r'],
  ['movsx', 'r32, r/m16', '0F BF /r'], ['movsx', 'r64, r/m16', 'REX.W + 0F BF /r'],
  ['movsxd', 'r64, r/m32', 'REX.W + 63 /r'],
  ...wdq('lea', 'rS, m', '8D /r'),
  // TEST, XCHG
  ['test', 'AL, imm8', 'A8 ib'], ...wdq('test', 'A, immZ', 'A9 iz'),
  ['test', 'r/m8, imm8', 'F6 /0 ib'], ...wdq('test', 'r/mS, immZ', 'F7 /0 iz'),
  ['test', 'r/m8, r8', '84 /r'], ...wdq('test', 'r/mS, rS', '85 /r'),
  ['xchg', 'r/m8, r8', '86 /r'], ['xchg', 'r8, r/m8', '86 /r'],
  ...wdq('xchg', 'r/mS, rS', '87 /r'), ...wdq('xchg', 'rS, r/mS', '87 /r'),
  ['cmpxchg', 'r/m8, r8', '0F B0 /r'], ...wdq('cmpxchg', 'r/mS, rS', '0F B1 /r'),
  // Unary groups 3, 4, 5
  ...unary('not', 'F6', 'F7', 2), ...unary('neg', 'F6', 'F7', 3), ...unary('mul', 'F6', 'F7', 4),
  ...unary('imul', 'F6', 'F7', 5), ...unary('div', 'F6', 'F7', 6), ...unary('idiv', 'F6', 'F7', 7),
  ...unary('inc', 'FE', 'FF', 0), ...unary('dec', 'FE', 'FF', 1),
  ...wdq('imul', 'rS, r/mS', '0F AF /r'), ...wdq('imul', 'rS, r/mS, imm8', '6B /r ib'),
  ...wdq('imul', 'rS, r/mS, immZ', '69 /r iz'),
  // Shifts and rotates
  ...shift('rol', 0), ...shift('ror', 1), ...shift('rcl', 2), ...shift('rcr', 3),
  ...shift('shl', 4), ...shift('sal', 4), ...shift('shr', 5), ...shift('sar', 7),
  ...wdq('shld', 'r/mS, rS, imm8', '0F A4 /r ib'), ...wdq('shld', 'r/mS, rS, CL', '0F A5 /r'),
  ...wdq('shrd', 'r/mS, rS, imm8', '0F AC /r ib'), ...wdq('shrd', 'r/mS, rS, CL', '0F AD /r'),
  // Bit operations
  ...wdq('bt', 'r/mS, rS', '0F A3 /r'), ...wdq('bt', 'r/mS, imm8', '0F BA /4 ib'),
  ...wdq('bts', 'r/mS, rS', '0F AB /r'), ...wdq('bts', 'r/mS, imm8', '0F BA /5 ib'),
  ...wdq('btr', 'r/mS, rS', '0F B3 /r'), ...wdq('btr', 'r/mS, imm8', '0F BA /6 ib'),
  ...wdq('btc', 'r/mS, rS', '0F BB /r'), ...wdq('btc', 'r/mS, imm8', '0F BA /7 ib'),
  ...wdq('bsf', 'rS, r/mS', '0F BC /r'), ...wdq('bsr', 'rS, r/mS', '0F BD /r'),
  ...wdq('popcnt', 'rS, r/mS', 'F3 0F B8 /r'), ...wdq('lzcnt', 'rS, r/mS', 'F3 0F BD /r'),
  ...wdq('tzcnt', 'rS, r/mS', 'F3 0F BC /r'),
  ['bswap', 'r32', '0F C8+rd'], ['bswap', 'r64', 'REX.W + 0F C8+rd'],
  // Sign extension of the accumulator
  ['cbw', '', '66 98'], ['cwde', '', '98'], ['cdqe', '', 'REX.W + 98'],
  ['cwd', '', '66 99'], ['cdq', '', '99'], ['cqo', '', 'REX.W + 99'],
  // Condition-code families
  ...cc('setcc', 'r/m8', '0F 90+cc /0'),
  ...cc('cmovcc', 'r16, r/m16', '0F 40+cc /r'), ...cc('cmovcc', 'r32, r/m32', '0F 40+cc /r'),
  ...cc('cmovcc', 'r64, r/m64', 'REX.W + 0F 40+cc /r'),
  ...cc('jcc', 'rel8', '70+cc cb'), ...cc('jcc', 'rel32', '0F 80+cc cd'),
];

const CONTROL: Row[] = [
  ['jmp', 'rel8', 'EB cb'], ['jmp', 'rel32', 'E9 cd'],
  ['jmp', 'r/m64', 'FF /4', '64'], ['jmp', 'r/m32', 'FF /4', '32'],
  ['call', 'rel32', 'E8 cd'], ['call', 'r/m64', 'FF /2', '64'], ['call', 'r/m32', 'FF /2', '32'],
  ['jmpf', 'imm16, ptr32', 'EA cp', '32'],
  ['ret', '', 'C3'], ['ret', 'imm16', 'C2 iw'],
  ['push', 'r64', '50+rd', '64'], ['push', 'r32', '50+rd', '32'],
  ['push', 'r/m64', 'FF /6', '64'], ['push', 'r/m32', 'FF /6', '32'],
  ['push', 'imm8', '6A ib'], ['push', 'imm32', '68 id'],
  ['pop', 'r64', '58+rd', '64'], ['pop', 'r32', '58+rd', '32'],
  ['pop', 'r/m64', '8F /0', '64'], ['pop', 'r/m32', '8F /0', '32'],
  ['leave', '', 'C9'], ['nop', '', '90'], ['int3', '', 'CC'], ['int', 'imm8', 'CD ib'],
  ['ud2', '', '0F 0B'], ['hlt', '', 'F4'], ['pause', '', 'F3 90'],
  ['cli', '', 'FA'], ['sti', '', 'FB'], ['cld', '', 'FC'], ['std', '', 'FD'], ['clc', '', 'F8'], ['stc', '', 'F9'],
  ['syscall', '', '0F 05', '64'], ['iretq', '', 'REX.W + CF'], ['iretd', '', 'CF', '32'],
];

const SYSTEM: Row[] = [
  ['cpuid', '', '0F A2'], ['rdtsc', '', '0F 31'], ['rdtscp', '', '0F 01 F9'],
  ['rdmsr', '', '0F 32'], ['wrmsr', '', '0F 30'],
  ['mfence', '', '0F AE F0'], ['lfence', '', '0F AE E8'], ['sfence', '', '0F AE F8'],
  ['in', 'AL, imm8', 'E4 ib'], ['in', 'AX, imm8', 'E5 ib'], ['in', 'EAX, imm8', 'E5 ib'],
  ['in', 'AL, DX', 'EC'], ['in', 'AX, DX', 'ED'], ['in', 'EAX, DX', 'ED'],
  ['out', 'imm8, AL', 'E6 ib'], ['out', 'imm8, AX', 'E7 ib'], ['out', 'imm8, EAX', 'E7 ib'],
  ['out', 'DX, AL', 'EE'], ['out', 'DX, AX', 'EF'], ['out', 'DX, EAX', 'EF'],
  ['movsb', '', 'A4'], ['stosb', '', 'AA'],
  ['rep movsb', '', 'F3 A4'], ['rep movsd', '', 'F3 A5'], ['rep movsq', '', 'F3 REX.W + A5'],
  ['rep stosb', '', 'F3 AA'], ['rep stosd', '', 'F3 AB'], ['rep stosq', '', 'F3 REX.W + AB'],
  ['lgdt', 'm', '0F 01 /2'], ['lidt', 'm', '0F 01 /3'], ['sgdt', 'm', '0F 01 /0'], ['sidt', 'm', '0F 01 /1'],
  ['ltr', 'r/m16', '0F 00 /3', 'n66'], ['invlpg', 'm', '0F 01 /7'], ['swapgs', '', '0F 01 F8', '64'],
  ['ldmxcsr', 'm32', '0F AE /2'], ['stmxcsr', 'm32', '0F AE /3'],
  ['fxsave', 'm', '0F AE /0'], ['fxrstor', 'm', '0F AE /1'],
];

const SSE: Row[] = [
  ['movss', 'xmm1, xmm2/m32', 'F3 0F 10 /r'], ['movss', 'xmm2/m32, xmm1', 'F3 0F 11 /r'],
  ['movsd', 'xmm1, xmm2/m64', 'F2 0F 10 /r'], ['movsd', 'xmm2/m64, xmm1', 'F2 0F 11 /r'],
  ['movaps', 'xmm1, xmm2/m128', '0F 28 /r'], ['movaps', 'xmm2/m128, xmm1', '0F 29 /r'],
  ['movapd', 'xmm1, xmm2/m128', '66 0F 28 /r'], ['movapd', 'xmm2/m128, xmm1', '66 0F 29 /r'],
  ['movups', 'xmm1, xmm2/m128', '0F 10 /r'], ['movups', 'xmm2/m128, xmm1', '0F 11 /r'],
  ['movupd', 'xmm1, xmm2/m128', '66 0F 10 /r'], ['movupd', 'xmm2/m128, xmm1', '66 0F 11 /r'],
  ['movdqa', 'xmm1, xmm2/m128', '66 0F 6F /r'], ['movdqa', 'xmm2/m128, xmm1', '66 0F 7F /r'],
  ['movdqu', 'xmm1, xmm2/m128', 'F3 0F 6F /r'], ['movdqu', 'xmm2/m128, xmm1', 'F3 0F 7F /r'],
  ['movd', 'xmm, r/m32', '66 0F 6E /r'], ['movd', 'r/m32, xmm', '66 0F 7E /r'],
  // movq: the xmm/m64 rows first, so memory operands take the shorter encodings without REX.W.
  ['movq', 'xmm1, xmm2/m64', 'F3 0F 7E /r'], ['movq', 'xmm2/m64, xmm1', '66 0F D6 /r'],
  ['movq', 'xmm, r/m64', '66 REX.W + 0F 6E /r'], ['movq', 'r/m64, xmm', '66 REX.W + 0F 7E /r'],
  ['movmskps', 'r32, xmm', '0F 50 /r'], ['movmskpd', 'r32, xmm', '66 0F 50 /r'],
  ...sse('add', '58'), ...sse('mul', '59'), ...sse('sub', '5C'), ...sse('min', '5D'),
  ...sse('div', '5E'), ...sse('max', '5F'), ...sse('sqrt', '51'),
  ...packed('and', '54'), ...packed('andn', '55'), ...packed('or', '56'), ...packed('xor', '57'),
  ...packed('add', '58'), ...packed('mul', '59'), ...packed('sub', '5C'), ...packed('div', '5E'),
  ['ucomiss', 'xmm1, xmm2/m32', '0F 2E /r'], ['ucomisd', 'xmm1, xmm2/m64', '66 0F 2E /r'],
  ['comiss', 'xmm1, xmm2/m32', '0F 2F /r'], ['comisd', 'xmm1, xmm2/m64', '66 0F 2F /r'],
  ['cvtsi2ss', 'xmm1, r/m32', 'F3 0F 2A /r'], ['cvtsi2ss', 'xmm1, r/m64', 'F3 REX.W + 0F 2A /r'],
  ['cvtsi2sd', 'xmm1, r/m32', 'F2 0F 2A /r'], ['cvtsi2sd', 'xmm1, r/m64', 'F2 REX.W + 0F 2A /r'],
  ['cvttss2si', 'r32, xmm1/m32', 'F3 0F 2C /r'], ['cvttss2si', 'r64, xmm1/m32', 'F3 REX.W + 0F 2C /r'],
  ['cvttsd2si', 'r32, xmm1/m64', 'F2 0F 2C /r'], ['cvttsd2si', 'r64, xmm1/m64', 'F2 REX.W + 0F 2C /r'],
  ['cvtss2si', 'r32, xmm1/m32', 'F3 0F 2D /r'], ['cvtss2si', 'r64, xmm1/m32', 'F3 REX.W + 0F 2D /r'],
  ['cvtsd2si', 'r32, xmm1/m64', 'F2 0F 2D /r'], ['cvtsd2si', 'r64, xmm1/m64', 'F2 REX.W + 0F 2D /r'],
  ['cvtss2sd', 'xmm1, xmm2/m32', 'F3 0F 5A /r'], ['cvtsd2ss', 'xmm1, xmm2/m64', 'F2 0F 5A /r'],
  ['roundss', 'xmm1, xmm2/m32, imm8', '66 0F 3A 0A /r ib'], ['roundsd', 'xmm1, xmm2/m64, imm8', '66 0F 3A 0B /r ib'],
  ['pxor', 'xmm1, xmm2/m128', '66 0F EF /r'], ['pand', 'xmm1, xmm2/m128', '66 0F DB /r'],
  ['por', 'xmm1, xmm2/m128', '66 0F EB /r'], ['pcmpeqd', 'xmm1, xmm2/m128', '66 0F 76 /r'],
];

export const ROWS: readonly Row[] = [...GENERAL, ...CONTROL, ...SYSTEM, ...SSE];
