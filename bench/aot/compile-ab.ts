// bench/aot/compile-ab.ts — tools/aot's compile speed before and after a
// change, in one process: REF's tools/ (base.ts) and the checkout's are each
// bundled with esbuild as the CLI is (scripts/bundle.mjs), then compile the
// same module alternately; CPU time (user + sys) per compile, min and median,
// and whether both emit the same bytes.
//
// Run: `npx vite-node bench/aot/compile-ab.ts -- --base REF [--wasm=X.wasm] [--funcs N] [--runs N]`
// (default module: synth.ts with N = 2000 functions, ~700 KB of Wasm)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, median } from '../host/index.ts';
import { baseTree } from './base.ts';
import { synthWasm } from './synth.ts';

type CompileOnce = (wasm: Uint8Array) => Uint8Array;

const ENTRY = (tree: string): string => `
import { decodeModule } from '${tree}/tools/wasm/index.ts';
import { Assembler } from '${tree}/tools/x86/index.ts';
import { compileModule } from '${tree}/tools/aot/index.ts';
export function compileOnce(wasm: Uint8Array): Uint8Array {
  const m = decodeModule(wasm);
  const asm = new Assembler({ bits: 64 });
  for (const l of ['trap', 'abort', 'memory_grow']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
  for (const im of m.imports) { asm.bind(asm.sym('import:' + im.module + '.' + im.name)); asm.i('ud2'); }
  compileModule(m, asm, { target: 'linux', providedImports: new Set(m.imports.map((im) => im.module + '.' + im.name)) });
  return asm.finish(0);
}
`;

async function bundled(tree: string, tag: string): Promise<CompileOnce> {
  const dir = join(ROOT, '.cache', 'aot-base');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `ab-${tag}.ts`), out = join(dir, `ab-${tag}.mjs`);
  writeFileSync(entry, ENTRY(tree));
  await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  return (await import(`${out}?t=${Date.now()}`)).compileOnce as CompileOnce;
}

function cpuMs(f: () => Uint8Array): { ms: number; out: Uint8Array } {
  const c0 = process.cpuUsage();
  const out = f();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, out };
}

async function main(): Promise<void> {
  // `--wasm=PATH` as well as `--wasm PATH`: vite-node would also try to run a
  // positional PATH ending in .wasm as a module of its own
  const argv = process.argv.slice(2).filter((a) => a !== '--').flatMap((a) => (/^--\w+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  let base = '', wasmPath = '', funcs = 2000, runs = 15;
  for (let k = 0; k < argv.length; k += 2) {
    const [a, v] = [argv[k], argv[k + 1]];
    if (a === '--base' && v) base = v;
    else if (a === '--wasm' && v) wasmPath = v;
    else if (a === '--funcs' && v) funcs = Number(v);
    else if (a === '--runs' && v) runs = Number(v);
    else throw new Error(`compile-ab: E_USAGE unknown argument '${a}' (--base REF, --wasm PATH, --funcs N, --runs N)`);
  }
  if (!base) throw new Error('compile-ab: E_USAGE --base REF is required');
  const wasm = wasmPath ? new Uint8Array(readFileSync(wasmPath)) : await synthWasm(funcs);
  const impl = { base: await bundled(await baseTree(base), 'base'), head: await bundled(ROOT, 'head') };
  const ms = { base: [] as number[], head: [] as number[] };
  const hash: Record<string, string> = {};
  for (let k = 0; k <= runs; k++) {
    for (const n of k % 2 ? (['base', 'head'] as const) : (['head', 'base'] as const)) {
      const r = cpuMs(() => impl[n](wasm));
      if (k > 0) ms[n].push(r.ms);               // round 0 warms both up
      hash[n] = createHash('sha256').update(r.out).digest('hex').slice(0, 12);
    }
  }
  const mbs = (t: number) => (wasm.length / 1e6 / (t / 1000)).toFixed(2);
  console.log(`module ${wasmPath || `synth-${funcs}`}: ${(wasm.length / 1e3).toFixed(0)} KB of Wasm, ${runs} alternating runs, CPU ms per compile (decode + compileModule + finish)`);
  for (const n of ['base', 'head'] as const) {
    const min = Math.min(...ms[n]), med = median(ms[n]);
    console.log(`  ${n === 'base' ? `base ${base}` : 'checkout'}: min ${min.toFixed(1)} ms (${mbs(min)} MB/s), median ${med.toFixed(1)} ms (${mbs(med)} MB/s), code sha256 ${hash[n]}`);
  }
  console.log(`  checkout/base: min ${(Math.min(...ms.head) / Math.min(...ms.base)).toFixed(3)}, median ${(median(ms.head) / median(ms.base)).toFixed(3)}`);
}

main().catch((e) => { console.error((e as Error).message); process.exit(1); });
