// COM1 output routines of the stub (64-bit), used by every panic path. They
// use no stack beyond their own 16 bytes and clobber only what each states.
//
//   com1_init             115200 8N1, FIFO on (16550 UART: IER, LCR.DLAB, DLL/DLM, FCR, MCR)
//   com1_putc(dil)        waits for LSR.THRE (bit 5), writes the byte         clobbers eax, edx
//   com1_puts(rsi)        NUL-terminated string                               + edi, rsi
//   com1_hex64(rdi)       16 lowercase hex digits                             + ecx, edi, r8
//   com1_dec(edi)         u32 in decimal                                      + ecx, edi, r8, r9
//   com1_asstr(edi)       AssemblyScript string at wasm address edi: UTF-16LE,
//                         byte length as u32 at edi-4; low byte of each unit   + edi, rsi, r8, r9

import { RAX, RCX, RDI, RDX, RSI, RSP, R8, R9, imm, mem, r16, r32, r64, r8 } from '../tools/x86/index.ts';
import { type StubCtx, strMem } from './emit.ts';
import { COM1 } from './layout.ts';

/** Longest AssemblyScript string printed (code units); a corrupt length cannot flood the console. */
const ASSTR_MAX = 4096;

export function emitConsole(c: StubCtx): void {
  emitInit(c);
  emitPutc(c);
  emitPuts(c);
  emitHex64(c);
  emitDec(c);
  emitAsStr(c);
}

function outb(c: StubCtx, port: number, v: number): void {
  c.asm.i('mov', r32(RDX), imm(port));
  c.asm.i('mov', r32(RAX), imm(v));
  c.asm.i('out', r16(RDX), r8(RAX));
}

function emitInit(c: StubCtx): void {
  const a = c.asm;
  a.bind(a.sym('com1_init'));
  outb(c, COM1 + 1, 0x00);     // IER: no interrupts
  outb(c, COM1 + 3, 0x80);     // LCR: DLAB
  outb(c, COM1 + 0, 0x01);     // DLL: divisor 1 = 115200 baud
  outb(c, COM1 + 1, 0x00);     // DLM
  outb(c, COM1 + 3, 0x03);     // LCR: 8 data bits, no parity, 1 stop bit
  outb(c, COM1 + 2, 0xc7);     // FCR: FIFO on, clear both, 14-byte threshold
  outb(c, COM1 + 4, 0x03);     // MCR: DTR | RTS
  a.i('ret');
}

function emitPutc(c: StubCtx): void {
  const a = c.asm;
  a.bind(a.sym('com1_putc'));
  a.i('mov', r32(RDX), imm(COM1 + 5));
  const wait = a.label();
  a.bind(wait);
  a.i('in', r8(RAX), r16(RDX));
  a.i('test', r8(RAX), imm(0x20));
  a.i('jz', wait);
  a.i('mov', r32(RDX), imm(COM1));
  a.i('mov', r32(RAX), r32(RDI));
  a.i('out', r16(RDX), r8(RAX));
  a.i('ret');
}

function emitPuts(c: StubCtx): void {
  const a = c.asm;
  const loop = a.label(), done = a.label();
  a.bind(a.sym('com1_puts'));
  a.bind(loop);
  a.i('movzx', r32(RDI), mem(RSI, 0, 8));
  a.i('test', r32(RDI), r32(RDI));
  a.i('jz', done);
  a.i('call', a.sym('com1_putc'));
  a.i('inc', r64(RSI));
  a.i('jmp', loop);
  a.bind(done);
  a.i('ret');
}

function emitHex64(c: StubCtx): void {
  const a = c.asm;
  const loop = a.label(), digit = a.label();
  a.bind(a.sym('com1_hex64'));
  a.i('mov', r64(R8), r64(RDI));
  a.i('mov', r32(RCX), imm(16));
  a.bind(loop);
  a.i('rol', r64(R8), imm(4));
  a.i('mov', r32(RDI), r32(R8));
  a.i('and', r32(RDI), imm(15));
  a.i('cmp', r32(RDI), imm(10));
  a.i('jb', digit);
  a.i('add', r32(RDI), imm(0x61 - 10 - 0x30));
  a.bind(digit);
  a.i('add', r32(RDI), imm(0x30));
  a.i('call', a.sym('com1_putc'));
  a.i('dec', r32(RCX));
  a.i('jnz', loop);
  a.i('ret');
}

function emitDec(c: StubCtx): void {
  const a = c.asm;
  const div = a.label(), put = a.label();
  a.bind(a.sym('com1_dec'));
  a.i('mov', r32(RAX), r32(RDI));
  a.i('sub', r64(RSP), imm(16));
  a.i('lea', r64(R9), mem(RSP, 16));
  a.i('mov', r64(R8), r64(R9));
  a.i('mov', r32(RCX), imm(10));
  a.bind(div);                                   // digits right to left into [rsp, rsp+16)
  a.i('xor', r32(RDX), r32(RDX));
  a.i('div', r32(RCX));
  a.i('add', r32(RDX), imm(0x30));
  a.i('dec', r64(R8));
  a.i('mov', mem(R8, 0), r8(RDX));
  a.i('test', r32(RAX), r32(RAX));
  a.i('jnz', div);
  a.bind(put);
  a.i('movzx', r32(RDI), mem(R8, 0, 8));
  a.i('call', a.sym('com1_putc'));
  a.i('inc', r64(R8));
  a.i('cmp', r64(R8), r64(R9));
  a.i('jb', put);
  a.i('add', r64(RSP), imm(16));
  a.i('ret');
}

function emitAsStr(c: StubCtx): void {
  const a = c.asm;
  const some = a.label(), capped = a.label(), loop = a.label(), done = a.label();
  a.bind(a.sym('com1_asstr'));
  a.i('test', r32(RDI), r32(RDI));
  a.i('jnz', some);
  a.i('lea', r64(RSI), strMem(c, 'null'));
  a.i('jmp', a.sym('com1_puts'));
  a.bind(some);
  a.i('mov', r32(R8), r32(RDI));                 // zero-extends: wasm address = physical (r15 = 0)
  a.i('mov', r32(R9), mem(R8, -4));
  a.i('shr', r32(R9), imm(1));
  a.i('cmp', r32(R9), imm(ASSTR_MAX));
  a.i('jbe', capped);
  a.i('mov', r32(R9), imm(ASSTR_MAX));
  a.bind(capped);
  a.bind(loop);
  a.i('test', r32(R9), r32(R9));
  a.i('jz', done);
  a.i('movzx', r32(RDI), mem(R8, 0, 8));
  a.i('call', a.sym('com1_putc'));
  a.i('add', r64(R8), imm(2));
  a.i('dec', r32(R9));
  a.i('jmp', loop);
  a.bind(done);
  a.i('ret');
}
