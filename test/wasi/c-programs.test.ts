// C programs (test/wasi/c/*.c) compiled by Debian's clang + wasi-libc, run by
// asuk's Linux target and by Node's WASI: stdout, stderr, exit status and the
// files each leaves in its sandbox must be the same byte for byte.

import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';

const HERE = dirname(new URL(import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), 'asuk-wasi-c-'));
const ENV = { GREETING: 'hello world', EMPTY: '' };
const ARGS = ['one', 'two words', ''];

/** Every entry under dir: type, then contents or link target (what a program left behind). */
function snapshot(dir: string, at = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, at)).sort()) {
    const rel = join(at, name), st = lstatSync(join(dir, rel));
    if (st.isSymbolicLink()) out.push(`L ${rel} -> ${readlinkSync(join(dir, rel))}`);
    else if (st.isDirectory()) out.push(`D ${rel}`, ...snapshot(dir, rel));
    else out.push(`F ${rel} ${readFileSync(join(dir, rel)).toString('base64')}`);
  }
  return out;
}

/** A fresh root: sandbox/ (preopened as /sandbox) beside outside.txt, which must stay unreachable. */
function freshRoot(name: string): string {
  const root = join(work, name);
  mkdirSync(join(root, 'sandbox'), { recursive: true });
  writeFileSync(join(root, 'outside.txt'), 'secret\n');
  if (name.startsWith('escape')) {
    const s = join(root, 'sandbox');
    mkdirSync(join(s, 'sub'));
    for (const [target, link] of [['/etc', 'abs'], ['..', 'up'], ['up/..', 'chain'], ['chain', 'chain2'], ['../../outside.txt', 'sub/rel']]) {
      symlinkSync(target!, join(s, link!));
    }
  }
  return root;
}

const PROGRAMS = ['stdio', 'files', 'timeclock', 'escape'];
/** Node's WASI follows host symlinks out of its preopens (its docs: not a sandbox), so escape is checked against this. */
const ESCAPE_STDOUT = [
  'open /sandbox/../outside.txt: denied', 'open /sandbox/sub/../../outside.txt: denied', 'open /sandbox/abs/passwd: denied',
  'open /sandbox/up/outside.txt: denied', 'open /sandbox/chain2/outside.txt: denied', 'open /sandbox/sub/rel: denied',
  'open /sandbox/sub/../sub/./: opened', 'mkdir via up: denied', 'unlink via chain: denied', 'stat via abs: denied', '',
].join('\n');

const TIMECLOCK_STDOUT = ['slept>=20ms: 1', 'wall after 2020: 1', 'time() agrees: 1', 'monotonic res ok: 1', ''].join('\n');

describe('C programs: asuk Linux target vs Node WASI', () => {
  beforeAll(async () => {
    for (const p of PROGRAMS) {
      await execa('clang', ['--target=wasm32-wasi', '-O2', join(HERE, 'c', `${p}.c`), '-o', join(work, `${p}.wasm`)]);
      writeFileSync(join(work, p), buildLinuxExecutable(new Uint8Array(readFileSync(join(work, `${p}.wasm`))), { mode: 'command' }), { mode: 0o755 });
    }
  }, 240_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const p of PROGRAMS) {
    it(p, async () => {
      const a = freshRoot(`${p}-asuk`), n = freshRoot(`${p}-node`);
      const envFlags = Object.entries(ENV).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
      const asuk = await execa(join(work, p), ['--dir', `${join(a, 'sandbox')}::/sandbox`, ...envFlags, '--', ...ARGS],
        { env: {}, extendEnv: false, reject: false, timeout: 60_000, stripFinalNewline: false, stdin: 'ignore' });
      const node = await execa(process.execPath, ['--no-turbo-fast-api-calls', '--no-warnings', join(HERE, 'node-wasi.mjs'),
        join(work, `${p}.wasm`), `/sandbox=${join(n, 'sandbox')}`, JSON.stringify(ENV), ...ARGS],
        { reject: false, timeout: 60_000, stripFinalNewline: false, stdin: 'ignore' });
      expect(existsSync(join(a, 'outside.txt'))).toBe(true);
      if (p === 'timeclock') {
        // Node's own nanosleep sometimes wakes early (2 of 40 runs here), so each property is checked, not Node's answer.
        expect({ exit: asuk.exitCode, stdout: asuk.stdout, stderr: asuk.stderr }).toEqual({ exit: 0, stdout: TIMECLOCK_STDOUT, stderr: '' });
        return;
      }
      if (p === 'escape') {
        expect({ exit: asuk.exitCode, stdout: asuk.stdout, stderr: asuk.stderr }).toEqual({ exit: 0, stdout: ESCAPE_STDOUT, stderr: '' });
        expect(readdirSync(a).sort()).toEqual(['outside.txt', 'sandbox']);
        return;
      }
      expect({ exit: asuk.exitCode, stdout: asuk.stdout, stderr: asuk.stderr, tree: snapshot(a) })
        .toEqual({ exit: node.exitCode, stdout: node.stdout, stderr: node.stderr, tree: snapshot(n) });
    }, 120_000);
  }
});
