// bench/aot/compile-ab.ts — tools/aot's compile speed before and after a
// change, in one process: REF's tools/ (base.ts) and the checkout's are each
// bundled with esbuild as the CLI is (scripts/bundle.mjs), then compile the
// same module alternately; CPU time (user + sys) and wall time per compile,
// min and median, and whether both emit the same bytes. `--threads N` adds the
// checkout on N threads (tools/aot/parallel.ts; its worker bundled beside),
// whose wall time is what counts.
//
// Run: `npx vite-node bench/aot/compile-ab.ts -- --base REF [--wasm=X.wasm] [--funcs N] [--runs N] [--threads N] [--target kernel]`
// (default module: synth.ts with N = 2000 functions, ~700 KB of Wasm)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ROOT, median } from '../host/index.ts';
import { baseTree } from './base.ts';
import { bundledCompiler, withThreads, type CompileOnce } from './compile-bundle.ts';
import { synthWasm } from './synth.ts';

/** CPU ms of this process (all threads) and wall ms of one compile. */
function timed(f: () => Uint8Array): { ms: number; wall: number; out: Uint8Array } {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const out = f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, wall, out };
}

async function main(): Promise<void> {
  // `--wasm=PATH` as well as `--wasm PATH`: vite-node would also try to run a
  // positional PATH ending in .wasm as a module of its own
  const argv = process.argv.slice(2).filter((a) => a !== '--').flatMap((a) => (/^--\w+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  let base = '', wasmPath = '', funcs = 2000, runs = 15, threads = 1;
  let target: 'linux' | 'kernel' = 'linux';
  for (let k = 0; k < argv.length; k += 2) {
    const [a, v] = [argv[k], argv[k + 1]];
    if (a === '--base' && v) base = v;
    else if (a === '--wasm' && v) wasmPath = v;
    else if (a === '--funcs' && v) funcs = Number(v);
    else if (a === '--runs' && v) runs = Number(v);
    else if (a === '--threads' && v) threads = Number(v);
    else if (a === '--target' && (v === 'linux' || v === 'kernel')) target = v;
    else throw new Error(`compile-ab: E_USAGE unknown argument '${a}' (--base REF, --wasm PATH, --funcs N, --runs N, --threads N, --target linux|kernel)`);
  }
  if (!base) throw new Error('compile-ab: E_USAGE --base REF is required');
  const wasm = wasmPath ? new Uint8Array(readFileSync(wasmPath)) : await synthWasm(funcs);
  const base1 = await bundledCompiler(await baseTree(base), 'base'), head = await bundledCompiler(ROOT, 'head');
  const on = (n: number, f: CompileOnce) => (w: Uint8Array) => withThreads(n, () => f(w, target));
  const impl: Record<string, (w: Uint8Array) => Uint8Array> = { [`base ${base}`]: on(1, base1), checkout: on(1, head) };
  if (threads > 1) impl[`checkout, ${threads} threads`] = on(threads, head);
  const names = Object.keys(impl);
  const ms: Record<string, number[]> = {}, wall: Record<string, number[]> = {}, hash: Record<string, string> = {};
  for (const n of names) { ms[n] = []; wall[n] = []; }
  for (let k = 0; k <= runs; k++) {
    for (const n of k % 2 ? names : [...names].reverse()) {
      const r = timed(() => impl[n](wasm));
      if (k > 0) { ms[n].push(r.ms); wall[n].push(r.wall); }       // round 0 warms them up
      hash[n] = createHash('sha256').update(r.out).digest('hex').slice(0, 12);
    }
  }
  const mbs = (t: number) => (wasm.length / 1e6 / (t / 1000)).toFixed(2);
  console.log(`module ${wasmPath || `synth-${funcs}`}: ${(wasm.length / 1e3).toFixed(0)} KB of Wasm, ${runs} alternating runs, per compile (decode + compileModule + finish): CPU ms of the process, wall ms`);
  console.log('| compiler | CPU min ms | MB/s | CPU median | wall min ms | MB/s | wall median | code sha256 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const n of names) {
    const c = Math.min(...ms[n]), w = Math.min(...wall[n]);
    console.log(`| ${n} | ${c.toFixed(1)} | ${mbs(c)} | ${median(ms[n]).toFixed(1)} | ${w.toFixed(1)} | ${mbs(w)} | ${median(wall[n]).toFixed(1)} | ${hash[n]} |`);
  }
  const [b, h] = names;
  console.log(`checkout/base CPU: min ${(Math.min(...ms[h]) / Math.min(...ms[b])).toFixed(3)}, median ${(median(ms[h]) / median(ms[b])).toFixed(3)}`);
}

main().catch((e) => { console.error((e as Error).message); process.exit(1); });
