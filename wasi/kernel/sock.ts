// wasi/kernel/sock.ts — the socket calls of the shim, over net/'s socket API.
// Linked only into an image built with a network (tools/image/wasm.ts `net`:
// `asuk run prog.wasm -p HOST:GUEST`): its entry calls wasiNetInstall(), which
// hands fds.ts the one function below; without it the calls are -ENOSYS.
//
// What wasi/ asks for (wasi/fd.ts `--tcplisten`, wasi/poll.ts sock_*):
// socket/setsockopt/bind/listen (a TCP listener on all addresses), accept4,
// recvmsg, sendmsg, shutdown, close, and ppoll over socket descriptors.
// Blocking as a Linux socket blocks: accept and recv wait for the stack
// (netPoll drives it and idles the CPU); O_NONBLOCK / MSG_DONTWAIT get
// -EAGAIN. At exit (a unikernel's exit powers the machine off) sockDrain
// sends what is queued and the FINs, for at most DRAIN_MS.

import { Errno } from "../../kernel/errno";
import { println } from "../../kernel/console";
import { uptimeUs } from "../../kernel/time";
import { netStart } from "../../net";
import {
  tcpListen, tcpAccept, sockSend, sockRecv, sockShutdown, sockClose, sockState, netPoll, POLLIN, POLLOUT,
} from "../../net/index";
import { ShimFd, fdGetShim, fdAdd, sockInstall, SHIM_FD_MAX, SOCK_START, SOCK_DRAIN, SOCK_CLOSE, SOCK_RW } from "./fds";

const O_NONBLOCK: i32 = 0x800;
/** Linux errnos kernel/errno.ts does not list. */
const ENOTSOCK: i64 = 88, EDESTADDRREQ: i64 = 89, EPROTONOSUPPORT: i64 = 93, EAFNOSUPPORT: i64 = 97;
const MSG_PEEK: i64 = 0x2, MSG_DONTWAIT: i64 = 0x40;
/** The most the machine waits at exit for queued data and FINs to be acknowledged. */
const DRAIN_MS: i64 = 2000;
/** How long one wait for the stack may last before the shim looks again (ppoll's files, deadlines). */
const SLICE_MS: i32 = 50;


/** Hands the shim the socket calls (the entry of an image with a network calls it). */
export function wasiNetInstall(): void { sockInstall(sockDispatch); }

function sockDispatch(nr: i32, a: i64, b: i64, c: i64, d: i64): i64 {
  switch (nr) {
    case SOCK_START: return start();
    case SOCK_DRAIN: drain(); return 0;
    case SOCK_CLOSE: return closeSock(a);
    case SOCK_RW: return rwv(a, b, c, d);
    case 41: return socket(a, b);
    case 54: return sockOf(a) !== null ? 0 : notSock(a);         // setsockopt: SO_REUSEADDR is what the layer sets
    case 49: return bind(a, b, c);
    case 50: return listen(a, b);
    case 288: return accept(a, d);
    case 47: return recvmsg(a, b, c);
    case 46: return sendmsg(a, b, c);
    case 48: return shutdown(a, b);
    case 271: return ppoll(a, b, c);
    default: return -Errno.ENOSYS;
  }
}

function start(): i64 {
  let r = netStart();
  if (r < 0) println("wasi: the network did not come up (errno " + (-r).toString() + "): sockets need `asuk run -p HOST:GUEST`");
  return r;
}

function sockOf(fd: i64): ShimFd | null {
  let f = fdGetShim(fd);
  return f !== null && f.sock ? f : null;
}

function notSock(fd: i64): i64 { return fdGetShim(fd) === null ? -Errno.EBADF : -ENOTSOCK; }

/** socket(domain, type, protocol): AF_INET SOCK_STREAM only (what --tcplisten makes). */
function socket(domain: i64, type: i64): i64 {
  if (domain != 2) return -EAFNOSUPPORT;
  if ((type & 0xf) != 1) return -EPROTONOSUPPORT;
  let f = new ShimFd();
  f.sock = true;
  f.flags = 2 | (<i32>type & O_NONBLOCK); // O_RDWR
  return fdAdd(f);
}

/** bind(fd, sockaddr_in, len): the port; the stack listens on every address of the interface. */
function bind(fd: i64, sa: i64, len: i64): i64 {
  let f = sockOf(fd);
  if (f === null) return notSock(fd);
  if (len < 16 || load<u16>(<usize>sa) != 2) return -Errno.EINVAL;
  if (f.net >= 0 || f.port != 0) return -Errno.EINVAL;
  let port = <i32>bswap<u16>(load<u16>(<usize>sa, 2));
  if (port == 0) return -Errno.EINVAL; // an ephemeral listening port: not given
  f.port = port;
  return 0;
}

function listen(fd: i64, backlog: i64): i64 {
  let f = sockOf(fd);
  if (f === null) return notSock(fd);
  if (f.net >= 0) return 0;
  if (f.port == 0) return -EDESTADDRREQ;
  let h = tcpListen(f.port, <i32>max<i64>(1, min<i64>(backlog, 65535)));
  if (h < 0) return h;
  f.net = h;
  return 0;
}

const one = [0], ev = [0], rev = [0];

/** Drives the stack until socket `h` has one of `events` or `ms` passed (-1: no limit). */
function waitFor(h: i32, events: i32, ms: i32): void {
  one[0] = h; ev[0] = events; rev[0] = 0;
  netPoll(one, ev, rev, ms);
}

function nonblocking(f: ShimFd, msgFlags: i64): bool { return (f.flags & O_NONBLOCK) != 0 || (msgFlags & MSG_DONTWAIT) != 0; }

/** accept4(fd, addr, len, flags): addr is not filled (the layer passes none). */
function accept(fd: i64, flags: i64): i64 {
  let f = sockOf(fd);
  if (f === null) return notSock(fd);
  if (f.net < 0) return -Errno.EINVAL;
  let c: i32;
  while ((c = tcpAccept(f.net)) == -Errno.EAGAIN) {
    if (nonblocking(f, 0)) return -Errno.EAGAIN;
    waitFor(f.net, POLLIN, -1);
  }
  if (c < 0) return c;
  let g = new ShimFd();
  g.sock = true;
  g.net = c;
  g.flags = 2 | (<i32>flags & O_NONBLOCK);
  let r = fdAdd(g);
  if (r < 0) sockClose(c);
  return r;
}

/** recvmsg(fd, msghdr, flags): fills the iovecs (native addresses) with what has arrived; waits for the first byte. */
function recvmsg(fd: i64, msg: i64, flags: i64): i64 {
  let f = sockOf(fd);
  if (f === null) return notSock(fd);
  if (f.net < 0) return -Errno.ENOTCONN;
  if ((flags & MSG_PEEK) != 0) return -Errno.ENOTSUP;
  let iov = <usize>load<u64>(<usize>msg, 16), n = <i32>load<u64>(<usize>msg, 24);
  store<i32>(<usize>msg, 0, 48); // msg_flags
  let total: i64 = 0;
  for (let k = 0; k < n; k++) {
    let base = <usize>load<u64>(iov + 16 * k), len = <i32>min<u64>(load<u64>(iov + 16 * k, 8), 0x7fffffff);
    let got = 0;
    while (got < len) {
      let r = sockRecv(f.net, base + got, len - got);
      if (r == -Errno.EAGAIN && total + got == 0 && !nonblocking(f, flags)) { waitFor(f.net, POLLIN, -1); continue; }
      if (r <= 0) {
        if (total + got > 0 || r == 0) return total + got;
        return r;
      }
      got += r;
    }
    total += got;
  }
  return total;
}

/** sendmsg(fd, msghdr, flags): queues every byte, waiting for room (blocking), or what fits (non-blocking). */
function sendmsg(fd: i64, msg: i64, flags: i64): i64 {
  let f = sockOf(fd);
  if (f === null) return notSock(fd);
  if (f.net < 0) return -Errno.ENOTCONN;
  let iov = <usize>load<u64>(<usize>msg, 16), n = <i32>load<u64>(<usize>msg, 24);
  let total: i64 = 0;
  for (let k = 0; k < n; k++) {
    let base = <usize>load<u64>(iov + 16 * k), len = <i32>min<u64>(load<u64>(iov + 16 * k, 8), 0x7fffffff);
    let put = 0;
    while (put < len) {
      let r = sockSend(f.net, base + put, len - put);
      if (r == -Errno.EAGAIN) {
        if (nonblocking(f, flags)) return total + put > 0 ? total + put : -Errno.EAGAIN;
        waitFor(f.net, POLLOUT, -1);
        continue;
      }
      if (r < 0) return total + put > 0 ? total + put : r;
      put += r;
    }
    total += put;
  }
  waitFor(f.net, 0, 0); // let the stack send now (it sends when the app yields to it)
  return total;
}

const rwMsg = memory.data(56);

/** readv/writev on a socket (fd_read / fd_write): recvmsg / sendmsg without flags. */
function rwv(fd: i64, iov: i64, cnt: i64, write: i64): i64 {
  memory.fill(rwMsg, 0, 56);
  store<u64>(rwMsg, <u64>iov, 16);
  store<u64>(rwMsg, <u64>cnt, 24);
  return write != 0 ? sendmsg(fd, <i64>rwMsg, 0) : recvmsg(fd, <i64>rwMsg, 0);
}

/** shutdown(fd, how): SHUT_WR and SHUT_RDWR send a FIN after the queued data; SHUT_RD has nothing to stop. */
function shutdown(fd: i64, how: i64): i64 {
  let f = sockOf(fd);
  if (f === null) return notSock(fd);
  if (how < 0 || how > 2) return -Errno.EINVAL;
  if (f.net < 0) return -Errno.ENOTCONN;
  if (how == 0) return 0;
  let r = sockShutdown(f.net);
  waitFor(f.net, 0, 0);
  return r;
}

/** Connections closed by the app whose data and FIN are still leaving (sockClose would reset one with unread input). */
const lingering = new Array<i32>();
const LINGER_MAX = 64;

function busy(h: i32): bool {
  let s = sockState(h);
  return s == "ESTABLISHED" || s == "CLOSE-WAIT" || s == "FIN-WAIT-1" || s == "LAST-ACK" || s == "CLOSING" || s == "SYN-RECEIVED";
}

/** Releases the lingering connections that are done sending (all of them when `all`). */
function reap(all: bool): void {
  for (let k = lingering.length - 1; k >= 0; k--) {
    if (!all && busy(lingering[k]) && lingering.length <= LINGER_MAX) continue;
    sockClose(lingering[k]);
    lingering.splice(k, 1);
  }
}

/**
 * Called by close() for a socket descriptor: the net handle goes with the last descriptor
 * sharing it. A connection sends its FIN after the queued data and lingers until that is
 * acknowledged (or the machine stops: drain), as Linux's close lets it finish in the background.
 */
function closeSock(fd: i64): i64 {
  let f = sockOf(fd);
  if (f === null) return 0;
  if (--f.refs > 0 || f.net < 0) return 0;
  let h = f.net;
  f.net = -1;
  if (sockState(h) == "LISTEN" || !busy(h)) return sockClose(h);
  sockShutdown(h);
  lingering.push(h);
  waitFor(-1, 0, 0);
  reap(false);
  return 0;
}

/** ppoll over descriptors some of which are sockets: files and the console are ready at once (files.ts rules). */
function ppoll(fds: i64, n: i64, ts: i64): i64 {
  let deadline: i64 = ts == 0 ? -1 : <i64>uptimeUs() + (load<i64>(<usize>ts) * 1_000_000 + load<i64>(<usize>ts, 8) / 1000);
  let socks = new Array<i32>(), events = new Array<i32>(), revents = new Array<i32>();
  while (true) {
    let ready: i64 = 0;
    socks.length = 0; events.length = 0;
    for (let k: i64 = 0; k < n; k++) {
      let p = <usize>(fds + 8 * k);
      let fd = load<i32>(p), want = <i32>load<u16>(p, 4);
      let f = fd >= 0 ? fdGetShim(fd) : null;
      let got = 0;
      if (fd < 0) got = 0;
      else if (f === null) got = 0x20;                                   // POLLNVAL
      else if (!f.sock) got = f.console && fd == 0 ? want & 0x1 : want & 0x5;
      else if (f.net >= 0) { socks.push(f.net); events.push(want & (POLLIN | POLLOUT)); }
      store<u16>(p, <u16>got, 6);
    }
    revents.length = socks.length;
    let now = <i64>uptimeUs();
    let slice = deadline < 0 ? SLICE_MS : <i32>max<i64>(0, min<i64>(SLICE_MS, (deadline - now) / 1000));
    if (socks.length > 0) netPoll(socks, events, revents, 0);
    let j = 0;
    for (let k: i64 = 0; k < n; k++) {
      let p = <usize>(fds + 8 * k);
      let fd = load<i32>(p);
      let f = fd >= 0 ? fdGetShim(fd) : null;
      if (f !== null && f.sock && f.net >= 0) store<u16>(p, <u16>revents[j++], 6);
      if (load<u16>(p, 6) != 0) ready++;
    }
    if (ready > 0 || (deadline >= 0 && now >= deadline)) return ready;
    if (socks.length > 0) netPoll(socks, events, revents, slice);
    else waitFor(-1, 0, slice);
  }
}

/** At exit: every connection sends what is queued and its FIN; waits until each is acknowledged or DRAIN_MS passed. */
function drain(): void {
  let handles = new Array<i32>();
  for (let k = 0; k < lingering.length; k++) handles.push(lingering[k]);
  for (let fd = 0; fd < SHIM_FD_MAX; fd++) {
    let f = fdGetShim(fd);
    if (f !== null && f.sock && f.net >= 0 && sockState(f.net) != "LISTEN" && handles.indexOf(f.net) < 0) {
      handles.push(f.net);
      sockShutdown(f.net);
    }
  }
  let until = <i64>uptimeUs() + DRAIN_MS * 1000;
  while (<i64>uptimeUs() < until) {
    let any = false;
    for (let k = 0; k < handles.length; k++) if (busy(handles[k])) any = true;
    if (!any) break;
    waitFor(-1, 0, 10);
  }
  reap(true);
}
