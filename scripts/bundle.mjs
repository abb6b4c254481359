#!/usr/bin/env node
// Bundles the TypeScript host tools (tools/cli/main.ts and what it imports)
// into dist/asuk.mjs with esbuild. Run by `npm pack` (prepack) and, in a
// checkout, by scripts/asuk.mjs when a source is newer than the bundle.
// npm packages stay external: they are the package's `dependencies`.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes dist/asuk.mjs. */
export async function bundle() {
  await build({
    entryPoints: [join(root, 'tools', 'cli', 'main.ts')],
    outfile: join(root, 'dist', 'asuk.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', logLevel: 'error',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
