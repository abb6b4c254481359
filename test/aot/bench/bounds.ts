// The two memory models of the Linux target, measured (issue 3: "guard
// regions and a signal handler, or explicit checks: measure both and say
// which you keep"). Compiles bench/aot's AssemblyScript kernels once with
// asc -O3, builds each twice with tools/aot (AotOptions.bounds 'guard' and
// 'explicit'), checks both print the same checksum, then alternates runs and
// prints the median in-kernel time of each and the ratio explicit/guard.
//
// Run: npx vite-node test/aot/bench/bounds.ts -- [--runs N] [--scale F]

import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { compileWasiCommand, runProc, tmpFile, median, ROOT } from '../../../bench/host/index.ts';
import { buildLinuxExecutable } from '../../../tools/aot/linux/index.ts';

const ITERS: Record<string, number> = { hash: 360, parse: 900, copy: 500, sort: 3, cpio: 640, sha256: 220, matmul: 85 };
const LINE = /kernel=(\S+) iters=(\d+) checksum=(\d+) ns=(\d+)/;
const MODES = ['guard', 'explicit'] as const;

function arg(name: string, dflt: number): number {
  const k = process.argv.indexOf(name);
  return k > 0 ? Number(process.argv[k + 1]) : dflt;
}

async function runOnce(path: string, iters: number): Promise<{ checksum: string; ms: number }> {
  const r = await runProc(path, [String(iters)], 120_000);
  const m = LINE.exec(r.stdout);
  if (r.exitCode !== 0 || !m) throw new Error(`bounds bench: ${path} exited ${r.exitCode}: ${r.stderr.trim()}`);
  return { checksum: m[3]!, ms: Number(m[4]) / 1e6 };
}

const runs = arg('--runs', 5), scale = arg('--scale', 1);
const rows: string[] = ['kernel     guard ms  explicit ms  explicit/guard'];
for (const [kernel, n] of Object.entries(ITERS)) {
  const iters = Math.max(1, Math.round(n * scale));
  const wasm = await compileWasiCommand(join(ROOT, 'bench/aot/kernels', `${kernel}.ts`));
  const paths = MODES.map((bounds) => {
    const path = tmpFile(`${kernel}-${bounds}`);
    writeFileSync(path, buildLinuxExecutable(wasm, { mode: 'command', bounds }));
    chmodSync(path, 0o755);
    return path;
  });
  const sums = await Promise.all(paths.map((p) => runOnce(p, iters)));
  if (sums[0]!.checksum !== sums[1]!.checksum) throw new Error(`bounds bench: ${kernel} checksums differ`);
  const ms: number[][] = [[], []];
  for (let k = 0; k < runs; k++) for (let j = 0; j < 2; j++) ms[j]!.push((await runOnce(paths[j]!, iters)).ms);
  const [g, e] = ms.map(median) as [number, number];
  rows.push(`${kernel.padEnd(9)} ${g.toFixed(1).padStart(9)} ${e.toFixed(1).padStart(12)} ${(e / g).toFixed(3).padStart(15)}`);
}
console.log(rows.join('\n'));
