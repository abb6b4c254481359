// tools/fuzz/wasipath.ts — the `wasipath` target: a WASI command as the
// unikernel's app (tools/image/wasm.ts) opens random paths beneath its
// preopen /sandbox, a random tree of directories, files and symlinks
// (relative, absolute, `..` chains, loops) in an initrd, beside /secret and
// /secretdir/s.txt outside it. Reading a secret is an escape; a panic or a
// hang is a failure; every path must get its line (a missing one is mute).

import { execa } from 'execa';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packDirectory } from '../cpio/index.ts';
import { buildWasmImage } from '../image/wasm.ts';
import { runQemu } from '../qemu/index.ts';
import { bootTrouble, outcome, serialLines } from './classify.ts';
import { FUZZ_DIR } from './images.ts';
import type { Rng } from './rng.ts';
import type { CaseResult, Target } from './target.ts';

const SECRET = 'SECRET-OUTSIDE';
const LINKS = ['..', '../..', '/', '/secret', '../secret', 'a/../..', 'a/b/../../..', '.', 'a', 'f1', 'l0', 'l1', 'a/b',
  '../sandbox/f1', '/sandbox/f1', 'nowhere', '../secretdir', 'a/../../secretdir/s.txt', ''];
const PARTS = ['a', 'b', 'c', '..', '.', 'f1', 'l0', 'l1', 'l2', 'l3', '', 'secret', 'secretdir', 's.txt', 'nowhere'];

interface Tree { root: string; paths: string[]; what: string }

/** A random sandbox under work/root, and the paths to open beneath it. */
function makeTree(rng: Rng, work: string): Tree {
  const root = join(work, 'root'), sb = join(root, 'sandbox');
  mkdirSync(join(sb, 'a', 'b'), { recursive: true });
  mkdirSync(join(root, 'secretdir'), { recursive: true });
  mkdirSync(join(root, 'cases'));
  writeFileSync(join(root, 'secret'), `${SECRET}\n`);
  writeFileSync(join(root, 'secretdir', 's.txt'), `${SECRET} too\n`);
  writeFileSync(join(sb, 'f1'), 'inside\n');
  const links: string[] = [];
  for (let k = 0; k < 4; k++) {
    const at = rng.pick(['', 'a/', 'a/b/']);
    const target = rng.pick(LINKS);
    if (target === '') continue;
    symlinkSync(target, join(sb, `${at}l${k}`));
    links.push(`${at}l${k}->${target}`);
  }
  const paths: string[] = [];
  for (let n = rng.range(6, 20); n > 0; n--) {
    const parts: string[] = [];
    for (let k = rng.range(1, 6); k > 0; k--) parts.push(rng.pick(PARTS));
    paths.push((rng.chance(0.1) ? '/' : '') + parts.join('/'));
  }
  writeFileSync(join(root, 'cases', 'list.txt'), `${paths.join('\n')}\n`);
  return { root, paths, what: `links ${links.join(' ')}; paths ${paths.join(' ')}` };
}

export const wasipathTarget: Target<{ elf: string }> = {
  name: 'wasipath',
  async prepare() {
    mkdirSync(FUZZ_DIR, { recursive: true });
    const wasm = join(FUZZ_DIR, 'wasipath.wasm');
    // No wasm-opt from node_modules/.bin on PATH: it would strip the names a trap line shows.
    await execa('clang', ['--target=wasm32-wasi', '-O2', join(import.meta.dirname, 'c', 'wasipath.c'), '-o', wasm],
      { env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    return { elf: (await buildWasmImage(wasm)).elf };
  },
  async run(c, rng: Rng, work: string): Promise<CaseResult> {
    const t = makeTree(rng, work);
    const cpio = join(work, 'root.cpio');
    await packDirectory(t.root, cpio);
    const r = await runQemu({
      kernel: c.elf, machine: 'microvm', memory: '128M', initrd: [cpio], extraArgs: ['-cpu', 'max'], timeoutMs: 120_000,
      append: 'wasi.dirs=[ "/cases::/cases" "/sandbox::/sandbox" ] --',
    });
    const trouble = bootTrouble(r);
    if (trouble) return { ...trouble, what: t.what };
    const lines = serialLines(r.serial);
    const leak = lines.find((l) => l.includes(SECRET));
    if (leak) return { ...outcome('escape', leak), what: t.what };
    const answered = lines.filter((l) => /^P \d+ (ok|err) /.test(l)).length;
    if (r.guestExit !== 0 || !lines.includes('done') || answered !== t.paths.length) {
      return { ...outcome('mute', `exit ${r.guestExit}, ${answered}/${t.paths.length} paths answered`), what: t.what };
    }
    return { ...outcome('accepted', ''), what: t.what };
  },
};
