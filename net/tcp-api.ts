// net/tcp-api.ts — the TCP half of the socket API (net/index.ts documents
// each call): listen/accept, connect, send/recv, shutdown/close (RFC 9293
// §3.10.1-§3.10.5's user calls OPEN, SEND, RECEIVE, CLOSE, ABORT).
import { Errno } from "../kernel/errno";
import { ifRoute, ifaces } from "./iface";
import { nowUs } from "./clock";
import { rdtsc } from "../kernel/hw";
import { Sock, SOCK_TCP, SOCK_LISTEN, SOCK_UDP, sockAttach, sockDetach, sockGet, ebadf } from "./sock";
import { UdpSock, udpUnbind } from "./udp";
import {
  Tcb, TcpListener, listeners, tcbInsert, tcbLookup, tcbRelease, tcbTimersOn, tcpIsn, tcpStateName, tcbFreeRcv, ringAllowed,
  SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, LAST_ACK, CLOSED, RCV_SHIFT, SND_CAP,
} from "./tcb";
import { tcpOutput, tcpSendRst, tcpOwnMss } from "./tcp-out";
import { tcpRcvTake, tcpSndPut } from "./tcp-data";
import { FIN_WAIT_2_US } from "./tcp-timer";

let nextPort: i32 = 49152;

function tcbOf(h: i32): Tcb | null {
  let s = sockGet(h);
  return s !== null && s.kind == SOCK_TCP ? changetype<Tcb>(s) : null;
}

export function tcpListenImpl(port: i32, backlog: i32): i32 {
  if (port <= 0 || port > 65535) return -Errno.EINVAL;
  if (listeners.has(port)) return -Errno.EADDRINUSE;
  let l = new TcpListener();
  l.port = port;
  l.backlog = min(max(backlog, 1), 65535);
  listeners.set(port, l);
  return sockAttach(l);
}

export function tcpAcceptImpl(h: i32): i32 {
  let s = sockGet(h);
  if (s === null) return ebadf();
  if (s.kind != SOCK_LISTEN) return -Errno.EINVAL;
  let l = changetype<TcpListener>(s);
  while (l.acceptQ.length > 0) {
    let t = l.acceptQ.shift();
    if (t.state == CLOSED && t.rcvLen == 0 && !t.rcvFin) continue; // reset before it was accepted
    return sockAttach(t);
  }
  return -Errno.EAGAIN;
}

export function tcpConnectImpl(ip: u32, port: i32): i32 {
  if (port <= 0 || port > 65535) return -Errno.EINVAL;
  if (ifaces.length == 0 || ifaces[0].ip == 0) return -Errno.ENETDOWN;
  let ifc = ifRoute(ip);
  if (ifc === null) return -Errno.ENETUNREACH;
  let lport = 0;
  for (let i = 0; i < 16384; i++) {
    let p = nextPort;
    nextPort = nextPort >= 65535 ? 49152 : nextPort + 1;
    if (!listeners.has(p) && tcbLookup(ifc, ip, port, p) === null) { lport = p; break; }
  }
  if (lport == 0) return -Errno.EADDRNOTAVAIL;
  let t = new Tcb(ifc);
  t.state = SYN_SENT;
  t.rip = ip; t.rport = port; t.lport = lport;
  t.rcvShift = RCV_SHIFT;
  t.mss = tcpOwnMss(ifc);
  let now = nowUs();
  t.iss = tcpIsn(ifc.ip, lport, ip, port, now, rdtsc());
  t.sndUna = t.iss; t.sndNxt = t.iss; t.sndMax = t.iss; t.sndBase = t.iss + 1; t.recover = t.iss;
  t.rttTiming = true; t.rttSeq = t.iss; t.rttStart = now;
  tcbInsert(t);
  let h = sockAttach(t);
  tcpOutput(t);
  return h;
}

/** The error a call on t returns once the connection is gone. */
function goneErr(t: Tcb): i32 { return t.err != 0 ? t.err : -Errno.ENOTCONN; }

export function tcpSendImpl(h: i32, buf: usize, len: i32): i32 {
  let t = tcbOf(h);
  if (t === null) return sockGet(h) === null ? ebadf() : -Errno.EINVAL;
  if (len < 0) return -Errno.EINVAL;
  let st = t.state;
  if (st == CLOSED) return goneErr(t);
  if (t.finQueued) return -Errno.EPIPE;
  if (st == SYN_SENT || st == SYN_RECEIVED) return -Errno.EAGAIN;
  if (st != ESTABLISHED && st != CLOSE_WAIT) return -Errno.EPIPE;
  if (len == 0) return 0;
  let n = tcpSndPut(t, buf, len);
  return n > 0 ? n : -Errno.EAGAIN;
}

export function tcpRecvImpl(h: i32, buf: usize, len: i32): i32 {
  let t = tcbOf(h);
  if (t === null) return sockGet(h) === null ? ebadf() : -Errno.EINVAL;
  if (len < 0) return -Errno.EINVAL;
  if (t.rcvLen > 0) return tcpRcvTake(t, buf, len);
  if (t.rcvFin) return 0;
  if (t.state == CLOSED) return t.err != 0 ? t.err : 0;
  return -Errno.EAGAIN;
}

export function tcpSendSpaceImpl(h: i32): i32 {
  let t = tcbOf(h);
  if (t === null) return sockGet(h) === null ? ebadf() : -Errno.EINVAL;
  let st = t.state;
  if ((st != ESTABLISHED && st != CLOSE_WAIT) || t.finQueued) return 0;
  let cap = ringAllowed(<u64>(SND_CAP - t.sndCap)) ? SND_CAP : t.sndCap; // send() grows the ring
  return <i32>(cap - t.sndLen);
}

/** Queues the FIN after the data (RFC 9293 §3.10.4 CLOSE). */
function tcpFinish(t: Tcb): void {
  if (t.finQueued) return;
  let st = t.state;
  if (st == ESTABLISHED) t.state = FIN_WAIT_1;
  else if (st == CLOSE_WAIT) t.state = LAST_ACK;
  else return;
  t.finQueued = true;
  tcpOutput(t);
}

export function tcpShutdownImpl(h: i32): i32 {
  let t = tcbOf(h);
  if (t === null) return sockGet(h) === null ? ebadf() : -Errno.EINVAL;
  let st = t.state;
  if (st == CLOSED) return goneErr(t);
  if (st == SYN_SENT || st == SYN_RECEIVED) return -Errno.ENOTCONN;
  tcpFinish(t);
  return 0;
}

function closeTcb(t: Tcb): void {
  sockDetach(t);
  t.appClosed = true;
  let st = t.state;
  if (st == CLOSED) { tcbRelease(t); t.rcvLen = 0; tcbFreeRcv(t); return; }
  if (st == SYN_SENT) { tcbRelease(t); return; }
  if (t.rcvLen > 0 || t.ooo !== null) { // unread data: abort (RFC 2525 §2.17)
    tcpSendRst(t);
    t.rcvLen = 0;
    tcbRelease(t);
    tcbFreeRcv(t);
    return;
  }
  tcpFinish(t);
  if (t.state == FIN_WAIT_2 && t.closeAt == 0) { t.closeAt = nowUs() + FIN_WAIT_2_US; tcbTimersOn(t); }
}

function closeListener(l: TcpListener): void {
  sockDetach(l);
  if (listeners.has(l.port) && listeners.get(l.port) === l) listeners.delete(l.port);
  for (let i = 0; i < l.acceptQ.length; i++) {
    let t = l.acceptQ[i];
    t.appClosed = true;
    if (t.state != CLOSED) tcpSendRst(t);
    t.rcvLen = 0;
    tcbRelease(t);
    tcbFreeRcv(t);
  }
  l.acceptQ.length = 0;
}

export function sockCloseImpl(h: i32): i32 {
  let s = sockGet(h);
  if (s === null) return ebadf();
  if (s.kind == SOCK_TCP) closeTcb(changetype<Tcb>(s));
  else if (s.kind == SOCK_LISTEN) closeListener(changetype<TcpListener>(s));
  else if (s.kind == SOCK_UDP) { udpUnbind(changetype<UdpSock>(s)); sockDetach(s); }
  return 0;
}

export function sockErrorImpl(h: i32): i32 {
  let s = sockGet(h);
  if (s === null) return ebadf();
  let e = s.err;
  s.err = 0;
  return e;
}
export function sockPeerIpImpl(h: i32): u32 { let t = tcbOf(h); return t === null ? 0 : t.rip; }
export function sockPeerPortImpl(h: i32): i32 { let t = tcbOf(h); return t === null ? 0 : t.rport; }
export function sockLocalPortImpl(h: i32): i32 {
  let s = sockGet(h);
  if (s === null) return 0;
  if (s.kind == SOCK_TCP) return changetype<Tcb>(s).lport;
  if (s.kind == SOCK_LISTEN) return changetype<TcpListener>(s).port;
  return changetype<UdpSock>(s).port;
}
export function sockStateImpl(h: i32): string {
  let s = sockGet(h);
  if (s === null) return "";
  if (s.kind == SOCK_TCP) return tcpStateName(changetype<Tcb>(s).state);
  return s.kind == SOCK_LISTEN ? "LISTEN" : "UDP";
}
