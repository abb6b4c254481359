// tools/fuzz/images.ts — the kernels the targets boot, built once per run
// into build/fuzz/ (asc output cached by tools/image): the shell, the shell
// with a locked embedded root (the lock-bypass oracle), kvstore.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildKernelElf } from '../link/index.ts';
import { compileImageWasm, ROOT } from '../image/index.ts';
import { encodeArchive, S_IFREG, type Entry } from './newc.ts';

export const FUZZ_DIR = join(ROOT, 'build', 'fuzz');

/** The file the locked root holds, and its content: a run that cannot show it lost the lock. */
export const LOCK_CANARY = { path: '/locked-root', body: 'the locked einitrd is /\n' };

const file = (name: string, body: string): Entry => ({ name: Buffer.from(name), mode: S_IFREG | 0o644, body: Buffer.from(body), ino: 0, nlink: 1 });

const built = new Map<string, Promise<string>>();

/** The ELF of `which`, built once per process. */
export function fuzzElf(which: 'shell' | 'shell-locked' | 'kvstore'): Promise<string> {
  let p = built.get(which);
  if (!p) {
    p = (async () => {
      mkdirSync(FUZZ_DIR, { recursive: true });
      const wasm = (await compileImageWasm(which === 'kvstore' ? 'kvstore' : 'shell')).wasm;
      const einitrd = which === 'shell-locked'
        ? encodeArchive([file(LOCK_CANARY.path.slice(1), LOCK_CANARY.body)]) : undefined;
      const out = join(FUZZ_DIR, `${which}.elf`);
      writeFileSync(out, buildKernelElf(wasm, { einitrd, locked: which === 'shell-locked' }).elf);
      return out;
    })();
    built.set(which, p);
  }
  return p;
}
