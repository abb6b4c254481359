// kernel/vfs/file.ts — the file table: descriptors -> open file descriptions
// (vnode, access flags, offset). Descriptors 0..2 are reserved for the
// console's stdin/stdout/stderr and never handed out here.

import { Errno } from "./errno";
import { Vnode } from "./vnode";

// ---- open(2) flags, Linux x86-64 values (include/uapi/asm-generic/fcntl.h) ----
export const O_RDONLY: i32 = 0;
export const O_WRONLY: i32 = 1;
export const O_RDWR: i32 = 2;
export const O_ACCMODE: i32 = 3;
export const O_CREAT: i32 = 0o100;
export const O_EXCL: i32 = 0o200;
export const O_NOCTTY: i32 = 0o400;
export const O_TRUNC: i32 = 0o1000;
export const O_APPEND: i32 = 0o2000;
export const O_NONBLOCK: i32 = 0o4000;
export const O_DIRECTORY: i32 = 0o200000;
export const O_NOFOLLOW: i32 = 0o400000;
export const O_CLOEXEC: i32 = 0o2000000;

// ---- lseek whence ----
export const SEEK_SET: i32 = 0;
export const SEEK_CUR: i32 = 1;
export const SEEK_END: i32 = 2;

/** First descriptor the file table hands out. */
export const FD_FIRST: i32 = 3;
/** Descriptors per system (RLIMIT_NOFILE's usual soft limit). */
export const FD_MAX: i32 = 1024;

/** One open file description. For a directory, `offset` is the readdir cookie. */
export class OpenFile {
  node: Vnode;
  flags: i32;
  offset: u64 = 0;

  constructor(node: Vnode, flags: i32) {
    this.node = node;
    this.flags = flags;
  }

  @inline canRead(): bool { return (this.flags & O_ACCMODE) != O_WRONLY; }
  @inline canWrite(): bool { return (this.flags & O_ACCMODE) != O_RDONLY; }
}

const table = new Array<OpenFile | null>();
/**
 * Closed descriptions kept for the next open (at most SPARE_MAX): an
 * open/close pair allocates nothing, which matters under the incremental GC.
 * Nothing outside this file keeps an OpenFile past close.
 */
const spare = new Array<OpenFile>();
const SPARE_MAX: i32 = 16;

/** A description of `node` opened with `flags`, offset 0: a spare one or a new one. */
function describe(node: Vnode, flags: i32): OpenFile {
  if (spare.length == 0) return new OpenFile(node, flags);
  let f = spare.pop();
  f.node = node;
  f.flags = flags;
  f.offset = 0;
  return f;
}

/** Opens a description of `node` in the lowest free descriptor. Returns it, or -EMFILE. */
export function fdAlloc(node: Vnode, flags: i32): i32 {
  for (let i = FD_FIRST; i < table.length; i++) {
    if (table[i] === null) { table[i] = describe(node, flags); return i; }
  }
  if (table.length >= FD_MAX) return -Errno.EMFILE;
  while (table.length < FD_FIRST) table.push(null);
  table.push(describe(node, flags));
  return table.length - 1;
}

/** The description behind `fd`, or null (the caller returns -EBADF). */
export function fdGet(fd: i32): OpenFile | null {
  if (fd < FD_FIRST || fd >= table.length) return null;
  return table[fd];
}

/** Frees `fd` (its description may be reused by the next open). Returns false if it was not open. */
export function fdFree(fd: i32): bool {
  let f = fdGet(fd);
  if (f === null) return false;
  table[fd] = null;
  if (spare.length < SPARE_MAX) spare.push(f);
  return true;
}
