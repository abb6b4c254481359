// bench/host/v8.ts — the V8 runners: TurboFan only (`--no-liftoff`) and
// Liftoff only (`--liftoff-only --no-wasm-tier-up`), each a `node` process
// running bench/host/node-run.ts (bundled once by esbuild into a temp file).
import { build } from 'esbuild';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpFile } from './native.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

export const V8_FLAGS = {
  turbofan: ['--no-liftoff'],
  liftoff: ['--liftoff-only', '--no-wasm-tier-up'],
} as const;

let bundled: Promise<string> | null = null;

/** The path of the bundled node runner (built on first use). */
export function nodeRunner(): Promise<string> {
  bundled ??= (async () => {
    const out = tmpFile('node-run.mjs');
    await build({
      entryPoints: [join(HERE, 'node-run.ts')], outfile: out, bundle: true,
      platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
    });
    return out;
  })();
  return bundled;
}

/** argv (after `node`) to run `wasmPath` with `args` on the given tier. */
export async function v8Command(tier: keyof typeof V8_FLAGS, wasmPath: string, args: string[]): Promise<string[]> {
  return [...V8_FLAGS[tier], await nodeRunner(), wasmPath, ...args];
}
