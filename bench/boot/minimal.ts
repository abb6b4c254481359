// bench/boot/minimal.ts — the peer of the boot benchmark: the smallest
// multiboot kernel, which only writes 0 to the isa-debug-exit port. Built
// here in TypeScript with tools/x86 (32-bit code: multiboot enters in
// protected mode) and tools/link's ELF32 writer; no assembler.
//
//   0x100000  multiboot header (Multiboot 0.6.96 §3.1.1): magic 0x1BADB002,
//             flags 0 (the ELF headers say where to load), checksum
//   0x10000c  mov al, 0 ; out 0xf4, al ; (QEMU exits 1) ; cli ; hlt ; jmp $-1
import { Assembler, imm, r8, RAX } from '../../tools/x86/index.ts';
import { PF_R, PF_X, writeElf32 } from '../../tools/link/index.ts';

export const MINIMAL_BASE = 0x100000;
const MB_MAGIC = 0x1badb002;

/** The ELF bytes of the minimal kernel. */
export function minimalKernel(): Uint8Array {
  const a = new Assembler({ bits: 32 });
  const code = a.label();
  a.bind(code);
  a.i('mov', r8(RAX), imm(0));
  a.i('out', imm(0xf4), r8(RAX));
  const spin = a.label();
  a.bind(spin);
  a.i('cli');
  a.i('hlt');
  a.i('jmp', spin);
  const body = a.finish(MINIMAL_BASE + 12);
  const bytes = new Uint8Array(12 + body.length);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, MB_MAGIC, true);
  v.setUint32(4, 0, true);
  v.setUint32(8, (-MB_MAGIC) >>> 0, true);
  bytes.set(body, 12);
  return writeElf32({
    entry: MINIMAL_BASE + 12,
    segments: [{ paddr: MINIMAL_BASE, bytes, memsz: bytes.length, flags: PF_R | PF_X }],
    symbols: [{ name: 'minimal_entry', addr: MINIMAL_BASE + 12, size: body.length }],
  });
}
