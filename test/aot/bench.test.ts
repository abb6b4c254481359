// AOT code-speed benchmark (skipped unless AOT_BENCH=1): compute kernels run
// natively (tools/aot via the Linux target) and in Node with Liftoff only
// (--liftoff --no-wasm-tier-up) and with TurboFan only (--no-liftoff); best
// of three runs each. Prints ms and ratios; asserts the results agree.

import { it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { compileWat, NativeInstance, tmpPath } from './linux-runner.ts';

const CASES: { name: string; args: bigint[] }[] = [
  { name: 'fib', args: [30n] },
  { name: 'sieve', args: [1000000n, 20n] },
  { name: 'matmul', args: [100n, 10n] },
  { name: 'hash', args: [50000000n] },
];

const NODE_SCRIPT = `
const fs = require('fs');
const [file, name, ...args] = process.argv.slice(1);
const m = new WebAssembly.Module(fs.readFileSync(file));
const inst = new WebAssembly.Instance(m, {});
const f = inst.exports[name];
const a = args.map((x) => name === 'hash' ? Number(x) : Number(x));
f(...a.map((x, i) => (name === 'sieve' && i === 1) || (name === 'matmul' && i === 1) ? 1 : x));
let ms = Infinity, r;
for (let k = 0; k < 3; k++) { const t0 = performance.now(); r = f(...a); ms = Math.min(ms, performance.now() - t0); }
console.log(JSON.stringify({ ms, r: String(name === 'matmul' ? new BigUint64Array(new Float64Array([r]).buffer)[0] : BigInt.asUintN(64, BigInt(r))) }));
`;

async function nodeRun(wasmPath: string, name: string, args: bigint[], flags: string[]) {
  const { stdout } = await execa('node', [...flags, '-e', NODE_SCRIPT, wasmPath, name, ...args.map(String)], { timeout: 120_000 });
  return JSON.parse(stdout) as { ms: number; r: string };
}

it.skipIf(!process.env.AOT_BENCH)('benchmark vs V8 Liftoff and TurboFan', async () => {
  const wasm = await compileWat(readFileSync(join(import.meta.dirname, 'bench/kernels.wat'), 'utf8'));
  const wasmPath = tmpPath('kernels.wasm');
  writeFileSync(wasmPath, wasm);
  const native = await NativeInstance.start(wasm, { timeoutMs: 120_000 });
  const rows: string[] = ['kernel      aot ms  liftoff ms  turbofan ms  aot/liftoff  aot/turbofan'];
  try {
    for (const c of CASES) {
      let aot = Infinity;
      let r = { results: [] as bigint[] };
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        r = await native.invoke(c.name, c.args);
        aot = Math.min(aot, performance.now() - t0);
      }
      const lo = await nodeRun(wasmPath, c.name, c.args, ['--liftoff', '--no-wasm-tier-up']);
      const tf = await nodeRun(wasmPath, c.name, c.args, ['--no-liftoff']);
      const bits = BigInt.asUintN(c.name === 'fib' || c.name === 'sieve' ? 32 : 64, r.results[0]);
      expect(String(bits)).toBe(lo.r);
      rows.push(`${c.name.padEnd(10)} ${aot.toFixed(1).padStart(7)} ${lo.ms.toFixed(1).padStart(11)} ${tf.ms.toFixed(1).padStart(12)}` +
        ` ${(aot / lo.ms).toFixed(2).padStart(12)} ${(aot / tf.ms).toFixed(2).padStart(13)}`);
    }
  } finally { await native.close(); }
  console.log(rows.join('\n'));
}, 600_000);
