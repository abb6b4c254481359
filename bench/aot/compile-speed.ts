// bench/aot/compile-speed.ts — how fast tools/aot compiles: decode +
// compileModule (+ Assembler.finish) per .wasm, median of a few runs after a
// warm-up, reported as ms and KB/s of Wasm. Also the end-to-end Linux
// executable build and, when `npm run image` has run, the kernel's .wasm
// (images/hello/.asuk/*.wasm) for the kernel target.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModule } from '../../tools/wasm/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { compileModule } from '../../tools/aot/index.ts';
import { buildLinuxExecutable, linuxImports } from '../../tools/aot/linux/index.ts';
import { buildKernelElf } from '../../tools/link/index.ts';
import { median, ROOT } from '../host/index.ts';

export interface CompileSpeed {
  name: string; target: 'linux' | 'kernel'; bytes: number;
  /** decode + compileModule, ms (median). */ compileMs: number;
  /** the whole executable/ELF (runtime or boot stub, link), ms (median). */ buildMs: number;
  kbPerS: number; error?: string;
}

function timeIt(f: () => void, runs: number): number {
  f(); // warm-up (JIT of the compiler itself)
  const ts: number[] = [];
  for (let k = 0; k < runs; k++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  return median(ts);
}

/** Measures one module for `target`; errors are returned in the row. */
export function measureCompile(name: string, wasm: Uint8Array, target: 'linux' | 'kernel', runs = 5): CompileSpeed {
  const row: CompileSpeed = { name, target, bytes: wasm.length, compileMs: NaN, buildMs: NaN, kbPerS: NaN };
  try {
    row.compileMs = timeIt(() => {
      const m = decodeModule(wasm);
      const providedImports = target === 'linux' ? linuxImports(m).provided : undefined;
      compileModule(m, new Assembler({ bits: 64 }), { target, providedImports });
    }, runs);
    row.buildMs = timeIt(() => {
      if (target === 'linux') buildLinuxExecutable(wasm, { mode: 'command' });
      else buildKernelElf(wasm);
    }, runs);
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
