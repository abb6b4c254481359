// Shared by the QEMU integration tests: build kernels from .wat text or
// images, boot them with a hard timeout.
import { compileWat } from '../aot/linux-runner.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKernelElf } from '../../tools/link/index.ts';

export const tmp = mkdtempSync(join(tmpdir(), 'asuk-test-'));

/** Compiles .wat text for the kernel target and writes an ELF; returns its path. */
export async function watKernel(wat: string, name: string): Promise<string> {
  const elf = join(tmp, `${name}.elf`);
  writeFileSync(elf, buildKernelElf(await compileWat(wat)).elf);
  return elf;
}
