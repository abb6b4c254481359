#!/usr/bin/env node
// The `asuk` command: bundles the TypeScript host tools with esbuild into
// dist/asuk.mjs when any source is newer than the bundle, then runs it.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'asuk.mjs');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stale = !existsSync(out) || newest(join(root, 'tools')) > statSync(out).mtimeMs
  || newest(join(root, 'boot')) > statSync(out).mtimeMs;
if (stale) {
  await build({
    entryPoints: [join(root, 'tools', 'cli', 'main.ts')],
    outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', logLevel: 'error',
  });
}
await import(pathToFileURL(out).href);
