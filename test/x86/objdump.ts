// Runs GNU objdump over a flat binary and returns its Intel-syntax text per
// address, normalized (see the notes at the top of encoder.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bits } from './instances.ts';

/** Disassemble `bytes`; returns address -> normalized instruction text, in address order. */
export function objdump(bytes: Uint8Array, bits: Bits): Map<number, string> {
  const dir = mkdtempSync(join(tmpdir(), 'x86-'));
  try {
    const file = join(dir, 'code.bin');
    writeFileSync(file, bytes);
    const out = execFileSync('objdump', ['-D', '-b', 'binary', '-m', bits === 64 ? 'i386:x86-64' : 'i386',
      '-M', 'intel', '--insn-width=16', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const map = new Map<number, string>();
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$/.exec(line);
      if (m) map.set(parseInt(m[1], 16), normalize(m[2]));
    }
    return map;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function normalize(t: string): string {
  const target = /#\s*(0x[0-9a-f]+)/.exec(t);
  if (target && /\[rip[+-]0x[0-9a-f]+\]/.test(t)) t = t.replace(/\[rip[+-]0x[0-9a-f]+\]/, `[rip->${target[1]}]`);
  t = t.replace(/^invlpg BYTE PTR /, 'invlpg ');
  return t.replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim();
}

