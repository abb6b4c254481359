// CPU exceptions and interrupts: the TSS (IST1), the IDT with 256 gates, one
// 16-byte stub per exception vector and the common handler that prints the
// panic line and powers off; every vector from 32 up goes to `irq_stub`.
// Intel SDM vol. 3A §6.14 (64-bit IDT gates, IST), §7.7 (64-bit TSS).
//
// Every gate uses IST1, so a fault with a broken rsp (stack overflow into the
// guard page, #DF) still has a good stack. Handlers never return.
//
//   stub i:      [push 0 when the CPU pushes no error code]; push i; jmp isr_common
//   isr_common:  [rsp] = vector, [rsp+8] = error code, [rsp+16] = rip (CPU frame)
//                prints "panic: cpu exception 14 (#PF) error=0x... rip=0x... cr2=0x...",
//                then the backtrace from rip and the interrupted rbp (boot/backtrace.ts)
//   irq_stub:    push rax; [LAPIC EOI] = 0; pop rax; iretq — an interrupt only
//                wakes the CPU from kernel/irq.ts's `sti; hlt` (the kernel
//                runs with IF clear), so there is nothing else to do: the
//                woken code polls its devices. It touches rax only.

import { RAX, RBP, RCX, RDI, RDX, RSI, RSP, R8, type Label, cr, imm, mem, r16, r32, r64, ripMem } from '../tools/x86/index.ts';
import { type StubCtx, bssMem } from './emit.ts';
import { dieJump, puts } from './panic.ts';
import { BSS, EXCEPTION_NAMES, HAS_ERROR_CODE, IDT_GATES, LAPIC_EOI, SEL_CODE64, SEL_TSS } from './layout.ts';

export interface IdtLabels { gdt: Label; isrStubs: Label; excNames: Label; idtr: Label }

const STUB_SIZE = 16;
const TSS_LIMIT = 103;          // 104-byte 64-bit TSS
const TSS_IST1 = 36, TSS_IOMAP = 102;
const GATE_INT64 = 0x8e;        // present, DPL 0, 64-bit interrupt gate
const TSS_AVAIL64 = 0x89;       // present, DPL 0, available 64-bit TSS

export function emitIdt(c: StubCtx, l: IdtLabels): void {
  emitTssSetup(c, l);
  emitIdtSetup(c, l);
  emitStubs(c, l);
  emitCommon(c, l);
  emitIrqStub(c);
}

/** `irq_stub`: acknowledge at the local APIC and return (SDM vol. 3A §11.8.5, §6.14.4 IRETQ). */
function emitIrqStub(c: StubCtx): void {
  const a = c.asm;
  a.align(STUB_SIZE);
  a.bind(a.sym('irq_stub'));
  a.i('push', r64(RAX));
  a.i('mov', r32(RAX), imm(LAPIC_EOI));
  a.i('mov', mem(RAX, 0, 32), imm(0));
  a.i('pop', r64(RAX));
  a.i('iretq');
}

/** `boot_tss_setup`: TSS.IST1 = IST top, the TSS descriptor in the GDT (base split per §7.2.3), ltr. */
function emitTssSetup(c: StubCtx, l: IdtLabels): void {
  const a = c.asm;
  a.bind(a.sym('boot_tss_setup'));
  a.i('lea', r64(RDI), bssMem(c, BSS.tss));
  a.i('lea', r64(RAX), bssMem(c, BSS.istTop));
  a.i('mov', mem(RDI, TSS_IST1), r64(RAX));
  a.i('mov', mem(RDI, TSS_IOMAP, 16), imm(TSS_LIMIT + 1));
  // low = limit | base[23:0] << 16 | type << 40 | base[31:24] << 56; high = base[63:32]
  a.i('mov', r32(RCX), r32(RDI));
  a.i('and', r32(RCX), imm(0xffffff));
  a.i('shl', r64(RCX), imm(16));
  a.i('or', r64(RCX), imm(TSS_LIMIT));
  a.i('mov', r64(RAX), imm(BigInt(TSS_AVAIL64) << 40n));
  a.i('or', r64(RCX), r64(RAX));
  a.i('mov', r64(RAX), r64(RDI));
  a.i('shr', r64(RAX), imm(24));
  a.i('and', r32(RAX), imm(0xff));
  a.i('shl', r64(RAX), imm(56));
  a.i('or', r64(RCX), r64(RAX));
  a.i('lea', r64(RDX), ripMem(l.gdt));
  a.i('mov', mem(RDX, SEL_TSS), r64(RCX));
  a.i('mov', r64(RAX), r64(RDI));
  a.i('shr', r64(RAX), imm(32));
  a.i('mov', mem(RDX, SEL_TSS + 8), r64(RAX));
  a.i('mov', r32(RAX), imm(SEL_TSS));
  a.i('ltr', r16(RAX));
  a.i('ret');
}

/** `boot_idt_setup`: gate i < 32 -> stub i (isr_stubs + 16 i), gate i >= 32 -> irq_stub; selector 0x08, IST1; then lidt. */
function emitIdtSetup(c: StubCtx, l: IdtLabels): void {
  const a = c.asm;
  a.bind(a.sym('boot_idt_setup'));
  a.i('lea', r64(RDI), bssMem(c, BSS.idt));
  a.i('lea', r64(RSI), ripMem(l.isrStubs));
  a.i('xor', r32(RCX), r32(RCX));
  const loop = a.label();
  a.bind(loop);
  a.i('mov', r64(RAX), r64(RCX));
  a.i('shl', r64(RAX), imm(4));
  a.i('add', r64(RAX), r64(RSI));                          // rax = handler address
  const exc = a.label();
  a.i('cmp', r32(RCX), imm(32));
  a.i('jb', exc);
  a.i('lea', r64(RAX), ripMem(a.sym('irq_stub')));
  a.bind(exc);
  // low = off[15:0] | sel << 16 | ist << 32 | type << 40 | off[31:16] << 48; high = off[63:32]
  a.i('mov', r32(RDX), r32(RAX));
  a.i('and', r32(RDX), imm(0xffff));
  a.i('mov', r64(R8), imm((BigInt(GATE_INT64) << 40n) | (1n << 32n) | (BigInt(SEL_CODE64) << 16n)));
  a.i('or', r64(RDX), r64(R8));
  a.i('mov', r64(R8), r64(RAX));
  a.i('shr', r64(R8), imm(16));
  a.i('and', r32(R8), imm(0xffff));
  a.i('shl', r64(R8), imm(48));
  a.i('or', r64(RDX), r64(R8));
  a.i('mov', mem(RDI, 0), r64(RDX));
  a.i('shr', r64(RAX), imm(32));
  a.i('mov', mem(RDI, 8), r64(RAX));
  a.i('add', r64(RDI), imm(16));
  a.i('inc', r32(RCX));
  a.i('cmp', r32(RCX), imm(IDT_GATES));
  a.i('jb', loop);
  a.i('lidt', ripMem(l.idtr));
  a.i('ret');
}

function emitStubs(c: StubCtx, l: IdtLabels): void {
  const a = c.asm;
  const common = a.sym('isr_common');
  a.align(STUB_SIZE);
  a.bind(l.isrStubs);
  for (let v = 0; v < 32; v++) {
    const start = a.pos;
    if (!HAS_ERROR_CODE.has(v)) a.i('push', imm(0));
    a.i('push', imm(v));
    a.i('jmp', common);
    if (a.pos - start > STUB_SIZE) throw new Error(`boot [internal]: exception stub ${v} is ${a.pos - start} bytes`);
    a.align(STUB_SIZE);
  }
}

function emitCommon(c: StubCtx, l: IdtLabels): void {
  const a = c.asm;
  a.bind(a.sym('isr_common'));
  a.i('mov', ripMem(a.sym('bt_rbp')), r64(RBP)); // the interrupted code's frame, for the backtrace
  a.i('mov', r64(RBP), r64(RSP));
  a.i('call', a.sym('panic_enter'));
  puts(c, 'panic: cpu exception ');
  a.i('mov', r32(RDI), mem(RBP, 0));
  a.i('call', a.sym('com1_dec'));
  puts(c, ' (');
  a.i('mov', r32(RAX), mem(RBP, 0));
  a.i('and', r32(RAX), imm(31));
  a.i('shl', r32(RAX), imm(3));
  a.i('lea', r64(RSI), ripMem(l.excNames));
  a.i('add', r64(RSI), r64(RAX));
  a.i('call', a.sym('com1_puts'));
  puts(c, ') error=0x');
  a.i('mov', r64(RDI), mem(RBP, 8));
  a.i('call', a.sym('com1_hex64'));
  puts(c, ' rip=0x');
  a.i('mov', r64(RDI), mem(RBP, 16));
  a.i('call', a.sym('com1_hex64'));
  puts(c, ' cr2=0x');
  a.i('mov', r64(RDI), cr(2));
  a.i('call', a.sym('com1_hex64'));
  puts(c, '\n');
  // The backtrace from rip itself (+1: the lookup wants a return address, which is after its call).
  a.i('mov', r64(RAX), mem(RBP, 16));
  a.i('inc', r64(RAX));
  a.i('mov', ripMem(a.sym('bt_ret')), r64(RAX));
  a.i('call', a.sym('bt_print'));
  dieJump(c);
}

/** The exception names, 8 bytes each (NUL-padded), indexed by vector. */
export function emitExceptionNames(c: StubCtx, l: IdtLabels): void {
  const a = c.asm;
  a.align(8, 0);
  a.bind(l.excNames);
  for (const n of EXCEPTION_NAMES) {
    for (let i = 0; i < 8; i++) a.u8(i < n.length ? n.charCodeAt(i) : 0);
  }
}

/** The IDT pseudo-descriptor (limit, base) for lidt. */
export function emitIdtr(c: StubCtx, l: IdtLabels): void {
  const a = c.asm;
  a.align(8, 0);
  a.u16(0);
  a.u16(0);
  a.u16(0);
  a.bind(l.idtr);
  a.u16(IDT_GATES * 16 - 1);
  a.addr64(c.bss, BSS.idt);
}
