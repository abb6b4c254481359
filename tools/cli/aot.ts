// tools/cli/aot.ts — `asuk aot INPUT -o OUT [--target linux|kernel]`.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './errors.ts';

export async function aotCommand(input: string, o: { out: string; target: string; driver?: boolean }): Promise<void> {
  if (!existsSync(input)) throw new UsageError(`${input}: no such file`);
  const wasm = readFileSync(input);
  if (o.target === 'linux') {
    const { buildLinuxExecutable, LinuxTargetError } = await import('../aot/linux/index.ts');
    let exe: Uint8Array;
    try {
      exe = buildLinuxExecutable(wasm, { mode: o.driver ? 'driver' : 'command' });
    } catch (e) {
      // What the module asks for and the target lacks is the user's input, not our bug.
      if (e instanceof LinuxTargetError) throw new UsageError(`${input}: ${e.message}`);
      throw e;
    }
    writeFileSync(o.out, exe);
    chmodSync(o.out, 0o755);
  } else if (o.target === 'kernel') {
    const { buildKernelElf } = await import('../link/index.ts');
    writeFileSync(o.out, buildKernelElf(wasm).elf);
  } else {
    throw new UsageError(`unknown target '${o.target}': use linux or kernel`);
  }
}
