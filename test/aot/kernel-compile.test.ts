// The real kernel-shaped output of asc compiles for the kernel target:
// hw imports become instructions, env.abort a call, nothing is unsupported.
// Also reports compile speed (KB/s) on the biggest module.
import { describe, it, expect } from 'vitest';
import { compileAs } from '../kernel/harness.ts';
import { decodeModule } from '../../tools/wasm/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { compileModule, AotError } from '../../tools/aot/index.ts';
import { compileWat } from './linux-runner.ts';

/** Compiles for the kernel target, binding the labels the boot stub would define. */
function compileKernel(wasm: Uint8Array) {
  const m = decodeModule(wasm);
  const asm = new Assembler({ bits: 64 });
  for (const l of ['trap', 'abort', 'poweroff', 'bt_print_from']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
  const stats = compileModule(m, asm, { target: 'kernel' });
  const code = asm.finish(0x400000);
  return { stats, code, asm };
}

describe('kernel target', () => {
  for (const entry of ['images/hello/app.ts', 'test/kernel/as/all-entry.ts']) {
    it(`compiles asc -O3 output of ${entry}`, async () => {
      const { wasm } = await compileAs(entry);
      const { stats, code, asm } = compileKernel(wasm);
      expect(stats.functions).toBeGreaterThan(10);
      expect(code.length).toBeGreaterThan(stats.codeBytes);
      expect(asm.isBound(asm.sym('instantiate'))).toBe(true);
      const kb = wasm.length / 1024;
      console.log(`${entry}: ${kb.toFixed(1)} KB wasm, ${stats.functions} functions, ` +
        `${stats.codeBytes} code bytes, ${stats.ms.toFixed(1)} ms (${(kb / (stats.ms / 1000)).toFixed(0)} KB/s)`);
    });
  }
});

describe('compile errors and imports', () => {
  const errorOf = (fn: () => unknown): AotError => {
    try { fn(); } catch (e) { if (e instanceof AotError) return e; throw e; }
    throw new Error('no error');
  };
  it('rejects an import the kernel does not provide, naming it', async () => {
    const wasm = await compileWat('(module (import "env" "foo" (func)) (func (export "f") (call 0)))');
    const e = errorOf(() => compileKernel(wasm));
    expect(e.code).toBe('unsupported');
    expect(e.message).toContain('env.foo');
  });
  it('checks hw import signatures', async () => {
    const wasm = await compileWat('(module (import "hw" "outb" (func (param i64 i32))))');
    const e = errorOf(() => compileKernel(wasm));
    expect(e.code).toBe('unsupported');
    expect(e.message).toContain('hw.outb has type (I64, I32) -> ()');
  });
  it('folds imported globals from importValues, and needs them', async () => {
    const wasm = await compileWat(`(module (import "spectest" "global_i32" (global i32))
      (global $g i32 (global.get 0)) (memory 1) (data (global.get 0) "x")
      (func (export "f") (result i32) (i32.add (global.get 0) (global.get $g))))`);
    const m = decodeModule(wasm);
    expect(errorOf(() => compileModule(m, new Assembler({ bits: 64 }), { target: 'kernel' })).message).toContain('spectest.global_i32');
    const asm = new Assembler({ bits: 64 });
    for (const l of ['trap', 'abort', 'poweroff']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
    compileModule(m, asm, { target: 'kernel', importValues: new Map([['spectest.global_i32', 666n]]) });
    const code = asm.finish(0);
    const g1 = asm.offsetOf(asm.sym('global:1'));
    expect(new DataView(code.buffer, code.byteOffset).getUint32(g1, true)).toBe(666);
  });
});
