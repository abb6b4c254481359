// kernel/vfs/vnode.ts — the filesystem interface: one base class per concept.
//
//   FileSystem  one mounted instance (ramfs, 9pfs ...): its root vnode.
//   Mount       one mount-table entry: a FileSystem hiding a directory.
//   Vnode       one file, directory or symlink of a FileSystem. Every
//               operation returns -ENOSYS here; a filesystem subclasses Vnode
//               and overrides what it supports (Unikraft's vfscore_nullop,
//               Hermit's VfsNode).
//
// Contracts common to all operations:
// - Names are single path components: never empty, never "." or "..", no
//   "/", at most NAME_MAX UTF-8 bytes. The VFS checks this before calling.
// - Directory operations are called on directories only, file operations on
//   regular files only, readlink on symlinks only (the VFS checks the type).
// - Results come back through a VRef; the return value is 0 or -Errno.
// - `mode` arguments are permission bits (07777); the type is implied by the
//   operation.

import { Errno } from "./errno";
import { utf8Decode } from "../utf8";

// ---- file type and mode bits (Linux include/uapi/linux/stat.h) ----
export const S_IFMT: u32 = 0o170000;
export const S_IFSOCK: u32 = 0o140000;
export const S_IFLNK: u32 = 0o120000;
export const S_IFREG: u32 = 0o100000;
export const S_IFBLK: u32 = 0o060000;
export const S_IFDIR: u32 = 0o040000;
export const S_IFCHR: u32 = 0o020000;
export const S_IFIFO: u32 = 0o010000;
export const S_IPERM: u32 = 0o7777;

// ---- readdir entry types (Linux include/linux/fs_types.h, DT_*) ----
export const DT_UNKNOWN: u8 = 0;
export const DT_DIR: u8 = 4;
export const DT_REG: u8 = 8;
export const DT_LNK: u8 = 10;

// ---- setattr mask bits ----
export const ATTR_MODE: u32 = 1;
export const ATTR_UID: u32 = 2;
export const ATTR_GID: u32 = 4;
export const ATTR_MTIME: u32 = 8;

/** Longest path component in UTF-8 bytes (Linux NAME_MAX). */
export const NAME_MAX: i32 = 255;
/** Longest path in UTF-8 bytes including the NUL (Linux PATH_MAX). */
export const PATH_MAX: i32 = 4096;

/** struct stat, in the fields a unikernel app uses. Times are seconds since the epoch. */
export class Stat {
  dev: u64 = 0;
  ino: u64 = 0;
  mode: u32 = 0;
  nlink: u32 = 0;
  uid: u32 = 0;
  gid: u32 = 0;
  rdev: u64 = 0;
  size: u64 = 0;
  blksize: u32 = 4096;
  blocks: u64 = 0;
  atime: i64 = 0;
  mtime: i64 = 0;
  ctime: i64 = 0;
}

/**
 * One directory entry as readdir returns it. A filesystem sets the name as a
 * string (`name = s`) or as UTF-8 bytes it holds only for the call
 * (`setNameBytes`, copied here); `name` decodes bytes on first read, so a
 * listing that only counts or checks types makes no string per entry.
 */
export class DirEntry {
  ino: u64 = 0;
  type: u8 = DT_UNKNOWN;
  private str: string = "";
  /** The name's UTF-8 bytes when `rawLen` >= 0 (capacity NAME_MAX). */
  private raw: StaticArray<u8> | null = null;
  private rawLen: i32 = -1;

  get name(): string {
    if (this.rawLen >= 0) {
      this.str = utf8Decode(changetype<usize>(this.raw), <usize>this.rawLen);
      this.rawLen = -1;
    }
    return this.str;
  }
  set name(s: string) {
    this.str = s;
    this.rawLen = -1;
  }

  /** Sets the name to the `len` UTF-8 bytes at `p` (at most NAME_MAX; longer is cut). */
  setNameBytes(p: usize, len: i32): void {
    if (len > NAME_MAX) len = NAME_MAX;
    let raw = this.raw;
    if (raw === null) this.raw = raw = new StaticArray<u8>(NAME_MAX);
    memory.copy(changetype<usize>(raw), p, <usize>len);
    this.rawLen = len;
  }
}

/** Out-parameter of operations that produce a vnode or a string. */
export class VRef {
  node: Vnode | null = null;
  str: string = "";
}

/** Returns the DT_* type of a mode. */
export function modeToDt(mode: u32): u8 {
  let t = mode & S_IFMT;
  if (t == S_IFDIR) return DT_DIR;
  if (t == S_IFREG) return DT_REG;
  if (t == S_IFLNK) return DT_LNK;
  return DT_UNKNOWN;
}

/** A mounted filesystem instance. Subclasses set `root` in their constructor. */
export class FileSystem {
  /** Driver name shown by `mounts` ("ramfs"). */
  name: string;
  /** Root directory; must be a directory vnode of this filesystem. */
  root: Vnode | null = null;
  /** Device number reported in Stat.dev, assigned by the VFS at mount. */
  dev: u64 = 0;
  /** Open file descriptions on this filesystem (kept by the VFS; umount refuses while > 0). */
  openCount: i32 = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** Called by umount after the VFS checked nothing is busy. 0 or -Errno. */
  unmount(): i32 { return 0; }
  /** Flushes everything (sync(2)). */
  sync(): i32 { return 0; }
}

/** One entry of the mount table (kept by kernel/vfs/mount.ts). */
export class Mount {
  fs: FileSystem;
  root: Vnode;
  /** The directory this mount hides; null for "/". */
  covered: Vnode | null;
  /** Absolute path of the mount point at mount time. */
  path: string;

  constructor(fs: FileSystem, root: Vnode, covered: Vnode | null, path: string) {
    this.fs = fs;
    this.root = root;
    this.covered = covered;
    this.path = path;
  }
}

/**
 * One node of a filesystem. The VFS reads `fs`, `ino` and `mode` directly
 * (the walk needs the type); a filesystem keeps them current.
 */
export class Vnode {
  fs: FileSystem;
  ino: u64;
  /** Type and permission bits (S_IF* | 07777). */
  mode: u32;
  /** The Mount whose root hides this directory, or null (set by the VFS). */
  coveredBy: Mount | null = null;
  /** Open file descriptions referring to this vnode (kept by the VFS). */
  openCount: i32 = 0;

  constructor(fs: FileSystem, ino: u64, mode: u32) {
    this.fs = fs;
    this.ino = ino;
    this.mode = mode;
  }

  @inline isDir(): bool { return (this.mode & S_IFMT) == S_IFDIR; }
  @inline isReg(): bool { return (this.mode & S_IFMT) == S_IFREG; }
  @inline isLink(): bool { return (this.mode & S_IFMT) == S_IFLNK; }

  // ---- any node ----
  /** Fills `st`. */
  getattr(st: Stat): i32 { return -Errno.ENOSYS; }
  /** Sets the fields of `st` selected by `mask` (ATTR_*). */
  setattr(st: Stat, mask: u32): i32 { return -Errno.ENOSYS; }
  /** The last open file description closed (the node may be freed if unlinked). */
  release(): void {}

  // ---- directories ----
  /** Finds `name`; "..": the parent directory (the root returns itself). */
  lookup(name: string, out: VRef): i32 { return -Errno.ENOSYS; }
  /**
   * lookup() of the component path[start, end) (a path walk's component, not
   * "." or ".."). A filesystem that can compare names in place overrides it
   * to spare the substring; the default cuts it out and calls lookup().
   */
  lookupIn(path: string, start: i32, end: i32, out: VRef): i32 {
    return this.lookup(path.substring(start, end), out);
  }
  /** Creates an empty regular file `name`. -EEXIST if the name exists. */
  create(name: string, mode: u32, out: VRef): i32 { return -Errno.ENOSYS; }
  /** Creates an empty directory `name`. */
  mkdir(name: string, mode: u32, out: VRef): i32 { return -Errno.ENOSYS; }
  /** Creates symlink `name` -> `target` (stored as given). */
  symlink(name: string, target: string, out: VRef): i32 { return -Errno.ENOSYS; }
  /** Adds the name `name` for the non-directory `node` (same fs, checked by the VFS). */
  link(name: string, node: Vnode): i32 { return -Errno.ENOSYS; }
  /** Removes non-directory `name`. */
  unlink(name: string): i32 { return -Errno.ENOSYS; }
  /** Removes empty directory `name`. */
  rmdir(name: string): i32 { return -Errno.ENOSYS; }
  /**
   * Moves `oldName` to `newName` in `newDir` (same fs), replacing a
   * compatible target as rename(2) does.
   */
  rename(oldName: string, newDir: Vnode, newName: string): i32 { return -Errno.ENOSYS; }
  /**
   * Reads the entry at `cookie` (0 = first) into `out`. Returns the cookie of
   * the next entry (> 0), 0 at the end, or -Errno. "." and ".." are not listed.
   */
  readdir(cookie: u64, out: DirEntry): i64 { return -Errno.ENOSYS; }

  // ---- regular files ----
  /** Reads up to `len` bytes at `off` into memory at `buf`. Returns bytes read. */
  read(off: u64, buf: usize, len: usize): i64 { return -Errno.ENOSYS; }
  /** Writes `len` bytes from `buf` at `off`, growing the file. Returns bytes written. */
  write(off: u64, buf: usize, len: usize): i64 { return -Errno.ENOSYS; }
  /** Sets the size (zero-filling growth). */
  truncate(size: u64): i32 { return -Errno.ENOSYS; }
  /** Makes the file's data durable. */
  fsync(): i32 { return 0; }
  /**
   * Zero-copy optimisation: the file's content becomes the `len` bytes at
   * `addr`, which stay valid and unchanged for the life of the system (an
   * initrd). The fs may point at them and copy on the first write.
   * -ENOSYS: the caller writes the bytes instead.
   */
  borrow(addr: usize, len: usize): i32 { return -Errno.ENOSYS; }

  // ---- symlinks ----
  /** Puts the target in out.str. */
  readlink(out: VRef): i32 { return -Errno.ENOSYS; }
}
