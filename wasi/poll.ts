// wasi/poll.ts — poll_oneoff and sock_* (witx wasi_snapshot_preview1).
//
// subscription (48 bytes): userdata u64 @0, tag u8 @8 (clock 0, fd_read 1,
//   fd_write 2); clock: id u32 @16, timeout u64 @24, precision u64 @32,
//   flags u16 @40 (1 = absolute); fd_readwrite: fd u32 @16.
// event (32 bytes): userdata u64 @0, error u16 @8, type u8 @10,
//   fd_readwrite: nbytes u64 @16, flags u16 @24 (1 = hangup).

import { sys, own, copyIn, copyOut, putU32, appNative } from './host';
import { fdKind, fdSet, MAX_FD, KIND_FREE, KIND_SOCKET } from './fd';
import { errnoOf, E_BADF, E_FAULT, E_INVAL, E_SUCCESS, E_MFILE, E_NOTSOCK } from './errno';
import { checkFd } from './stat';
import * as R from './rights';
import { SYS_ppoll, SYS_clock_gettime, SYS_clock_nanosleep, SYS_close, SYS_accept4, SYS_recvmsg, SYS_sendmsg, SYS_shutdown, SYS_readv } from './linux';

const ts = memory.data(16);
const iovNative = memory.data(16 * 1024);
const iovIn = memory.data(8 * 1024);
const msg = memory.data(56);

function now(id: u32): i64 {
  sys(SYS_clock_gettime, id, own(ts));
  return load<i64>(ts) * 1_000_000_000 + load<i64>(ts, 8);
}

function putEvent(evs: usize, k: u32, sub: usize, err: u16, type: u8, nbytes: u64, flags: u16): void {
  const ev = evs + 32 * k;
  memory.fill(ev, 0, 32);
  store<u64>(ev, load<u64>(sub));
  store<u16>(ev, err, 8);
  store<u8>(ev, type, 10);
  store<u64>(ev, nbytes, 16);
  store<u16>(ev, flags, 24);
}

/** poll_oneoff's buffers: 48 + 32 + 8 bytes a subscription, grown only (the layer's allocator never frees). */
let scratch = new ArrayBuffer(88 * 16), scratchSubs: u32 = 16;

export function poll_oneoff(inPtr: u32, outPtr: u32, n: u32, neventsPtr: u32): i32 {
  if (n == 0) return E_INVAL;
  if (n > 4096) return E_INVAL;
  if (n > scratchSubs) { scratch = new ArrayBuffer(88 * n); scratchSubs = n; }
  const subs = changetype<usize>(scratch), evs = subs + 48 * n, fds = evs + 32 * n;
  if (!copyIn(subs, inPtr, 48 * n) || appNative(outPtr, 32 * n) < 0) return E_FAULT;
  let timeout: i64 = -1, nfds: u32 = 0, nev: u32 = 0;
  for (let k: u32 = 0; k < n; k++) {
    const s = subs + 48 * k, tag = load<u8>(s, 8);
    if (tag == 0) {
      const id = load<u32>(s, 16);
      if (id > 3) { putEvent(evs, nev++, s, <u16>E_INVAL, 0, 0, 0); continue; }
      let t = load<i64>(s, 24);
      if (load<u16>(s, 40) & 1) t -= now(id);
      if (t < 0) t = 0;
      if (timeout < 0 || t < timeout) timeout = t;
    } else if (tag == 1 || tag == 2) {
      const fd = load<i32>(s, 16);
      const e = checkFd(fd, R.R_POLL_FD_READWRITE);
      if (e != 0) { putEvent(evs, nev++, s, <u16>e, tag, 0, 0); continue; }
      store<i32>(fds + 8 * nfds, fd);
      store<u32>(fds + 8 * nfds, tag == 1 ? 1 : 4, 4); // POLLIN / POLLOUT
      nfds++;
    } else return E_INVAL;
  }
  if (nev == 0) {
    if (timeout >= 0) { store<i64>(ts, timeout / 1_000_000_000); store<i64>(ts, timeout % 1_000_000_000, 8); }
    let r: i64;
    if (nfds == 0) {
      do r = sys(SYS_clock_nanosleep, 1, 0, own(ts), own(ts)); while (r == -4);
      r = 0;
    } else {
      do r = sys(SYS_ppoll, own(fds), nfds, timeout >= 0 ? own(ts) : 0, 0, 8); while (r == -4);
      if (r < 0) return errnoOf(r);
    }
    let j: u32 = 0;
    for (let k: u32 = 0; k < n; k++) {
      const s = subs + 48 * k, tag = load<u8>(s, 8);
      if (tag == 0) {
        if (r == 0) putEvent(evs, nev++, s, 0, 0, 0, 0);
        continue;
      }
      const re = load<u16>(fds + 8 * j, 6);
      j++;
      if (re == 0) continue;
      const err: u16 = re & 0x20 ? <u16>E_BADF : 0; // POLLNVAL
      putEvent(evs, nev++, s, err, tag, 0, re & 0x10 ? 1 : 0); // POLLHUP
    }
  }
  if (!copyOut(outPtr, evs, 32 * nev) || !putU32(neventsPtr, nev)) return E_FAULT;
  return E_SUCCESS;
}

/** sock_* act only on sockets the app got as sockets (stdio never is one, whatever the host made it). */
function checkSock(fd: i32, right: u64): i32 {
  const e = checkFd(fd, right);
  if (e != 0) return e;
  return fdKind(fd) == KIND_SOCKET ? E_SUCCESS : E_NOTSOCK;
}

export function sock_accept(fd: i32, flags: u32, fdPtr: u32): i32 {
  const e = checkSock(fd, R.R_SOCK_ACCEPT);
  if (e != 0) return e;
  if (flags & ~4) return E_INVAL;
  const r = sys(SYS_accept4, fd, 0, 0, 0x80000 | ((flags & 4) ? 0x800 : 0));
  if (r < 0) return errnoOf(r);
  if (r >= MAX_FD) { sys(SYS_close, r); return E_MFILE; }
  fdSet(<i32>r, KIND_SOCKET, R.FILE_RIGHTS, 0);
  return putU32(fdPtr, <u32>r) ? E_SUCCESS : E_FAULT;
}

function iovs(p: u32, n: u32): i32 {
  if (n > 1024) return -E_INVAL;
  if (!copyIn(iovIn, p, n * 8)) return -E_FAULT;
  for (let k: u32 = 0; k < n; k++) {
    const b = load<u32>(iovIn + 8 * k), len = load<u32>(iovIn + 8 * k, 4);
    const a = appNative(b, len);
    if (a < 0) return -E_FAULT;
    store<i64>(iovNative + 16 * k, a);
    store<u64>(iovNative + 16 * k, len, 8);
  }
  return <i32>n;
}

function msghdr(n: i32): void {
  memory.fill(msg, 0, 56);
  store<i64>(msg, own(iovNative), 16);
  store<u64>(msg, n, 24);
}

export function sock_recv(fd: i32, ri: u32, n: u32, riflags: u32, lenPtr: u32, flagsPtr: u32): i32 {
  const e = checkSock(fd, R.R_FD_READ);
  if (e != 0) return e;
  const cnt = iovs(ri, n);
  if (cnt < 0) return -cnt;
  msghdr(cnt);
  const fl = ((riflags & 1) ? 2 : 0) | ((riflags & 2) ? 0x100 : 0);
  let r: i64;
  do r = sys(SYS_recvmsg, fd, own(msg), fl); while (r == -4);
  if (r < 0) return errnoOf(r);
  store<u16>(msg, (load<i32>(msg, 48) & 0x20) ? 1 : 0); // roflags (u16): data_truncated <- MSG_TRUNC
  return putU32(lenPtr, <u32>r) && copyOut(flagsPtr, msg, 2) ? E_SUCCESS : E_FAULT;
}

export function sock_send(fd: i32, si: u32, n: u32, siflags: u32, lenPtr: u32): i32 {
  const e = checkSock(fd, R.R_FD_WRITE);
  if (e != 0) return e;
  const cnt = iovs(si, n);
  if (cnt < 0) return -cnt;
  msghdr(cnt);
  let r: i64;
  do r = sys(SYS_sendmsg, fd, own(msg), 0x4000); while (r == -4); // MSG_NOSIGNAL
  if (r < 0) return errnoOf(r);
  return putU32(lenPtr, <u32>r) ? E_SUCCESS : E_FAULT;
}

/** sdflags rd 1, wr 2 -> SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2. */
export function sock_shutdown(fd: i32, how: u32): i32 {
  const e = checkSock(fd, R.R_SOCK_SHUTDOWN);
  if (e != 0) return e;
  if (how == 0 || how > 3) return E_INVAL;
  const r = sys(SYS_shutdown, fd, how - 1);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}
