// kernel/vfs/api.ts — the POSIX-shaped calls on descriptors: open, close,
// read, write, pread, pwrite, lseek, fstat, ftruncate, fsync, readdir.
// Each returns a value >= 0 or a negative Errno (Linux numbers).
// Calls on names (mkdir, rename ...) are in names.ts.

import { Errno } from "./errno";
import {
  FD_MAX, OpenFile, fdAlloc, fdFree, fdGet,
  O_ACCMODE, O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_TRUNC,
  SEEK_CUR, SEEK_END, SEEK_SET,
} from "./file";
import { crossDown } from "./mount";
import { MAXSYMLINKS, Walker, checkPath, walk, walkParent, walker } from "./path";
import { DirEntry, Stat, Vnode } from "./vnode";

const statTmp = new Stat();

/** Size of a regular file, or -Errno. */
function sizeOf(node: Vnode): i64 {
  let r = node.getattr(statTmp);
  if (r < 0) return r;
  return <i64>statTmp.size;
}

/** Finds or creates the last component for O_CREAT; result in w.node. */
function openCreate(start: Vnode | null, path: string, flags: i32, mode: u32, w: Walker, depth: i32): i32 {
  let r = walkParent(start, path, w);
  if (r < 0) return r;
  let dir = changetype<Vnode>(w.node);
  if (w.nameEmpty() || w.nameIsDot()) return -Errno.EISDIR;
  let trailing = w.trailingSlash;
  r = w.lookupName();
  if (r == 0) {
    if (flags & O_EXCL) return -Errno.EEXIST;
    let node = crossDown(changetype<Vnode>(w.ref.node));
    if (node.isLink()) {
      if (flags & O_NOFOLLOW) return -Errno.ELOOP;
      if (depth >= MAXSYMLINKS) return -Errno.ELOOP;
      r = node.readlink(w.ref);
      if (r < 0) return r;
      let target = w.ref.str;
      r = checkPath(target);
      if (r < 0) return r;
      return openCreate(dir, target, flags, mode, w, depth + 1);
    }
    w.node = node;
    return 0;
  }
  if (r != -Errno.ENOENT) return r;
  if (trailing) return -Errno.EISDIR;
  r = dir.create(w.name, mode & 0o7777, w.ref);
  if (r < 0) return r;
  w.node = w.ref.node;
  return 0;
}

/** open(2). Returns a descriptor or -Errno. */
export function vfsOpen(path: string, flags: i32, mode: u32 = 0o644): i32 {
  let acc = flags & O_ACCMODE;
  if (acc == O_ACCMODE) return -Errno.EINVAL;
  let w = walker();
  let r = checkPath(path);
  if (r < 0) return r;
  if (flags & O_CREAT) r = openCreate(null, path, flags, mode, w, 0);
  else r = walk(null, path, (flags & O_NOFOLLOW) == 0, w);
  if (r < 0) return r;
  let node = changetype<Vnode>(w.node);
  if (node.isLink()) return -Errno.ELOOP;
  if ((flags & O_DIRECTORY) && !node.isDir()) return -Errno.ENOTDIR;
  if (node.isDir() && (acc != O_RDONLY || (flags & (O_TRUNC | O_CREAT)) != 0)) return -Errno.EISDIR;
  if ((flags & O_TRUNC) && node.isReg() && acc != O_RDONLY) {
    r = node.truncate(0);
    if (r < 0) return r;
  }
  let fd = fdAlloc(node, flags);
  if (fd < 0) return fd;
  node.openCount++;
  node.fs.openCount++;
  return fd;
}

/** close(2). */
export function vfsClose(fd: i32): i32 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  let node = f.node;
  fdFree(fd);
  node.fs.openCount--;
  if (--node.openCount == 0) node.release();
  return 0;
}

function readAt(f: OpenFile, buf: usize, len: usize, off: u64): i64 {
  if (!f.canRead()) return -Errno.EBADF;
  let node = f.node;
  if (node.isDir()) return -Errno.EISDIR;
  return node.read(off, buf, len);
}

function writeAt(f: OpenFile, buf: usize, len: usize, off: u64): i64 {
  if (!f.canWrite()) return -Errno.EBADF;
  let node = f.node;
  if (node.isDir()) return -Errno.EISDIR;
  return node.write(off, buf, len);
}

/** read(2): up to `len` bytes into memory at `buf`. Returns bytes read (0 at end). */
export function vfsRead(fd: i32, buf: usize, len: usize): i64 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  let n = readAt(f, buf, len, f.offset);
  if (n > 0) f.offset += <u64>n;
  return n;
}

/** write(2). With O_APPEND every write goes to the end of the file. */
export function vfsWrite(fd: i32, buf: usize, len: usize): i64 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  if (f.flags & O_APPEND) {
    let size = sizeOf(f.node);
    if (size < 0) return size;
    f.offset = <u64>size;
  }
  let n = writeAt(f, buf, len, f.offset);
  if (n > 0) f.offset += <u64>n;
  return n;
}

/** pread(2): reads at `off` without moving the file offset. */
export function vfsPread(fd: i32, buf: usize, len: usize, off: i64): i64 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  if (off < 0) return -Errno.EINVAL;
  return readAt(f, buf, len, <u64>off);
}

/** pwrite(2): writes at `off` without moving the file offset (POSIX: O_APPEND ignored). */
export function vfsPwrite(fd: i32, buf: usize, len: usize, off: i64): i64 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  if (off < 0) return -Errno.EINVAL;
  return writeAt(f, buf, len, <u64>off);
}

/** lseek(2). On a directory only SEEK_SET to a readdir cookie (0: rewind) is meaningful. */
export function vfsLseek(fd: i32, off: i64, whence: i32): i64 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  let base: i64 = 0;
  if (whence == SEEK_CUR) base = <i64>f.offset;
  else if (whence == SEEK_END) {
    base = sizeOf(f.node);
    if (base < 0) return base;
  } else if (whence != SEEK_SET) return -Errno.EINVAL;
  let pos = base + off;
  if (pos < 0) return -Errno.EINVAL;
  f.offset = <u64>pos;
  return pos;
}

/** fstat(2). */
export function vfsFstat(fd: i32, st: Stat): i32 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  let r = f.node.getattr(st);
  st.dev = f.node.fs.dev;
  return r;
}

/** ftruncate(2): the descriptor must be open for writing. */
export function vfsFtruncate(fd: i32, size: i64): i32 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  if (size < 0 || !f.canWrite() || !f.node.isReg()) return -Errno.EINVAL;
  return f.node.truncate(<u64>size);
}

/** fsync(2). */
export function vfsFsync(fd: i32): i32 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  return f.node.fsync();
}

/**
 * Reads the next entry of directory `fd` into `out` (getdents, one at a
 * time). Returns 1 with an entry, 0 at the end, or -Errno. "." and ".."
 * are not listed.
 */
export function vfsReaddir(fd: i32, out: DirEntry): i32 {
  let f = fdGet(fd);
  if (f === null) return -Errno.EBADF;
  if (!f.node.isDir()) return -Errno.ENOTDIR;
  let next = f.node.readdir(f.offset, out);
  if (next < 0) return <i32>next;
  if (next == 0) return 0;
  f.offset = <u64>next;
  return 1;
}

/** Highest number of descriptors open at once. */
export const VFS_FD_MAX: i32 = FD_MAX;
