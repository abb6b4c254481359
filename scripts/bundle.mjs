#!/usr/bin/env node
// Bundles the TypeScript host tools (tools/cli/main.ts and what it imports)
// into dist/asuk.mjs with esbuild, and tools/aot's compile worker into dist/aot-worker.mjs. Run by `npm pack` (prepack) and, in a
// checkout, by scripts/asuk.mjs when a source is newer than the bundle.
// npm packages stay external: they are the package's `dependencies`.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes dist/asuk.mjs and dist/aot-worker.mjs (tools/aot's compile worker, which the bundle starts from beside itself). */
export async function bundle() {
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' };
  await build({ ...common, entryPoints: [join(root, 'tools', 'aot', 'worker.ts')], outfile: join(root, 'dist', 'aot-worker.mjs') });
  await build({ ...common, entryPoints: [join(root, 'tools', 'cli', 'main.ts')], outfile: join(root, 'dist', 'asuk.mjs') });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
