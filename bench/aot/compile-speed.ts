// bench/aot/compile-speed.ts — how fast tools/aot compiles: decode +
// compileModule + Assembler.finish per .wasm with the compiler bundled as the
// CLI runs it (compile-bundle.ts: under vite-node the same code is ~3x
// slower), one thread and `threads` threads, median and best of a few runs
// after a warm-up of 5 (the JIT tiers the compiler up over several
// modules), reported as ms and KB/s of Wasm. Also the end-to-end Linux
// executable build and, when `npm run image` has run, the kernel's .wasm
// (images/hello/.asuk/*.wasm) for the kernel target.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';
import { buildKernelElf } from '../../tools/link/index.ts';
import { median, ROOT } from '../host/index.ts';
import { withThreads, type CompileOnce } from './compile-bundle.ts';

export interface CompileSpeed {
  name: string; target: 'linux' | 'kernel'; bytes: number;
  /** decode + compileModule + finish, bundled, one thread, ms (median; best). */ compileMs: number; compileBestMs: number;
  /** the same on `threads` threads, wall ms (median; best). */ threads: number; threadedMs: number; threadedBestMs: number;
  /** the whole executable/ELF (runtime or boot stub, link), ms (median). */ buildMs: number;
  kbPerS: number; error?: string;
}

function timeIt(f: () => void, runs: number, warm = 1): { median: number; best: number } {
  for (let k = 0; k < warm; k++) f(); // warm-up (JIT of the compiler itself)
  const ts: number[] = [];
  for (let k = 0; k < runs; k++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  return { median: median(ts), best: Math.min(...ts) };
}

/** Measures one module for `target`; errors are returned in the row. */
export function measureCompile(name: string, wasm: Uint8Array, target: 'linux' | 'kernel', compile: CompileOnce, runs = 5, threads = 2): CompileSpeed {
  const row: CompileSpeed = {
    name, target, bytes: wasm.length, compileMs: NaN, compileBestMs: NaN, threads, threadedMs: NaN, threadedBestMs: NaN, buildMs: NaN, kbPerS: NaN,
  };
  try {
    const one = withThreads(1, () => timeIt(() => compile(wasm, target), runs, 5));
    const many = withThreads(threads, () => timeIt(() => compile(wasm, target), runs, 2));
    row.compileMs = one.median; row.compileBestMs = one.best; row.threadedMs = many.median; row.threadedBestMs = many.best;
    row.buildMs = timeIt(() => {
      if (target === 'linux') buildLinuxExecutable(wasm, { mode: 'command' });
      else buildKernelElf(wasm);
    }, runs).median;
    row.kbPerS = wasm.length / 1024 / (row.compileMs / 1000);
  } catch (e) {
    row.error = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }
  return row;
}

/** The newest kernel .wasm of each image left by `npm run image` (images/<image>/.asuk/*.wasm). */
export function kernelWasms(): { name: string; wasm: Uint8Array }[] {
  const dir = join(ROOT, 'images');
  if (!existsSync(dir)) return [];
  const out: { name: string; wasm: Uint8Array }[] = [];
  for (const img of readdirSync(dir).sort()) {
    const d = join(dir, img, '.asuk');
    if (!existsSync(d) || !statSync(d).isDirectory()) continue;
    const files = readdirSync(d).filter((f) => f.endsWith('.wasm'))
      .map((f) => ({ f, t: statSync(join(d, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    if (files[0]) out.push({ name: `${img}/${files[0].f}`, wasm: new Uint8Array(readFileSync(join(d, files[0].f))) });
  }
  return out;
}
