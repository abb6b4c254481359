// net/tcb.ts — TCP's data: the connection block (RFC 9293 §3.3.1 "TCB"),
// listeners, the connection hash tables and the lists timers walk.
//
// Memory per connection is the Tcb object itself (a few hundred bytes) plus its
// hash-table slot: the send and receive rings are allocated when the first
// byte needs them and freed when they drain, so an idle connection holds no
// buffer. Lookup is one Map probe per segment, keyed by (remote address,
// remote port, local port) per interface.
import { Sock, SOCK_TCP, SOCK_LISTEN, POLLIN_, POLLOUT_, POLLERR_, POLLHUP_, sockTouch } from "./sock";
import { NetIf } from "./iface";

export const CLOSED: i32 = 0;
export const LISTEN: i32 = 1;
export const SYN_SENT: i32 = 2;
export const SYN_RECEIVED: i32 = 3;
export const ESTABLISHED: i32 = 4;
export const FIN_WAIT_1: i32 = 5;
export const FIN_WAIT_2: i32 = 6;
export const CLOSE_WAIT: i32 = 7;
export const CLOSING: i32 = 8;
export const LAST_ACK: i32 = 9;
export const TIME_WAIT: i32 = 10;
const STATE_NAMES: string[] = [
  "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
  "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
];
export function tcpStateName(s: i32): string { return s >= 0 && s < STATE_NAMES.length ? STATE_NAMES[s] : "?"; }

// Flags (RFC 9293 §3.1).
export const FIN: u32 = 0x01;
export const SYN: u32 = 0x02;
export const RST: u32 = 0x04;
export const PSH: u32 = 0x08;
export const ACK: u32 = 0x10;

/**
 * Rings start at RING_MIN and double on demand: the send ring when the app
 * writes more than fits (up to SND_CAP, enough to fill QEMU user
 * networking's pipe), the receive ring when it is half full (up to RCV_CAP;
 * the window only ever grows). All rings together stay within a budget
 * (tcpSetBufferBudget; stackUp sets half the heap's headroom): past it they
 * stop growing, so a thousand busy connections cannot exhaust memory (a
 * RING_MIN ring is always granted, so every connection makes progress).
 */
export const RING_MIN: u32 = 8 * 1024;
export const SND_CAP: u32 = 256 * 1024;
/** Largest receive ring; advertised with window scale RCV_SHIFT (RFC 7323 §2). */
export const RCV_CAP: u32 = 128 * 1024;
export const RCV_SHIFT: u32 = 2;
/** The MSS assumed when the peer sends none (RFC 9293 §3.7.1). */
export const DEFAULT_MSS: i32 = 536;

export class Tcb extends Sock {
  state: i32 = CLOSED;
  rip: u32 = 0;
  rport: i32 = 0;
  lport: i32 = 0;
  // send sequence space (RFC 9293 §3.3.1)
  iss: u32 = 0;
  sndUna: u32 = 0;
  sndNxt: u32 = 0;
  /** Highest sequence sent + 1 (sndNxt moves back on retransmission). */
  sndMax: u32 = 0;
  sndWnd: u32 = 0;
  sndWl1: u32 = 0;
  sndWl2: u32 = 0;
  sndShift: u32 = 0;
  rcvShift: u32 = 0;
  mss: i32 = DEFAULT_MSS;
  // congestion control (RFC 5681, NewReno RFC 6582)
  cwnd: u32 = 0;
  ssthresh: u32 = 0x7fffffff;
  dupAcks: i32 = 0;
  recover: u32 = 0;
  inRecovery: bool = false;
  // RTO (RFC 6298), microseconds
  srtt: i32 = 0;
  rttvar: i32 = 0;
  rto: i32 = 1_000_000;
  rttSeq: u32 = 0;
  rttStart: u64 = 0;
  rttTiming: bool = false;
  retries: i32 = 0;
  // timers: absolute uptime in µs, 0 = off
  rtxAt: u64 = 0;
  persistAt: u64 = 0;
  ackAt: u64 = 0;
  closeAt: u64 = 0;
  persistBackoff: i32 = 0;
  // send ring: sndLen bytes from sequence sndBase at ring offset sndHead
  sndBuf: usize = 0;
  sndBase: u32 = 0;
  sndHead: u32 = 0;
  sndLen: u32 = 0;
  sndCap: u32 = RING_MIN;
  finQueued: bool = false;
  // receive sequence space and ring: rcvLen in-order bytes at ring offset rcvHead
  irs: u32 = 0;
  rcvNxt: u32 = 0;
  rcvBuf: usize = 0;
  rcvHead: u32 = 0;
  rcvLen: u32 = 0;
  rcvCap: u32 = RING_MIN;
  /** Out-of-order ranges [start, end) held in the ring beyond rcvLen. */
  ooo: u32[] | null = null;
  rcvFin: bool = false;
  /** A FIN seen beyond a hole, at oooFinSeq. */
  oooFin: bool = false;
  oooFinSeq: u32 = 0;
  /** The window we last advertised (bytes), for window updates. */
  advWnd: u32 = 0;
  ackPending: i32 = 0;
  /** Until when ACKs answering invalid segments are suppressed (tcpOowAck). */
  oowUntil: u64 = 0;
  appClosed: bool = false;
  listener: TcpListener | null = null;
  inTimers: bool = false;
  inAckList: bool = false;
  inBlocked: bool = false;
  inHash: bool = false;

  constructor(public ifc: NetIf) { super(); this.kind = SOCK_TCP; }

  key(): u64 { return tcbKey(this.rip, this.rport, this.lport); }

  /** Free space in the receive ring (what the window offers). */
  rcvFree(): u32 { return this.rcvCap - this.rcvLen; }

  ready(): i32 {
    let r = 0;
    let st = this.state;
    if (this.rcvLen > 0 || this.rcvFin) r |= POLLIN_;
    if ((st == ESTABLISHED || st == CLOSE_WAIT) && !this.finQueued && this.sndLen < this.sndCap) r |= POLLOUT_;
    if (this.err != 0) r |= POLLERR_ | POLLIN_;
    if (st == CLOSED || (this.rcvFin && this.finQueued)) r |= POLLHUP_;
    return r;
  }
}

export class TcpListener extends Sock {
  port: i32 = 0;
  backlog: i32 = 0;
  /** Connections in SYN-RECEIVED (the SYN queue). */
  synCount: i32 = 0;
  acceptQ: Tcb[] = [];
  constructor() { super(); this.kind = SOCK_LISTEN; }
  ready(): i32 { return this.acceptQ.length > 0 ? POLLIN_ : 0; }
}

export function tcbKey(rip: u32, rport: i32, lport: i32): u64 {
  return (<u64>rip << 32) | (<u64>(rport & 0xffff) << 16) | <u64>(lport & 0xffff);
}

// ---- tables ----

const conns: Map<u64, Tcb>[] = [];
export const listeners: Map<i32, TcpListener> = new Map();

export function connTable(ifc: NetIf): Map<u64, Tcb> {
  while (conns.length <= ifc.index) conns.push(new Map());
  return conns[ifc.index];
}
export function tcbLookup(ifc: NetIf, rip: u32, rport: i32, lport: i32): Tcb | null {
  let m = connTable(ifc);
  let k = tcbKey(rip, rport, lport);
  return m.has(k) ? m.get(k) : null;
}
export function tcbInsert(t: Tcb): void { connTable(t.ifc).set(t.key(), t); t.inHash = true; }
/** Total connections in all tables (for tests and limits). */
export function tcbCount(): i32 {
  let n = 0;
  for (let i = 0; i < conns.length; i++) n += conns[i].size;
  return n;
}

// ---- lists the stack walks instead of scanning every connection ----

/** Connections with a timer armed. */
export const timerList: Tcb[] = [];
/** Connections owing an ACK (sent before the stack sleeps, or by ackAt). */
export const ackList: Tcb[] = [];
/** Connections with output to send at the next pump: stopped on a full device, or written by the app. */
export const blockedList: Tcb[] = [];

export function tcbTimersOn(t: Tcb): void { if (!t.inTimers) { t.inTimers = true; timerList.push(t); } }
export function tcbAckLater(t: Tcb): void { if (!t.inAckList) { t.inAckList = true; ackList.push(t); } }
export function tcbBlocked(t: Tcb): void { if (!t.inBlocked) { t.inBlocked = true; blockedList.push(t); } }

/** Frees the rings and leaves the hash table: the connection is gone (state CLOSED). */
export function tcbRelease(t: Tcb): void {
  sockTouch(t); // closed (or reset, timed out): POLLHUP/POLLERR for a watcher
  if (t.inHash) { connTable(t.ifc).delete(t.key()); t.inHash = false; }
  t.state = CLOSED;
  tcbFreeSnd(t);
  if (t.rcvLen == 0) tcbFreeRcv(t);
  t.sndLen = 0;
  t.ooo = null;
  t.rtxAt = 0; t.persistAt = 0; t.ackAt = 0; t.closeAt = 0;
  t.ackPending = 0;
  let l = t.listener;
  if (l !== null) { l.synCount--; t.listener = null; }
}

/** The ring's contiguous bytes from offset off (mod cap): min(n, cap - off). */
// @ts-ignore: decorator
@inline export function ringSpan(off: u32, n: u32, cap: u32): u32 { return min(n, cap - off); }

// ---- initial sequence numbers (RFC 6528 §3: ISN = M + F(4-tuple, secret)) ----
// F here is a 64-bit mixing function (splitmix64's finaliser) keyed by a
// secret taken from the clock at first use: it makes sequence numbers hard
// to guess off-path, but it is not the cryptographic PRF RFC 6528 asks for.
let isnSecret: u64 = 0;
export function tcpIsn(lip: u32, lport: i32, rip: u32, rport: i32, nowUs: u64, seed: u64): u32 {
  if (isnSecret == 0) isnSecret = seed | 1;
  let x = isnSecret ^ ((<u64>lip << 32) | <u64>rip) ^ ((<u64>lport << 48) | (<u64>rport << 32));
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  x ^= x >> 31;
  return <u32>x + <u32>(nowUs >> 2); // M: a clock ticking every 4 µs
}

// ---- ring memory ----
let ringBytes: u64 = 0;
let ringBudget: u64 = 0;
/** Caps the bytes all rings may hold together (0: no cap). */
export function tcpSetBufferBudget(bytes: u64): void { ringBudget = bytes; }
/** Bytes the rings hold now. */
export function tcpBufferBytes(): u64 { return ringBytes; }
/** True when `extra` more ring bytes stay within the budget. */
export function ringAllowed(extra: u64): bool { return ringBudget == 0 || ringBytes + extra <= ringBudget; }
export function ringAlloc(n: u32): usize { ringBytes += n; return heap.alloc(<usize>n); }
export function ringRelease(p: usize, n: u32): void { ringBytes -= n; heap.free(p); }
export function tcbFreeSnd(t: Tcb): void {
  if (t.sndBuf != 0) { ringRelease(t.sndBuf, t.sndCap); t.sndBuf = 0; }
  t.sndHead = 0;
}
export function tcbFreeRcv(t: Tcb): void {
  if (t.rcvBuf != 0) { ringRelease(t.rcvBuf, t.rcvCap); t.rcvBuf = 0; }
  t.rcvHead = 0;
}
