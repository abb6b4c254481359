// Builds kernels from the boot stub plus hand-written "compiled code" (the
// labels tools/aot would define), so the stub is tested on its own in QEMU.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkKernel, type LinkResult } from '../../tools/link/link.ts';
import type { Assembler } from '../../tools/x86/index.ts';

export const tmp = mkdtempSync(join(tmpdir(), 'asuk-boot-'));

/** Emits the kernel-side labels: `instantiate` (ret), the ABI globals, and `export:asuk_main` = body. */
export function handKernel(body: (a: Assembler) => void, initialPages = 17, einitrd?: Uint8Array): LinkResult {
  return linkKernel({
    initialPages,
    einitrd,
    emitKernel: (a) => {
      a.align(16);
      a.bind(a.sym('instantiate'));
      a.i('ret');
      a.align(16);
      a.bind(a.sym('export:asuk_main'));
      body(a);
      a.align(8, 0);
      a.bind(a.sym('stack_limit'));
      a.u64(0n);
      a.bind(a.sym('mem_pages'));
      a.u32(0);
      a.bind(a.sym('mem_max_pages'));
      a.u32(0);
    },
  });
}

/** Writes the ELF to the temp dir and returns its path. */
export function writeElf(r: LinkResult, name: string): string {
  const p = join(tmp, `${name}.elf`);
  writeFileSync(p, r.elf);
  return p;
}
