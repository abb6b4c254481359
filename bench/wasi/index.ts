// bench/wasi — figures for WASI commands compiled by asuk (issue 15):
//   1. launch-to-exit of a C "hello" (bench/wasi/hello.c): the Linux target's
//      executable against the same .wasm under Node's WASI;
//   2. a CPU-bound C program (bench/wasi/cpu.c) on the bench/aot runners:
//      asuk Linux target, node --no-liftoff, node liftoff, wasm2c + gcc -O2;
//   3. compile time and MB/s of tools/aot on the largest WASI program at hand
//      (the vendored suite's biggest, or --wasm FILE).
// Usage: vite-node bench/wasi/index.ts [-- --runs N --iters N --wasm FILE]
// Both C programs are compiled by clang --target=wasm32-wasi -O2 into a temp dir.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { buildNative, median, runProc, tmpFile } from '../host/index.ts';
import { prepare, runOnce, RUNNERS, type Runner } from '../aot/runners.ts';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';

const HERE = dirname(new URL(import.meta.url).pathname);
const arg = (name: string, def: string) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1]! : def; };
const RUNS = Number(arg('runs', '7')), ITERS = Number(arg('iters', '5'));

async function clangWasi(src: string): Promise<Uint8Array> {
  const out = tmpFile(src.replace(/\.c$/, '.wasm'));
  await execa('clang', ['--target=wasm32-wasi', '-O2', join(HERE, src), '-o', out]);
  return new Uint8Array(readFileSync(out));
}

async function hello(): Promise<void> {
  const wasm = await clangWasi('hello.c');
  const wasmPath = tmpFile('hello.wasm');
  writeFileSync(wasmPath, wasm);
  const exe = (await buildNative(wasm, 'hello')).path;
  const node = join(HERE, '..', '..', 'test', 'wasi', 'node-wasi.mjs');
  const times = { asuk: [] as number[], node: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    const a = await runProc(exe, [], 60_000);
    times.asuk.push(performance.now() - t);
    t = performance.now();
    const n = await execa(process.execPath, ['--no-turbo-fast-api-calls', '--no-warnings', node, wasmPath, `/tmp=${HERE}`, '{}'], { reject: false });
    times.node.push(performance.now() - t);
    if (a.stdout.trimEnd() !== n.stdout.trimEnd()) throw new Error(`hello: outputs differ: ${JSON.stringify(a.stdout)} vs ${JSON.stringify(n.stdout)}`);
  }
  console.log(`hello launch-to-exit (median of ${RUNS}): asuk linux ${median(times.asuk).toFixed(1)} ms, node WASI ${median(times.node).toFixed(1)} ms`);
}

async function cpu(): Promise<void> {
  const p = await prepare('c-cpu', await clangWasi('cpu.c'));
  for (const [r, e] of Object.entries(p.errors)) console.log(`cpu: runner ${r} unavailable: ${e}`);
  const ns: Partial<Record<Runner, number[]>> = {};
  let checksum = '';
  for (let r = 0; r < RUNS; r++) {
    for (const runner of RUNNERS) {
      if (runner !== 'turbofan' && runner !== 'liftoff' && !p.exe[runner]) continue;
      const res = await runOnce(p, runner, ITERS);
      if (checksum && res.checksum !== checksum) throw new Error(`cpu: ${runner} checksum ${res.checksum} != ${checksum}`);
      checksum = res.checksum;
      (ns[runner] ??= []).push(res.ns / 1e6);
    }
  }
  const base = median(ns.wasm2c ?? ns.aot!);
  console.log(`cpu.c x${ITERS} (median of ${RUNS}, ms; ratio to ${ns.wasm2c ? 'wasm2c' : 'aot'}):`);
  for (const [r, v] of Object.entries(ns)) console.log(`  ${r.padEnd(9)} ${median(v!).toFixed(1).padStart(9)}  ${(median(v!) / base).toFixed(2)}`);
}

function largestSuiteWasm(): string {
  const dir = join(HERE, '..', '..', 'vendor', 'wasi-testsuite', 'tests', 'rust', 'testsuite', 'wasm32-wasip1');
  return readdirSync(dir).filter((f) => f.endsWith('.wasm')).map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

function compileSpeed(): void {
  const file = arg('wasm', '') || largestSuiteWasm();
  const wasm = new Uint8Array(readFileSync(file));
  buildLinuxExecutable(wasm, { mode: 'command' }); // warm: the WASI layer's asc run and JIT
  const ms: number[] = [];
  for (let r = 0; r < Math.max(3, Math.min(RUNS, 5)); r++) {
    const t = performance.now();
    buildLinuxExecutable(wasm, { mode: 'command' });
    ms.push(performance.now() - t);
  }
  const m = median(ms);
  console.log(`compile ${file.split('/').pop()} (${(wasm.length / 1e6).toFixed(2)} MB): ${m.toFixed(0)} ms, ${(wasm.length / 1e6 / (m / 1000)).toFixed(2)} MB/s (WASI layer included)`);
}

await hello();
await cpu();
compileSpeed();
