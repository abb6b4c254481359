// The real kernel-shaped output of asc compiles for the kernel target:
// hw imports become instructions, env.abort a call, nothing is unsupported.
// Also reports compile speed (KB/s) on the biggest module.
import { describe, it, expect } from 'vitest';
import { compileAs } from '../kernel/harness.ts';
import { decodeModule } from '../../tools/wasm/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { compileModule } from '../../tools/aot/index.ts';

/** Compiles for the kernel target, binding the labels the boot stub would define. */
function compileKernel(wasm: Uint8Array) {
  const m = decodeModule(wasm);
  const asm = new Assembler({ bits: 64 });
  for (const l of ['trap', 'abort', 'poweroff']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
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
