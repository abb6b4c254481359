// Linking the kernel image: layout, boot stub + compiled kernel in one Assembler,
// ELF32 with two load segments (see /work/briefs/boot.md, "Physical layout"):
//
//   0x100000  PT_LOAD #1  filesz 0, memsz H0 - 0x100000: wasm linear memory
//                         (asc --memoryBase 0x100000; `instantiate` copies the data in)
//   H0        PT_LOAD #2  RWX: multiboot header + stub + compiled code/data,
//                         then bss (page tables, stacks, TSS, IDT)
//   bss end   PT_LOAD #3  optional einitrd (CPIO), page-rounded; image_end after it
//
// H0 = alignUp(initialPages * 64 KiB + EARLY_HEAP, 64 KiB).

import { Assembler, type Label } from '../x86/index.ts';
import { emitBootStub, emitLineTable } from '../../boot/index.ts';
import { type ElfSegment, type ElfSymbol, PF_R, PF_W, PF_X, writeElf32 } from './elf32.ts';

export const MEMORY_BASE = 0x100000;
export const EARLY_HEAP = 0x100000;
const PAGE = 0x1000;

export class LinkError extends Error {
  constructor(readonly code: 'invalid' | 'unsupported' | 'internal', message: string) {
    super(`link [${code}]: ${message}`);
    this.name = 'LinkError';
  }
}

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

/** H0, where the load segment with the code starts: after the module's initial memory and the early heap. */
export function kernelHeapEnd(initialPages: number): number {
  return alignUp(initialPages * 0x10000 + EARLY_HEAP, 0x10000);
}

export interface LinkStats {
  /** milliseconds per phase */
  decodeMs: number; stubMs: number; compileMs: number; finishMs: number; elfMs: number; totalMs: number;
  /** bytes of the loaded blob (stub + compiled code and data), of which the compiled part */
  blobBytes: number; codeBytes: number; bssBytes: number;
  /** H0 and image_end (physical addresses) */
  heapEnd: number; imageEnd: number;
}
export interface LinkResult { elf: Uint8Array; stats: LinkStats; symbols: ElfSymbol[]; entry: number }

/** What `emitKernel` may report: symbol display names, and the functions the backtrace table lists. */
export interface KernelEmitted {
  symbolNames?: Map<string, string>;
  /** Code labels with name labels, and the end of the code: the `bt_funcs` table (see emitBacktraceTable). */
  backtrace?: { functions: { code: Label; name: Label }[]; codeEnd: Label };
  /** Code labels with the source line there (null: none): the `bt_lines` table (boot/backtrace.ts). */
  lines?: { code: Label; text: string | null }[];
}

export interface LinkInput {
  /** The module's declared initial memory, in 64 KiB pages. */
  initialPages: number;
  /** Emits the kernel (normally compileModule) into the assembler after the stub; may return symbol display names. */
  emitKernel: (asm: Assembler) => KernelEmitted | void;
  /** An embedded initrd (CPIO): loaded after the bss, shown to the kernel as multiboot module "embedded". */
  einitrd?: Uint8Array;
  /** The einitrd is locked: the kernel refuses fstab/-initrd replacements of `/`. */
  locked?: boolean;
}

/** Links the boot stub and whatever `emitKernel` emits into a multiboot ELF32. */
export function linkKernel(o: LinkInput): LinkResult {
  const t0 = performance.now();
  const heapEnd = kernelHeapEnd(o.initialPages);
  if (heapEnd + 0x1000000 > 0xc0000000) throw new LinkError('unsupported', `initial memory of ${o.initialPages} pages is too large`);
  const asm = new Assembler({ bits: 32 });
  const einitrd = o.einitrd && o.einitrd.length > 0 ? o.einitrd : undefined;
  const stub = emitBootStub(asm, { heapEnd, einitrdSize: einitrd?.length ?? 0, einitrdLocked: o.locked });
  const stubBytes = asm.pos;
  const t1 = performance.now();
  const emitted = o.emitKernel(asm) || undefined;
  const names = emitted?.symbolNames;
  if (asm.bits !== 64) asm.bits = 64;
  emitBacktraceTable(asm, emitted);
  emitLineTable(asm, emitted?.lines ?? []);
  const t2 = performance.now();
  asm.align(PAGE, 0);
  asm.bind(asm.sym('bss_start'));
  const blob = asm.finish(heapEnd);
  const t3 = performance.now();
  const bssAddr = heapEnd + blob.length;
  const imageEnd = bssAddr + stub.imageEndOffset;
  const symbols = symbolTable(asm, heapEnd, blob.length, names);
  for (const s of stub.bssSymbols) symbols.push({ name: s.name, addr: bssAddr + s.offset, size: s.size });
  const segments: ElfSegment[] = [
    { paddr: MEMORY_BASE, bytes: new Uint8Array(0), memsz: heapEnd - MEMORY_BASE, flags: PF_R | PF_W, bssName: '.wasm_memory' },
    { paddr: heapEnd, bytes: blob, memsz: blob.length + stub.bssSize, flags: PF_R | PF_W | PF_X },
  ];
  if (einitrd) {
    const at = bssAddr + stub.bssSize;
    segments.push({ paddr: at, bytes: einitrd, memsz: imageEnd - at, flags: PF_R | PF_W });
    symbols.push({ name: 'einitrd_start', addr: at, size: einitrd.length });
  }
  const entry = heapEnd + asm.offsetOf(asm.sym('_start32'));
  const elf = writeElf32({
    entry,
    segments,
    symbols,
  });
  const t4 = performance.now();
  return {
    elf, symbols, entry,
    stats: {
      decodeMs: 0, stubMs: t1 - t0, compileMs: t2 - t1, finishMs: t3 - t2, elfMs: t4 - t3, totalMs: t4 - t0,
      blobBytes: blob.length, codeBytes: blob.length - stubBytes, bssBytes: stub.bssSize, heapEnd, imageEnd,
    },
  };
}

/**
 * `bt_funcs` (boot/panic.ts walks it): u32 n, u32 0, then n entries
 * (u32 code address, u32 name address) sorted by address, the last one the
 * end of the code with name 0. n = 0 when the kernel reported no functions.
 */
function emitBacktraceTable(asm: Assembler, k?: KernelEmitted): void {
  const fns = [...(k?.backtrace?.functions ?? [])].filter((f) => asm.isBound(f.code));
  fns.sort((x, y) => asm.offsetOf(x.code) - asm.offsetOf(y.code));
  asm.align(8, 0);
  asm.bind(asm.sym('bt_funcs'));
  asm.u32(fns.length > 0 ? fns.length + 1 : 0);
  asm.u32(0);
  for (const f of fns) { asm.addr32(f.code); asm.addr32(f.name); }
  if (fns.length > 0) { asm.addr32(k!.backtrace!.codeEnd); asm.u32(0); }
}

/** One symbol per named label (size = distance to the next label at a higher address). */
function symbolTable(asm: Assembler, base: number, blobLen: number, names?: Map<string, string>): ElfSymbol[] {
  const labels = asm.symbols().filter((s) => s.name !== 'bss_start');
  const out: ElfSymbol[] = [];
  let next = blobLen;
  for (let i = labels.length - 1; i >= 0; i--) {
    const s = labels[i];
    if (i + 1 < labels.length && labels[i + 1].offset > s.offset) next = labels[i + 1].offset;
    const shown = names?.get(s.name);
    out.push({ name: shown ? `${shown}` : s.name, addr: base + s.offset, size: Math.max(0, next - s.offset) });
  }
  return out.reverse();
}

