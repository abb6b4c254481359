// wasi/files.ts — fd_* calls on open descriptors (witx wasi_snapshot_preview1).

import { sys, own, appNative, copyIn, copyOut, putU32, putU64 } from './host';
import { fdKind, fdBase, fdInh, fdName, fdSetRights, fdFree, fdMove, KIND_FREE, KIND_PREOPEN } from './fd';
import { errnoOf, E_BADF, E_FAULT, E_INVAL, E_NAMETOOLONG, E_NOTCAPABLE, E_SUCCESS } from './errno';
import { checkFd, toFilestat, filetypeOf } from './stat';
import * as R from './rights';
import {
  SYS_readv, SYS_writev, SYS_preadv, SYS_pwritev, SYS_lseek, SYS_close, SYS_fstat, SYS_fcntl, SYS_fsync,
  SYS_fdatasync, SYS_ftruncate, SYS_utimensat, SYS_fadvise64, SYS_fallocate, SYS_getdents64,
  F_GETFL, F_SETFL, O_APPEND, O_NONBLOCK, O_DSYNC, O_SYNC, ST_SIZE, UTIME_NOW, UTIME_OMIT,
} from './linux';

const IOV_MAX: u32 = 1024;
const iovIn = memory.data(8 * 1024);
const iovNative = memory.data(16 * 1024);
const st = memory.data(ST_SIZE);
const out = memory.data(64);

/** Translates the app's iovec array into native {ptr, len} pairs at iovNative; returns count or -errno. */
function nativeIovs(iovs: u32, n: u32): i32 {
  if (n > IOV_MAX) return -E_INVAL;
  if (!copyIn(iovIn, iovs, n * 8)) return -E_FAULT;
  for (let k: u32 = 0; k < n; k++) {
    const p = load<u32>(iovIn + 8 * k), len = load<u32>(iovIn + 8 * k, 4);
    const addr = appNative(p, len);
    if (addr < 0) return -E_FAULT;
    store<i64>(iovNative + 16 * k, addr);
    store<u64>(iovNative + 16 * k, len, 8);
  }
  return <i32>n;
}

function rw(fd: i32, iovs: u32, n: u32, outPtr: u32, nr: i32, right: u64, offset: i64, positional: bool): i32 {
  let e = checkFd(fd, right | (positional ? R.R_FD_SEEK : 0));
  if (e != 0) return e;
  const cnt = nativeIovs(iovs, n);
  if (cnt < 0) return -cnt;
  if (positional && offset < 0) return E_INVAL;
  let r: i64;
  do r = sys(nr, fd, own(iovNative), cnt, offset, 0); while (r == -4);
  if (r < 0) return errnoOf(r);
  return putU32(outPtr, <u32>r) ? E_SUCCESS : E_FAULT;
}

export function fd_read(fd: i32, iovs: u32, n: u32, o: u32): i32 { return rw(fd, iovs, n, o, SYS_readv, R.R_FD_READ, 0, false); }
export function fd_write(fd: i32, iovs: u32, n: u32, o: u32): i32 { return rw(fd, iovs, n, o, SYS_writev, R.R_FD_WRITE, 0, false); }
export function fd_pread(fd: i32, iovs: u32, n: u32, off: i64, o: u32): i32 { return rw(fd, iovs, n, o, SYS_preadv, R.R_FD_READ, off, true); }
export function fd_pwrite(fd: i32, iovs: u32, n: u32, off: i64, o: u32): i32 { return rw(fd, iovs, n, o, SYS_pwritev, R.R_FD_WRITE, off, true); }

export function fd_seek(fd: i32, offset: i64, whence: u32, o: u32): i32 {
  const need = whence == 1 && offset == 0 ? R.R_FD_TELL : R.R_FD_SEEK;
  let e = checkFd(fd, 0);
  if (e != 0) return e;
  if ((fdBase(fd) & (need | R.R_FD_SEEK)) == 0) return E_NOTCAPABLE;
  if (whence > 2) return E_INVAL;
  const r = sys(SYS_lseek, fd, offset, whence);
  if (r < 0) return errnoOf(r);
  return putU64(o, r) ? E_SUCCESS : E_FAULT;
}

export function fd_tell(fd: i32, o: u32): i32 {
  const e = checkFd(fd, R.R_FD_TELL);
  if (e != 0) return e;
  const r = sys(SYS_lseek, fd, 0, 1);
  if (r < 0) return errnoOf(r);
  return putU64(o, r) ? E_SUCCESS : E_FAULT;
}

export function fd_close(fd: i32): i32 {
  if (fdKind(fd) == KIND_FREE) return E_BADF;
  sys(SYS_close, fd);
  fdFree(fd);
  return E_SUCCESS;
}

export function fd_renumber(from: i32, to: i32): i32 {
  if (fdKind(from) == KIND_FREE || fdKind(to) == KIND_FREE) return E_BADF;
  if (from == to) return E_SUCCESS;
  const r = sys(292, from, to, 0x80000); // dup3(from, to, O_CLOEXEC)
  if (r < 0) return errnoOf(r);
  sys(SYS_close, from);
  fdMove(from, to);
  return E_SUCCESS;
}

function simple(fd: i32, right: u64, nr: i32): i32 {
  const e = checkFd(fd, right);
  if (e != 0) return e;
  const r = sys(nr, fd);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}
export function fd_sync(fd: i32): i32 { return simple(fd, R.R_FD_SYNC, SYS_fsync); }
export function fd_datasync(fd: i32): i32 { return simple(fd, R.R_FD_DATASYNC, SYS_fdatasync); }

export function fd_fdstat_get(fd: i32, o: u32): i32 {
  if (fdKind(fd) == KIND_FREE) return E_BADF;
  let r = sys(SYS_fstat, fd, own(st));
  if (r < 0) return errnoOf(r);
  const fl = sys(SYS_fcntl, fd, F_GETFL);
  if (fl < 0) return errnoOf(fl);
  let flags: u16 = 0;
  if (fl & O_APPEND) flags |= 1;
  if (fl & O_DSYNC) flags |= 2;
  if (fl & O_NONBLOCK) flags |= 4;
  if ((fl & O_SYNC) == O_SYNC) flags |= 8 | 16;
  memory.fill(out, 0, 24);
  store<u8>(out, filetypeOf(load<u32>(st, 24)));
  store<u16>(out, flags, 2);
  store<u64>(out, fdBase(fd), 8);
  store<u64>(out, fdInh(fd), 16);
  return copyOut(o, out, 24) ? E_SUCCESS : E_FAULT;
}

/** Linux changes only O_APPEND and O_NONBLOCK after open; the sync flags are ENOTSUP (58). */
export function fd_fdstat_set_flags(fd: i32, flags: u32): i32 {
  const e = checkFd(fd, R.R_FD_FDSTAT_SET_FLAGS);
  if (e != 0) return e;
  if (flags & ~0x1f) return E_INVAL;
  if (flags & (2 | 8 | 16)) return 58;
  const fl = sys(SYS_fcntl, fd, F_GETFL);
  if (fl < 0) return errnoOf(fl);
  let nfl = fl & ~(O_APPEND | O_NONBLOCK);
  if (flags & 1) nfl |= O_APPEND;
  if (flags & 4) nfl |= O_NONBLOCK;
  const r = sys(SYS_fcntl, fd, F_SETFL, nfl);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}

/** Rights can only shrink. */
export function fd_fdstat_set_rights(fd: i32, base: u64, inh: u64): i32 {
  if (fdKind(fd) == KIND_FREE) return E_BADF;
  if ((base & ~fdBase(fd)) != 0 || (inh & ~fdInh(fd)) != 0) return E_NOTCAPABLE;
  fdSetRights(fd, base, inh);
  return E_SUCCESS;
}

export function fd_filestat_get(fd: i32, o: u32): i32 {
  const e = checkFd(fd, R.R_FD_FILESTAT_GET);
  if (e != 0) return e;
  const r = sys(SYS_fstat, fd, own(st));
  if (r < 0) return errnoOf(r);
  toFilestat(out, st);
  return copyOut(o, out, 64) ? E_SUCCESS : E_FAULT;
}

export function fd_filestat_set_size(fd: i32, size: i64): i32 {
  const e = checkFd(fd, R.R_FD_FILESTAT_SET_SIZE);
  if (e != 0) return e;
  const r = sys(SYS_ftruncate, fd, size);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}

/** Fills `out` with struct timespec[2] for utimensat from WASI fstflags (atim 1, atim_now 2, mtim 4, mtim_now 8); false: EINVAL. */
export function timesOf(times: usize, atim: i64, mtim: i64, fl: u32): bool {
  if ((fl & 3) == 3 || (fl & 12) == 12 || (fl & ~15) != 0) return false;
  store<i64>(times, fl & 1 ? atim / 1_000_000_000 : 0);
  store<i64>(times, fl & 1 ? atim % 1_000_000_000 : fl & 2 ? UTIME_NOW : UTIME_OMIT, 8);
  store<i64>(times, fl & 4 ? mtim / 1_000_000_000 : 0, 16);
  store<i64>(times, fl & 4 ? mtim % 1_000_000_000 : fl & 8 ? UTIME_NOW : UTIME_OMIT, 24);
  return true;
}

export function fd_filestat_set_times(fd: i32, atim: i64, mtim: i64, fl: u32): i32 {
  const e = checkFd(fd, R.R_FD_FILESTAT_SET_TIMES);
  if (e != 0) return e;
  if (!timesOf(out, atim, mtim, fl)) return E_INVAL;
  const r = sys(SYS_utimensat, fd, 0, own(out), 0);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}

export function fd_advise(fd: i32, offset: i64, len: i64, advice: u32): i32 {
  const e = checkFd(fd, R.R_FD_ADVISE);
  if (e != 0) return e;
  if (advice > 5) return E_INVAL;
  const r = sys(SYS_fadvise64, fd, offset, len, advice);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}

export function fd_allocate(fd: i32, offset: i64, len: i64): i32 {
  const e = checkFd(fd, R.R_FD_ALLOCATE);
  if (e != 0) return e;
  const r = sys(SYS_fallocate, fd, 0, offset, len);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}

export function fd_prestat_get(fd: i32, o: u32): i32 {
  if (fdKind(fd) != KIND_PREOPEN) return E_BADF;
  store<u32>(out, 0);
  store<u32>(out, fdName(fd)!.byteLength, 4);
  return copyOut(o, out, 8) ? E_SUCCESS : E_FAULT;
}

export function fd_prestat_dir_name(fd: i32, path: u32, len: u32): i32 {
  if (fdKind(fd) != KIND_PREOPEN) return E_BADF;
  const name = fdName(fd)!;
  if (<u32>name.byteLength > len) return E_NAMETOOLONG;
  return copyOut(path, changetype<usize>(name), name.byteLength) ? E_SUCCESS : E_FAULT;
}

const DENTS = 32768;
const dents = memory.data(DENTS);
const dirent = memory.data(24);

/** Linux d_type -> WASI filetype. */
function dtype(t: u8): u8 {
  return t == 8 ? 4 : t == 4 ? 3 : t == 10 ? 7 : t == 2 ? 2 : t == 6 ? 1 : t == 12 ? 6 : 0;
}

/** fd_readdir: cookies are getdents64's d_off (0 = the start); entries are cut at buf_len (bufused == buf_len: more). */
export function fd_readdir(fd: i32, buf: u32, len: u32, cookie: u64, usedPtr: u32): i32 {
  const e = checkFd(fd, R.R_FD_READDIR);
  if (e != 0) return e;
  if (appNative(buf, len) < 0) return E_FAULT;
  let r = sys(SYS_lseek, fd, cookie, 0);
  if (r < 0) return errnoOf(r);
  let used: u32 = 0;
  while (used < len) {
    const n = sys(SYS_getdents64, fd, own(dents), DENTS);
    if (n < 0) return errnoOf(n);
    if (n == 0) break;
    for (let at: i64 = 0; at < n && used < len;) {
      const ent = dents + <usize>at;
      const reclen = load<u16>(ent, 16);
      const name = ent + 19;
      let namlen: u32 = 0;
      while (load<u8>(name + namlen) != 0) namlen++;
      store<u64>(dirent, load<u64>(ent, 8));
      store<u64>(dirent, load<u64>(ent), 8);
      store<u32>(dirent, namlen, 16);
      store<u32>(dirent, dtype(load<u8>(ent, 18)), 20);
      const h = min<u32>(24, len - used);
      copyOut(buf + used, dirent, h);
      used += h;
      const nl = min<u32>(namlen, len - used);
      copyOut(buf + used, name, nl);
      used += nl;
      at += reclen;
    }
  }
  return putU32(usedPtr, used) ? E_SUCCESS : E_FAULT;
}
