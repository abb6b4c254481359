// tools/cli/qemu.ts — boots QEMU for `asuk run` with the serial console on
// the user's terminal, and turns how it ended into asuk's exit status:
//
//   guest wrote code C to isa-debug-exit  -> C (QEMU exits (C << 1) | 1)
//   guest powered off (ACPI)              -> 0
//   Ctrl-C                                -> 130: the first SIGINT is passed to
//                                            QEMU (a clean stop), a second kills it
//
// The terminal is left as found: its settings (`stty -g`) are saved before
// QEMU starts (QEMU puts a terminal in raw mode) and put back however it ends.
//   SIGTERM / SIGHUP to asuk              -> QEMU is stopped, then asuk exits 143 / 129
//   --timeout passed                      -> 124 (as timeout(1))
//   QEMU itself failed (bad device, KVM)  -> one `asuk:` line with its reason
//
// The command line comes from tools/qemu (qemuArgs); this file only adds
// the interactive process handling that runQemu, built for tests, leaves out.

import { execa } from 'execa';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { refuseWithoutQemu, type DiagChannel } from '../qemu/index.ts';
import { UsageError } from './errors.ts';

export const QEMU_BINARY = 'qemu-system-x86_64';

/** The path of `name` on $PATH, or null. */
export function findOnPath(name: string): string | null {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (!d) continue;
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch { /* next */ }
  }
  return null;
}

/** Fails with one line unless QEMU is installed. */
export function requireQemu(): string {
  const p = findOnPath(QEMU_BINARY);
  if (!p) throw new UsageError(`${QEMU_BINARY} not found on PATH: install QEMU (Debian/Ubuntu: apt-get install qemu-system-x86)`);
  return p;
}

/** The accelerator from --accel, else $ASUK_ACCEL, else tcg; KVM only when its device opens. */
export function chooseAccel(flag?: string): 'tcg' | 'kvm' {
  const a = flag ?? process.env.ASUK_ACCEL ?? 'tcg';
  const from = flag !== undefined ? '--accel' : '$ASUK_ACCEL';
  if (a !== 'tcg' && a !== 'kvm') throw new UsageError(`unknown accelerator '${a}' (${from}): use tcg or kvm`);
  if (a === 'kvm') {
    const dev = process.env.ASUK_KVM_DEVICE ?? '/dev/kvm';
    try {
      closeSync(openSync(dev, 'r+'));
    } catch (e) {
      const why = (e as { code?: string }).code ?? 'error';
      throw new UsageError(`KVM asked for (${from}) but ${dev} is not usable (${why}): run with --accel tcg, or get access to ${dev} (the kvm group)`);
    }
  }
  return a;
}

/** QEMU stderr lines that are its own fatal errors (not warnings, not the signal notice). */
function fatalLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith(`${QEMU_BINARY}:`)
    && !/warning:|terminating on signal/.test(l)).map((l) => l.slice(QEMU_BINARY.length + 1).trim());
}

export interface BootResult { status: number; message?: string }

/** Runs QEMU with `args` on this terminal until it ends; returns asuk's exit status (and a line to print). */
export async function bootInteractive(binary: string, args: string[], timeoutS: number,
  diag: DiagChannel | null = null): Promise<BootResult> {
  refuseWithoutQemu();
  const saved = await termiosSave();
  const child = execa(binary, args, {
    stdin: 'inherit', stdout: 'inherit', stderr: 'pipe', reject: false, encoding: 'utf8',
    timeout: timeoutS > 0 ? timeoutS * 1000 : undefined, killSignal: 'SIGTERM', forceKillAfterDelay: 3000,
  });
  let stderr = '', pending = '';
  // QEMU's own lines are held (printed as one asuk line, or as warnings at the end); others pass through.
  const pass = (line: string) => { if (!line.startsWith(`${QEMU_BINARY}:`)) process.stderr.write(line); };
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    const lines = (pending + c.toString()).split(/(?<=\n)/);
    pending = lines[lines.length - 1].endsWith('\n') ? '' : lines.pop()!;
    lines.forEach(pass);
  });
  child.stderr?.on('end', () => { if (pending) pass(pending); });
  let interrupts = 0, killed = false, signo = 0;
  const onInt = () => {
    interrupts++;
    signo ||= 2;
    if (interrupts === 1) child.kill('SIGINT');
    else { killed = true; child.kill('SIGKILL'); }
  };
  const onTerm = (sig: NodeJS.Signals, n: number) => () => { interrupts++; signo ||= n; child.kill(sig); };
  const term = onTerm('SIGTERM', 15), hup = onTerm('SIGHUP', 1);
  process.on('SIGINT', onInt).on('SIGTERM', term).on('SIGHUP', hup);
  try {
    const r = await child;
    return outcome(r.exitCode, r.signal, r.timedOut === true, signo, killed, stderr, timeoutS);
  } finally {
    process.off('SIGINT', onInt).off('SIGTERM', term).off('SIGHUP', hup);
    await diag?.close();
    await termiosRestore(saved);
  }
}

/** The terminal's settings as `stty -g` prints them, or null when stdin is no terminal. */
async function termiosSave(): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  const r = await execa('stty', ['-g'], { stdin: 'inherit', reject: false });
  return r.exitCode === 0 && typeof r.stdout === 'string' ? r.stdout.trim() : null;
}

async function termiosRestore(saved: string | null): Promise<void> {
  if (saved) await execa('stty', [saved], { stdin: 'inherit', reject: false });
}

function outcome(code: number | undefined, signal: string | undefined, timedOut: boolean, signo: number,
  killed: boolean, stderr: string, timeoutS: number): BootResult {
  const warnings = stderr.split('\n').filter((l) => l.startsWith(`${QEMU_BINARY}:`) && l.includes('warning:'));
  for (const w of warnings) process.stderr.write(`${w}\n`);
  if (timedOut) return { status: 124, message: `QEMU stopped after --timeout ${timeoutS} s` };
  if (signo) return { status: 128 + signo, message: killed ? 'QEMU killed (second interrupt)' : undefined };
  const fatal = fatalLines(stderr);
  if (code === 1 && fatal.length) {
    const hint = /kvm/i.test(fatal[0]) ? ' (run with --accel tcg)' : '';
    return { status: 1, message: `QEMU failed: ${fatal[0]}${hint}` };
  }
  if (code === undefined) return { status: 1, message: `QEMU ended by ${signal ?? 'a signal'}` };
  if (code % 2 === 1) return { status: code >> 1 };
  if (code === 0) return { status: 0 };
  return { status: 1, message: `QEMU exited with status ${code}${fatal.length ? `: ${fatal[0]}` : ''}` };
}
