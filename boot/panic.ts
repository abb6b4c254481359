// Every way out of the kernel: `poweroff`, the wasm `trap` and `abort`
// targets (tools/aot/ABI.md), and `panic_enter`, which makes a second panic
// (a fault inside a panic path) power off at once instead of looping.
//
//   poweroff(edi = code)          never returns
//   trap(edi = kind, rsi = name)  "panic: trap: <message> in <name>[ at <file>:<line>]", exit 0x7f
//                                 (the position when bt_lines knows the trap site: app code)
//   abort(edi = msg, esi = file, edx = line, ecx = col)
//                                 "panic: abort: <msg> at <file>:<line>:<col>", exit 0x7f
// Both then print the backtrace of the calling functions (boot/backtrace.ts).

import { RAX, RBX, RCX, RDI, RDX, RSI, R12, R13, R14, type Label, imm, mem, memIdx, r16, r32, r64, r8, ripMem } from '../tools/x86/index.ts';
import { backtraceLabels, btSave, emitSavedWhere } from './backtrace.ts';
import { type StubCtx, strMem } from './emit.ts';
import {
  BOCHS_PM1A_CNT, COM1, DEBUG_EXIT_PORT, GED_SLEEP_S5, MICROVM_GED_SLEEP_CTL, PANIC_CODE, PIIX4_PM1A_CNT,
  PM1_SLP_EN_S5, TRAP_MESSAGES,
} from './layout.ts';

export interface PanicLabels { panicking: Label; trapTable: Label }

export function emitPanic(c: StubCtx, l: PanicLabels): void {
  emitPoweroff(c);
  emitPanicEnter(c, l);
  emitTrap(c, l);
  emitAbort(c);
}

/** Emits `lea rsi, "s"; call com1_puts`. */
export function puts(c: StubCtx, s: string): void {
  c.asm.i('lea', r64(RSI), strMem(c, s));
  c.asm.i('call', c.asm.sym('com1_puts'));
}

/** Emits `mov edi, PANIC_CODE; jmp poweroff`. */
export function dieJump(c: StubCtx): void {
  c.asm.i('mov', r32(RDI), imm(PANIC_CODE));
  c.asm.i('jmp', c.asm.sym('poweroff'));
}

/**
 * isa-debug-exit (QEMU exits with (code << 1) | 1), then ACPI S5 for `pc`
 * (PM1a_CNT SLP_EN, ACPI 6.4 §4.8.3.2.1) and for `microvm` (GED sleep control
 * register), so QEMU stops even without the debug-exit device; then halt.
 */
function emitPoweroff(c: StubCtx): void {
  const a = c.asm;
  a.bind(a.sym('poweroff'));
  a.i('cli');
  // Let COM1 send what it holds (LSR.TEMT, bit 6) before QEMU exits: a host
  // slow to read the serial pipe would otherwise lose the panic's last
  // lines. Bounded, in case the port never drains.
  const sent = a.label(), drain = a.label();
  a.i('mov', r32(RDX), imm(COM1 + 5));
  a.i('mov', r32(RCX), imm(1 << 24));
  a.bind(drain);
  a.i('in', r8(RAX), r16(RDX));
  a.i('test', r8(RAX), imm(0x40));
  a.i('jnz', sent);
  a.i('dec', r32(RCX));
  a.i('jnz', drain);
  a.bind(sent);
  a.i('mov', r32(RAX), r32(RDI));
  a.i('out', imm(DEBUG_EXIT_PORT), r32(RAX));
  a.i('mov', r32(RAX), imm(PM1_SLP_EN_S5));
  a.i('mov', r32(RDX), imm(PIIX4_PM1A_CNT));
  a.i('out', r16(RDX), r16(RAX));
  a.i('mov', r32(RDX), imm(BOCHS_PM1A_CNT));
  a.i('out', r16(RDX), r16(RAX));
  a.i('mov', r32(RAX), imm(MICROVM_GED_SLEEP_CTL));
  a.i('mov', mem(RAX, 0, 8), imm(GED_SLEEP_S5));
  const halt = a.label();
  a.bind(halt);
  a.i('hlt');
  a.i('jmp', halt);
}

/** `panic_enter`: returns the first time; any later call powers off with the panic code at once. */
function emitPanicEnter(c: StubCtx, l: PanicLabels): void {
  const a = c.asm;
  const again = a.label();
  a.bind(a.sym('panic_enter'));
  a.i('cmp', ripMem(l.panicking, 0, 8), imm(0));
  a.i('jne', again);
  a.i('mov', ripMem(l.panicking, 0, 8), imm(1));
  a.i('ret');
  a.bind(again);
  dieJump(c);
}

function emitTrap(c: StubCtx, l: PanicLabels): void {
  const a = c.asm;
  const known = a.label(), named = a.label();
  a.bind(a.sym('trap'));
  btSave(c, backtraceLabels(c));
  a.i('mov', r32(RBX), r32(RDI));
  a.i('mov', r64(R12), r64(RSI));
  a.i('call', a.sym('panic_enter'));
  puts(c, 'panic: trap: ');
  a.i('cmp', r32(RBX), imm(TRAP_MESSAGES.length - 1));
  a.i('jbe', known);
  a.i('xor', r32(RBX), r32(RBX));
  a.bind(known);
  a.i('lea', r64(RAX), ripMem(l.trapTable));
  a.i('mov', r64(RSI), memIdx(RAX, RBX, 8, 0));
  a.i('call', a.sym('com1_puts'));
  puts(c, ' in ');
  a.i('lea', r64(RSI), strMem(c, '?'));
  a.i('test', r64(R12), r64(R12));
  a.i('jz', named);
  a.i('mov', r64(RSI), r64(R12));
  a.bind(named);
  a.i('call', a.sym('com1_puts'));
  emitSavedWhere(c, backtraceLabels(c));
  puts(c, '\n');
  a.i('call', a.sym('bt_print'));
  dieJump(c);
}

function emitAbort(c: StubCtx): void {
  const a = c.asm;
  a.bind(a.sym('abort'));
  btSave(c, backtraceLabels(c));
  a.i('mov', r32(RBX), r32(RDI));
  a.i('mov', r32(R12), r32(RSI));
  a.i('mov', r32(R13), r32(RDX));
  a.i('mov', r32(R14), r32(RCX));
  a.i('call', a.sym('panic_enter'));
  puts(c, 'panic: abort: ');
  a.i('mov', r32(RDI), r32(RBX));
  a.i('call', a.sym('com1_asstr'));
  puts(c, ' at ');
  a.i('mov', r32(RDI), r32(R12));
  a.i('call', a.sym('com1_asstr'));
  puts(c, ':');
  a.i('mov', r32(RDI), r32(R13));
  a.i('call', a.sym('com1_dec'));
  puts(c, ':');
  a.i('mov', r32(RDI), r32(R14));
  a.i('call', a.sym('com1_dec'));
  puts(c, '\n');
  a.i('call', a.sym('bt_print'));
  dieJump(c);
}

/** The trap message table: one absolute pointer per TrapKind (emitted in the data area). */
export function emitTrapTable(c: StubCtx, l: PanicLabels): void {
  const a = c.asm;
  a.align(8, 0);
  a.bind(l.trapTable);
  for (const m of TRAP_MESSAGES) a.addr64(c.strings.get(m));
}
