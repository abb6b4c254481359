// Shared by the QEMU integration tests: build kernels from .wat text or
// images, boot them with a hard timeout.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKernelElf } from '../../tools/link/index.ts';

export const tmp = mkdtempSync(join(tmpdir(), 'asuk-test-'));

/** Assembles .wat text with wabt's wat2wasm (names kept) and returns the .wasm bytes. */
export async function wat2wasm(wat: string, name: string): Promise<Uint8Array> {
  const src = join(tmp, `${name}.wat`);
  const out = join(tmp, `${name}.wasm`);
  writeFileSync(src, wat);
  await execa('wat2wasm', ['--debug-names', src, '-o', out]);
  return readFileSync(out);
}

/** Compiles .wat text for the kernel target and writes an ELF; returns its path. */
export async function watKernel(wat: string, name: string): Promise<string> {
  const elf = join(tmp, `${name}.elf`);
  writeFileSync(elf, buildKernelElf(await wat2wasm(wat, name)).elf);
  return elf;
}
