// bench/host/asc.ts — compiles our AssemblyScript programs (bench kernels,
// test/diff programs) to WASI command modules with asc, in process.
// Flags: -O3, the incremental GC (asc's default, stated on purpose), abort
// routed to bench/lib/wasi.ts (no `env.abort` import), and the top-level
// code exported as `_start` so the module is a WASI command.
import asc from 'assemblyscript/asc';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const WASI_FLAGS = [
  '-O3', '--runtime', 'incremental', '--exportStart', '_start',
  '--use', 'abort=bench/lib/wasi/wasiAbort',
];

/**
 * Compiles `entry` (relative to the repo root) to a WASI command; throws with asc's output on error.
 * `sources` maps repo-relative paths to generated text that asc reads instead of the disk.
 */
export async function compileWasiCommand(entry: string, extra: string[] = [], sources: Record<string, string> = {}): Promise<Uint8Array> {
  let wasm: Uint8Array | null = null;
  const errs: string[] = [];
  const sink = { write(s: string | Uint8Array) { errs.push(typeof s === 'string' ? s : Buffer.from(s).toString()); return true; } };
  const { error } = await asc.main([entry, ...WASI_FLAGS, '--baseDir', ROOT, '-o', 'out.wasm', ...extra], {
    stdout: sink, stderr: sink,
    readFile(name: string, baseDir: string) {
      const rel = path.relative(ROOT, path.resolve(baseDir, name));
      if (Object.hasOwn(sources, rel)) return sources[rel]!;
      try { return readFileSync(path.resolve(baseDir, name), 'utf8'); } catch { return null; }
    },
    writeFile(name: string, contents: Uint8Array | string) {
      if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = new Uint8Array(contents);
    },
  });
  if (error || !wasm) throw new Error(`asc: E_ASC compiling ${entry} failed: ${error?.message ?? 'no output'}\n${errs.join('').slice(0, 3000)}`);
  return wasm;
}
