// tools/cli — the `asuk` command line: build, run, aot. Each failure is one
// line on stderr and a nonzero exit; never a stack trace for user errors.

import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { buildImage, DEFAULT_IMAGE, ImageError } from '../image/index.ts';
import { runQemu, QemuError, type Machine } from '../qemu/index.ts';

class UsageError extends Error {}

function fail(e: unknown): never {
  const known = e instanceof UsageError || e instanceof ImageError || e instanceof QemuError
    || (e instanceof Error && e.name === 'WasmDecodeError') || (e instanceof Error && e.name === 'AotError');
  if (known) process.stderr.write(`asuk: ${(e as Error).message}\n`);
  else process.stderr.write(`asuk: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(known ? 1 : 70);
}

const program = new Command('asuk')
  .description('build, package and run asuk unikernels')
  .showHelpAfterError()
  .exitOverride();

program.command('build')
  .description('build images/IMAGE (default: hello) into an ELF that QEMU boots')
  .argument('[image]', 'image name under images/', DEFAULT_IMAGE)
  .option('-o, --out <path>', 'where to write the ELF', 'out.elf')
  .option('--rootfs <path>', 'embed this directory or CPIO archive as the einitrd')
  .option('--locked', 'the embedded rootfs cannot be replaced at boot (fstab, -initrd)')
  .action(async (image: string, o: { out: string; rootfs?: string; locked?: boolean }) => {
    const r = await buildImage(image, { out: o.out, rootfs: o.rootfs, locked: o.locked });
    const t = (n: number) => `${n.toFixed(0)} ms`;
    process.stderr.write(`built ${o.out} (${r.elfBytes} bytes) in ${t(r.ms.total)}: `
      + `asc ${r.cached ? 'cached' : t(r.ms.asc)}, aot+link ${t(r.ms.link)}`
      + `${r.einitrdBytes ? `, einitrd ${r.einitrdBytes} bytes` : ''}\n`);
  });

program.command('run')
  .description('build IMAGE (or take an ELF) and boot it in QEMU; exits with the guest\'s code')
  .argument('[image]', 'image name under images/, or a path to an ELF', DEFAULT_IMAGE)
  .argument('[args...]', 'arguments for the app (after --)')
  .option('-m, --memory <size>', 'guest memory (QEMU syntax)', '128M')
  .option('--machine <type>', 'pc or microvm', 'pc')
  .option('--accel <accel>', 'tcg or kvm (default $ASUK_ACCEL or tcg)')
  .option('--initrd <path>', 'an initial ramdisk (CPIO)')
  .option('--timeout <seconds>', 'kill QEMU after this long (0: never)', '0')
  .action(async (image: string, args: string[], o: Record<string, string>) => {
    if (o.machine !== 'pc' && o.machine !== 'microvm') throw new UsageError(`unknown machine '${o.machine}': use pc or microvm`);
    let elf = image;
    if (!existsSync(image) || !image.endsWith('.elf')) elf = (await buildImage(image, { out: `build/${image}.elf` })).elf;
    const timeout = Number(o.timeout);
    if (!Number.isFinite(timeout) || timeout < 0) throw new UsageError(`bad --timeout '${o.timeout}': give seconds`);
    const r = await runQemu({
      kernel: elf, machine: o.machine as Machine, accel: o.accel as never, memory: o.memory,
      initrd: o.initrd ? [o.initrd] : undefined, append: args.length ? `-- ${args.join(' ')}` : undefined,
      inheritStdio: true, timeoutMs: timeout ? timeout * 1000 : 24 * 3600 * 1000,
    });
    if (r.timedOut) throw new QemuError(`QEMU killed after ${timeout} s`);
    process.exit(r.guestExit ?? (r.status === 0 ? 0 : 1));
  });

program.command('aot')
  .description('compile a .wasm ahead of time to x86-64')
  .argument('<input>', 'a .wasm file')
  .requiredOption('-o, --out <path>', 'output file')
  .option('--target <target>', 'linux (a static executable) or kernel (an ELF for QEMU)', 'linux')
  .option('--driver', 'linux: build the test driver instead of a WASI command')
  .action(async (input: string, o: { out: string; target: string; driver?: boolean }) => {
    const { readFileSync, writeFileSync, chmodSync } = await import('node:fs');
    if (!existsSync(input)) throw new UsageError(`${input}: no such file`);
    const wasm = readFileSync(input);
    if (o.target === 'linux') {
      const { buildLinuxExecutable } = await import('../aot/linux/index.ts');
      writeFileSync(o.out, buildLinuxExecutable(wasm, { mode: o.driver ? 'driver' : 'command' }));
      chmodSync(o.out, 0o755);
    } else if (o.target === 'kernel') {
      const { buildKernelElf } = await import('../link/index.ts');
      writeFileSync(o.out, buildKernelElf(wasm).elf);
    } else {
      throw new UsageError(`unknown target '${o.target}': use linux or kernel`);
    }
  });

program.command('mkcpio')
  .description('pack a directory into a newc CPIO archive (deterministic order)')
  .argument('<dir>', 'the directory to pack')
  .argument('<out>', 'the archive to write')
  .option('--mtime <seconds>', 'pin every timestamp to this value')
  .action(async (dir: string, out: string, o: { mtime?: string }) => {
    const { mkcpioMain } = await import('../cpio/main.ts');
    const code = await mkcpioMain([dir, out, ...(o.mtime !== undefined ? ['--mtime', o.mtime] : [])]);
    if (code !== 0) process.exit(code);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  fail(e);
}
