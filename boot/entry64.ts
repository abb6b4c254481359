// The 64-bit half of the entry: segments, stack, COM1, TSS, IDT, the
// compiled-code ABI state (r15, stack_limit, mem_pages), then
// `instantiate` and `export:asuk_main(magic, mbi, tsc0, imageEnd)`, whose
// result is the exit code handed to `poweroff` (tools/aot/ABI.md).

import { RAX, RDI, RSP, R15, type Label, imm, mem, r16, r32, r64, r8, ripMem, sreg, DS, ES, FS, GS, SS } from '../tools/x86/index.ts';
import { type StubCtx, bssMem } from './emit.ts';
import { BSS, SEL_DATA, STACK_RESERVE } from './layout.ts';

export interface Entry64Labels { start64: Label; bootTsc: Label; bootMagic: Label; bootMbi: Label }

export function emitEntry64(c: StubCtx, l: Entry64Labels): void {
  const a = c.asm;
  a.bits = 64;
  a.align(16);
  a.bind(l.start64);
  a.i('mov', r32(RAX), imm(SEL_DATA));
  for (const s of [DS, ES, SS, FS, GS]) a.i('mov', sreg(s), r16(RAX));
  a.i('lea', r64(RSP), bssMem(c, BSS.stackTop));
  a.i('call', a.sym('com1_init'));
  // Mask both 8259 PICs (OCW1): a later `sti` must not deliver IRQ 0-7 on vectors 8-15, which are CPU exceptions.
  a.i('mov', r32(RAX), imm(0xff));
  a.i('out', imm(0x21), r8(RAX));
  a.i('out', imm(0xa1), r8(RAX));
  a.i('call', a.sym('boot_tss_setup'));
  a.i('call', a.sym('boot_idt_setup'));
  if (c.einitrdSize > 0) a.i('call', a.sym('boot_add_einitrd'));
  emitAbiState(c);
  a.i('call', a.sym('instantiate'));
  emitMainCall(c, l);
}

/** r15 = 0 (memory base), stack_limit = stack bottom + reserve, mem_pages = mem_max_pages = H0 / 64 KiB. */
function emitAbiState(c: StubCtx): void {
  const a = c.asm;
  const pages = c.heapEnd >>> 16;
  a.i('xor', r32(R15), r32(R15));
  a.i('lea', r64(RAX), bssMem(c, BSS.stack + STACK_RESERVE));
  a.i('mov', ripMem(a.sym('stack_limit')), r64(RAX));
  a.i('mov', ripMem(a.sym('mem_pages'), 0, 32), imm(pages));
  a.i('mov', ripMem(a.sym('mem_max_pages'), 0, 32), imm(pages));
}

/** asuk_main(magic: i32, mbi: i32, tsc0: i64, imageEnd: i32) with the wasm ABI: 4 argument slots at [rsp]. */
function emitMainCall(c: StubCtx, l: Entry64Labels): void {
  const a = c.asm;
  a.i('sub', r64(RSP), imm(32));
  a.i('mov', r32(RAX), ripMem(l.bootMagic));
  a.i('mov', mem(RSP, 0), r64(RAX));
  a.i('mov', r32(RAX), ripMem(l.bootMbi));
  a.i('mov', mem(RSP, 8), r64(RAX));
  a.i('mov', r64(RAX), ripMem(l.bootTsc));
  a.i('mov', mem(RSP, 16), r64(RAX));
  a.i('lea', r64(RAX), bssMem(c, c.imageEndOff));
  a.i('mov', mem(RSP, 24), r64(RAX));
  a.i('call', a.sym('export:asuk_main'));
  a.i('mov', r32(RDI), r32(RAX));
  a.i('call', a.sym('poweroff'));
}

/** The stub's variables: boot TSC, multiboot magic and info pointer, the panic flag. */
export function emitBootData(c: StubCtx, l: Entry64Labels & { panicking: Label }): void {
  const a = c.asm;
  a.align(8, 0);
  a.bind(l.bootTsc);
  a.u64(0n);
  a.bind(l.bootMagic);
  a.u32(0);
  a.bind(l.bootMbi);
  a.u32(0);
  a.bind(l.panicking);
  a.u64(0n);
}
