#!/usr/bin/env node
// The `asuk` command. In a checkout (tools/ present) it first rebundles
// dist/asuk.mjs when any source under tools/ or boot/ is newer than the
// bundle (scripts/bundle.mjs); an installed package ships the bundle and
// runs it as it is.
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

const checkout = existsSync(join(root, 'tools', 'cli', 'main.ts'));
const stale = checkout && (!existsSync(out) || newest(join(root, 'tools')) > statSync(out).mtimeMs
  || newest(join(root, 'boot')) > statSync(out).mtimeMs);
if (stale) {
  const { bundle } = await import('./bundle.mjs');
  await bundle();
}
await import(pathToFileURL(out).href);
