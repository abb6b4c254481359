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
import { accessSync, constants } from 'node:fs';

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
  if (accel === 'kvm') args.push('-cpu', 'host');
  if (o.debugExit ?? true) args.push('-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04');
  args.push('-kernel', o.kernel);
  if (o.initrd?.length) args.push('-initrd', o.initrd.join(','));
  if (o.append !== undefined) args.push('-append', o.append);
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

/** Boots QEMU and waits for it to exit or time out. Never leaves QEMU running. */
export async function runQemu(o: QemuOptions): Promise<QemuResult> {
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
