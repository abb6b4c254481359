// net/tcp-timer.ts — TCP's timers, walked from the stack loop over the
// connections that have one armed (tcb.ts timerList), never over all:
//   retransmission  RFC 6298 §5: back off (double, up to RTO_MAX), go back to
//                   SND.UNA, collapse cwnd to one segment (RFC 5681 §3.1)
//   persist         zero-window probes with backoff (RFC 9293 §3.8.6.1)
//   delayed ACK     an owed ACK goes out by DELACK_US at the latest (RFC 9293 §3.8.6.3)
//   close           TIME-WAIT's 2*MSL (shortened here to TIME_WAIT_US: MSL is
//                   taken as 1 s) and an orphaned FIN-WAIT-2's limit
import { Errno } from "../kernel/errno";
import { nowUs, count, C_RTO } from "./clock";
import {
  Tcb, timerList, ackList, blockedList, tcbRelease, tcbTimersOn,
  SYN_SENT, SYN_RECEIVED, TIME_WAIT, CLOSED,
} from "./tcb";
import { tcpOutput, tcpSendAck, tcpSendRst, tcpPersistProbe, RTO_MAX } from "./tcp-out";

export const TIME_WAIT_US: u64 = 2_000_000;
export const FIN_WAIT_2_US: u64 = 30_000_000;
export const DELACK_US: u64 = 20_000;
const SYN_RETRIES: i32 = 6;
const DATA_RETRIES: i32 = 12;

/** Enters TIME-WAIT: the connection lingers 2*MSL answering retransmitted FINs. */
export function tcpTimeWait(t: Tcb): void {
  t.state = TIME_WAIT;
  t.rtxAt = 0; t.persistAt = 0;
  t.closeAt = nowUs() + TIME_WAIT_US;
  tcbTimersOn(t);
}

/** Owes the peer an ACK: sent when the stack goes idle or after DELACK_US. */
export function tcpAckLater(t: Tcb): void {
  if (t.ackAt == 0) { t.ackAt = nowUs() + DELACK_US; tcbTimersOn(t); }
  if (!t.inAckList) { t.inAckList = true; ackList.push(t); }
}

function onRto(t: Tcb): void {
  t.rtxAt = 0;
  if (t.sndUna == t.sndMax) return;
  let syn = t.state == SYN_SENT || t.state == SYN_RECEIVED;
  if (++t.retries > (syn ? SYN_RETRIES : DATA_RETRIES)) {
    if (t.listener === null) t.err = -Errno.ETIMEDOUT;
    tcbRelease(t);
    return;
  }
  count(C_RTO);
  if (!syn) {
    let flight = t.sndMax - t.sndUna;
    t.ssthresh = max(flight >> 1, <u32>(2 * t.mss)); // RFC 5681 eq. (4)
    t.cwnd = <u32>t.mss;                              // loss window
  }
  t.inRecovery = false;
  t.dupAcks = 0;
  t.recover = t.sndMax; // RFC 6582 §3.2 step 1 applies again after a timeout
  t.rto = min(t.rto * 2, RTO_MAX);
  t.rttTiming = false;
  t.sndNxt = syn ? t.iss : t.sndUna;
  tcpOutput(t);
  if (t.rtxAt == 0 && t.state != CLOSED) { t.rtxAt = nowUs() + <u64>t.rto; tcbTimersOn(t); }
}

function onPersist(t: Tcb): void {
  t.persistAt = 0;
  if (t.sndWnd != 0) return;
  // Nobody will ever read what an orphan (closed by the app) still has to send
  // into a window that stays shut: give up like a retransmission would.
  if (t.appClosed && ++t.retries > DATA_RETRIES) { tcpSendRst(t); tcbRelease(t); return; }
  tcpPersistProbe(t);
  if (t.persistBackoff < 7) t.persistBackoff++;
  t.persistAt = nowUs() + <u64>min(<i64>t.rto << t.persistBackoff, <i64>RTO_MAX);
}

/** Fires the due timers; returns the earliest deadline still armed (0: none). */
export function tcpTimers(now: u64): u64 {
  let next: u64 = 0;
  for (let i = 0; i < timerList.length; ) {
    let t = timerList[i];
    if (t.state != CLOSED) {
      if (t.closeAt != 0 && now >= t.closeAt) { t.closeAt = 0; tcbRelease(t); }
      if (t.rtxAt != 0 && now >= t.rtxAt) onRto(t);
      if (t.persistAt != 0 && now >= t.persistAt) onPersist(t);
      if (t.ackAt != 0 && now >= t.ackAt) { t.ackAt = 0; if (t.ackPending > 0) tcpSendAck(t); }
    }
    let d = earliest(t);
    if (d == 0 || t.state == CLOSED) { // nothing armed: leave the list (swap-remove)
      t.inTimers = false;
      let last = timerList.pop();
      if (i < timerList.length) timerList[i] = last;
      continue;
    }
    if (next == 0 || d < next) next = d;
    i++;
  }
  return next;
}

function earliest(t: Tcb): u64 {
  let d: u64 = 0;
  if (t.rtxAt != 0) d = t.rtxAt;
  if (t.persistAt != 0 && (d == 0 || t.persistAt < d)) d = t.persistAt;
  if (t.ackAt != 0 && (d == 0 || t.ackAt < d)) d = t.ackAt;
  if (t.closeAt != 0 && (d == 0 || t.closeAt < d)) d = t.closeAt;
  return d;
}

/** Sends every owed ACK (the stack is about to sleep). */
export function tcpFlushAcks(): void {
  for (let i = 0; i < ackList.length; i++) {
    let t = ackList[i];
    t.inAckList = false;
    if (t.ackPending > 0 && t.state != CLOSED) tcpSendAck(t);
    t.ackAt = 0;
  }
  ackList.length = 0;
}

/** Sends what is queued: output stopped by a full device, and the app's writes of its last turn. */
export function tcpRetryBlocked(): void {
  if (blockedList.length == 0) return;
  let list = blockedList.slice(0);
  blockedList.length = 0;
  for (let i = 0; i < list.length; i++) {
    let t = list[i];
    t.inBlocked = false;
    if (t.state == CLOSED) continue;
    tcpOutput(t); // data segments carry the ACK
    if (t.ackPending > 0) tcpSendAck(t);
  }
}

/** True when some connection owes an ACK. */
export function tcpAcksOwed(): bool { return ackList.length > 0; }
export function tcpBlockedCount(): i32 { return blockedList.length; }
