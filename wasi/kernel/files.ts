// wasi/kernel/files.ts — the Linux calls on descriptors and names that
// wasi/ makes, over the kernel's VFS (sys.ts dispatches here). Pointers are
// kernel addresses (the layer's own memory, or the app's, already checked by
// wasi/host.ts). Results are Linux's: a value or a negative errno.

import {
  Errno, Stat, DirEntry, VRef, vfsOpen, vfsClose, vfsRead, vfsWrite, vfsPread, vfsPwrite, vfsLseek, vfsFstat,
  vfsFtruncate, vfsFsync, vfsReaddir, vfsStat, vfsLstat, vfsMkdir, vfsRmdir, vfsUnlink, vfsRename, vfsLink,
  vfsSymlink, vfsReadlink, vfsResolve, S_IFMT, S_IFDIR, S_IFCHR, DT_DIR, ATTR_MTIME,
} from "../../kernel/vfs/index";
import { wallClockMs } from "../../kernel/rtc";
import { printBytes } from "../../kernel/console";
import { utf8Decode, utf8EncodeAt } from "../../kernel/utf8";
import { ShimFd, fdGetShim, fdAdd, fdPut, resolveBeneath, resolved, O_PATH, sockCall, SOCK_CLOSE, SOCK_RW } from "./fds";

const AT_FDCWD: i64 = -100;
const AT_SYMLINK_NOFOLLOW: i64 = 0x100, AT_REMOVEDIR: i64 = 0x200, AT_EMPTY_PATH: i64 = 0x1000;
const O_NOFOLLOW: i32 = 0x20000, O_DIRECTORY: i32 = 0x10000, O_CLOEXEC: i32 = 0x80000;
const O_APPEND: i32 = 0x400, O_NONBLOCK: i32 = 0x800;
const RESOLVE_BENEATH: u64 = 8;
const S_IFSOCK: u32 = 0o140000;

/** A NUL-terminated string at kernel address p. */
export function cstr(p: i64): string {
  let n: usize = 0;
  while (load<u8>(<usize>p + n) != 0) n++;
  return utf8Decode(<usize>p, n);
}

/** The directory a *at call starts from: AT_FDCWD is "/". Null: not a descriptor. */
function dirPath(dirfd: i64): string | null {
  if (dirfd == AT_FDCWD) return "/";
  let f = fdGetShim(dirfd);
  return f === null || f.console ? null : f.path;
}

/** Resolves (dirfd, path) beneath when asked; 0 and `resolved`, or -Errno. */
function at(dirfd: i64, p: i64, beneath: bool, follow: bool): i32 {
  let base = dirPath(dirfd);
  if (base === null) return -Errno.EBADF;
  return resolveBeneath(base, cstr(p), beneath, follow);
}

// ---- open, close, dup ----

function openResolved(path: string, flags: i32, mode: u32, follow: bool): i64 {
  let f = new ShimFd();
  f.path = path; f.flags = flags & ~(O_CLOEXEC | O_PATH); f.follow = follow;
  if ((flags & O_PATH) != 0) {
    let s = new Stat();
    let r = follow ? vfsStat(path, s) : vfsLstat(path, s);
    if (r < 0) return r;
    if ((flags & O_DIRECTORY) != 0 && (s.mode & S_IFMT) != S_IFDIR) return -Errno.ENOTDIR;
  } else {
    let v = vfsOpen(path, (flags & ~(O_CLOEXEC | O_NONBLOCK | O_APPEND)) | (follow ? 0 : O_NOFOLLOW), mode); // append: rw1
    if (v < 0) return v;
    f.vfd = v;
  }
  let fd = fdAdd(f);
  if (fd < 0 && f.vfd >= 0) vfsClose(f.vfd);
  return fd;
}

export function sysOpenat(dirfd: i64, p: i64, flags: i32, mode: u32, beneath: bool): i64 {
  let follow = (flags & O_NOFOLLOW) == 0;
  let r = at(dirfd, p, beneath, follow);
  if (r < 0) return r;
  return openResolved(resolved, flags, mode, follow);
}

/** openat2(dirfd, path, struct open_how { u64 flags, mode, resolve }, size). */
export function sysOpenat2(dirfd: i64, p: i64, how: i64, size: i64): i64 {
  if (size < 24) return -Errno.EINVAL;
  let flags = <i32>load<u64>(<usize>how), mode = <u32>load<u64>(<usize>how, 8), res = load<u64>(<usize>how, 16);
  return sysOpenat(dirfd, p, flags, mode, (res & RESOLVE_BENEATH) != 0);
}

export function sysClose(fd: i64): i64 {
  let f = fdGetShim(fd);
  if (f === null) return -Errno.EBADF;
  if (f.sock) sockCall(SOCK_CLOSE, fd, 0, 0, 0);
  fdPut(<i32>fd, null);
  if (f.vfd >= 0) vfsClose(f.vfd);
  return 0;
}

export function sysDup2(from: i64, to: i64): i64 {
  let f = fdGetShim(from);
  if (f === null || fdGetShim(to) === null && (to < 0 || to >= 1024)) return -Errno.EBADF;
  if (from == to) return to;
  let old = fdGetShim(to);
  if (old !== null) sysClose(to);
  if (f.sock) { f.refs++; fdPut(<i32>to, f); return to; } // one socket, two numbers (the handle closes with the last)
  // The VFS has no dup: the new number re-opens the same path (only preopens and renumbering use this).
  let g = new ShimFd();
  g.path = f.path; g.flags = f.flags; g.console = f.console; g.follow = f.follow;
  if (f.vfd >= 0) {
    let v = vfsOpen(f.path, f.flags & ~(0x40 | 0x80 | 0x200 | O_APPEND), 0);
    if (v < 0) return v;
    g.vfd = v;
    vfsLseek(v, vfsLseek(f.vfd, 0, 1), 0);
  }
  fdPut(<i32>to, g);
  return to;
}

// ---- read and write ----

function rw1(f: ShimFd, write: bool, buf: usize, len: usize, off: i64): i64 {
  if (f.console) {
    if (!write) return 0;
    printBytes(buf, len);
    return <i64>len;
  }
  if (f.vfd < 0) return -Errno.EBADF;
  if (write && (f.flags & O_APPEND) != 0 && off < 0) vfsLseek(f.vfd, 0, 2);
  if (off >= 0) return write ? vfsPwrite(f.vfd, buf, len, off) : vfsPread(f.vfd, buf, len, off);
  return write ? vfsWrite(f.vfd, buf, len) : vfsRead(f.vfd, buf, len);
}

const oneIov = memory.data(16);

/** readv/writev/preadv/pwritev (off < 0: at the file position). struct iovec { u64 base; u64 len }. */
export function sysRwv(fd: i64, iov: i64, cnt: i64, off: i64, write: bool): i64 {
  let f = fdGetShim(fd);
  if (f === null) return -Errno.EBADF;
  if (f.sock) return off >= 0 ? -Errno.ESPIPE : sockCall(SOCK_RW, fd, iov, cnt, write ? 1 : 0);
  let total: i64 = 0;
  for (let k: i64 = 0; k < cnt; k++) {
    let base = load<u64>(<usize>(iov + 16 * k)), len = load<u64>(<usize>(iov + 16 * k), 8);
    if (len == 0) continue;
    let r = rw1(f, write, <usize>base, <usize>len, off < 0 ? -1 : off + total);
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (<u64>r < len) break;
  }
  return total;
}

export function sysRw(fd: i64, buf: i64, len: i64, off: i64, write: bool): i64 {
  let f = fdGetShim(fd);
  if (f === null) return -Errno.EBADF;
  if (f.sock) {
    if (off >= 0) return -Errno.ESPIPE;
    store<u64>(oneIov, <u64>buf); store<u64>(oneIov, <u64>len, 8);
    return sockCall(SOCK_RW, fd, <i64>oneIov, 1, write ? 1 : 0);
  }
  return rw1(f, write, <usize>buf, <usize>len, off);
}

export function sysLseek(fd: i64, off: i64, whence: i64): i64 {
  let f = fdGetShim(fd);
  if (f === null) return -Errno.EBADF;
  if (f.console) return -Errno.ESPIPE;
  if (f.vfd < 0) return -Errno.EBADF;
  if (isDir(f)) {
    if (whence != 0 || off < 0) return -Errno.EINVAL;
    return dirSeek(f, <u64>off);
  }
  return vfsLseek(f.vfd, off, <i32>whence);
}

// ---- stat ----

const sbuf = new Stat();

/** struct stat (x86-64, 144 bytes) at kernel address p from s. */
function putStat(p: usize, s: Stat): void {
  memory.fill(p, 0, 144);
  store<u64>(p, s.dev); store<u64>(p, s.ino, 8); store<u64>(p, s.nlink, 16); store<u32>(p, s.mode, 24);
  store<u32>(p, s.uid, 28); store<u32>(p, s.gid, 32); store<u64>(p, s.rdev, 40); store<u64>(p, s.size, 48);
  store<u64>(p, s.blksize, 56); store<u64>(p, s.blocks, 64);
  store<i64>(p, s.atime, 72); store<i64>(p, s.mtime, 88); store<i64>(p, s.ctime, 104);
  let key = timeKey(s);
  if (atimes.has(key)) putNs(p + 72, atimes.get(key));
  if (mtimes.has(key) && floorDiv(mtimes.get(key), NS) == s.mtime) putNs(p + 88, mtimes.get(key));
}

// ---- times: the VFS keeps seconds; what utimensat set is kept here to the nanosecond ----
// An mtime set here is shown while the file's mtime is still that second
// (a later write moves it and the VFS's value shows again). ramfs keeps no
// atime of its own: the one set here is shown.

const NS: i64 = 1_000_000_000;
const atimes = new Map<u64, i64>(), mtimes = new Map<u64, i64>();
const UTIME_NOW: i64 = (1 << 30) - 1, UTIME_OMIT: i64 = (1 << 30) - 2;

function timeKey(s: Stat): u64 { return s.ino ^ (s.dev << 40); }
function floorDiv(a: i64, b: i64): i64 { let q = a / b; return (a % b != 0 && a < 0) ? q - 1 : q; }
function putNs(p: usize, ns: i64): void {
  let sec = floorDiv(ns, NS);
  store<i64>(p, sec); store<i64>(p, ns - sec * NS, 8);
}

const tref = new VRef();

/** utimensat(dirfd, path or 0, struct timespec times[2] or 0, flags). */
export function sysUtimensat(dirfd: i64, p: i64, times: i64, flags: i64): i64 {
  let path: string, follow = (flags & AT_SYMLINK_NOFOLLOW) == 0;
  if (p == 0 || ((flags & AT_EMPTY_PATH) != 0 && load<u8>(<usize>p) == 0)) {
    let f = fdGetShim(dirfd);
    if (f === null || f.console) return -Errno.EBADF;
    path = f.path; follow = f.follow;
  } else {
    let r = at(dirfd, p, false, follow);
    if (r < 0) return r;
    path = resolved;
  }
  let r = follow ? vfsStat(path, sbuf) : vfsLstat(path, sbuf);
  if (r < 0) return r;
  let key = timeKey(sbuf);
  let now = wallClockMs() * 1_000_000;
  for (let k = 0; k < 2; k++) {
    let sec: i64 = 0, nsec: i64 = UTIME_NOW;
    if (times != 0) { sec = load<i64>(<usize>(times + 16 * k)); nsec = load<i64>(<usize>(times + 16 * k), 8); }
    if (nsec == UTIME_OMIT) continue;
    if (nsec != UTIME_NOW && (nsec < 0 || nsec >= NS)) return -Errno.EINVAL;
    let ns = nsec == UTIME_NOW ? now : sec * NS + nsec;
    if (k == 0) { atimes.set(key, ns); continue; }
    r = vfsResolve(path, follow, tref);
    if (r < 0) return r;
    sbuf.mtime = floorDiv(ns, NS);
    r = tref.node!.setattr(sbuf, ATTR_MTIME);
    if (r < 0) return r;
    mtimes.set(key, ns);
  }
  return 0;
}

function statFd(f: ShimFd, s: Stat): i32 {
  if (f.sock) { s.mode = S_IFSOCK | 0o777; s.nlink = 1; s.size = 0; s.ino = 0; return 0; }
  if (f.console) { s.mode = S_IFCHR | 0o620; s.nlink = 1; s.size = 0; s.ino = 0; return 0; }
  if (f.vfd >= 0) return vfsFstat(f.vfd, s);
  return f.follow ? vfsStat(f.path, s) : vfsLstat(f.path, s);
}

function isDir(f: ShimFd): bool {
  return !f.console && statFd(f, sbuf) == 0 && (sbuf.mode & S_IFMT) == S_IFDIR;
}

export function sysFstat(fd: i64, p: i64): i64 {
  let f = fdGetShim(fd);
  if (f === null) return -Errno.EBADF;
  let r = statFd(f, sbuf);
  if (r < 0) return r;
  putStat(<usize>p, sbuf);
  return 0;
}

export function sysNewfstatat(dirfd: i64, p: i64, out: i64, flags: i64): i64 {
  if ((flags & AT_EMPTY_PATH) != 0 && load<u8>(<usize>p) == 0) return sysFstat(dirfd, out);
  let follow = (flags & AT_SYMLINK_NOFOLLOW) == 0;
  let r = at(dirfd, p, false, follow);
  if (r < 0) return r;
  r = follow ? vfsStat(resolved, sbuf) : vfsLstat(resolved, sbuf);
  if (r < 0) return r;
  putStat(<usize>out, sbuf);
  return 0;
}

// ---- directories ----

const ent = new DirEntry();

/** Re-opens f's directory and skips to entry `cookie` (0 ".", 1 "..", then the VFS's). */
function dirSeek(f: ShimFd, cookie: u64): i64 {
  if (cookie == f.dirIndex) return <i64>cookie;
  vfsClose(f.vfd);
  let v = vfsOpen(f.path, O_DIRECTORY, 0);
  if (v < 0) return v;
  f.vfd = v;
  f.dirIndex = 0;
  while (f.dirIndex < cookie) {
    if (f.dirIndex >= 2) {
      let r = vfsReaddir(v, ent);
      if (r <= 0) break;
    }
    f.dirIndex++;
  }
  return <i64>f.dirIndex;
}

/** linux_dirent64 { u64 ino; i64 off; u16 reclen; u8 type; char name[] } records into buf. */
export function sysGetdents64(fd: i64, buf: i64, len: i64): i64 {
  let f = fdGetShim(fd);
  if (f === null || f.vfd < 0) return -Errno.EBADF;
  if (!isDir(f)) return -Errno.ENOTDIR;
  let used: i64 = 0;
  while (true) {
    let name: string;
    let type: u8 = DT_DIR, ino: u64 = 0;
    if (f.dirIndex < 2) {
      name = f.dirIndex == 0 ? "." : "..";
      if (vfsStat(f.dirIndex == 0 ? f.path : f.path + "/..", sbuf) == 0) ino = sbuf.ino;
    }
    else {
      let r = vfsReaddir(f.vfd, ent);
      if (r < 0) return used > 0 ? used : r;
      if (r == 0) break;
      name = ent.name; type = ent.type; ino = ent.ino;
    }
    let nameLen = String.UTF8.byteLength(name);
    let reclen = (19 + nameLen + 1 + 7) & ~7;
    if (used + reclen > len) {
      if (f.dirIndex >= 2) { let back = f.dirIndex; f.dirIndex = back + 1; dirSeek(f, back); } // un-read it
      if (used == 0) return -Errno.EINVAL;
      break;
    }
    let p = <usize>(buf + used);
    f.dirIndex++;
    store<u64>(p, ino); store<u64>(p, f.dirIndex, 8); store<u16>(p, <u16>reclen, 16); store<u8>(p, type, 18);
    utf8EncodeAt(name, p + 19);
    store<u8>(p + 19 + nameLen, 0);
    used += reclen;
  }
  return used;
}

// ---- names ----

export function sysMkdirat(dirfd: i64, p: i64, mode: i64): i64 {
  let r = at(dirfd, p, false, false);
  return r < 0 ? r : vfsMkdir(resolved, <u32>mode);
}

export function sysUnlinkat(dirfd: i64, p: i64, flags: i64): i64 {
  let r = at(dirfd, p, false, false);
  if (r < 0) return r;
  return (flags & AT_REMOVEDIR) != 0 ? vfsRmdir(resolved) : vfsUnlink(resolved);
}

export function sysRenameat(d1: i64, p1: i64, d2: i64, p2: i64): i64 {
  let r = at(d1, p1, false, false);
  if (r < 0) return r;
  let from = resolved;
  r = at(d2, p2, false, false);
  return r < 0 ? r : vfsRename(from, resolved);
}

export function sysLinkat(d1: i64, p1: i64, d2: i64, p2: i64, flags: i64): i64 {
  let r = at(d1, p1, false, (flags & 0x400) != 0);
  if (r < 0) return r;
  let from = resolved;
  if (from.endsWith("/") && vfsStat(from, sbuf) == 0 && (sbuf.mode & S_IFMT) != S_IFDIR) return -Errno.ENOTDIR;
  r = at(d2, p2, false, false);
  if (r == 0) r = newNameSlash(resolved);
  return r < 0 ? r : vfsLink(from, resolved);
}

export function sysSymlinkat(target: i64, dirfd: i64, p: i64): i64 {
  let r = at(dirfd, p, false, false);
  if (r < 0) return r;
  r = newNameSlash(resolved);
  return r < 0 ? r : vfsSymlink(cstr(target), resolved);
}

const lref = new VRef();

export function sysReadlinkat(dirfd: i64, p: i64, buf: i64, len: i64): i64 {
  let r = at(dirfd, p, false, false);
  if (r < 0) return r;
  r = vfsReadlink(resolved, lref);
  if (r < 0) return r;
  let b = String.UTF8.encode(lref.str);
  let n = min<i64>(b.byteLength, len);
  memory.copy(<usize>buf, changetype<usize>(b), <usize>n);
  return n;
}

/** A new name ending in "/" (symlink, link): -EEXIST when it exists, else -ENOENT; 0 without the slash. */
function newNameSlash(path: string): i32 {
  if (!path.endsWith("/")) return 0;
  return vfsLstat(path.substring(0, path.length - 1), sbuf) == 0 ? -Errno.EEXIST : -Errno.ENOENT;
}

// ---- sockets: none yet; a descriptor that is not one is ENOTSOCK, as Linux ----

export function sysNotSocket(fd: i64): i64 {
  return fdGetShim(fd) === null ? -Errno.EBADF : -88; // ENOTSOCK
}

// ---- ppoll: the console is always ready (stdin at its end), files too ----

/** ppoll(fds, n, timeout, sigmask, size): struct pollfd { i32 fd; i16 events; i16 revents }. */
export function sysPpoll(fds: i64, n: i64): i64 {
  let ready: i64 = 0;
  for (let k: i64 = 0; k < n; k++) {
    let p = <usize>(fds + 8 * k);
    let fd = load<i32>(p), ev = <i32>load<u16>(p, 4);
    let rev = 0;
    if (fd >= 0) {
      let f = fdGetShim(fd);
      if (f === null) rev = 0x20;                               // POLLNVAL
      else if (f.console && fd == 0) rev = ev & 0x1;            // POLLIN: at its end
      else rev = ev & (0x1 | 0x4);                              // POLLIN | POLLOUT
    }
    store<u16>(p, <u16>rev, 6);
    if (rev != 0) ready++;
  }
  return ready;
}

// ---- the rest on descriptors ----

export function sysFcntl(fd: i64, cmd: i64, arg: i64): i64 {
  let f = fdGetShim(fd);
  if (f === null) return -Errno.EBADF;
  if (cmd == 3) return f.flags;                                      // F_GETFL
  if (cmd == 4) { f.flags = (f.flags & ~(O_APPEND | O_NONBLOCK)) | (<i32>arg & (O_APPEND | O_NONBLOCK)); return 0; }
  if (cmd == 1 || cmd == 2) return 0;                                // F_GETFD / F_SETFD
  return -Errno.EINVAL;
}

export function sysFtruncate(fd: i64, size: i64): i64 {
  let f = fdGetShim(fd);
  if (f === null || f.vfd < 0) return -Errno.EBADF;
  return vfsFtruncate(f.vfd, size);
}

export function sysFsync(fd: i64): i64 {
  let f = fdGetShim(fd);
  if (f === null) return -Errno.EBADF;
  return f.vfd >= 0 ? vfsFsync(f.vfd) : 0;
}

/** fallocate(fd, 0, off, len): makes the file at least off + len bytes. */
export function sysFallocate(fd: i64, mode: i64, off: i64, len: i64): i64 {
  let f = fdGetShim(fd);
  if (f === null || f.vfd < 0) return -Errno.EBADF;
  if (mode != 0) return -Errno.ENOTSUP;
  let r = vfsFstat(f.vfd, sbuf);
  if (r < 0) return r;
  return <u64>(off + len) > sbuf.size ? vfsFtruncate(f.vfd, off + len) : 0;
}
