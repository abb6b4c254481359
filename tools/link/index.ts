// tools/link — the image linker. Map:
//
//   kernel.ts  buildKernelElf(wasm): decode -> linkKernel with compileModule
//              (tools/aot, target 'kernel')
//   link.ts    linkKernel: layout (H0) -> boot stub (boot/) -> emitKernel
//              -> bss_start -> finish(H0) -> writeElf32 (tests pass a
//              hand-written emitKernel binding `instantiate`/`export:asuk_main`)
//   elf32.ts   writeElf32: ELF32/EM_386 ET_EXEC, PT_LOADs, sections, symbols
//              (QEMU's multiboot loader accepts only ELF32).

export { buildKernelElf } from './kernel.ts';
export type { KernelBuildOptions } from './kernel.ts';
export { kernelHeapEnd, linkKernel, LinkError, MEMORY_BASE, EARLY_HEAP } from './link.ts';
export type { LinkInput, LinkResult, LinkStats } from './link.ts';
export { writeElf32, ElfError, PF_R, PF_W, PF_X } from './elf32.ts';
export type { Elf32Input, ElfSegment, ElfSymbol } from './elf32.ts';
export { writeElf64Exec } from './elf64.ts';
