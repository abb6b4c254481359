// net/tcp-out.ts — TCP output: segments (RFC 9293 §3.1 header, §3.2
// options), the send loop under the congestion and peer windows (RFC 5681),
// retransmission of the first unacknowledged segment, RSTs, RTO arming
// (RFC 6298) and the persist timer for a zero window (RFC 9293 §3.8.6.1).
//
// Header at ifc.tx + L4_OFF:
//   0 src port | 2 dst port | 4 seq | 8 ack | 12 data offset<<4 | 13 flags
//   14 window | 16 checksum | 18 urgent | 20 options (SYN only: MSS, NOP+WS)
import { st16, st32, seqGt, seqLt } from "./bytes";
import { NetIf, L4_OFF, IP_HLEN } from "./iface";
import { ipSend, IPPROTO_TCP } from "./ipv4";
import { nowUs, count, C_RST_SENT, C_RETRANSMIT } from "./clock";
import {
  Tcb, SYN, ACK, FIN, RST, PSH, SYN_SENT, SYN_RECEIVED, ESTABLISHED, TIME_WAIT, CLOSED, CLOSE_WAIT,
  ringSpan, tcbTimersOn, tcbBlocked,
} from "./tcb";

export const TCP_HLEN: i32 = 20;
/** RFC 6298 §2.4 asks for 1 s; like Linux we allow 200 ms (the paths here are short). */
export const RTO_MIN: i32 = 200_000;
export const RTO_MAX: i32 = 60_000_000;
const PERSIST_MIN: i32 = 200_000;
const OOW_ACK_US: u64 = 500_000;

/** Writes a header at h. */
export function tcpBuild(h: usize, sport: i32, dport: i32, seq: u32, ack: u32, flags: u32, wnd: u32, optLen: i32): void {
  st16(h, <u32>sport); st16(h + 2, <u32>dport);
  st32(h + 4, seq); st32(h + 8, ack);
  store<u8>(h + 12, <u8>(((TCP_HLEN + optLen) >> 2) << 4));
  store<u8>(h + 13, <u8>flags);
  st16(h + 14, wnd);
  store<u32>(h + 16, 0);
}

/** Our MSS for ifc (RFC 9293 §3.7.1: MTU minus the IP and TCP headers). */
export function tcpOwnMss(ifc: NetIf): i32 { return ifc.mtu - IP_HLEN - TCP_HLEN; }

/** Sends one segment of t; false when the device was full (nothing sent). */
export function tcpEmit(t: Tcb, seq: u32, flags: u32, data: usize, n: i32): bool {
  let ifc = t.ifc;
  let h = ifc.tx + <usize>L4_OFF;
  let optLen = 0;
  let free = t.rcvFree();
  let wnd: u32;
  if (flags & SYN) {
    let o = h + <usize>TCP_HLEN;
    store<u8>(o, 2); store<u8>(o + 1, 4); st16(o + 2, <u32>tcpOwnMss(ifc)); // MSS (RFC 9293 §3.2)
    optLen = 4;
    if (t.rcvShift != 0) { // NOP, window scale (RFC 7323 §2.2)
      store<u8>(o + 4, 1); store<u8>(o + 5, 3); store<u8>(o + 6, 3); store<u8>(o + 7, <u8>t.rcvShift);
      optLen = 8;
    }
    wnd = min(free, 65535); // never scaled in a SYN (RFC 7323 §2.2)
    t.advWnd = wnd;
  } else {
    wnd = min(free >> t.rcvShift, 65535);
    t.advWnd = wnd << t.rcvShift;
  }
  tcpBuild(h, t.lport, t.rport, seq, (flags & ACK) ? t.rcvNxt : 0, flags, wnd, optLen);
  let r = ipSend(ifc, t.rip, IPPROTO_TCP, TCP_HLEN + optLen, data, n, 16);
  if (r == 0) return false;
  if (flags & ACK) t.ackPending = 0;
  return true;
}

/** A bare ACK (seq = SND.NXT). */
export function tcpSendAck(t: Tcb): void {
  if (!tcpEmit(t, t.sndNxt, ACK, 0, 0)) { t.ackPending = 1; tcbBlocked(t); }
}

/**
 * An ACK answering an invalid segment (out of window without data, an ACK
 * of unsent data, a challenge): at most one per OOW_ACK_US per connection
 * (RFC 5961 §7), so two desynchronised ends cannot ACK each other forever.
 */
export function tcpOowAck(t: Tcb): void {
  let now = nowUs();
  if (now < t.oowUntil) return;
  t.oowUntil = now + OOW_ACK_US;
  tcpSendAck(t);
}

/** A RST for a connection t (abort, RFC 9293 §3.10.5). */
export function tcpSendRst(t: Tcb): void {
  count(C_RST_SENT);
  tcpEmit(t, t.sndNxt, RST | ACK, 0, 0);
}

/** A RST answering a segment that has no connection (RFC 9293 §3.10.7.1). */
export function tcpRstReply(ifc: NetIf, rip: u32, rport: i32, lport: i32, seq: u32, ack: u32, segLen: u32, hadAck: bool): void {
  let h = ifc.tx + <usize>L4_OFF;
  if (hadAck) tcpBuild(h, lport, rport, ack, 0, RST, 0, 0);
  else tcpBuild(h, lport, rport, 0, seq + segLen, RST | ACK, 0, 0);
  count(C_RST_SENT);
  ipSend(ifc, rip, IPPROTO_TCP, TCP_HLEN, 0, 0, 16);
}

/** Starts the retransmission timer (RFC 6298 §5.1). */
export function tcpArmRtx(t: Tcb): void {
  t.rtxAt = nowUs() + <u64>t.rto;
  tcbTimersOn(t);
}

/** Sends what the windows allow: SYN/SYN-ACK, data, then the FIN. */
export function tcpOutput(t: Tcb): void {
  let st = t.state;
  if (st == SYN_SENT || st == SYN_RECEIVED) {
    if (t.sndNxt != t.iss) return;
    if (!tcpEmit(t, t.iss, st == SYN_SENT ? SYN : SYN | ACK, 0, 0)) { tcbBlocked(t); return; }
    t.sndNxt = t.iss + 1;
    if (seqGt(t.sndNxt, t.sndMax)) t.sndMax = t.sndNxt;
    if (t.rtxAt == 0) tcpArmRtx(t);
    return;
  }
  if (st == CLOSED || st == TIME_WAIT || st < ESTABLISHED) return;
  let finState = st != ESTABLISHED && st != CLOSE_WAIT;
  let win = min(t.sndWnd, t.cwnd);
  let mss = <u32>t.mss;
  while (true) {
    let off = t.sndNxt - t.sndBase;
    if (off > t.sndLen) break; // the FIN is out
    let avail = t.sndLen - off;
    let inflight = t.sndNxt - t.sndUna;
    let room = win > inflight ? win - inflight : 0;
    // Sender-side silly window avoidance (RFC 9293 §3.8.6.2.1).
    if (room < avail && room < mss && room < (t.sndWnd >> 1)) room = 0;
    let n = min(min(avail, room), mss);
    let at = (t.sndHead + off) % t.sndCap;
    if (n > 0) n = ringSpan(at, n, t.sndCap);
    let fin = finState && t.finQueued && off + n == t.sndLen;
    if (n == 0 && !fin) break;
    let flags = ACK | (fin ? FIN : 0) | (n > 0 && off + n == t.sndLen ? PSH : 0);
    if (!tcpEmit(t, t.sndNxt, flags, t.sndBuf + <usize>at, <i32>n)) { tcbBlocked(t); break; }
    if (n > 0 && t.sndNxt == t.sndMax && !t.rttTiming) { t.rttTiming = true; t.rttSeq = t.sndNxt; t.rttStart = nowUs(); }
    if (seqLt(t.sndNxt, t.sndMax)) count(C_RETRANSMIT);
    t.sndNxt += n + (fin ? 1 : 0);
    if (seqGt(t.sndNxt, t.sndMax)) t.sndMax = t.sndNxt;
    if (t.rtxAt == 0) tcpArmRtx(t);
    if (fin) break;
  }
  // Data waits behind a zero window with nothing in flight: probe (RFC 9293 §3.8.6.1).
  if (t.sndWnd == 0 && t.sndNxt == t.sndUna && t.sndLen > t.sndNxt - t.sndBase && t.persistAt == 0) {
    t.persistAt = nowUs() + <u64>max(t.rto, PERSIST_MIN);
    tcbTimersOn(t);
  }
}

/** Resends the first unacknowledged segment (fast retransmit, NewReno partial ACK). */
export function tcpRetransmitFirst(t: Tcb): void {
  if (t.sndUna == t.sndMax) return;
  if (t.state == SYN_SENT || t.state == SYN_RECEIVED) { t.sndNxt = t.iss; tcpOutput(t); return; }
  let off = t.sndUna - t.sndBase;
  let n: u32 = 0;
  let at: u32 = 0;
  if (off < t.sndLen) {
    at = (t.sndHead + off) % t.sndCap;
    n = ringSpan(at, min(t.sndLen - off, <u32>t.mss), t.sndCap);
  }
  let fin = t.finQueued && off + n == t.sndLen && t.state != ESTABLISHED && t.state != CLOSE_WAIT;
  if (n == 0 && !fin) return;
  count(C_RETRANSMIT);
  t.rttTiming = false; // Karn: no sample from a retransmitted segment
  tcpEmit(t, t.sndUna, ACK | (fin ? FIN : 0), t.sndBuf + <usize>at, <i32>n);
}

/** The zero-window probe: one byte past the window (RFC 9293 §3.8.6.1). */
export function tcpPersistProbe(t: Tcb): void {
  let off = t.sndUna - t.sndBase;
  if (off >= t.sndLen || t.sndBuf == 0) return;
  let at = (t.sndHead + off) % t.sndCap;
  t.sndNxt = t.sndUna;
  if (tcpEmit(t, t.sndUna, ACK, t.sndBuf + <usize>at, 1)) {
    t.sndNxt = t.sndUna + 1;
    if (seqGt(t.sndNxt, t.sndMax)) t.sndMax = t.sndNxt;
  }
}
