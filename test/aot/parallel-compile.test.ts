// Large modules compile in chunks, on worker threads (tools/aot/module.ts
// chunks, parallel.ts, worker.ts): the code must not depend on the thread
// count (byte for byte, with every label at the same offset), and the chunked
// program must behave as the one compiled in one piece.
import { chmodSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileWasiCommand, runProc } from '../../bench/host/index.ts';
import { synthSource } from '../../bench/aot/synth.ts';
import { AotError, compileModule, type AotOptions } from '../../tools/aot/index.ts';
import { chunksFromWorkers } from '../../tools/aot/parallel.ts';
import { buildWith } from '../../tools/aot/linux/build.ts';
import { decodeModule } from '../../tools/wasm/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { compileAs } from '../kernel/harness.ts';
import { compileWat, tmpPath } from './linux-runner.ts';

/** Small chunks, so that even a test module has many of them (and pool constants, descriptors, names shared across them). */
const CHUNKS = { minModule: 0, size: 1500 };

function compileKernel(wasm: Uint8Array, extra: Partial<AotOptions>) {
  const asm = new Assembler({ bits: 64 });
  for (const l of ['trap', 'abort', 'poweroff', 'bt_print_from']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
  compileModule(decodeModule(wasm), asm, { target: 'kernel', ...extra });
  return { code: asm.finish(0x400000), symbols: asm.symbols() };
}

async function runLinux(wasm: Uint8Array, extra: Partial<AotOptions>): Promise<string> {
  const exe = buildWith(wasm, { mode: 'command' }, (m, asm, o) => compileModule(m, asm, { ...o, ...extra }));
  const path = tmpPath('synth');
  writeFileSync(path, exe);
  chmodSync(path, 0o755);
  const r = await runProc(path, ['7']);
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

describe('chunked compile', () => {
  it('emits the same bytes on 1 and 2 threads (kernel target)', async () => {
    const { wasm } = await compileAs('test/kernel/as/all-entry.ts');
    const one = compileKernel(wasm, { threads: 1, chunks: CHUNKS });
    // the first compile may end before the worker has started: again until a worker took chunks
    const before = chunksFromWorkers();
    for (let k = 0; k < 6 && chunksFromWorkers() === before; k++) {
      const two = compileKernel(wasm, { threads: 2, chunks: CHUNKS });
      expect(Buffer.from(two.code).equals(Buffer.from(one.code))).toBe(true);
      expect(two.symbols).toEqual(one.symbols);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(chunksFromWorkers()).toBeGreaterThan(before);
    const whole = compileKernel(wasm, { threads: 2 });            // below the size limit: one piece
    expect(whole.code.length).toBeLessThanOrEqual(one.code.length);
  }, 120_000);

  it('runs a chunked program as the whole one, on 1 and 2 threads (Linux target)', async () => {
    const wasm = await compileWasiCommand('bench/aot/synth-gen.ts', [], { 'bench/aot/synth-gen.ts': synthSource(40) });
    const whole = await runLinux(wasm, {});
    expect(whole).toMatch(/^synth -?\d+\n$/);
    expect(await runLinux(wasm, { threads: 1, chunks: CHUNKS })).toBe(whole);
    expect(await runLinux(wasm, { threads: 2, chunks: CHUNKS })).toBe(whole);
    const m = decodeModule(wasm);
    const compile = (threads: number) => {
      const asm = new Assembler({ bits: 64 });
      for (const l of ['trap', 'abort', 'memory_grow']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
      for (const im of m.imports) { asm.bind(asm.sym(`import:${im.module}.${im.name}`)); asm.i('ud2'); }
      compileModule(m, asm, { target: 'linux', threads, chunks: CHUNKS, providedImports: new Set(m.imports.map((im) => `${im.module}.${im.name}`)) });
      return asm.finish(0);
    };
    expect(Buffer.from(compile(2)).equals(Buffer.from(compile(1)))).toBe(true);
  }, 180_000);

  it('reports the first failing function in order, from a worker as on one thread', async () => {
    // functions 30 and 50 have too many locals (AotError 'unsupported'); 30 must be the one reported
    const body = (k: number) => (k === 30 || k === 50 ? `(func (local${' i32'.repeat(50001)}))` : `(func (result i32) (i32.add (i32.const ${k}) (i32.const 1)))`);
    const wasm = await compileWat(`(module ${Array.from({ length: 60 }, (_, k) => body(k)).join(' ')})`);
    const errorOf = (threads: number): AotError => {
      try { compileKernel(wasm, { threads, chunks: { minModule: 0, size: 20 } }); } catch (e) { if (e instanceof AotError) return e; throw e; }
      throw new Error('no error');
    };
    const one = errorOf(1);
    expect(one.code).toBe('unsupported');
    expect(one.message).toMatch(/function 30: more than 50000 locals/);
    for (let k = 0; k < 3; k++) expect(errorOf(2).message).toBe(one.message);
  }, 60_000);
});
