// test/rootfs/trees.ts — the host trees the round-trip tests pack (issue 4):
// empty files, a 32 MiB file, 64-level nesting, 255-byte names, UTF-8 and
// spaces in names, symlinks (relative, absolute, dangling), hard links, and
// 10,000 entries.
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNoise } from './helpers.ts';

/** Fills `dir` with the big round-trip tree; returns its entry count (without the root). */
export function makeBigTree(dir: string): number {
  let n = 0;
  const mk = (p: string) => { mkdirSync(join(dir, p), { recursive: true }); n++; };
  const file = (p: string, body: string | Uint8Array) => { writeFileSync(join(dir, p), body); n++; };
  mk('empty');
  for (let i = 0; i < 3; i++) file(`empty/e${i}`, '');
  writeNoise(join(dir, 'big.bin'), 32 << 20, 7); n++;
  let deep = 'deep';
  mk(deep);
  for (let i = 1; i < 64; i++) { deep += `/l${i}`; mk(deep); }
  file(`${deep}/bottom.txt`, 'at the bottom\n');
  mk('names');
  file(`names/${'x'.repeat(255)}`, 'long ascii name\n');
  file(`names/${'é'.repeat(127)}a`, 'long utf-8 name\n');
  mk('names/with spaces in it');
  file('names/with spaces in it/fïlé ü.txt', 'ünïcödé\n');
  file('names/日本語のファイル', '日本語\n');
  mk('links');
  symlinkSync('../names/日本語のファイル', join(dir, 'links/rel')); n++;
  symlinkSync('/big.bin', join(dir, 'links/abs')); n++;
  symlinkSync('/does/not/exist', join(dir, 'links/dangling-abs')); n++;
  symlinkSync('nothing here', join(dir, 'links/dangling-rel')); n++;
  mk('hard');
  file('hard/a', 'one body, three names\n');
  linkSync(join(dir, 'hard/a'), join(dir, 'hard/b')); n++;
  linkSync(join(dir, 'hard/a'), join(dir, 'links/c-hard')); n++;
  mk('many');
  for (let d = 0; d < 100; d++) {
    mk(`many/d${d}`);
    for (let f = 0; f < 99; f++) file(`many/d${d}/f${f}`, `${d}.${f}\n`);
  }
  return n;
}

/** A small tree for the write tests and the fstab tests. */
export function makeSmallTree(dir: string, tag: string): void {
  mkdirSync(join(dir, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'etc/config'), `tag=${tag}\n`);
  mkdirSync(join(dir, 'data/sub'), { recursive: true });
  writeFileSync(join(dir, 'data/one'), 'one\n');
  writeFileSync(join(dir, 'data/sub/two'), 'two\n');
  symlinkSync('one', join(dir, 'data/link'));
}
