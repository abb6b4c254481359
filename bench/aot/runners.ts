// bench/aot/runners.ts — prepares one kernel for every runner and runs it
// once, parsing the line bench/lib/kernel.ts prints.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildNative, buildWasm2c, runProc, tmpFile, v8Command } from '../host/index.ts';

export const RUNNERS = ['aot', 'aot-base', 'turbofan', 'liftoff', 'wasm2c'] as const;
export type Runner = (typeof RUNNERS)[number];

/** The runners of one bench run: aot-base only with a base tree (base.ts). */
export function activeRunners(base: string | null): Runner[] {
  return RUNNERS.filter((r) => r !== 'aot-base' || base !== null);
}

export interface Prepared {
  name: string;
  wasm: Uint8Array;
  wasmPath: string;
  /** Executables per runner; a missing entry means the runner could not be built (see `errors`). */
  exe: Partial<Record<Runner, string>>;
  errors: Partial<Record<Runner, string>>;
  aotBuildMs?: number;
}

export interface KernelRun { iters: number; checksum: string; ns: number }

/**
 * Builds the native (tools/aot; also the base tree's tools/aot when `base`
 * is given) and wasm2c executables of one kernel; failures are recorded, not thrown.
 */
export async function prepare(name: string, wasm: Uint8Array, base: string | null = null): Promise<Prepared> {
  const wasmPath = tmpFile(`${name}.wasm`);
  writeFileSync(wasmPath, wasm);
  const p: Prepared = { name, wasm, wasmPath, exe: {}, errors: {} };
  try {
    const n = await buildNative(wasm, name);
    p.exe.aot = n.path; p.aotBuildMs = n.ms;
  } catch (e) { p.errors.aot = oneLine(e); }
  if (base !== null) {
    try {
      const { buildLinuxExecutable } = await import(join(base, 'tools/aot/linux/index.ts'));
      const path = tmpFile(`${name}-base`);
      writeFileSync(path, buildLinuxExecutable(wasm, { mode: 'command' }));
      chmodSync(path, 0o755);
      p.exe['aot-base'] = path;
    } catch (e) { p.errors['aot-base'] = oneLine(e); }
  }
  try { p.exe.wasm2c = await buildWasm2c(wasm, name); } catch (e) { p.errors.wasm2c = oneLine(e); }
  return p;
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
}

const LINE = /kernel=(\S+) iters=(\d+) checksum=(\d+) ns=(\d+)/;

/** Runs kernel `p` on `runner` with `iters`; throws E_RUN with the output when it fails or prints no result. */
export async function runOnce(p: Prepared, runner: Runner, iters: number): Promise<KernelRun> {
  const args = [String(iters)];
  const r = runner === 'aot' || runner === 'aot-base' || runner === 'wasm2c'
    ? await runProc(p.exe[runner]!, args, 300_000)
    : await runProc(process.execPath, await v8Command(runner, p.wasmPath, args), 300_000);
  const m = LINE.exec(r.stdout);
  if (r.exitCode !== 0 || !m) {
    throw new Error(`bench: E_RUN ${p.name} on ${runner} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  }
  return { iters: Number(m[2]), checksum: m[3]!, ns: Number(m[4]) };
}
