// wasi/paths.ts — path_* calls. Capability rule: every path resolves beneath
// its directory fd. Opens use openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS),
// so `..`, absolute paths and symlinks (absolute, relative, chains) that leave
// the directory fail in the kernel (EXDEV -> ENOTCAPABLE). Calls that name an
// entry (mkdir, unlink, rename, link, symlink, readlink) resolve the parent
// that way and act on the last component, which is never `.` or `..` there.

import { sys, own, copyIn, copyOut, putU32 } from './host';
import { fdKind, fdSet, fdBase, fdInh, MAX_FD, KIND_OPEN } from './fd';
import { errnoOf, E_FAULT, E_INVAL, E_NAMETOOLONG, E_NOTCAPABLE, E_SUCCESS, E_MFILE, E_ISDIR } from './errno';
import { checkFd, toFilestat } from './stat';
import { timesOf } from './files';
import * as R from './rights';
import {
  SYS_openat2, SYS_close, SYS_newfstatat, SYS_mkdirat, SYS_unlinkat, SYS_renameat, SYS_linkat, SYS_symlinkat,
  SYS_readlinkat, SYS_utimensat, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW,
  O_CLOEXEC, O_NOCTTY, O_APPEND, O_NONBLOCK, O_DSYNC, O_SYNC, O_PATH, RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS,
  AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH, ST_SIZE, S_IFMT, S_IFDIR,
} from './linux';

const PATH_MAX: u32 = 4096;
const bufA = memory.data(PATH_MAX + 1), bufB = memory.data(PATH_MAX + 1);
const how = memory.data(24);
const st = memory.data(ST_SIZE);
const out = memory.data(64);
const linkbuf = memory.data(PATH_MAX);
const empty = memory.data(8);

/** Copies the app's path into dst with a NUL; 0 or a WASI errno. */
function loadPath(dst: usize, p: u32, len: u32): i32 {
  if (len > PATH_MAX) return E_NAMETOOLONG;
  if (!copyIn(dst, p, len)) return E_FAULT;
  for (let k: u32 = 0; k < len; k++) if (load<u8>(dst + k) == 0) return 25; // ilseq
  store<u8>(dst + len, 0);
  return 0;
}

/** Linux result -> WASI errno for path calls (escaping the directory is ENOTCAPABLE). */
function pathErr(r: i64): i32 { return r == -18 ? E_NOTCAPABLE : errnoOf(r); }

/** openat2(dirfd, own path, flags, mode, beneath): the new fd or a negative Linux errno. */
function openBeneath(dirfd: i32, path: usize, flags: i32, mode: i32 = 0): i64 {
  store<u64>(how, <u64>(flags | O_CLOEXEC));
  store<u64>(how, (flags & O_CREAT) ? mode : 0, 8);
  store<u64>(how, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, 16);
  return sys(SYS_openat2, dirfd, own(path), own(how), 24);
}

/** Result of splitParent: the parent's fd (to close when `owned`) and the entry's name (own address). */
let parentFd: i32 = -1, parentOwned: bool = false, entryName: usize = 0;

/** Resolves the parent of the path in `buf` beneath dirfd. 0 or a WASI errno. */
function splitParent(dirfd: i32, buf: usize, len: u32): i32 {
  let end = len;
  while (end > 1 && load<u8>(buf + end - 1) == 0x2f) end--;
  let slash: i32 = -1;
  for (let k: i32 = <i32>end - 1; k >= 0; k--) if (load<u8>(buf + k) == 0x2f) { slash = k; break; }
  const base = buf + <usize>(slash + 1), blen = end - <u32>(slash + 1);
  const dots = (blen == 1 && load<u8>(base) == 0x2e) || (blen == 2 && load<u16>(base) == 0x2e2e);
  if (slash == 0 || (slash < 0 && len > 0 && load<u8>(buf) == 0x2f)) return E_NOTCAPABLE;
  parentOwned = false; parentFd = dirfd; entryName = buf;
  if (dots) {
    const r = openBeneath(dirfd, buf, O_PATH | O_DIRECTORY);
    if (r < 0) return pathErr(r);
    parentFd = <i32>r; parentOwned = true; store<u16>(empty, 0x2e); entryName = empty;
    return 0;
  }
  if (slash < 0) return 0;
  store<u8>(buf + slash, 0);
  const r = openBeneath(dirfd, buf, O_PATH | O_DIRECTORY);
  store<u8>(buf + slash, 0x2f);
  if (r < 0) return pathErr(r);
  parentFd = <i32>r; parentOwned = true; entryName = base;
  return 0;
}
function releaseParent(): void { if (parentOwned) sys(SYS_close, parentFd); parentOwned = false; }

/** Checks dirfd's right, loads the path into buf and splits it. 0 or a WASI errno. */
function prepare(dirfd: i32, right: u64, buf: usize, p: u32, len: u32): i32 {
  let e = checkFd(dirfd, right);
  if (e != 0) return e;
  e = loadPath(buf, p, len);
  return e != 0 ? e : splitParent(dirfd, buf, len);
}

export function path_open(dirfd: i32, dirflags: u32, p: u32, len: u32, oflags: u32, base: u64, inh: u64, fdflags: u32, fdPtr: u32): i32 {
  let need = R.R_PATH_OPEN;
  if (oflags & 1) need |= R.R_PATH_CREATE_FILE;
  if (oflags & 8) need |= R.R_PATH_FILESTAT_SET_SIZE;
  let e = checkFd(dirfd, need);
  if (e != 0) return e;
  e = loadPath(bufA, p, len);
  if (e != 0) return e;
  let flags = O_NOCTTY;
  if (oflags & 1) flags |= O_CREAT;
  if (oflags & 2) flags |= O_DIRECTORY;
  if (oflags & 4) flags |= O_EXCL;
  if (oflags & 8) flags |= O_TRUNC;
  if ((dirflags & 1) == 0) flags |= O_NOFOLLOW;
  if (fdflags & 1) flags |= O_APPEND;
  if (fdflags & 2) flags |= O_DSYNC;
  if (fdflags & 4) flags |= O_NONBLOCK;
  if (fdflags & (8 | 16)) flags |= O_SYNC;
  const read = (base & (R.R_FD_READ | R.R_FD_READDIR)) != 0;
  const write = (base & (R.R_FD_WRITE | R.R_FD_DATASYNC | R.R_FD_ALLOCATE | R.R_FD_FILESTAT_SET_SIZE)) != 0;
  if ((oflags & 2) != 0 && (base & R.R_FD_WRITE) != 0) return E_ISDIR; // never a directory for writing (wasmtime)
  if ((oflags & 2) == 0 && write) flags |= read ? O_RDWR : O_WRONLY;
  else flags |= O_RDONLY;
  if (len > 0 && load<u8>(bufA) == 0x2f) return E_NOTCAPABLE;
  let r = openBeneath(dirfd, bufA, flags, 0o666);
  // A directory opened with write rights (wasmtime allows it): open it read-only; writes fail by rights.
  if (r == -21 && (flags & (O_CREAT | O_TRUNC)) == 0) r = openBeneath(dirfd, bufA, (flags & ~3) | O_DIRECTORY);
  if (r < 0) return pathErr(r);
  const fd = <i32>r;
  if (fd >= MAX_FD) { sys(SYS_close, fd); return E_MFILE; }
  sys(SYS_newfstatat, fd, own(empty), own(st), AT_EMPTY_PATH);
  const isDir = (load<u32>(st, 24) & S_IFMT) == S_IFDIR;
  const rights = (base & (isDir ? R.DIR_RIGHTS : R.FILE_RIGHTS)) & fdInh(dirfd);
  fdSet(fd, KIND_OPEN, rights, inh & fdInh(dirfd));
  if (!putU32(fdPtr, fd)) return E_FAULT;
  return E_SUCCESS;
}

/** Opens the path itself (O_PATH, following the last symlink when `follow`) beneath dirfd. */
function openItself(dirfd: i32, right: u64, flags: u32, p: u32, len: u32): i64 {
  let e = checkFd(dirfd, right);
  if (e == 0) e = loadPath(bufA, p, len);
  if (e == 0 && len > 0 && load<u8>(bufA) == 0x2f) e = E_NOTCAPABLE;
  if (e != 0) return -1000 - e;
  const r = openBeneath(dirfd, bufA, O_PATH | ((flags & 1) ? 0 : O_NOFOLLOW));
  return r < 0 ? -1000 - pathErr(r) : r;
}

export function path_filestat_get(dirfd: i32, flags: u32, p: u32, len: u32, o: u32): i32 {
  const fd = openItself(dirfd, R.R_PATH_FILESTAT_GET, flags, p, len);
  if (fd < 0) return <i32>(-fd - 1000);
  const r = sys(SYS_newfstatat, fd, own(empty), own(st), AT_EMPTY_PATH);
  sys(SYS_close, fd);
  if (r < 0) return errnoOf(r);
  toFilestat(out, st);
  return copyOut(o, out, 64) ? E_SUCCESS : E_FAULT;
}

export function path_filestat_set_times(dirfd: i32, flags: u32, p: u32, len: u32, atim: i64, mtim: i64, fl: u32): i32 {
  if (!timesOf(out, atim, mtim, fl)) { const b = checkFd(dirfd, 0); return b != 0 ? b : E_INVAL; }
  const fd = openItself(dirfd, R.R_PATH_FILESTAT_SET_TIMES, flags, p, len);
  if (fd < 0) return <i32>(-fd - 1000);
  const r = sys(SYS_utimensat, fd, own(empty), own(out), AT_EMPTY_PATH);
  sys(SYS_close, fd);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}

function entryOp(dirfd: i32, right: u64, p: u32, len: u32, nr: i32, flags: i64): i32 {
  const e = prepare(dirfd, right, bufA, p, len);
  if (e != 0) return e;
  const r = nr == SYS_mkdirat ? sys(nr, parentFd, own(entryName), 0o777) : sys(nr, parentFd, own(entryName), flags);
  releaseParent();
  return r < 0 ? pathErr(r) : E_SUCCESS;
}

export function path_create_directory(fd: i32, p: u32, len: u32): i32 { return entryOp(fd, R.R_PATH_CREATE_DIRECTORY, p, len, SYS_mkdirat, 0); }
export function path_remove_directory(fd: i32, p: u32, len: u32): i32 { return entryOp(fd, R.R_PATH_REMOVE_DIRECTORY, p, len, SYS_unlinkat, AT_REMOVEDIR); }
export function path_unlink_file(fd: i32, p: u32, len: u32): i32 { return entryOp(fd, R.R_PATH_UNLINK_FILE, p, len, SYS_unlinkat, 0); }

/** Two entries (rename, link): the first parent is kept in (p1, n1, owned1). */
function twoEntries(fd1: i32, r1: u64, a: u32, alen: u32, fd2: i32, r2: u64, b: u32, blen: u32, nr: i32, flags: i64): i32 {
  let e = prepare(fd1, r1, bufA, a, alen);
  if (e != 0) return e;
  const p1 = parentFd, n1 = entryName, o1 = parentOwned;
  parentOwned = false;
  e = prepare(fd2, r2, bufB, b, blen);
  if (e != 0) { if (o1) sys(SYS_close, p1); return e; }
  const r = nr == SYS_renameat ? sys(nr, p1, own(n1), parentFd, own(entryName))
    : sys(nr, p1, own(n1), parentFd, own(entryName), flags);
  releaseParent();
  if (o1) sys(SYS_close, p1);
  return r < 0 ? pathErr(r) : E_SUCCESS;
}

export function path_rename(fd: i32, a: u32, alen: u32, nfd: i32, b: u32, blen: u32): i32 {
  return twoEntries(fd, R.R_PATH_RENAME_SOURCE, a, alen, nfd, R.R_PATH_RENAME_TARGET, b, blen, SYS_renameat, 0);
}

export function path_link(fd: i32, flags: u32, a: u32, alen: u32, nfd: i32, b: u32, blen: u32): i32 {
  if (flags & 1) {
    const t = openItself(fd, R.R_PATH_LINK_SOURCE, 1, a, alen); // the followed target must stay beneath too
    if (t < 0) return <i32>(-t - 1000);
    sys(SYS_close, t);
  }
  return twoEntries(fd, R.R_PATH_LINK_SOURCE, a, alen, nfd, R.R_PATH_LINK_TARGET, b, blen, SYS_linkat, (flags & 1) ? AT_SYMLINK_FOLLOW : 0);
}

/** The link's target is stored as given, but an absolute one could never resolve beneath: ENOTCAPABLE. */
export function path_symlink(a: u32, alen: u32, fd: i32, b: u32, blen: u32): i32 {
  let e = loadPath(bufB, a, alen);
  if (e != 0) return e;
  if (alen > 0 && load<u8>(bufB) == 0x2f) { e = checkFd(fd, R.R_PATH_SYMLINK); return e != 0 ? e : E_NOTCAPABLE; }
  e = prepare(fd, R.R_PATH_SYMLINK, bufA, b, blen);
  if (e != 0) return e;
  const r = sys(SYS_symlinkat, own(bufB), parentFd, own(entryName));
  releaseParent();
  return r < 0 ? pathErr(r) : E_SUCCESS;
}

export function path_readlink(fd: i32, p: u32, len: u32, buf: u32, bufLen: u32, usedPtr: u32): i32 {
  const e = prepare(fd, R.R_PATH_READLINK, bufA, p, len);
  if (e != 0) return e;
  const r = sys(SYS_readlinkat, parentFd, own(entryName), own(linkbuf), PATH_MAX);
  releaseParent();
  if (r < 0) return pathErr(r);
  const n = min<u32>(<u32>r, bufLen);
  if (!copyOut(buf, linkbuf, n) || !putU32(usedPtr, n)) return E_FAULT;
  return E_SUCCESS;
}
