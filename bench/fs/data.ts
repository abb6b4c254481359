// bench/fs/data.ts — the data the workloads run on, made fresh in a temp dir:
//   - initrd trees of 1, 64 and 256 MiB with the same shape (TREE_DIRS
//     directories of TREE_FILES files under /data; only the file size
//     changes), as CPIO archives both systems boot with;
//   - the 10,000 small files the Linux peer's `cpio -id` creates in /tmp
//     (the same names and bytes images/fsbench/tmp.ts writes);
//   - the 9p share: in64.bin (64 MiB) and many/ (10,000 empty files).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { dir, file, newcArchive, type Entry } from './newc.ts';

export const TREE_DIRS = 32;
export const TREE_FILES = 32;
/** Entries `find /data` lists: /data, its directories, their files. */
export const TREE_ENTRIES = 1 + TREE_DIRS + TREE_DIRS * TREE_FILES;
export const SMALL_COUNT = 10000;
export const SMALL_SIZE = 100;
export const P9_BIG = 64 << 20;
export const P9_MANY = 10000;

const two = (i: number) => String(i).padStart(2, '0');

/** The /data tree of `mib` MiB of file bodies (random bytes) as a newc archive. */
export function treeArchive(mib: number): Buffer {
  const size = (mib << 20) / (TREE_DIRS * TREE_FILES);
  const entries: Entry[] = [dir('data')];
  for (let d = 0; d < TREE_DIRS; d++) {
    entries.push(dir(`data/d${two(d)}`));
    for (let f = 0; f < TREE_FILES; f++) entries.push(file(`data/d${two(d)}/f${two(f)}`, randomBytes(size)));
  }
  return newcArchive(entries);
}

/** The body of every small file: 'a'..'z' repeated (images/fsbench/tmp.ts writes the same). */
export function smallBody(): Buffer {
  const b = Buffer.alloc(SMALL_SIZE);
  for (let i = 0; i < SMALL_SIZE; i++) b[i] = 0x61 + (i % 26);
  return b;
}

/** b/ and b/f00000 .. b/f09999, for the peer's `cpio -id` in /tmp. */
export function smallArchive(): Buffer {
  const body = smallBody();
  const entries: Entry[] = [dir('b')];
  for (let i = 0; i < SMALL_COUNT; i++) entries.push(file(`b/f${String(i).padStart(5, '0')}`, body));
  return newcArchive(entries);
}

/** Makes the 9p share under `root`: in64.bin and many/f0 .. many/f9999. Returns its path. */
export function makeShare(root: string): string {
  const share = join(root, 'share');
  mkdirSync(join(share, 'many'), { recursive: true });
  writeFileSync(join(share, 'in64.bin'), randomBytes(P9_BIG));
  for (let i = 0; i < P9_MANY; i++) closeSync(openSync(join(share, 'many', `f${i}`), 'w'));
  return share;
}
