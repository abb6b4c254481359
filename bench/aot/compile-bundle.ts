// bench/aot/compile-bundle.ts — tools/aot bundled with esbuild as the CLI
// runs it (scripts/bundle.mjs), for timing: under vite-node the same code is
// ~3x slower (its SSR transform turns every import and enum into a lookup).
// The compile worker (tools/aot/worker.ts) is bundled beside it when the tree
// has one, so `threads` > 1 uses workers as the CLI does.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../host/index.ts';

/** decode + compileModule + finish of `wasm` for `target`; stub labels for what a target's runtime would define. */
export type CompileOnce = (wasm: Uint8Array, target?: 'linux' | 'kernel') => Uint8Array;

const ENTRY = (tree: string): string => `
import { decodeModule } from '${tree}/tools/wasm/index.ts';
import { Assembler } from '${tree}/tools/x86/index.ts';
import { compileModule } from '${tree}/tools/aot/index.ts';
export function compileOnce(wasm: Uint8Array, target: 'linux' | 'kernel' = 'linux'): Uint8Array {
  const m = decodeModule(wasm);
  const asm = new Assembler({ bits: 64 });
  if (target === 'kernel') {
    for (const l of ['trap', 'abort', 'poweroff', 'bt_print_from']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
    compileModule(m, asm, { target: 'kernel' });
    return asm.finish(0x400000);
  }
  for (const l of ['trap', 'abort', 'memory_grow']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
  for (const im of m.imports) { asm.bind(asm.sym('import:' + im.module + '.' + im.name)); asm.i('ud2'); }
  compileModule(m, asm, { target: 'linux', providedImports: new Set(m.imports.map((im) => im.module + '.' + im.name)) });
  return asm.finish(0);
}
`;

/** The compiler of source tree `tree` (ROOT, or a base commit's tools/), bundled under .cache/aot-base/<tag>/. */
export async function bundledCompiler(tree: string, tag: string): Promise<CompileOnce> {
  const dir = join(ROOT, '.cache', 'aot-base', tag);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'ab.ts'), out = join(dir, 'ab.mjs');
  writeFileSync(entry, ENTRY(tree));
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' } as const;
  await build({ ...common, entryPoints: [entry], outfile: out });
  const worker = join(tree, 'tools', 'aot', 'worker.ts');
  if (existsSync(worker)) await build({ ...common, entryPoints: [worker], outfile: join(dir, 'aot-worker.mjs') });
  return (await import(`${out}?t=${Date.now()}`)).compileOnce as CompileOnce;
}

/** Runs `f` with ASUK_AOT_THREADS = n (the bundled compiler reads it per compile). */
export function withThreads<T>(n: number, f: () => T): T {
  const saved = process.env.ASUK_AOT_THREADS;
  process.env.ASUK_AOT_THREADS = String(n);
  try { return f(); } finally { if (saved === undefined) delete process.env.ASUK_AOT_THREADS; else process.env.ASUK_AOT_THREADS = saved; }
}
