// Golden code generation: each test/aot/golden/<name>.wat compiled for the
// kernel target, disassembled by objdump, compared with <name>.kernel.dis.
// A case whose first line is `;; pass: NAME` (a plan.ts pass) is also compiled
// with that pass off, into <name>.off.kernel.dis, and the two must differ: the
// pair shows what the pass does. A line `;; off: NAME,...` turns those passes
// off in both (a case about calls keeps its call: `;; off: inline`). Regenerate with UPDATE_GOLDEN=1 and review the diff.

import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { decodeModule } from '../../tools/wasm/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { compileModule, PASS_NAMES, type AotPasses } from '../../tools/aot/index.ts';
import { compileWat, tmpPath } from './linux-runner.ts';

const DIR = join(import.meta.dirname, 'golden');

/** Instruction text of the compiled code (labels from the assembler, addresses stripped, runs of 1-byte nop / int3 padding as one line). */
async function disassemble(wasm: Uint8Array, passes: Partial<AotPasses> = {}): Promise<string> {
  const asm = new Assembler({ bits: 64 });
  for (const l of ['trap', 'abort', 'poweroff']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
  const start = asm.pos;
  const stats = compileModule(decodeModule(wasm), asm, { target: 'kernel', passes });
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
    const text = `  ${m[2].replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim()}`;
    const last = out.length - 1;
    const run = /^ {2}(nop|int3)(?: x(\d+))?$/.exec(out[last] ?? '');
    if (!name && (text === '  nop' || text === '  int3') && run && run[1] === text.trim()) {
      out[last] = `${text} x${Number(run[2] ?? 1) + 1}`;          // a run of padding as one line
    } else out.push(text);
  }
  return out.join('\n') + '\n';
}

function check(got: string, golden: string): void {
  if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, got);
  expect(got).toBe(readFileSync(golden, 'utf8'));
}

/** All passes on: ASUK_AOT_PASSES from the environment must not change the goldens. */
const ALL_ON: Partial<AotPasses> = Object.fromEntries(PASS_NAMES.map((n) => [n, true]));

describe('golden disassembly (kernel target)', () => {
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.wat'))) {
    it(f, async () => {
      const wat = readFileSync(join(DIR, f), 'utf8');
      const wasm = await compileWat(wat);
      const without = Object.fromEntries((/^;; off: ([\w,]+)/m.exec(wat)?.[1] ?? '').split(',').filter(Boolean).map((n) => [n, false]));
      const on = await disassemble(wasm, { ...ALL_ON, ...without });
      check(on, join(DIR, f.replace(/\.wat$/, '.kernel.dis')));
      const pass = /^;; pass: (\w+)/.exec(wat)?.[1] as keyof AotPasses | undefined;
      if (!pass) return;
      expect(PASS_NAMES).toContain(pass);
      const off = await disassemble(wasm, { ...ALL_ON, ...without, [pass]: false });
      check(off, join(DIR, f.replace(/\.wat$/, '.off.kernel.dis')));
      expect(off).not.toBe(on);
    });
  }
});
