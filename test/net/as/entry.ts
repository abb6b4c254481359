// test/net/as/entry.ts — the stack under Node: two interfaces in one Wasm
// instance, each on a LoopDev whose frames go to the other's inbox (10.0.0.1
// and 10.0.0.2 on one /24), a hand-driven clock, a log of every frame each
// device sent, and drop rules, so the vitest side (test/net/harness.ts)
// replays segment sequences and inspects what went on the wire.
import { NetDevice, NetSink, NETDEV_OFFLOAD_TX_CSUM, NETDEV_RX_CSUM_VALID, netdevSetWaiter } from "../../../kernel/netdev";
import { netPoll, netWaitReady } from "../../../net/index";
import { netSetClock } from "../../../net/clock";
import { stackAddIf, stackPump, stackInput } from "../../../net/stack";
import { ifaces } from "../../../net/iface";
import { tcpFlushAcks } from "../../../net/tcp-timer";
import { csumAdd, csumFold, csumFinish, csumPseudo } from "../../../net/csum";
import { arpLookup } from "../../../net/arp";
import { ipSend } from "../../../net/ipv4";
import { dhcpBuild, dhcpParse, DhcpInfo, DhcpClient, dhcpStart, dhcpStep } from "../../../net/dhcp";
import { IpConfig, netParseIpOption } from "../../../net/config";
import { tcbCount, Tcb, tcpSetBufferBudget, tcpBufferBytes } from "../../../net/tcb";
export { tcpSetBufferBudget, tcpBufferBytes };
import { tcpParseOptions, tcpOptMss, tcpOptWs, tcpAcceptable } from "../../../net/tcp-in";
import { sockGet, SOCK_TCP } from "../../../net/sock";
import "../../../kernel/panic";
export {
  tcpListen, tcpAccept, tcpConnect, sockSend, sockRecv, sockShutdown, sockClose, sockSendSpace,
  sockError, sockPeerIp, sockPeerPort, sockLocalPort, sockState, udpOpen, udpSendTo, udpRecvFrom,
  udpFromIp, udpFromPort, netCounter, ipv4, ipToString, ipParse, sockWatch,
} from "../../../net/index";

let now: u64 = 1_000_000;
function clock(): u64 { return now; }
netSetClock(clock);
export function advance(us: u64): void { now += us; }


/** netPoll over up to three sockets (-1: unused) with the same interest; returns the count, revents via pollRevents. */
const rev: i32[] = [0, 0, 0];
export function poll3(a: i32, b: i32, c: i32, events: i32, timeoutMs: i32): i32 {
  let socks: i32[] = [a, b, c];
  let ev: i32[] = [events, events, events];
  return netPoll(socks, ev, rev, timeoutMs);
}
export function pollRevents(i: i32): i32 { return rev[i]; }

const wready: i32[] = [0, 0, 0, 0];
const wrev: i32[] = [0, 0, 0, 0];
/** netWaitReady with room for four sockets; the results via waitReadyAt / waitReventsAt. */
export function waitReady4(timeoutMs: i32): i32 { return netWaitReady(wready, wrev, timeoutMs); }
export function waitReadyAt(i: i32): i32 { return wready[i]; }
export function waitReventsAt(i: i32): i32 { return wrev[i]; }
export function nowUs(): u64 { return now; }

class LoopDev extends NetDevice {
  peer: LoopDev | null = null;
  inbox: usize[] = [];
  inboxLen: i32[] = [];
  log: usize[] = [];
  logLen: i32[] = [];
  sent: i32 = 0;
  /** Ordinals (counting every transmit) to drop. */
  drops: i32[] = [];
  full: bool = false;
  transmit(frame: usize, len: i32, csumStart: i32, csumOffset: i32): bool {
    if (this.full) return false;
    let copy = heap.alloc(<usize>len);
    memory.copy(copy, frame, <usize>len);
    if (csumStart >= 0) { // do the device's part of the offload contract
      store<u16>(copy + <usize>(csumStart + csumOffset), csumFinish(csumAdd(0, copy + <usize>csumStart, len - csumStart)));
    }
    this.log.push(copy); this.logLen.push(len);
    let ord = this.sent++;
    if (this.drops.includes(ord)) return true;
    let p = this.peer;
    if (p !== null) { p.inbox.push(copy); p.inboxLen.push(len); }
    return true;
  }
  receive(sink: NetSink): i32 {
    let n = this.inbox.length;
    if (n == 0) return 0;
    let box = this.inbox, lens = this.inboxLen;
    this.inbox = []; this.inboxLen = [];
    let fl = (this.offloads & NETDEV_OFFLOAD_TX_CSUM) != 0 ? NETDEV_RX_CSUM_VALID : 0;
    for (let i = 0; i < n; i++) sink(box[i], lens[i], fl);
    return n;
  }
}

const devs: LoopDev[] = [];

/** Idle waiting: a frame waiting in an inbox is the interrupt that ends it; else the clock jumps to the deadline. */
let waits = 0;
function waiter(deadline: u64): void {
  waits++;
  for (let i = 0; i < devs.length; i++) if (devs[i].inbox.length > 0) return;
  if (now < deadline) now = deadline;
}
netdevSetWaiter(waiter);
export function waitCount(): i32 { return waits; }

/** Two interfaces wired together; offload = the devices do TX checksums (and report RX ones valid). */
export function setup(offload: bool, mtu: i32): void {
  let a = new LoopDev(), b = new LoopDev();
  a.mac = 0x020000000001; b.mac = 0x020000000002;
  a.mtu = mtu; b.mtu = mtu;
  if (offload) { a.offloads = 3; b.offloads = 3; }
  a.peer = b; b.peer = a;
  devs.push(a); devs.push(b);
  stackAddIf(a, 0x0a000001, 0xffffff00, 0x0a0000fe);
  stackAddIf(b, 0x0a000002, 0xffffff00, 0x0a0000fe);
}
/** A third, unwired device as interface 2 (10.0.1.1/24): frames are injected and its output read from the log. */
export function setupRaw(): void {
  let c = new LoopDev();
  c.mac = 0x020000000003;
  devs.push(c);
  stackAddIf(c, 0x0a000101, 0xffffff00, 0);
}

/** Runs both stacks until no frame is in flight (at most `rounds` rounds); returns frames delivered. */
export function settle(rounds: i32): i32 {
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    let n = stackPump();
    tcpFlushAcks();
    total += n;
    let pending = 0;
    for (let i = 0; i < devs.length; i++) pending += devs[i].inbox.length;
    if (n == 0 && pending == 0) break;
  }
  return total;
}
/** Advances the clock in `step` µs steps for `total` µs, settling after each. */
export function runFor(total: u64, step: u64): void {
  let end = now + total;
  while (now < end) { now += step; settle(1000); }
}

export function dropNth(dev: i32, ordinalFromNow: i32): void { devs[dev].drops.push(devs[dev].sent + ordinalFromNow); }
export function setFull(dev: i32, full: bool): void { devs[dev].full = full; }
export function logCount(dev: i32): i32 { return devs[dev].log.length; }
export function logPtr(dev: i32, i: i32): usize { return devs[dev].log[i]; }
export function logLen(dev: i32, i: i32): i32 { return devs[dev].logLen[i]; }
export function inject(ifIndex: i32, p: usize, len: i32, flags: u32): void { stackInput(ifaces[ifIndex], p, len, flags); }

export function alloc(n: usize): usize { return heap.alloc(n); }
export function free(p: usize): void { heap.free(p); }

// ---- pieces for unit tests ----
export function csum(p: usize, len: i32): u32 { return csumFinish(csumAdd(0, p, len)); }
export function csumVerify(src: u32, dst: u32, proto: u32, p: usize, len: i32): bool {
  return csumFold(csumAdd(csumPseudo(src, dst, proto, <u32>len), p, len)) == 0xffff;
}
export function arpMac(ifIndex: i32, ip: u32): i64 { return arpLookup(ifaces[ifIndex], ip); }
export function arpPendingCount(ifIndex: i32): i32 { return ifaces[ifIndex].arpPending.length; }
export function arpEntries(ifIndex: i32): i32 { return ifaces[ifIndex].arp.size; }
/** An ICMP-less raw IP packet of `len` payload bytes (protocol 253, experimental) from interface ifIndex to dst. */
export function sendRaw(ifIndex: i32, dst: u32, data: usize, len: i32): i32 { return ipSend(ifaces[ifIndex], dst, 253, 0, data, len, -1); }

export function dhcpMake(p: usize, type: i32, xid: u32, mac: u64, req: u32, sid: u32): i32 { return dhcpBuild(p, type, xid, mac, req, sid); }
const info = new DhcpInfo();
export function dhcpRead(p: usize, len: i32): bool { return dhcpParse(p, len, info); }
export function dhcpField(i: i32): u32 {
  switch (i) {
    case 0: return <u32>info.op; case 1: return <u32>info.type; case 2: return info.xid; case 3: return info.yiaddr;
    case 4: return info.serverId; case 5: return info.mask; case 6: return info.router; case 7: return info.dns;
    case 8: return info.lease;
  }
  return <u32>(info.chaddr & 0xffffffff);
}

const cfg = new IpConfig();
export function parseIpOption(s: string): bool { return netParseIpOption(s, cfg); }
export function cfgField(i: i32): u32 { return i == 0 ? cfg.ip : i == 1 ? cfg.mask : i == 2 ? cfg.gw : cfg.dns; }
export function cfgError(): string { return cfg.error; }

export function parseTcpOptions(p: usize, len: i32): bool { return tcpParseOptions(p, len); }
export function optMss(): i32 { return tcpOptMss(); }
export function optWs(): i32 { return tcpOptWs(); }
export function acceptable(rcvNxt: u32, rwnd: u32, seq: u32, segLen: u32): bool { return tcpAcceptable(rcvNxt, rwnd, seq, segLen); }
export function connCount(): i32 { return tcbCount(); }

function tcb(h: i32): Tcb | null {
  let s = sockGet(h);
  return s !== null && s.kind == SOCK_TCP ? changetype<Tcb>(s) : null;
}
/** Connection internals for assertions: 0 cwnd, 1 ssthresh, 2 sndShift, 3 rcvShift, 4 mss, 5 sndWnd, 6 rto, 7 srtt, 8 sndLen, 9 rcvLen, 10 advWnd, 11 sndCap, 12 rcvCap. */
export function tcbField(h: i32, i: i32): i64 {
  let t = tcb(h);
  if (t === null) return -1;
  switch (i) {
    case 0: return t.cwnd; case 1: return t.ssthresh; case 2: return t.sndShift; case 3: return t.rcvShift;
    case 4: return t.mss; case 5: return t.sndWnd; case 6: return t.rto; case 7: return t.srtt;
    case 8: return t.sndLen; case 9: return t.rcvLen; case 10: return t.advWnd;
    case 11: return t.sndCap; case 12: return t.rcvCap;
  }
  return -1;
}

// ---- the DHCP client on the raw interface (2), which starts without an address ----
let dhcpc: DhcpClient | null = null;
export function dhcpBegin(): bool {
  ifaces[2].ip = 0; ifaces[2].mask = 0; ifaces[2].gw = 0;
  dhcpc = dhcpStart(ifaces[2], 0x1234567);
  return dhcpc !== null;
}
/** Runs the client once (after delivering frames); true once bound. */
export function dhcpRun(): bool { stackPump(); return dhcpStep(changetype<DhcpClient>(dhcpc), now); }
export function dhcpXid(): u32 { return changetype<DhcpClient>(dhcpc).xid; }
export function ifField(ifIndex: i32, i: i32): u32 {
  let f = ifaces[ifIndex];
  return i == 0 ? f.ip : i == 1 ? f.mask : i == 2 ? f.gw : f.dns;
}
