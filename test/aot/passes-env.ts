// Test helpers for runs with a set of tools/aot passes (ASUK_AOT_PASSES) and for counting
// frame-slot stores in a function's disassembly.
//
//   withPasses(spec, f)                 f() with ASUK_AOT_PASSES=spec, restored after
//   differentialWith(spec, wat, calls)  wat's calls, compiled with passes spec, against Node (differential.ts)
//   slotStores(wat, passes, f)          `mov DWORD PTR [rbp-N],reg` in body:f of wat's Linux build
//   nonLeaf(name)                       a callee (i32) -> i32 that pass inline keeps calls to

import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';
import { compileWat, tmpPath } from './linux-runner.ts';
import { differential } from './differential.ts';

export async function withPasses<T>(spec: string, f: () => Promise<T>): Promise<T> {
  const prev = process.env.ASUK_AOT_PASSES;
  process.env.ASUK_AOT_PASSES = spec;
  try { return await f(); } finally { if (prev === undefined) delete process.env.ASUK_AOT_PASSES; else process.env.ASUK_AOT_PASSES = prev; }
}

/** `calls` to wat's exports, its Linux build compiled with passes `spec`, against Node's WebAssembly. */
export async function differentialWith(
  spec: string, wat: string, calls: Parameters<typeof differential>[1],
): ReturnType<typeof differential> {
  const wasm = await compileWat(wat);
  return withPasses(spec, () => differential(wasm, calls));
}

/** Stores of a 32-bit register to a frame slot in the body of function `f`, built with passes `passes`. */
export async function slotStores(wat: string, passes: string, f: number): Promise<number> {
  const path = tmpPath(`slots-${passes}.elf`);
  const wasm = await compileWat(wat);
  await withPasses(passes, async () => { writeFileSync(path, buildLinuxExecutable(wasm, { mode: 'driver' })); });
  const dis = (await execa('objdump', ['-d', '-M', 'intel', '--no-show-raw-insn', path])).stdout;
  let inF = false, n = 0;
  for (const line of dis.split('\n')) {
    const sym = /^[0-9a-f]+ <([^>]+)>:/.exec(line);
    if (sym) { inF = sym[1].startsWith(`body:${f}:`); continue; }
    if (inF && /\smov\s+DWORD PTR \[rbp-0x[0-9a-f]+\],\w+$/.test(line)) n++;
  }
  return n;
}

/**
 * WAT of a function `$name` (i32) -> i32 that is not a leaf (it may call itself), so pass inline
 * keeps the calls to it: for tests that need a real call (every caller-saved register clobbered).
 */
export function nonLeaf(name: string): string {
  return `(func $${name} (param i32) (result i32)
    (if (i32.gt_u (local.get 0) (i32.const 0x40000000)) (then (return (call $${name} (i32.shr_u (local.get 0) (i32.const 3))))))
    (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))`;
}
