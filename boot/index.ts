// boot/ — the x86-64 boot stub, emitted with the tools/x86 encoder into the
// same Assembler as the compiled kernel (tools/aot/ABI.md). Map, in blob order:
//
//   entry32.ts  multiboot header, `_start32` (32-bit): boot TSC, page tables,
//               long mode, GDT                                  -> `_start64`
//   entry64.ts  `_start64`: segments, stack, COM1, TSS, IDT, ABI state,
//               `instantiate`, `export:asuk_main`               -> `poweroff`
//   console.ts  COM1 routines (init, putc, puts, hex64, dec, AS strings)
//   idt.ts      TSS/IDT setup, 32 exception stubs, `isr_common` (panic line)
//   panic.ts    `poweroff`, `trap`, `abort`, `panic_enter`
//   backtrace.ts `bt_print`: `  at NAME` lines after a trap/abort, from the
//               rbp chain and the linker's `bt_funcs` table
//   einitrd.ts  `boot_add_einitrd`: the embedded initrd becomes multiboot
//               module "embedded" (after the loader's own modules)
//   layout.ts   constants: multiboot, selectors, bss layout, messages
//
// The caller (tools/link) binds `bss_start` (page-aligned, after everything
// else in the blob) and provides `instantiate`, `export:asuk_main`,
// `stack_limit`, `mem_pages`, `mem_max_pages` (the compiler defines them),
// and `bt_funcs` (the backtrace table).

import type { Assembler } from '../tools/x86/index.ts';
import { emitConsole } from './console.ts';
import { emitAddEinitrd, emitModsArea } from './einitrd.ts';
import { StringPool, type StubCtx } from './emit.ts';
import { emitEntry32, emitGdt, emitMultibootHeader } from './entry32.ts';
import { emitBootData, emitEntry64 } from './entry64.ts';
import { emitExceptionNames, emitIdt, emitIdtr } from './idt.ts';
import { BSS, BSS_SYMBOLS } from './layout.ts';
import { backtraceLabels, emitBacktrace, emitBacktraceData } from './backtrace.ts';

export { emitLineTable } from './backtrace.ts';
import { emitPanic, emitTrapTable } from './panic.ts';

export { EINITRD_LOCKED_NAME, EINITRD_NAME, MAX_MODS } from './einitrd.ts';
export {
  BSS, BSS_SYMBOLS, EXCEPTION_NAMES, MB_BOOT_MAGIC, PANIC_CODE, STACK_SIZE, IST_SIZE, STACK_RESERVE, TRAP_MESSAGES,
} from './layout.ts';

export interface BootStubOptions {
  /** H0: the end of the early heap; the stub sets mem_pages = mem_max_pages = H0 >> 16. Must be 64 KiB aligned. */
  heapEnd: number;
  /** Size of an embedded initrd that the linker loads at bss_start + bssSize (page-aligned); 0 or absent: none. */
  einitrdSize?: number;
  /** The einitrd may not be replaced at boot (module string `embedded locked`). */
  einitrdLocked?: boolean;
}
export interface BootStub {
  /** Bytes of zero-filled memory the stub needs after `bss_start` (page tables, stacks, TSS, IDT). */
  bssSize: number;
  /** Named bss ranges, as offsets from `bss_start`, for the symbol table. */
  bssSymbols: { name: string; offset: number; size: number }[];
  /** image_end (passed to asuk_main) as an offset from bss_start: bssSize, plus the page-rounded einitrd. */
  imageEndOffset: number;
}

export class BootError extends Error {
  constructor(readonly code: 'invalid' | 'internal', message: string) {
    super(`boot [${code}]: ${message}`);
    this.name = 'BootError';
  }
}

/**
 * Emits the whole stub at the assembler's current position, which must be
 * the start of the load segment (the multiboot header comes first and must
 * land in the file's first 8 KiB). Leaves `asm.bits = 64`.
 */
export function emitBootStub(asm: Assembler, o: BootStubOptions): BootStub {
  if (o.heapEnd % 0x10000 !== 0) throw new BootError('invalid', `heapEnd 0x${o.heapEnd.toString(16)} is not 64 KiB aligned`);
  const einitrdSize = o.einitrdSize ?? 0;
  const imageEndOff = BSS.size + Math.ceil(einitrdSize / 0x1000) * 0x1000;
  const c: StubCtx = {
    asm, bss: asm.sym('bss_start'), strings: new StringPool(asm), heapEnd: o.heapEnd, einitrdSize, imageEndOff,
  };
  const l = {
    start64: asm.sym('_start64'), bootTsc: asm.sym('boot_tsc'), bootMagic: asm.sym('boot_magic'),
    bootMbi: asm.sym('boot_mbi'), panicking: asm.sym('boot_panicking'), gdt: asm.sym('boot_gdt'),
    gdtr: asm.sym('boot_gdtr'), isrStubs: asm.sym('isr_stubs'), excNames: asm.sym('exception_names'),
    idtr: asm.sym('boot_idtr'), trapTable: asm.sym('trap_messages'), bootMods: asm.sym('boot_mods'),
  };
  asm.bits = 32;
  emitMultibootHeader(c);
  emitEntry32(c, l);
  emitEntry64(c, l);
  emitConsole(c);
  emitIdt(c, l);
  emitPanic(c, l);
  emitBacktrace(c, backtraceLabels(c));
  if (einitrdSize > 0) emitAddEinitrd(c, l, einitrdSize, o.einitrdLocked === true);
  asm.bind(asm.sym('boot_data'));
  emitGdt(c, l);
  emitIdtr(c, l);
  emitBootData(c, l);
  emitExceptionNames(c, l);
  emitTrapTable(c, l);
  emitBacktraceData(c, backtraceLabels(c));
  if (einitrdSize > 0) emitModsArea(c, l);
  c.strings.flush();
  asm.align(16, 0);
  asm.bits = 64;
  const bssSymbols = [...BSS_SYMBOLS];
  bssSymbols.push({ name: 'image_end', offset: imageEndOff, size: 0 });
  return { bssSize: BSS.size, bssSymbols, imageEndOffset: imageEndOff };
}
