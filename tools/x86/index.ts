// tools/x86: the table-driven x86-64 encoder, used by the AOT compiler
// (tools/aot) and the boot stub (boot/).
//
// Map:
//   table.ts      the instruction rows, in the Intel SDM's notation (one row per encoding)
//   rows.ts       parses the rows once into Forms (which operand goes in which field)
//   encode.ts     picks the first matching Form and emits prefixes/REX/opcode/ModRM/SIB/imm
//   assembler.ts  Assembler: byte buffer, labels, fixups, finish(base)
//   operands.ts   operand constructors (r64, mem, imm, ...) and EncodeError
//
// Usage:
//   const a = new Assembler({ bits: 64 });
//   const loop = a.label();
//   a.bind(loop);
//   a.i('add', r64(RAX), imm(1));                 // operand size from the register
//   a.i('mov', mem(RBX, 8, 32), imm(5));          // mov dword [rbx+8], 5: memory needs a size here
//   a.i('movsd', xmm(0), ripMem(a.sym('k')));     // [rip + k]
//   a.i('cmp', r64(RAX), r64(RCX));
//   a.i('jne', loop);                             // rel8 when bound and in range, else rel32
//   a.i('rep movsb');
//   const code = a.finish(0x100000);              // resolves labels; throws on unbound ones
// Mnemonics are Intel's, lower case; condition codes take every alias (je/jz, setb/setc, cmovae/cmovnb...).
// 32-bit mode (`bits = 32`, switchable mid-stream): no REX, [disp32] is absolute,
// `i('jmpf', imm(sel), label)` far-jumps into long mode.

export {
  RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
  ES, CS, SS, DS, FS, GS,
  EncodeError, r64, r32, r16, r8, gpr, xmm, cr, sreg, imm, mem, memIdx, ripMem, gprName, operandText,
} from './operands.ts';
export type { Gpr, Xmm, Cr, Seg, Mem, Imm, Label, Operand, MemSize } from './operands.ts';
export { Assembler } from './assembler.ts';
export { CONDITIONS } from './table.ts';
