// bench/fs/newc.ts — CPIO newc archives built in memory from a list of
// entries (headers from tools/cpio's encoder, the one definition of the
// format). Used for the benchmark's data trees and the Linux initramfs,
// which needs entries a host directory cannot hold without root (the
// /dev/console character device).
import { encodeNewc, type NewcHeader } from '../../tools/cpio/index.ts';

export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

/** One archive entry: a name, a mode (type + permissions), a body, a device number. */
export interface Entry { name: string; mode: number; body?: Uint8Array; rdev?: [number, number] }

const pad4 = (n: number) => (4 - (n % 4)) % 4;

/** A complete newc archive (entries, trailer, padded to 512 bytes). Inodes are numbered 1, 2, ... */
export function newcArchive(entries: Entry[]): Buffer {
  const parts: Uint8Array[] = [];
  let bytes = 0;
  const push = (b: Uint8Array) => { parts.push(b); bytes += b.length; };
  const header = (e: Entry, ino: number): NewcHeader => ({
    name: e.name, ino, mode: e.mode, uid: 0, gid: 0, nlink: (e.mode & 0o170000) === S_IFDIR ? 2 : 1,
    mtime: 0, size: e.body?.length ?? 0, devmajor: 0, devminor: 0,
    rdevmajor: e.rdev?.[0] ?? 0, rdevminor: e.rdev?.[1] ?? 0,
  });
  entries.forEach((e, i) => {
    push(encodeNewc(header(e, i + 1)));
    if (e.body?.length) { push(e.body); push(Buffer.alloc(pad4(e.body.length))); }
  });
  push(encodeNewc({
    name: 'TRAILER!!!', ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, size: 0,
    devmajor: 0, devminor: 0, rdevmajor: 0, rdevminor: 0,
  }));
  push(Buffer.alloc((512 - (bytes % 512)) % 512));
  return Buffer.concat(parts, bytes);
}

export const dir = (name: string): Entry => ({ name, mode: S_IFDIR | 0o755 });
export const file = (name: string, body: Uint8Array, perm = 0o644): Entry => ({ name, mode: S_IFREG | perm, body });
export const symlink = (name: string, target: string): Entry =>
  ({ name, mode: S_IFLNK | 0o777, body: Buffer.from(target) });
