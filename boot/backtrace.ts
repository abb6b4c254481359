// The backtrace printed after a `trap` or `abort` panic line: one line
// `  at NAME` per frame, innermost first, from the return address the panic
// entry saved (`bt_save`) and the rbp chain compiled code keeps
// (tools/aot/ABI.md "Registers"). Names come from `bt_funcs`, the table the
// linker emits (tools/link/link.ts): entries (u32 code, u32 name) sorted by
// address, the last one the end of the code with name 0. A frame in the
// app's own code also gets its source line, ` (app.ts:12)`, from `bt_lines`
// (emitLineTable: what asc's source map says of the Wasm instruction each
// code address was compiled from; tools/aot/srcmap.ts, tools/image/srcmap.ts).
//
//   bt_save        at the panic entry, before any call: [rsp] and rbp -> bt_ret, bt_rbp
//   bt_print_from  `hw.backtrace` (kernel/panic.ts kernelAbort): [rsp+8] = a return address,
//                  [rsp+16] = its frame's rbp (pushed by the caller); prints from there,
//                  preserves every register but the flags
//   bt_print       the lines; stops at the first return address outside the compiled
//                  code (the stub called kernelMain), at an rbp that is not 8-aligned,
//                  not inside the boot stack or not above the previous one, and after
//                  MAX_FRAMES lines (then `  ...`)      clobbers rax, rcx, rdx, rdi, rsi, r10
//   bt_lookup(rdi) rax = name of the function holding return address rdi, or 0
//   bt_where(rdi)  rax = "file:line" of return address rdi, or 0     clobbers rcx, rdx, rsi

import { RAX, RBP, RBX, RCX, RDI, RDX, RSI, RSP, R10, R12, R13, R14, type Label, type Operand, imm, mem, r32, r64, ripMem } from '../tools/x86/index.ts';
import type { Assembler } from '../tools/x86/index.ts';
import { type StubCtx, bssMem, strMem } from './emit.ts';
import { BSS } from './layout.ts';

/** Lines printed at most; a deeper stack (a runaway recursion) ends with `  ...`. */
export const MAX_FRAMES = 16;

export interface BacktraceLabels { btRet: Label; btRbp: Label }

export function backtraceLabels(c: StubCtx): BacktraceLabels {
  return { btRet: c.asm.sym('bt_ret'), btRbp: c.asm.sym('bt_rbp') };
}

/** Inline at a panic entry (before it calls anything): saves the caller's return address and rbp. */
export function btSave(c: StubCtx, l: BacktraceLabels): void {
  const a = c.asm;
  a.i('mov', r64(RAX), mem(RSP, 0));
  a.i('mov', ripMem(l.btRet), r64(RAX));
  a.i('mov', ripMem(l.btRbp), r64(RBP));
}

export function emitBacktrace(c: StubCtx, l: BacktraceLabels): void {
  emitPrintFrom(c, l);
  emitPrint(c, l);
  emitLookup(c, 'bt_lookup', 'bt_funcs');
  emitLookup(c, 'bt_where', 'bt_lines');
}

const PRINT_CLOBBERS = [RAX, RCX, RDX, RDI, RSI, R10];

function emitPrintFrom(c: StubCtx, l: BacktraceLabels): void {
  const a = c.asm;
  a.bind(a.sym('bt_print_from'));
  for (const r of PRINT_CLOBBERS) a.i('push', r64(r));
  const args = 8 * PRINT_CLOBBERS.length + 8;
  a.i('mov', r64(RAX), mem(RSP, args));
  a.i('mov', ripMem(l.btRet), r64(RAX));
  a.i('mov', r64(RAX), mem(RSP, args + 8));
  a.i('mov', ripMem(l.btRbp), r64(RAX));
  a.i('call', a.sym('bt_print'));
  for (const r of [...PRINT_CLOBBERS].reverse()) a.i('pop', r64(r));
  a.i('ret');
}

/** rbx = return address, r12 = its frame's rbp, r13 = lines left, r14 = the previous rbp. */
function emitPrint(c: StubCtx, l: BacktraceLabels): void {
  const a = c.asm;
  const loop = a.label(), done = a.label(), cut = a.label();
  a.bind(a.sym('bt_print'));
  for (const r of [RBX, R12, R13, R14]) a.i('push', r64(r));
  a.i('mov', r64(RBX), ripMem(l.btRet));
  a.i('mov', r64(R12), ripMem(l.btRbp));
  a.i('mov', r32(R13), imm(MAX_FRAMES));
  a.i('xor', r32(R14), r32(R14));
  a.bind(loop);
  a.i('mov', r64(RDI), r64(RBX));
  a.i('call', a.sym('bt_lookup'));
  a.i('test', r64(RAX), r64(RAX));
  a.i('jz', done);
  a.i('test', r32(R13), r32(R13));
  a.i('jz', cut);
  a.i('mov', r64(R10), r64(RAX));
  puts(c, '  at ');
  a.i('mov', r64(RSI), r64(R10));
  a.i('call', a.sym('com1_puts'));
  emitWhere(c);
  puts(c, '\n');
  a.i('dec', r32(R13));
  // The next frame: rbp must be 8-aligned, inside the boot stack, above the previous one.
  a.i('test', r32(R12), imm(7));
  a.i('jnz', done);
  a.i('lea', r64(RAX), bssMem(c, BSS.stack));
  a.i('cmp', r64(R12), r64(RAX));
  a.i('jb', done);
  a.i('lea', r64(RAX), bssMem(c, BSS.stackTop - 16));
  a.i('cmp', r64(R12), r64(RAX));
  a.i('ja', done);
  a.i('cmp', r64(R12), r64(R14));
  a.i('jbe', done);
  a.i('mov', r64(R14), r64(R12));
  a.i('mov', r64(RBX), mem(R12, 8));
  a.i('mov', r64(R12), mem(R12, 0));
  a.i('jmp', loop);
  a.bind(cut);
  puts(c, '  ...\n');
  a.bind(done);
  for (const r of [R14, R13, R12, RBX]) a.i('pop', r64(r));
  a.i('ret');
}

/**
 * ` at file:line` of the saved return address (bt_save's: a trap site)
 * when bt_lines knows it: the trap panic line's end. Clobbers what bt_print
 * does and r12; the trap path never returns.
 */
export function emitSavedWhere(c: StubCtx, l: BacktraceLabels): void {
  emitLine(c, ripMem(l.btRet), R12, ' at ', '');
}

/** ` (file:line)` after a frame's name when bt_lines knows return address rbx. */
function emitWhere(c: StubCtx): void {
  emitLine(c, r64(RBX), R10, ' (', ')');
}

/** `open` file:line `close` for return address `addr` when bt_lines knows it; `keep` holds the string across the prints. */
function emitLine(c: StubCtx, addr: Operand, keep: number, open: string, close: string): void {
  const a = c.asm;
  const none = a.label();
  a.i('mov', r64(RDI), addr);
  a.i('call', a.sym('bt_where'));
  a.i('test', r64(RAX), r64(RAX));
  a.i('jz', none);
  a.i('mov', r64(keep), r64(RAX));
  puts(c, open);
  a.i('mov', r64(RSI), r64(keep));
  a.i('call', a.sym('com1_puts'));
  if (close) puts(c, close);
  a.bind(none);
}

function puts(c: StubCtx, s: string): void {
  c.asm.i('lea', r64(RSI), strMem(c, s));
  c.asm.i('call', c.asm.sym('com1_puts'));
}

/** `name`: linear scan of `table` (u32 n, u32 0, n × (u32 code, u32 text)) for the last entry whose code address is below rdi. */
function emitLookup(c: StubCtx, name: string, table: string): void {
  const a = c.asm;
  const loop = a.label(), done = a.label();
  a.bind(a.sym(name));
  a.i('lea', r64(RSI), ripMem(a.sym(table)));
  a.i('mov', r32(RCX), mem(RSI, 0, 32));
  a.i('add', r64(RSI), imm(8));
  a.i('xor', r32(RAX), r32(RAX));
  a.bind(loop);
  a.i('test', r32(RCX), r32(RCX));
  a.i('jz', done);
  a.i('mov', r32(RDX), mem(RSI, 0, 32));
  a.i('cmp', r64(RDX), r64(RDI));
  a.i('jae', done);
  a.i('mov', r32(RAX), mem(RSI, 4, 32));
  a.i('add', r64(RSI), imm(8));
  a.i('dec', r32(RCX));
  a.i('jmp', loop);
  a.bind(done);
  a.i('ret');
}

/** The two cells `bt_save` fills (in the stub's data area). */
export function emitBacktraceData(c: StubCtx, l: BacktraceLabels): void {
  const a = c.asm;
  a.align(8, 0);
  a.bind(l.btRet);
  a.u64(0n);
  a.bind(l.btRbp);
  a.u64(0n);
}

/**
 * `bt_lines` (bt_where walks it): u32 n, u32 0, then n entries (u32 code
 * address, u32 address of "file:line" or 0 for no line) sorted by
 * address, then the strings. Runs of one text are one entry.
 */
export function emitLineTable(asm: Assembler, lines: { code: Label; text: string | null }[]): void {
  const bound = lines.filter((l) => asm.isBound(l.code)).sort((x, y) => asm.offsetOf(x.code) - asm.offsetOf(y.code));
  const rows = bound.filter((l, i) => i === 0 ? l.text !== null : l.text !== bound[i - 1].text);
  const texts = new Map<string, Label>();
  for (const r of rows) if (r.text !== null && !texts.has(r.text)) texts.set(r.text, asm.label());
  asm.align(8, 0);
  asm.bind(asm.sym('bt_lines'));
  asm.u32(rows.length);
  asm.u32(0);
  for (const r of rows) {
    asm.addr32(r.code);
    if (r.text === null) asm.u32(0);
    else asm.addr32(texts.get(r.text)!);
  }
  for (const [text, l] of texts) {
    asm.bind(l);
    asm.bytes(new TextEncoder().encode(text));
    asm.u8(0);
  }
}
