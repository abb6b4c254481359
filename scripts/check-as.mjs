#!/usr/bin/env node
// Type-checks the AssemblyScript sources (what tsc cannot: asc's own types,
// decorators, builtins): every folder's index.ts under kernel/, drivers/, fs/,
// net/, api/, wasi/ and every images/NAME/app.ts is compiled by asc with --noEmit, its
// exports as the entry, so each exported function is checked. Prints asc's
// diagnostics as asc prints them; exits 1 when any module has errors.
import asc from 'assemblyscript/asc';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every index.ts under `dir` (a module's surface), depth first. */
function indexes(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) indexes(p, out);
    else if (e === 'index.ts') out.push(p);
  }
  return out;
}

const entries = [
  ...['kernel', 'drivers', 'fs', 'net', 'api', 'wasi'].flatMap((d) => indexes(join(root, d))),
  ...['index.ts', 'files.ts', 'net.ts'].map((f) => join(root, f)),
  ...readdirSync(join(root, 'images')).map((n) => join(root, 'images', n, 'app.ts')).filter(existsSync),
];
// images/NAME import the package as "asuk/…": asc looks for it in LIB (--path), served from this
// checkout (what tools/image/build.ts PACKAGE_LIB and packageReadFile do).
const LIB = '/.asuk-package-lib';
async function readPackageFile(name, baseDir) {
  let p = resolve(baseDir, name);
  if (p.startsWith(`${LIB}/asuk/`)) p = join(root, p.slice(LIB.length + 6));
  try { return await readFile(p, 'utf8'); } catch { return null; }
}
let failed = 0;
for (const e of entries) {
  let err = '';
  const sink = { write(s) { err += String(s); return true; } };
  const r = await asc.main([relative(root, e), '--noEmit', '--runtime', 'incremental',
    '--disableWarning', '235', '--baseDir', root, '--path', LIB], { stdout: sink, stderr: sink, readFile: readPackageFile });
  if (r.error) {
    failed++;
    process.stderr.write(`${err.replace(/^FAILURE .*$/m, "").trimEnd()}\n${relative(root, e)}: ${r.error.message}\n\n`);
  }
}
console.log(`AssemblyScript type check: ${entries.length - failed} of ${entries.length} modules clean`);
process.exit(failed ? 1 : 0);
