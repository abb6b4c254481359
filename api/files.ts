// api/files.ts — files for apps (`import { readFile } from "asuk/files"`).
// Importing this module is what makes an image carry the VFS, the boot-time
// mounts and the 9p volume driver (tools/image reads the app's imports).
//
// Two layers, as in Node's fs: POSIX-shaped calls on descriptors (open, read,
// write, close, lseek, fstat) that return a value or a negative errno, and
// whole-file conveniences (readFile, writeFile, appendFile, readdir, stat,
// mkdir with recursive, rm, rename, exists) that return null or a negative
// errno on failure. lastError() / lastErrorName() tell why the last
// convenience returned null ("ENOENT"...). Nothing here throws or panics.
import {
  DirEntry, O_APPEND, O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY, Stat, S_IFDIR, S_IFMT, S_IFREG,
  errnoName, vfsClose, vfsFstat, vfsLseek, vfsMkdir, vfsOpen, vfsRead, vfsReaddir, vfsRename, vfsRmdir,
  vfsStat, vfsUnlink, vfsWrite,
} from "../kernel/vfs/index";

export { Stat, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, SEEK_SET, SEEK_CUR, SEEK_END } from "../kernel/vfs/index";
export { errnoName } from "../kernel/vfs/index";

let lastErr: i32 = 0;

function failed(e: i64): bool {
  if (e < 0) { lastErr = <i32>e; return true; }
  return false;
}

/** The negative errno of the last failed call here (0 when none failed yet). */
export function lastError(): i32 { return lastErr; }
/** The name of lastError() ("ENOENT", "EEXIST", ...). */
export function lastErrorName(): string { return errnoName(lastErr); }

// ---- POSIX-shaped -------------------------------------------------------

/** Opens `path` (O_* flags); returns a descriptor >= 0 or a negative errno. */
export function open(path: string, flags: i32, mode: u32 = 0o644): i32 { return vfsOpen(path, flags, mode); }
/** Closes `fd`; returns 0 or a negative errno. */
export function close(fd: i32): i32 { return vfsClose(fd); }
/** Reads up to buf.length bytes into `buf`; returns the count (0 at end) or a negative errno. */
export function read(fd: i32, buf: Uint8Array): i64 {
  return vfsRead(fd, buf.dataStart, <usize>buf.length);
}
/** Writes `buf`; returns the count written or a negative errno. */
export function write(fd: i32, buf: Uint8Array): i64 {
  return vfsWrite(fd, buf.dataStart, <usize>buf.length);
}
/** Moves the offset (SEEK_SET/CUR/END); returns the new offset or a negative errno. */
export function lseek(fd: i32, offset: i64, whence: i32): i64 { return vfsLseek(fd, offset, whence); }
/** Fills `st` for `fd`; returns 0 or a negative errno. */
export function fstat(fd: i32, st: Stat): i32 { return vfsFstat(fd, st); }

// ---- Whole files (Node's fs names) ---------------------------------------

/** The bytes of file `path`, or null (lastError()). */
export function readFileBytes(path: string): Uint8Array | null {
  let fd = vfsOpen(path, O_RDONLY);
  if (failed(fd)) return null;
  let st = new Stat();
  let size = vfsFstat(fd, st) == 0 ? <i32>st.size : 0;
  let buf = new Uint8Array(size > 0 ? size : 4096);
  let got = 0;
  while (true) {
    if (got == buf.length) { let bigger = new Uint8Array(buf.length * 2); bigger.set(buf); buf = bigger; }
    let n = vfsRead(fd, buf.dataStart + <usize>got, <usize>(buf.length - got));
    if (n < 0) { vfsClose(fd); failed(n); return null; }
    if (n == 0) break;
    got += <i32>n;
  }
  vfsClose(fd);
  return buf.slice(0, got);
}

/** The text (UTF-8) of file `path`, or null (lastError()). Node: readFileSync(path, "utf8"). */
export function readFile(path: string): string | null {
  let b = readFileBytes(path);
  return b === null ? null : String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length);
}

function putAll(path: string, data: Uint8Array, flags: i32): i32 {
  let fd = vfsOpen(path, flags, 0o644);
  if (failed(fd)) return fd;
  let off = 0;
  while (off < data.length) {
    let n = vfsWrite(fd, data.dataStart + <usize>off, <usize>(data.length - off));
    if (n <= 0) { vfsClose(fd); let e = n < 0 ? <i32>n : -5; failed(e); return e; }
    off += <i32>n;
  }
  let c = vfsClose(fd);
  failed(c);
  return c;
}

/** Replaces (or creates) `path` with `text` as UTF-8; returns 0 or a negative errno. */
export function writeFile(path: string, text: string): i32 {
  return putAll(path, Uint8Array.wrap(String.UTF8.encode(text)), O_WRONLY | O_CREAT | O_TRUNC);
}
/** Replaces (or creates) `path` with `data`; returns 0 or a negative errno. */
export function writeFileBytes(path: string, data: Uint8Array): i32 {
  return putAll(path, data, O_WRONLY | O_CREAT | O_TRUNC);
}
/** Appends `text` (UTF-8) to `path`, creating it; returns 0 or a negative errno. */
export function appendFile(path: string, text: string): i32 {
  return putAll(path, Uint8Array.wrap(String.UTF8.encode(text)), O_WRONLY | O_CREAT | O_APPEND);
}

/** The names in directory `path` (no "." or ".."), sorted, or null (lastError()). */
export function readdir(path: string): string[] | null {
  let fd = vfsOpen(path, O_RDONLY | O_DIRECTORY);
  if (failed(fd)) return null;
  let de = new DirEntry();
  let names = new Array<string>();
  let r: i32;
  while ((r = vfsReaddir(fd, de)) > 0) {
    let n = de.name;
    if (n != "." && n != "..") names.push(n);
  }
  vfsClose(fd);
  if (failed(r)) return null;
  names.sort();
  return names;
}

/** The Stat of `path` (symlinks followed), or null (lastError()). */
export function stat(path: string): Stat | null {
  let st = new Stat();
  return failed(vfsStat(path, st)) ? null : st;
}
/** True when `path` names something (Node: existsSync). */
export function exists(path: string): bool { return vfsStat(path, new Stat()) == 0; }
/** True when `st` is a directory. */
export function isDirectory(st: Stat): bool { return (st.mode & S_IFMT) == S_IFDIR; }
/** True when `st` is a regular file. */
export function isFile(st: Stat): bool { return (st.mode & S_IFMT) == S_IFREG; }

/** Creates directory `path`; `recursive` also creates its parents and accepts an existing one (mkdir -p). Returns 0 or a negative errno. */
export function mkdir(path: string, recursive: bool = false): i32 {
  if (!recursive) { let r = vfsMkdir(path); failed(r); return r; }
  let parts = path.split("/");
  let at = path.startsWith("/") ? "" : ".";
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].length == 0) continue;
    at = at + "/" + parts[i];
    let r = vfsMkdir(at);
    if (r < 0 && r != -17) { failed(r); return r; } // EEXIST is fine if it is a directory
    if (r == -17) {
      let st = stat(at);
      if (st === null) return lastErr;
      if (!isDirectory(st)) { failed(-20); return -20; } // ENOTDIR
    }
  }
  return 0;
}

/** Removes file `path`, or an empty directory; returns 0 or a negative errno. */
export function rm(path: string): i32 {
  let st = stat(path);
  if (st === null) return lastErr;
  let r = isDirectory(st) ? vfsRmdir(path) : vfsUnlink(path);
  failed(r);
  return r;
}
/** Renames `from` to `to`; returns 0 or a negative errno. */
export function rename(from: string, to: string): i32 { let r = vfsRename(from, to); failed(r); return r; }
