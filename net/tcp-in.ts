// net/tcp-in.ts — TCP input, RFC 9293 §3.10.7 "SEGMENT ARRIVES" in its
// order: lookup; LISTEN (passive open); SYN-SENT; otherwise the
// acceptability test (§3.10.7.4 table), trimming to the window, RST (with
// RFC 5961 §3.2's exact-match rule and challenge ACKs), SYN in a
// synchronized state (RFC 5961 §4: challenge ACK), ACK (window update,
// RTT sample, congestion control), data, FIN.
import { ld16, ld32, seqGe, seqGt, seqLe, seqLt } from "./bytes";
import { csumAdd, csumFold, csumPseudo } from "./csum";
import { NetIf } from "./iface";
import { IPPROTO_TCP } from "./ipv4";
import { nowUs, count, C_RX_BAD_CSUM, C_SYN_DROPPED, C_ACCEPT_OVERFLOW, C_FAST_RETRANSMIT } from "./clock";
import { NETDEV_RX_CSUM_VALID } from "../kernel/netdev";
import { sockTouch } from "./sock";
import { Errno } from "../kernel/errno";
import {
  Tcb, TcpListener, listeners, tcbLookup, tcbInsert, tcbRelease, tcpIsn, tcbTimersOn,
  FIN, SYN, RST, ACK, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT,
  CLOSING, LAST_ACK, TIME_WAIT, CLOSED, RCV_SHIFT, DEFAULT_MSS, tcbFreeSnd,
} from "./tcb";
import { tcpOutput, tcpSendAck, tcpOowAck, tcpRstReply, tcpRetransmitFirst, tcpOwnMss, tcpArmRtx } from "./tcp-out";
import { tcpTimeWait, FIN_WAIT_2_US } from "./tcp-timer";
import { tcpRttSample, tcpInitCwnd, tcpRcvData } from "./tcp-data";

// Options of the segment being processed (-1: absent).
let optMss: i32 = -1;
let optWs: i32 = -1;

/** Reads MSS and window scale from the options at p (len bytes); false when malformed. */
export function tcpParseOptions(p: usize, len: i32): bool {
  optMss = -1; optWs = -1;
  let i = 0;
  while (i < len) {
    let kind = <i32>load<u8>(p + <usize>i);
    if (kind == 0) break;           // end of list
    if (kind == 1) { i++; continue; } // NOP
    if (i + 1 >= len) return false;
    let olen = <i32>load<u8>(p + <usize>i + 1);
    if (olen < 2 || i + olen > len) return false;
    if (kind == 2 && olen == 4) optMss = <i32>ld16(p + <usize>i + 2);
    else if (kind == 3 && olen == 3) optWs = min(<i32>load<u8>(p + <usize>i + 2), 14); // RFC 7323 §2.3
    i += olen;
  }
  return true;
}
export function tcpOptMss(): i32 { return optMss; }
export function tcpOptWs(): i32 { return optWs; }

/** The IP layer's handler for protocol 6. */
export function tcpInput(ifc: NetIf, src: u32, dst: u32, p: usize, len: i32, flags: u32): void {
  if (len < 20) return;
  let hl = <i32>(load<u8>(p + 12) >> 4) * 4;
  if (hl < 20 || hl > len) return;
  if ((flags & NETDEV_RX_CSUM_VALID) == 0 &&
      csumFold(csumAdd(csumPseudo(src, dst, IPPROTO_TCP, <u32>len), p, len)) != 0xffff) { count(C_RX_BAD_CSUM); return; }
  if (dst != ifc.ip) return; // no TCP to broadcast addresses
  if (!tcpParseOptions(p + 20, hl - 20)) return;
  let sport = <i32>ld16(p), dport = <i32>ld16(p + 2);
  let seq = ld32(p + 4), ack = ld32(p + 8);
  let fl = <u32>load<u8>(p + 13) & 0x3f;
  let wnd = ld16(p + 14);
  let data = p + <usize>hl, dlen = len - hl;
  let t = tcbLookup(ifc, src, sport, dport);
  // A new SYN may reuse a connection in TIME-WAIT (RFC 9293 §3.10.7.4 note, RFC 6191).
  if (t !== null && t.state == TIME_WAIT && (fl & (SYN | ACK | RST)) == SYN && seqGt(seq, t.rcvNxt)) { tcbRelease(t); t = null; }
  if (t === null) {
    let segLen = <u32>dlen + ((fl & SYN) ? 1 : 0) + ((fl & FIN) ? 1 : 0);
    if (fl & RST) return;
    let l = listeners.has(dport) ? listeners.get(dport) : null;
    if (l !== null && (fl & (SYN | ACK)) == SYN) { passiveOpen(ifc, l, src, sport, dport, seq, wnd); return; }
    tcpRstReply(ifc, src, sport, dport, seq, ack, segLen, (fl & ACK) != 0);
    return;
  }
  if (t.state == SYN_SENT) synSent(t, seq, ack, fl, wnd);
  else segmentArrives(t, seq, ack, fl, wnd, data, dlen);
  sockTouch(t); // data, FIN, RST, acknowledged space, establishment: the app may have work
}

/** LISTEN + SYN: a new connection in SYN-RECEIVED, unless the queues are full (RFC 9293 §3.10.7.2). */
function passiveOpen(ifc: NetIf, l: TcpListener, rip: u32, rport: i32, lport: i32, seq: u32, wnd: u32): void {
  if (l.synCount >= max(l.backlog, 16) * 2 || l.acceptQ.length >= l.backlog) { count(C_SYN_DROPPED); return; }
  let t = new Tcb(ifc);
  t.state = SYN_RECEIVED;
  t.rip = rip; t.rport = rport; t.lport = lport;
  t.irs = seq; t.rcvNxt = seq + 1;
  t.mss = optMss > 0 ? min(optMss, tcpOwnMss(ifc)) : DEFAULT_MSS;
  if (optWs >= 0) { t.sndShift = <u32>optWs; t.rcvShift = RCV_SHIFT; }
  t.sndWnd = wnd; t.sndWl1 = seq;
  let now = nowUs();
  t.iss = tcpIsn(ifc.ip, lport, rip, rport, now, now);
  t.sndUna = t.iss; t.sndNxt = t.iss; t.sndMax = t.iss; t.sndBase = t.iss + 1; t.recover = t.iss;
  t.listener = l;
  l.synCount++;
  tcbInsert(t);
  tcpOutput(t);
}

/** SYN-SENT (RFC 9293 §3.10.7.3). */
function synSent(t: Tcb, seq: u32, ack: u32, fl: u32, wnd: u32): void {
  let hasAck = (fl & ACK) != 0;
  if (hasAck && (seqLe(ack, t.iss) || seqGt(ack, t.sndMax))) {
    if ((fl & RST) == 0) tcpRstReply(t.ifc, t.rip, t.rport, t.lport, seq, ack, 0, true);
    return;
  }
  if (fl & RST) {
    if (hasAck) { t.err = -Errno.ECONNREFUSED; tcbRelease(t); }
    return;
  }
  if ((fl & SYN) == 0) return;
  t.irs = seq; t.rcvNxt = seq + 1;
  if (optMss > 0) t.mss = min(optMss, tcpOwnMss(t.ifc)); else t.mss = DEFAULT_MSS;
  if (optWs >= 0) t.sndShift = <u32>optWs; else { t.sndShift = 0; t.rcvShift = 0; }
  if (hasAck) {
    if (t.rttTiming) { tcpRttSample(t, nowUs() - t.rttStart); t.rttTiming = false; }
    t.sndUna = ack;
    t.state = ESTABLISHED;
    t.sndWnd = wnd; t.sndWl1 = seq; t.sndWl2 = ack; // a SYN's window is never scaled
    t.rtxAt = 0; t.retries = 0;
    tcpInitCwnd(t);
    tcpSendAck(t);
    return;
  }
  t.state = SYN_RECEIVED; // simultaneous open: resend our SYN as SYN-ACK
  t.sndWnd = wnd; t.sndWl1 = seq;
  t.sndNxt = t.iss;
  tcpOutput(t);
}

/** RFC 9293 §3.10.7.4's acceptability test against RCV.NXT and RCV.WND. */
export function tcpAcceptable(rcvNxt: u32, rwnd: u32, seq: u32, segLen: u32): bool {
  if (segLen == 0) return rwnd == 0 ? seq == rcvNxt : seqLe(rcvNxt, seq) && seqLt(seq, rcvNxt + rwnd);
  if (rwnd == 0) return false;
  let end = seq + segLen - 1;
  return (seqLe(rcvNxt, seq) && seqLt(seq, rcvNxt + rwnd)) || (seqLe(rcvNxt, end) && seqLt(end, rcvNxt + rwnd));
}

function segmentArrives(t: Tcb, seq: u32, ack: u32, fl: u32, wnd: u32, data: usize, dlen: i32): void {
  let segLen = <u32>dlen + ((fl & SYN) ? 1 : 0) + ((fl & FIN) ? 1 : 0);
  let rwnd = t.rcvFree();
  if (!tcpAcceptable(t.rcvNxt, rwnd, seq, segLen)) {
    // Old data (a lost ACK) is answered at once; bare invalid segments at a limited rate.
    if ((fl & RST) == 0) { if (dlen > 0 || (fl & FIN)) tcpSendAck(t); else tcpOowAck(t); }
    return;
  }
  // Trim what precedes RCV.NXT (a SYN first) and what passes the window.
  if (seqLt(seq, t.rcvNxt)) {
    if (fl & SYN) { fl &= ~SYN; seq++; }
    let skip = t.rcvNxt - seq;
    if (skip >= <u32>dlen) { if (skip > <u32>dlen) fl &= ~FIN; data += <usize>dlen; dlen = 0; }
    else { data += <usize>skip; dlen -= <i32>skip; }
    seq = t.rcvNxt;
  }
  let off = seq - t.rcvNxt;
  if (<u32>dlen + off > rwnd) { dlen = <i32>(rwnd - off); fl &= ~FIN; }
  if (fl & RST) { onRst(t, seq); return; }
  if (fl & SYN) { tcpOowAck(t); return; } // challenge ACK (RFC 5961 §4.2)
  if ((fl & ACK) == 0) return;
  if (t.state == SYN_RECEIVED && !synReceivedAck(t, seq, ack, wnd)) return;
  if (!onAck(t, seq, ack, fl, wnd, dlen)) return;
  if (t.state == CLOSED) return;
  let st = t.state;
  let ackNow = false;
  if (dlen > 0 && (st == ESTABLISHED || st == FIN_WAIT_1 || st == FIN_WAIT_2)) ackNow = tcpRcvData(t, seq, data, dlen);
  let finNow = false;
  if ((fl & FIN) && !t.rcvFin) {
    let finSeq = seq + <u32>dlen;
    if (finSeq == t.rcvNxt) finNow = true;
    else if (seqGt(finSeq, t.rcvNxt)) { t.oooFin = true; t.oooFinSeq = finSeq; } // after a hole: wait for it
  } else if (t.oooFin && !t.rcvFin && t.rcvNxt == t.oooFinSeq) finNow = true; // the hole before the FIN filled
  if (finNow) onFin(t); // ACKs the data and the FIN together
  else if (ackNow) tcpSendAck(t);
  tcpOutput(t);
}

/** RST in window: only an exact match resets; else a challenge ACK (RFC 5961 §3.2). */
function onRst(t: Tcb, seq: u32): void {
  if (seq != t.rcvNxt) { tcpOowAck(t); return; } // challenge ACK
  let st = t.state;
  if (st == SYN_RECEIVED && t.listener !== null) { tcbRelease(t); return; } // back to LISTEN: forget it
  if (st != CLOSING && st != LAST_ACK && st != TIME_WAIT) t.err = -Errno.ECONNRESET;
  tcbRelease(t);
}

/** The ACK completing a passive open (RFC 9293 §3.10.7.4, SYN-RECEIVED). */
function synReceivedAck(t: Tcb, seq: u32, ack: u32, wnd: u32): bool {
  if (!(seqLt(t.sndUna, ack) && seqLe(ack, t.sndMax))) {
    tcpRstReply(t.ifc, t.rip, t.rport, t.lport, seq, ack, 0, true);
    return false;
  }
  let l = t.listener;
  if (l !== null) {
    if (l.handle < 0) { // the listener was closed meanwhile
      tcpRstReply(t.ifc, t.rip, t.rport, t.lport, seq, ack, 0, true);
      tcbRelease(t);
      return false;
    }
    if (l.acceptQ.length >= l.backlog) { count(C_ACCEPT_OVERFLOW); return false; } // the peer will retry
    l.synCount--;
    t.listener = null;
    l.acceptQ.push(t);
    sockTouch(l);
  }
  t.state = ESTABLISHED;
  t.sndWnd = wnd << t.sndShift; t.sndWl1 = seq; t.sndWl2 = ack;
  t.retries = 0;
  tcpInitCwnd(t);
  return true;
}

/** ACK processing; false when the segment must be dropped. */
function onAck(t: Tcb, seq: u32, ack: u32, fl: u32, wnd: u32, dlen: i32): bool {
  if (seqGt(ack, t.sndMax)) { tcpOowAck(t); return false; } // acks what we never sent
  let newWnd = wnd << t.sndShift;
  let dup = ack == t.sndUna && dlen == 0 && (fl & (SYN | FIN)) == 0 && newWnd == t.sndWnd && t.sndMax != t.sndUna;
  if (seqGe(ack, t.sndUna) && (seqLt(t.sndWl1, seq) || (t.sndWl1 == seq && seqLe(t.sndWl2, ack)))) { // window update (§3.10.7.4)
    let wasZero = t.sndWnd == 0;
    t.sndWnd = newWnd; t.sndWl1 = seq; t.sndWl2 = ack;
    if (wasZero && newWnd > 0 && t.persistAt != 0) { t.persistAt = 0; t.persistBackoff = 0; t.sndNxt = t.sndUna; }
  }
  if (seqGt(ack, t.sndUna)) newAck(t, ack);
  else if (dup) dupAck(t);
  let st = t.state;
  let finAcked = t.finQueued && t.sndUna == t.sndBase + t.sndLen + 1;
  if (finAcked) {
    if (st == FIN_WAIT_1) {
      t.state = FIN_WAIT_2;
      if (t.appClosed) { t.closeAt = nowUs() + FIN_WAIT_2_US; tcbTimersOn(t); }
    } else if (st == CLOSING) tcpTimeWait(t);
    else if (st == LAST_ACK) { tcbRelease(t); return false; }
  }
  return true;
}

/** New data acknowledged: RTT, ring, congestion window (RFC 5681 §3.1, RFC 6582 §3.2), timer (RFC 6298 §5.3). */
function newAck(t: Tcb, ack: u32): void {
  let acked = ack - t.sndUna;
  if (t.rttTiming && seqGt(ack, t.rttSeq)) { tcpRttSample(t, nowUs() - t.rttStart); t.rttTiming = false; }
  if (seqGt(ack, t.sndBase)) {
    let d = min(ack - t.sndBase, t.sndLen);
    t.sndBase += d; t.sndHead = (t.sndHead + d) % t.sndCap; t.sndLen -= d;
    if (t.sndLen == 0) tcbFreeSnd(t);
  }
  t.sndUna = ack;
  if (seqLt(t.sndNxt, ack)) t.sndNxt = ack;
  let mss = <u32>t.mss;
  if (t.inRecovery) {
    if (seqGe(ack, t.recover)) { // full ACK: leave fast recovery
      t.cwnd = min(t.ssthresh, max(t.sndMax - t.sndUna, mss) + mss);
      t.inRecovery = false;
      t.dupAcks = 0;
    } else { // partial ACK: resend the next hole, deflate
      tcpRetransmitFirst(t);
      t.cwnd = (t.cwnd > acked ? t.cwnd - acked : 0) + mss;
    }
  } else {
    t.dupAcks = 0;
    if (t.cwnd < t.ssthresh) t.cwnd += min(acked, mss);          // slow start
    else t.cwnd += max(<u32>1, mss * mss / max(t.cwnd, <u32>1)); // congestion avoidance
  }
  t.retries = 0;
  if (t.sndUna == t.sndMax) t.rtxAt = 0; else tcpArmRtx(t);
}

/** A duplicate ACK (RFC 5681 §3.2, NewReno RFC 6582 §3.2). */
function dupAck(t: Tcb): void {
  let mss = <u32>t.mss;
  t.dupAcks++;
  if (t.inRecovery) { t.cwnd += mss; return; } // inflate; tcpOutput follows
  if (t.dupAcks != 3 || !seqGt(t.sndUna, t.recover)) return;
  t.ssthresh = max((t.sndMax - t.sndUna) >> 1, 2 * mss);
  t.recover = t.sndMax;
  t.inRecovery = true;
  count(C_FAST_RETRANSMIT);
  tcpRetransmitFirst(t);
  t.cwnd = t.ssthresh + 3 * mss;
}

function onFin(t: Tcb): void {
  t.rcvNxt++;
  t.rcvFin = true;
  tcpSendAck(t);
  let st = t.state;
  if (st == ESTABLISHED || st == SYN_RECEIVED) t.state = CLOSE_WAIT;
  else if (st == FIN_WAIT_1) {
    if (t.sndUna == t.sndBase + t.sndLen + 1) tcpTimeWait(t); else t.state = CLOSING;
  } else if (st == FIN_WAIT_2) tcpTimeWait(t);
}
