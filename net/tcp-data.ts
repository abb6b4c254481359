// net/tcp-data.ts — TCP's byte streams: the receive ring with out-of-order
// ranges and the ACK policy (RFC 5681 §4.2: ACK at least every second
// full segment, at once for out-of-order data or a filled gap), the send
// ring the app writes, RTT samples and RTO (RFC 6298 §2), and the initial
// congestion window (RFC 5681 §3.1).
import { seqGt, seqLe, seqLt } from "./bytes";
import {
  Tcb, RCV_CAP, SND_CAP, ringSpan, ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, FIN_WAIT_2,
  ringAlloc, ringRelease, ringAllowed, tcbFreeRcv, tcbBlocked,
} from "./tcb";
import { tcpSendAck, tcpOutput, RTO_MIN, RTO_MAX } from "./tcp-out";
import { tcpAckLater } from "./tcp-timer";

const MAX_OOO_RANGES: i32 = 8;
/** Clock granularity G (RFC 6298 §2): 1 ms. */
const CLOCK_G: i32 = 1000;

/** One RTT measurement r (µs) into SRTT/RTTVAR/RTO (RFC 6298 §2.2-2.5). */
export function tcpRttSample(t: Tcb, r64: u64): void {
  let r = <i32>min(r64, <u64>RTO_MAX);
  if (t.srtt == 0) { t.srtt = max(r, 1); t.rttvar = r >> 1; }
  else {
    let d = t.srtt - r;
    if (d < 0) d = -d;
    t.rttvar = (3 * t.rttvar + d) >> 2;
    t.srtt = max((7 * t.srtt + r) >> 3, 1);
  }
  t.rto = min(max(t.srtt + max(CLOCK_G, 4 * t.rttvar), RTO_MIN), RTO_MAX);
}

/** IW (RFC 5681 §3.1 eq. 3). */
export function tcpInitCwnd(t: Tcb): void {
  let m = <u32>t.mss;
  t.cwnd = m > 2190 ? 2 * m : m > 1095 ? 3 * m : 4 * m;
}

/** Copies n bytes from src into ring (cap bytes) at offset at, wrapping. */
function ringWrite(ring: usize, cap: u32, at: u32, src: usize, n: u32): void {
  let a = ringSpan(at, n, cap);
  memory.copy(ring + <usize>at, src, <usize>a);
  if (a < n) memory.copy(ring, src + <usize>a, <usize>(n - a));
}
/** Copies n bytes from ring at offset at into dst, wrapping. */
function ringRead(ring: usize, cap: u32, at: u32, dst: usize, n: u32): void {
  let a = ringSpan(at, n, cap);
  memory.copy(dst, ring + <usize>at, <usize>a);
  if (a < n) memory.copy(dst + <usize>a, ring, <usize>(n - a));
}

/** Moves ring (cap bytes, logical start at head) into a new ring of newCap bytes starting at 0. */
function ringRegrow(ring: usize, cap: u32, head: u32, newCap: u32): usize {
  let fresh = ringAlloc(newCap);
  if (ring != 0) { ringRead(ring, cap, head, fresh, cap); ringRelease(ring, cap); }
  return fresh;
}

/**
 * In-window data at seq (>= RCV.NXT, already trimmed to the window).
 * Returns true when an ACK must go at once (out of order, a filled gap,
 * every second segment); else one is owed (tcpAckLater).
 */
export function tcpRcvData(t: Tcb, seq: u32, data: usize, dlen: i32): bool {
  if (t.rcvBuf == 0) { t.rcvBuf = ringAlloc(t.rcvCap); t.rcvHead = 0; }
  let n = <u32>dlen;
  let off = seq - t.rcvNxt;
  ringWrite(t.rcvBuf, t.rcvCap, (t.rcvHead + t.rcvLen + off) % t.rcvCap, data, n);
  // Half full: double the ring (and so the window) while the budget allows.
  if (t.rcvCap < RCV_CAP && (t.rcvLen + off + n) > (t.rcvCap >> 1) && ringAllowed(<u64>t.rcvCap)) {
    t.rcvBuf = ringRegrow(t.rcvBuf, t.rcvCap, t.rcvHead, t.rcvCap << 1);
    t.rcvHead = 0;
    t.rcvCap <<= 1;
  }
  if (off != 0) { // out of order: remember the range, dup-ACK at once
    oooAdd(t, seq, seq + n);
    return true;
  }
  t.rcvNxt += n; t.rcvLen += n;
  let filled = oooMerge(t);
  if (filled || ++t.ackPending >= 2) return true;
  tcpAckLater(t);
  return false;
}

function oooAdd(t: Tcb, s: u32, e: u32): void {
  let r = t.ooo;
  if (r === null) { r = []; t.ooo = r; }
  for (let i = 0; i < r.length; i += 2) { // merge with an overlapping or touching range
    if (seqLe(s, r[i + 1]) && seqLe(r[i], e)) {
      if (seqLt(s, r[i])) r[i] = s;
      if (seqGt(e, r[i + 1])) r[i + 1] = e;
      return;
    }
  }
  if (r.length < 2 * MAX_OOO_RANGES) { r.push(s); r.push(e); } // else forget it: the peer resends
}

/** Moves RCV.NXT over ranges it has reached; true when it did (a gap was filled). */
function oooMerge(t: Tcb): bool {
  let r = t.ooo;
  if (r === null) return false;
  let moved = false;
  let again = true;
  while (again) {
    again = false;
    for (let i = 0; i < r.length; i += 2) {
      if (seqLe(r[i], t.rcvNxt)) {
        if (seqGt(r[i + 1], t.rcvNxt)) { t.rcvLen += r[i + 1] - t.rcvNxt; t.rcvNxt = r[i + 1]; moved = true; }
        r.splice(i, 2);
        again = true;
        break;
      }
    }
  }
  if (r.length == 0) t.ooo = null;
  return moved;
}

/** Copies up to len received bytes to buf; returns the count (0 when none). Sends a window update when the window grew enough. */
export function tcpRcvTake(t: Tcb, buf: usize, len: i32): i32 {
  let n = min(<u32>max(len, 0), t.rcvLen);
  if (n == 0) return 0;
  ringRead(t.rcvBuf, t.rcvCap, t.rcvHead, buf, n);
  t.rcvHead = (t.rcvHead + n) % t.rcvCap;
  t.rcvLen -= n;
  if (t.rcvLen == 0 && t.ooo === null) tcbFreeRcv(t);
  // Receiver-side SWS avoidance (RFC 9293 §3.8.6.2.2): update once the window grew by min(cap/2, 2*MSS).
  let st = t.state;
  if (st == ESTABLISHED || st == FIN_WAIT_1 || st == FIN_WAIT_2) {
    let grow = t.rcvFree() - min(t.rcvFree(), t.advWnd);
    if (grow >= min(t.rcvCap >> 1, <u32>(2 * t.mss))) tcpSendAck(t);
  }
  return <i32>n;
}

/** Appends up to len bytes from buf to the send ring (growing it within SND_CAP and the budget) and sends; returns the count (0: full). */
export function tcpSndPut(t: Tcb, buf: usize, len: i32): i32 {
  let want = <u32>max(len, 0);
  if (want > t.sndCap - t.sndLen && t.sndCap < SND_CAP) {
    let cap = t.sndCap;
    while (cap < SND_CAP && cap - t.sndLen < want) cap <<= 1;
    if (ringAllowed(<u64>(t.sndBuf != 0 ? cap - t.sndCap : cap))) {
      if (t.sndBuf != 0) t.sndBuf = ringRegrow(t.sndBuf, t.sndCap, t.sndHead, cap);
      t.sndHead = 0;
      t.sndCap = cap;
    }
  }
  let n = min(want, t.sndCap - t.sndLen);
  if (n == 0) return 0;
  if (t.sndBuf == 0) { t.sndBuf = ringAlloc(t.sndCap); t.sndHead = 0; }
  ringWrite(t.sndBuf, t.sndCap, (t.sndHead + t.sndLen) % t.sndCap, buf, n);
  t.sndLen += n;
  // Segments leave when the app hands control back to the stack (its next
  // netPoll): writes made in one turn (an HTTP head, then its body) share
  // segments instead of each going out as a small one.
  if (t.state == ESTABLISHED || t.state == CLOSE_WAIT) tcbBlocked(t);
  return <i32>n;
}
