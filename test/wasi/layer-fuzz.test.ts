// Fuzz target for the WASI layer (wasi/), whose input is whatever the app
// passes: test/wasi/c/fuzz.c makes raw WASI calls with random descriptors,
// pointers, lengths, flags and paths (.., /, symlinks pointing out, a loop).
// Every seed must run to the end (no trap, no hang) and leave everything
// outside the preopen as it was. More seeds: WASI_FUZZ_SEEDS=200 WASI_FUZZ_CALLS=20000.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';

const HERE = dirname(new URL(import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), 'asuk-wasi-fuzz-'));
const SEEDS = Number(process.env.WASI_FUZZ_SEEDS ?? 6), CALLS = Number(process.env.WASI_FUZZ_CALLS ?? 3000);
const exe = join(work, 'fuzz');

describe('WASI layer fuzz (random raw calls)', () => {
  beforeAll(async () => {
    await execa('clang', ['--target=wasm32-wasi', '-O2', join(HERE, 'c', 'fuzz.c'), '-o', `${exe}.wasm`]);
    writeFileSync(exe, buildLinuxExecutable(new Uint8Array(readFileSync(`${exe}.wasm`)), { mode: 'command' }), { mode: 0o755 });
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(`${SEEDS} seeds x ${CALLS} calls: every call answered, nothing outside touched`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const root = join(work, `seed${seed}`), sb = join(root, 'sb');
      mkdirSync(sb, { recursive: true });
      writeFileSync(join(root, 'outside.txt'), 'secret\n');
      symlinkSync('..', join(sb, 'up'));
      symlinkSync('/etc', join(sb, 'abs'));
      symlinkSync('loop', join(sb, 'loop'));
      const r = await execa(exe, ['--dir', 'sb', '--', String(seed), String(CALLS)], { cwd: root, env: {}, extendEnv: false, reject: false, timeout: 60_000, stdin: 'ignore' });
      // Random writes may reach stdout/stderr through renumbered fds: only the last line is the program's.
      expect({ seed, exit: r.exitCode, last: r.stdout.split('\n').at(-1), trap: /trap:/.test(r.stderr) })
        .toEqual({ seed, exit: 0, last: `survived ${CALLS} calls`, trap: false });
      expect(readdirSync(root).sort()).toEqual(['outside.txt', 'sb']);
      expect(readFileSync(join(root, 'outside.txt'), 'utf8')).toBe('secret\n');
    }
  }, 300_000);
});
