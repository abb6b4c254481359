// bench/host/native.ts — runs a WASI command natively: tools/aot's Linux
// target (buildLinuxExecutable, mode 'command') writes a static executable
// into a temp dir; execa runs it with a timeout.
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

let tmpRoot: string | null = null;
let counter = 0;

/** A fresh path inside this process's temp dir (removed at exit). */
export function tmpFile(name: string): string {
  if (!tmpRoot) {
    const root = mkdtempSync(join(tmpdir(), 'asuk-bench-'));
    tmpRoot = root;
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return join(tmpRoot, `${counter++}-${name}`);
}

/** Compiles `wasm` with tools/aot into a static executable; returns its path and the compile ms. */
export async function buildNative(wasm: Uint8Array, name: string): Promise<{ path: string; ms: number }> {
  const { buildLinuxExecutable } = await import('../../tools/aot/linux/index.ts');
  const t0 = performance.now();
  const elf = buildLinuxExecutable(wasm, { mode: 'command' });
  const ms = performance.now() - t0;
  const path = tmpFile(name);
  writeFileSync(path, elf);
  chmodSync(path, 0o755);
  return { path, ms };
}

export interface ProcResult { stdout: string; stderr: string; exitCode: number }

/** Runs `cmd args` with a hard timeout; never throws on a non-zero exit. */
export async function runProc(cmd: string, args: string[], timeoutMs = 60_000): Promise<ProcResult> {
  const r = await execa(cmd, args, { reject: false, timeout: timeoutMs, stripFinalNewline: false, encoding: 'utf8' });
  if (r.timedOut) throw new Error(`run: E_TIMEOUT ${cmd} killed after ${timeoutMs} ms`);
  const exitCode = r.exitCode ?? (r.signal ? 128 + signalNumber(r.signal) : -1); // a signal: the shell's 128+N
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode };
}

function signalNumber(sig: string): number {
  return ({ SIGSEGV: 11, SIGBUS: 7, SIGILL: 4, SIGFPE: 8, SIGABRT: 6, SIGKILL: 9, SIGTRAP: 5 } as Record<string, number>)[sig] ?? 0;
}
