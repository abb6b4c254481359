#!/usr/bin/env node
// The `asuk` command. In a checkout (tools/ present) it first rebundles
// dist/asuk.mjs when any source under tools/ or boot/ is newer than the
// bundle (scripts/bundle.mjs); an installed package ships the bundle and
// runs it as it is.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A command compiles one module per process, cold: V8 optimises a function once it has run
// about 66 KB of bytecode (--interrupt-budget), and on a busy machine those optimising
// compiles cost a kernel's compile as much as they save. Fifteen times the budget leaves
// TurboFan to the functions that run much longer: cold compiles 15-45% faster on this 2-core
// VM under load, the same for a 700 KB module (tools/aot/STATUS.md, Round 8 (speed)).
setFlagsFromString('--interrupt-budget=1000000');

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
