// tools/cli/main.ts — the `asuk` command (entry of the esbuild bundle that
// scripts/asuk.mjs runs): commander wiring only; each command lives in its
// own file (see index.ts). Everything after the first `--` is the app's
// argv, cut off before commander sees the line.

import { Command, CommanderError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { fail, UsageError } from './errors.ts';
import { buildCommand, pkgCommand, type PkgFlags } from './pkg.ts';
import { runCommand, type RunFlags } from './run.ts';
import { lifecycleCommands } from './lifecycle-cli.ts';

/** Splits argv (without node and script) at the first `--`: [asuk's words, the app's args or null]. */
export function splitAppArgs(argv: string[]): [string[], string[] | null] {
  const i = argv.indexOf('--');
  return i < 0 ? [argv, null] : [argv.slice(0, i), argv.slice(i + 1)];
}

/** Commander's own errors ("error: unknown option '--x'") as one asuk line naming the help to read. */
function configure(c: Command, path: string): Command {
  return c.exitOverride().configureOutput({
    outputError: (s, write) => write(`asuk: ${s.replace(/^error: /, '').trim().replace(/\.$/, '')} (see '${path} --help')\n`),
  });
}

const collect = (v: string, acc: string[] | undefined) => [...(acc ?? []), v];
let exitCode = 0;

function program(appArgs: string[] | null): Command {
  const p = configure(new Command('asuk'), 'asuk')
    .description('build, package and run asuk unikernels (kraft-style: run, pkg, build)')
    .usage('<command> [options]');

  configure(p.command('run'), 'asuk run')
    .description('boot IMAGE (built first) or an ELF in QEMU, the serial console on this terminal; '
      + 'exits with the guest\'s exit code. Arguments after -- go to the app, joined by spaces as kraft does.')
    .usage('[options] [IMAGE|ELF|PROG.wasm|DIR] [-- ARGS...]')
    .argument('[image]', 'image name under images/, a path to an ELF, a WASI command (.wasm: its own image, docs/guide.md), or a folder with a Kraftfile (default: the Kraftfile\'s name, else the default image, demo)')
    .option('--rootfs <path>', 'root filesystem as -initrd: a directory, CPIO archive, OCI image (docker save tarball or OCI layout) or filesystem tarball')
    .option('-v, --volume <src:dst[:ro]>', 'share host directory SRC at DST over virtio-9p (repeatable; adds to the Kraftfile\'s volumes)', collect)
    .option('-m, --memory <size>', 'guest memory, e.g. 128M, 1G, 64Mi (default: sized to the image and rootfs)')
    .addOption(new Option('-M <size>', 'same as --memory (kraft\'s spelling)').hideHelp())
    .option('--machine <type>', 'microvm (no PCI, no firmware, the fastest boot; virtio over MMIO) or pc (default: microvm unless the image needs PCI)')
    .option('--verbose', 'kernel diagnostics (timings, driver notes) on stderr; the console keeps only the app\'s output')
    .option('--accel <accel>', 'tcg or kvm (default: $ASUK_ACCEL, else tcg)')
    .option('--timeout <seconds>', 'stop QEMU after this long (0: never)', '0')
    .option('-p, --publish <host:guest[/tcp|/udp]>', 'forward 127.0.0.1:HOST to the guest\'s GUEST port (QEMU user network; repeatable)', collect)
    .option('-d, --detach', 'run in the background: prints the instance name (see asuk ps, logs, stop, rm)')
    .option('--name <name>', 'name of the instance (default: IMAGE-xxxx)')
    .option('-e, --env <key=value>', 'set an environment variable for the app (repeatable; adds to the Kraftfile\'s env:)', collect)
    .option('-a, --kernel-arg <arg>', 'add a kernel argument (repeatable), e.g. -a vfs.fstab=[...]', collect)
    .option('--dry-run', 'print the QEMU command line instead of booting')
    .addHelpText('after', '\nExamples:\n  asuk run -v ./rootfs:/ shell -- find /\n'
      + '  asuk run --rootfs ./rootfs.cpio -v ./html:/nginx/html shell -- ls /nginx/html\n'
      + '  asuk run --rootfs img.tar shell -- cat /etc/os-release      (docker save IMAGE -o img.tar)\n'
      + '  asuk run -d --name web -p 8080:80 --rootfs ./rootfs.cpio -v ./html:/nginx/html httpd\n'
      + '  asuk run                      (a Kraftfile in this folder: name, rootfs, volumes, cmd)')
    .action(async (image: string | undefined, o: RunFlags) => { exitCode = await runCommand(image, o, appArgs); });

  lifecycleCommands(p, configure);

  configure(p.command('pkg'), 'asuk pkg')
    .description('package IMAGE as one ELF with the rootfs embedded (einitrd): qemu-system-x86_64 -kernel NAME.elf boots it with its files')
    .argument('[image]', 'image name under images/, or a folder with a Kraftfile (default: the Kraftfile\'s name, else the default image, demo)')
    .option('--rootfs <path>', 'a directory, CPIO archive, OCI image or filesystem tarball (default: the Kraftfile\'s rootfs)')
    .option('--locked', 'the embedded rootfs stays /: fstab and -initrd cannot replace it')
    .option('--name <name>', 'package name: writes NAME.elf (. = the image name)')
    .option('-o, --out <path>', 'where to write the ELF (default: NAME.elf)')
    .option('-e, --env <key=value>', 'bake an environment variable into the image (repeatable; adds to the Kraftfile\'s env:)', collect)
    .option('--tcplisten <addr:port>', 'a WASI command: link the network and preopen a listening TCP socket, as wasmtime\'s --tcplisten (repeatable)', collect)
    .addHelpText('after', '\nExample:\n  asuk pkg --rootfs ./rootfs.cpio shell && qemu-system-x86_64 -kernel shell.elf -nographic')
    .action(async (image: string | undefined, o: PkgFlags) => pkgCommand(image, o));

  configure(p.command('build'), 'asuk build')
    .description('build images/IMAGE into an ELF that QEMU boots (what npm run image calls)')
    .argument('[image]', 'image name under images/ (default: the Kraftfile\'s name, else the default image, demo)')
    .option('-o, --out <path>', 'where to write the ELF (default: out.elf; an app: .asuk/NAME.elf)')
    .option('--rootfs <path>', 'embed this rootfs (directory, CPIO, OCI image) as the einitrd')
    .option('--locked', 'the embedded rootfs cannot be replaced at boot (fstab, -initrd)')
    .action(async (image: string | undefined, o: PkgFlags) => buildCommand(image, o));

  configure(p.command('init'), 'asuk init')
    .description('create an app in DIR (default: here): package.json, Kraftfile, app.ts, rootfs/, README.md')
    .argument('[dir]', 'the folder to create or fill')
    .action(async (dir: string | undefined) => {
      const { initCommand } = await import('./init.ts');
      initCommand(dir);
    });

  configure(p.command('aot'), 'asuk aot')
    .description('compile a .wasm ahead of time to x86-64')
    .argument('<input>', 'a .wasm file')
    .requiredOption('-o, --out <path>', 'output file')
    .option('--target <target>', 'linux (a static executable) or kernel (an ELF for QEMU)', 'linux')
    .option('--driver', 'linux: build the test driver instead of a WASI command')
    .action(async (input: string, o: { out: string; target: string; driver?: boolean }) => {
      const { aotCommand } = await import('./aot.ts');
      await aotCommand(input, o);
    });

  configure(p.command('mkcpio'), 'asuk mkcpio')
    .description('pack a directory into a newc CPIO archive (deterministic order)')
    .argument('<dir>', 'the directory to pack')
    .argument('<out>', 'the archive to write')
    .option('--mtime <seconds>', 'pin every timestamp to this value')
    .action(async (dir: string, out: string, o: { mtime?: string }) => {
      const { mkcpioMain } = await import('../cpio/main.ts');
      const code = await mkcpioMain([dir, out, ...(o.mtime !== undefined ? ['--mtime', o.mtime] : [])]);
      if (code !== 0) exitCode = code;
    });
  return p;
}

const [words, appArgs] = splitAppArgs(process.argv.slice(2));
if (appArgs !== null && words[0] !== 'run') {
  fail(new UsageError(`'--' passes arguments to the app: only asuk run takes them (see 'asuk --help')`));
}
try {
  await program(appArgs).parseAsync(words, { from: 'user' });
  process.exit(exitCode);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  fail(e);
}
