// Golden code generation: each test/aot/golden/<name>.wat compiled for the
// kernel target, disassembled by objdump, compared with <name>.kernel.dis.
// Regenerate with UPDATE_GOLDEN=1 and review the diff.

import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { decodeModule } from '../../tools/wasm/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { compileModule } from '../../tools/aot/index.ts';
import { compileWat, tmpPath } from './linux-runner.ts';

const DIR = join(import.meta.dirname, 'golden');

/** Instruction text of the compiled code (labels from the assembler, addresses stripped). */
async function disassemble(wasm: Uint8Array): Promise<string> {
  const asm = new Assembler({ bits: 64 });
  for (const l of ['trap', 'abort', 'poweroff']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
  const start = asm.pos;
  const stats = compileModule(decodeModule(wasm), asm, { target: 'kernel' });
  const code = asm.finish(0).subarray(start, start + stats.codeBytes);
  const names = new Map(asm.symbols().map((s) => [s.offset - start, s.name]));
  const bin = tmpPath('code.bin');
  writeFileSync(bin, code);
  const { stdout } = await execa('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', bin]);
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)$/.exec(line);
    if (!m) continue;
    const name = names.get(parseInt(m[1], 16));
    if (name) out.push(`${name}:`);
    out.push(`  ${m[2].replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim()}`);
  }
  return out.join('\n') + '\n';
}

describe('golden disassembly (kernel target)', () => {
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.wat'))) {
    it(f, async () => {
      const got = await disassemble(await compileWat(readFileSync(join(DIR, f), 'utf8')));
      const golden = join(DIR, f.replace(/\.wat$/, '.kernel.dis'));
      if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, got);
      expect(got).toBe(readFileSync(golden, 'utf8'));
    });
  }
});
