// tools/qemu — the one place that starts QEMU. Tests, benchmarks and the CLI
// share it: it builds the command line (machine, accelerator, memory, debug
// exit device, initrd modules, kernel command line, 9p volumes), enforces a
// hard timeout, kills QEMU on teardown, and returns the guest's exit code and
// serial output.
//
// Exit status: with isa-debug-exit present, a guest `out 0xf4, code` makes
// QEMU exit with (code << 1) | 1; `guestExit` decodes it. A guest that powers
// off through ACPI makes QEMU exit 0 (no code to decode).

import { execa, type ResultPromise } from 'execa';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export type Machine = 'pc' | 'microvm';
export type Accel = 'tcg' | 'kvm';

export interface QemuOptions {
  kernel: string;
  /** `-initrd` modules: each a path, optionally followed by a space and its argument. */
  initrd?: string[];
  /** Kernel command line (multiboot cmdline). */
  append?: string;
  machine?: Machine;
  /** Defaults to $ASUK_ACCEL, else 'tcg'. */
  accel?: Accel;
  /** Guest RAM, QEMU syntax (e.g. '128M'). */
  memory?: string;
  /** Hard limit on QEMU's run time; QEMU is killed when it passes. */
  timeoutMs?: number;
  /** Attach isa-debug-exit at 0xf4 (default true). */
  debugExit?: boolean;
  /** Host directories shared over virtio-9p (QEMU's own 9p server); see volumeArgs. */
  volumes?: Volume[];
  /** Extra arguments appended verbatim (devices, fsdevs). */
  extraArgs?: string[];
  /** Serial console straight to this process's terminal instead of captured. */
  inheritStdio?: boolean;
  qemuBinary?: string;
}

export interface QemuResult {
  status: number | null;
  /** The guest's exit code read from isa-debug-exit, or null when QEMU did not exit through it. */
  guestExit: number | null;
  serial: string;
  stderr: string;
  timedOut: boolean;
  wallMs: number;
  args: string[];
}

export class QemuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QemuError';
  }
}

export const PANIC_EXIT = 0x7f;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Resolves the accelerator: explicit option, then $ASUK_ACCEL, then TCG. */
export function resolveAccel(accel?: string): Accel {
  const a = accel ?? process.env.ASUK_ACCEL ?? 'tcg';
  if (a !== 'tcg' && a !== 'kvm') throw new QemuError(`unknown accelerator '${a}': use tcg or kvm`);
  if (a === 'kvm') {
    try {
      accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    } catch {
      throw new QemuError('KVM requested but /dev/kvm is not usable: run with --accel tcg');
    }
  }
  return a;
}

/** Returns the QEMU argument vector for these options (without the binary). */
export function qemuArgs(o: QemuOptions): string[] {
  const machine = o.machine ?? 'pc';
  const accel = resolveAccel(o.accel);
  const args = [
    '-M', machine === 'microvm' ? 'microvm,rtc=on' : 'pc',
    '-accel', accel,
    '-m', o.memory ?? '128M',
    '-nodefaults', '-no-user-config', '-nographic', '-no-reboot',
    '-serial', 'stdio', '-monitor', 'none',
  ];
  // KVM keeps QEMU's default CPU model: `-cpu host` makes the instruction-emulating
  // KVM of some cloud machines abort on MSR 0x10a, and the kernel targets baseline x86-64.
  if (o.debugExit ?? true) args.push('-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04');
  args.push('-kernel', o.kernel);
  if (o.initrd?.length) args.push('-initrd', o.initrd.join(','));
  if (o.append !== undefined) args.push('-append', o.append);
  if (o.volumes?.length) args.push(...volumeArgs(o.volumes, machine));
  if (o.extraArgs) args.push(...o.extraArgs);
  return args;
}

const live = new Set<ResultPromise>();
let hooked = false;
function killAllOnExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => { for (const p of live) p.kill('SIGKILL'); };
  process.on('exit', killAll);
}

/** Throws when QEMU is switched off (ASUK_NO_QEMU=1: the fast test project, vitest.config.ts). */
export function refuseWithoutQemu(): void {
  if (process.env.ASUK_NO_QEMU) {
    throw new QemuError('QEMU is off (ASUK_NO_QEMU=1, the fast test project): a test that boots QEMU must not be in vitest.config.ts FAST_TESTS');
  }
}

/** Boots QEMU and waits for it to exit or time out. Never leaves QEMU running. */
export async function runQemu(o: QemuOptions): Promise<QemuResult> {
  refuseWithoutQemu();
  const args = qemuArgs(o);
  const binary = o.qemuBinary ?? 'qemu-system-x86_64';
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  killAllOnExit();
  const start = performance.now();
  const child = execa(binary, args, {
    reject: false,
    stdin: o.inheritStdio ? 'inherit' : 'ignore',
    stdout: o.inheritStdio ? 'inherit' : 'pipe',
    stderr: o.inheritStdio ? 'inherit' : 'pipe',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    stripFinalNewline: false,
  });
  live.add(child);
  try {
    const r = await child;
    if ((r as { code?: string }).code === 'ENOENT') {
      throw new QemuError(`${binary} not found: install QEMU (Debian: apt-get install qemu-system-x86)`);
    }
    const status = r.exitCode ?? null;
    const debugExit = o.debugExit ?? true;
    const guestExit = debugExit && status !== null && status % 2 === 1 ? status >> 1 : null;
    return {
      status, guestExit, timedOut: r.timedOut === true,
      serial: typeof r.stdout === 'string' ? r.stdout.replace(/\r\n/g, '\n') : '',
      stderr: typeof r.stderr === 'string' ? r.stderr : '',
      wallMs: performance.now() - start, args,
    };
  } finally {
    live.delete(child);
  }
}

/** A host directory mounted in the guest: `SRC:DST[:ro]`. */
export interface Volume { src: string; dst: string; readonly: boolean }

/** Parses a volume spec `SRC:DST[:ro]`; SRC must be an existing directory, DST absolute. */
export function parseVolume(spec: string): Volume {
  const parts = spec.split(':');
  const bad = (why: string) => new QemuError(`bad volume '${spec}': ${why} (expected SRC:DST[:ro])`);
  if (parts.length < 2 || parts.length > 3) throw bad('wrong number of fields');
  const [src, dst, mode] = parts;
  if (!src) throw bad('empty source');
  if (!dst.startsWith('/')) throw bad('the destination must be an absolute path in the guest');
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') throw bad(`unknown mode '${mode}'`);
  if (!existsSync(src) || !statSync(src).isDirectory()) throw bad(`${src} is not a directory`);
  return { src: resolve(src), dst, readonly: mode === 'ro' };
}

/** The mount tag of volume i: the `dev` of its fstab entry. */
export const volumeTag = (i: number) => `fs${i}`;

/**
 * QEMU arguments for volumes: one `-fsdev local` + `virtio-9p-pci` each.
 * security_model=none: the guest's files are created as the user running
 * QEMU, with the modes the guest asks for where the host allows, and no
 * xattrs are needed, so what the guest writes is plain files on the host.
 * `readonly=on` makes QEMU itself refuse writes to a `:ro` volume.
 */
export function volumeArgs(vols: Volume[], machine: Machine = 'pc'): string[] {
  if (machine === 'microvm' && vols.length) throw new QemuError('volumes need PCI: use --machine pc (microvm has no PCI bus)');
  return vols.flatMap((v, i) => [
    '-fsdev', `local,id=fsdev${i},path=${v.src},security_model=none${v.readonly ? ',readonly=on' : ''}`,
    '-device', `virtio-9p-pci,fsdev=fsdev${i},mount_tag=${volumeTag(i)}`,
  ]);
}

/** The vfs.fstab entries (Unikraft syntax) that mount the volumes; flag 1 = MS_RDONLY. */
export function volumeFstab(vols: Volume[]): string[] {
  return vols.map((v, i) => `${volumeTag(i)}:${v.dst}:9pfs:${v.readonly ? '1' : ''}::mkmp`);
}

/** A kernel command line: kernel options, `vfs.fstab=[ ... ]` when entries are given, then `-- args`. */
export function kernelCmdline(o: { options?: string[]; fstab?: string[]; args?: string[] }): string {
  const words = [...(o.options ?? [])];
  if (o.fstab?.length) words.push(`vfs.fstab=[ ${o.fstab.map((e) => `"${e}"`).join(' ')} ]`);
  if (o.args?.length) words.push('--', ...o.args);
  return words.join(' ');
}
