// bench/aot — speed of the code tools/aot generates, against V8 and wasm2c
// (issue 3 "Speed of the generated code" / "Speed of the compiler itself").
//
//   kernels/*.ts      AssemblyScript kernels (hash, parse, copy, sort, cpio,
//                     sha256, matmul); each reads its iteration count from
//                     argv[1] and prints checksum + its own elapsed ns
//   c/*.c             C programs (lz: LZ77 compression round trips; kv: a
//                     record table with a hash index, transfers, deletes and a
//                     qsort scan), compiled with Debian's clang -O2 + wasi-libc,
//                     same protocol (c/bench.h)
//   runners.ts        prepare (native + wasm2c builds), runOnce
//   compile-speed.ts  ms / KB/s of tools/aot per .wasm and for the kernel
//   synth.ts          a generated ~200 KB AssemblyScript program (compile speed only)
//   compile-ab.ts     (own command) the compiler's warm speed before/after a change, alternating in one process
//   compile-cold.ts   (own command) the cold path: `asuk build` and a one-shot compile in fresh processes, before/after
//   base.ts           --base REF: runner aot-base, REF's tools/aot (before/after in one run)
//   index.ts          this driver: compile once with asc -O3, check every
//                     runner prints the same checksum, run rounds alternating
//                     runners, print medians and ratios to wasm2c, write
//                     bench/results/aot-<date>.json
//
// Run: `npx vite-node bench/aot/index.ts -- [--runs N] [--scale F] [--kernels a,b] [--wasm=X.wasm] [--base REF]`
// (--wasm: also measure tools/aot's compile speed on X.wasm, a WASI command;
// --base: also time the code of git commit REF's compiler, runner aot-base;
// --runners: only these runners, e.g. aot,aot-base)
// (npm script `bench:aot`). Needs wasm2c (wabt) and gcc for the peer only.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { compileWasiCommand, median, ROOT, runProc, table, tmpFile, writeResult } from '../host/index.ts';
import { activeRunners, prepare, runOnce, type Prepared, type Runner } from './runners.ts';
import { measureCompile, kernelWasms, type CompileSpeed } from './compile-speed.ts';
import { bundledCompiler } from './compile-bundle.ts';
import { synthWasm } from './synth.ts';
import { baseTree } from './base.ts';

/** Functions in the generated modules of the compile-speed rows (~200 KB and ~700 KB of Wasm; the second is chunked). */
const SYNTH_FUNCS = [550, 2000];

/** Default iteration counts: about 0.15-0.2 s per run under wasm2c on the dev machine. */
const ITERS: Record<string, number> = { hash: 360, parse: 900, copy: 500, sort: 3, cpio: 640, sha256: 220, matmul: 85, lz: 20, kv: 6 };

/** Programs written in C (bench/aot/c/NAME.c) rather than AssemblyScript. */
const C_PROGRAMS = new Set(['lz', 'kv']);

/** clang -O2 for wasm32-wasi with Debian's wasi-libc (packages clang, lld, wasi-libc, libclang-rt-dev-wasm32). */
async function compileC(name: string): Promise<Uint8Array> {
  const out = tmpFile(`${name}-c.wasm`);
  const r = await runProc('clang', ['--target=wasm32-wasi', '-O2', '-Wall', '-o', out, `bench/aot/c/${name}.c`], 120_000);
  if (r.exitCode !== 0) throw new Error(`bench: E_CLANG bench/aot/c/${name}.c: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  return new Uint8Array(readFileSync(out));
}

interface Opts { runs: number; scale: number; kernels: string[]; extraWasm: string[]; base: string | null; only: string[] | null }

/** The runners of this run (activeRunners of --base). */
let runners: Runner[] = activeRunners(null);
/** The base tree's directory (--base), else null. */
let baseDir: string | null = null;

function parseArgs(args: string[]): Opts {
  // `--wasm=PATH` as well as `--wasm PATH`: vite-node would also try to run a positional .wasm as a module
  const argv = args.flatMap((a) => (/^--\w+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  const o: Opts = { runs: 7, scale: 1, kernels: Object.keys(ITERS), extraWasm: [], base: null, only: null };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!, v = argv[k + 1];
    if (a === '--runs' && v) { o.runs = Number(v); k++; }
    else if (a === '--scale' && v) { o.scale = Number(v); k++; }
    else if (a === '--kernels' && v) { o.kernels = v.split(','); k++; }
    else if (a === '--wasm' && v) { o.extraWasm.push(v); k++; }
    else if (a === '--base' && v) { o.base = v; k++; }
    else if (a === '--runners' && v) { o.only = v.split(','); k++; }
    else if (a !== '--') throw new Error(`bench: E_USAGE unknown argument '${a}' (--runs N, --scale F, --kernels a,b, --wasm PATH, --base REF, --runners a,b)`);
  }
  const unknown = o.kernels.filter((k) => !(k in ITERS));
  if (unknown.length) throw new Error(`bench: E_USAGE unknown kernel(s) ${unknown.join(',')}: have ${Object.keys(ITERS).join(',')}`);
  return o;
}

interface KernelResult {
  kernel: string; iters: number; wasmBytes: number; checksum?: string;
  ms: Partial<Record<Runner, number[]>>; medianMs: Partial<Record<Runner, number>>; bestMs: Partial<Record<Runner, number>>;
  ratioToWasm2c: Partial<Record<Runner, number>>; errors: Partial<Record<Runner, string>>;
}

/** Warm-up run on every runner; checks that all checksums agree (a mismatch disqualifies the runner). */
async function verify(p: Prepared, iters: number, res: KernelResult): Promise<Runner[]> {
  const ok: Runner[] = [];
  const sums = new Map<Runner, string>();
  for (const r of runners) {
    if (p.errors[r]) { res.errors[r] = p.errors[r]; continue; }
    try { sums.set(r, (await runOnce(p, r, iters)).checksum); } catch (e) { res.errors[r] = (e as Error).message; }
  }
  const ref = sums.get('wasm2c') ?? sums.get('turbofan') ?? sums.values().next().value;
  res.checksum = ref;
  for (const [r, s] of sums) {
    if (s === ref) ok.push(r);
    else res.errors[r] = `bench: E_CHECKSUM ${p.name} on ${r} printed ${s}, expected ${ref}`;
  }
  return ok;
}

async function benchKernel(name: string, o: Opts): Promise<{ res: KernelResult; wasm: Uint8Array }> {
  const wasm = C_PROGRAMS.has(name) ? await compileC(name) : await compileWasiCommand(`bench/aot/kernels/${name}.ts`);
  const iters = Math.max(1, Math.round(ITERS[name]! * o.scale));
  const res: KernelResult = { kernel: name, iters, wasmBytes: wasm.length, ms: {}, medianMs: {}, bestMs: {}, ratioToWasm2c: {}, errors: {} };
  const p = await prepare(name, wasm, baseDir);
  const ok = await verify(p, iters, res);
  for (let round = 0; round < o.runs; round++) {
    for (let k = 0; k < ok.length; k++) {
      const r = ok[(k + round) % ok.length]!; // rotate the order every round
      try { (res.ms[r] ??= []).push((await runOnce(p, r, iters)).ns / 1e6); }
      catch (e) { res.errors[r] = (e as Error).message; }
    }
  }
  for (const r of ok) if (res.ms[r]?.length) { res.medianMs[r] = median(res.ms[r]!); res.bestMs[r] = Math.min(...res.ms[r]!); }
  const base = res.medianMs.wasm2c;
  for (const r of ok) if (base && res.medianMs[r] !== undefined) res.ratioToWasm2c[r] = res.medianMs[r]! / base;
  process.stderr.write(`  ${name}: ${runners.map((r) => `${r} ${fmt(res.medianMs[r])}`).join(', ')}\n`);
  return { res, wasm };
}

const fmt = (x: number | undefined, d = 1) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

/** One table: per-runner times by `pick` (median or best), each runner's ratio to wasm2c, and aot/aot-base. */
function timeTable(results: KernelResult[], pick: (k: KernelResult, r: Runner) => number | undefined): string {
  const others = runners.includes('wasm2c') ? runners.filter((r) => r !== 'wasm2c') : [];
  const ab = runners.includes('aot-base');
  const rows = [['kernel', 'iters', ...runners.map((r) => `${r} ms`), ...others.map((r) => `${r}/w2c`), ...(ab ? ['aot/base'] : [])]];
  for (const k of results) {
    const ratio = (v: number | undefined, to: number | undefined) => v !== undefined && to ? (v / to).toFixed(2) + 'x' : '-';
    rows.push([k.kernel, String(k.iters), ...runners.map((r) => fmt(pick(k, r))),
      ...others.map((r) => ratio(pick(k, r), pick(k, 'wasm2c'))), ...(ab ? [ratio(pick(k, 'aot'), pick(k, 'aot-base'))] : [])]);
  }
  return table(rows);
}

function printResults(results: KernelResult[], speed: CompileSpeed[], runs: number): void {
  console.log(`\nbench/aot: median of ${runs} runs, kernel time only (ms); ratios to wasm2c+gcc -O2\n`);
  console.log(timeTable(results, (k, r) => k.medianMs[r]));
  console.log(`\nbest of ${runs} runs (less sensitive to other load on the machine)\n`);
  console.log(timeTable(results, (k, r) => k.bestMs[r]));
  for (const k of results) for (const [r, e] of Object.entries(k.errors)) console.log(`  ! ${k.kernel} ${r}: ${e}`);
  const srows = [['module', 'target', 'KB', '1 thread ms', 'best', 'MB/s (best)', `${speed[0]?.threads ?? 2} threads ms`, 'best', 'MB/s (best)', 'exe/elf ms']];
  const mbs = (s: CompileSpeed, ms: number) => fmt(s.bytes / 1e6 / (ms / 1000), 2);
  for (const s of speed) {
    srows.push([s.name, s.target, (s.bytes / 1024).toFixed(1), fmt(s.compileMs), fmt(s.compileBestMs), mbs(s, s.compileBestMs),
      fmt(s.threadedMs), fmt(s.threadedBestMs), mbs(s, s.threadedBestMs), fmt(s.buildMs)]);
  }
  console.log('\ntools/aot compile speed (decode + compileModule + finish, bundled as the CLI runs it; median and best of 9 after a warm-up;');
  console.log('N threads: wall time, workers for modules >= 256 KB of code; exe/elf = whole executable or kernel ELF under vite-node)\n');
  console.log(table(srows));
  for (const s of speed) if (s.error) console.log(`  ! ${s.name}: ${s.error}`);
  if (!speed.some((s) => s.target === 'kernel')) console.log('  (no images/*/.asuk/*.wasm: run `npm run image` to measure a kernel)');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.base !== null) baseDir = await baseTree(o.base);
  runners = activeRunners(baseDir).filter((r) => o.only === null || o.only.includes(r));
  const unknown = (o.only ?? []).filter((r) => !activeRunners(baseDir).includes(r as Runner));
  if (unknown.length) throw new Error(`bench: E_USAGE unknown runner(s) ${unknown.join(',')}: have ${activeRunners(baseDir).join(',')}`);
  process.stderr.write(`bench/aot: ${o.kernels.length} kernels x ${runners.length} runners x ${o.runs} runs\n`);
  const results: KernelResult[] = [], speed: CompileSpeed[] = [];
  const wasms: { name: string; wasm: Uint8Array; target: 'linux' | 'kernel' }[] = [];
  for (const name of o.kernels) {
    const { res, wasm } = await benchKernel(name, o);
    results.push(res);
    wasms.push({ name, wasm, target: 'linux' });
  }
  for (const n of SYNTH_FUNCS) wasms.push({ name: `synth-${n}`, wasm: await synthWasm(n), target: 'linux' });
  for (const k of kernelWasms()) wasms.push({ ...k, target: 'kernel' });
  for (const f of o.extraWasm) wasms.push({ name: basename(f), wasm: new Uint8Array(readFileSync(f)), target: 'linux' });
  const compile = await bundledCompiler(ROOT, 'head');
  for (const w of wasms) speed.push(measureCompile(w.name, w.wasm, w.target, compile, 9));
  printResults(results, speed, o.runs);
  const file = writeResult('aot', { date: new Date().toISOString(), node: process.version, runs: o.runs,
    runners: { aot: 'tools/aot linux executable', ...(o.base ? { 'aot-base': `tools/aot of ${o.base}` } : {}), turbofan: 'node --no-liftoff', liftoff: 'node --liftoff-only --no-wasm-tier-up',
      wasm2c: 'wasm2c 1.0.32 + gcc -O2' }, kernels: results, compileSpeed: speed });
  console.log(`\nwrote ${file}`);
}

main().catch((e) => { console.error((e as Error).message); process.exit(1); });
