// net/stack.ts — the stack's loop and configuration: wraps the registered
// NetDevices in interfaces, receives and dispatches frames (Ethernet ->
// ARP / IPv4 -> ICMP / UDP / TCP), runs the timers, retries blocked output,
// sends owed ACKs before sleeping, and sleeps in netdevWait() until a frame
// or the next deadline. netUp (static or DHCP) and netPoll live here.
import { NetDevice, netdevCount, netdevGet, netdevWait } from "../kernel/netdev";
import { kernelOption } from "../kernel/main";
import { println } from "../kernel/console";
import { rdtsc } from "../kernel/hw";
import { Errno } from "../kernel/errno";
import { ethType, ETH_P_ARP, ETH_P_IP } from "./eth";
import { ldMac, MAC_BROADCAST, ipToString } from "./bytes";
import { NetIf, ifaces, ETH_HLEN } from "./iface";
import { arpInput, arpTimers, arpBusy } from "./arp";
import { ipInput, ipSetHandler, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from "./ipv4";
import { icmpInput } from "./icmp";
import { udpInput } from "./udp";
import { tcpInput } from "./tcp-in";
import { tcpTimers, tcpFlushAcks, tcpRetryBlocked, tcpAcksOwed, tcpBlockedCount } from "./tcp-timer";
import { Sock, sockGet, sockTouch, sockCollect, POLLERR_, POLLHUP_, POLLNVAL_ } from "./sock";
import { nowUs, count, counterByName, C_RX, C_RX_BAD } from "./clock";
import { DhcpClient, dhcpStart, dhcpStep, dhcpStop } from "./dhcp";
import { IpConfig, netParseIpOption } from "./config";
import { tcpSetBufferBudget, timerList } from "./tcb";
import { heapHeadroom } from "../kernel/memory";
export { POLLIN_, POLLOUT_, POLLERR_, POLLHUP_, POLLNVAL_ } from "./sock";

/** Timers run at most this often while any is armed (µs). */
const TICK_US: u64 = 1000;
/** The longest single sleep (the loop re-checks its deadline after it). */
const MAX_SLEEP_US: u64 = 1_000_000;

let inited = false;
let up = false;
let nextTick: u64 = 0;
let timerNext: u64 = 0;

function init(): void {
  if (inited) return;
  inited = true;
  ipSetHandler(IPPROTO_TCP, tcpInput);
  ipSetHandler(IPPROTO_UDP, udpInput);
  ipSetHandler(IPPROTO_ICMP, icmpInput);
}

/** Wraps dev as a new interface with a static address (tests and multi-NIC images). */
export function stackAddIf(dev: NetDevice, ip: u32, mask: u32, gw: u32): NetIf {
  init();
  let ifc = new NetIf(dev, ifaces.length);
  ifc.ip = ip; ifc.mask = mask; ifc.gw = gw;
  ifaces.push(ifc);
  return ifc;
}

// ---- receive path ----

let rxIf: NetIf | null = null;
function onFrame(frame: usize, len: i32, flags: u32): void {
  let ifc = changetype<NetIf>(rxIf);
  count(C_RX);
  if (len < ETH_HLEN) { count(C_RX_BAD); return; }
  let dst = ldMac(frame);
  if (dst != ifc.mac && dst != MAC_BROADCAST) return;
  let type = ethType(frame);
  let ok = true;
  if (type == ETH_P_IP) ok = ipInput(ifc, frame + ETH_HLEN, len - ETH_HLEN, flags);
  else if (type == ETH_P_ARP) ok = arpInput(ifc, frame + ETH_HLEN, len - ETH_HLEN);
  if (!ok) count(C_RX_BAD);
}

/** One frame into ifc's input path (the devices' sink; tests and fuzzing call it directly). */
export function stackInput(ifc: NetIf, frame: usize, len: i32, flags: u32): void {
  rxIf = ifc;
  onFrame(frame, len, flags);
}

/** Sends queued output, receives from every device, runs due timers, retries blocked output. Returns frames received. */
export function stackPump(): i32 {
  tcpRetryBlocked(); // the app's writes since the last pump go out first
  let n = 0;
  for (let i = 0; i < ifaces.length; i++) {
    rxIf = ifaces[i];
    n += ifaces[i].dev.receive(onFrame);
  }
  let now = nowUs();
  if (now >= nextTick) {
    nextTick = now + TICK_US;
    for (let i = 0; i < ifaces.length; i++) arpTimers(ifaces[i], now);
    timerNext = tcpTimers(now);
  }
  tcpRetryBlocked();
  return n;
}

/** When the stack next needs to run without a frame arriving (0: never). */
function stackDeadline(): u64 {
  // Timers armed since the last tick (a connect, an ACK owed) count too:
  // walk them now, once per sleep, for the true earliest deadline.
  if (timerList.length > 0) timerNext = tcpTimers(nowUs());
  let d = timerNext;
  for (let i = 0; i < ifaces.length; i++) {
    if (arpBusy(ifaces[i])) { let a = nowUs() + 100_000; if (d == 0 || a < d) d = a; }
  }
  if (tcpBlockedCount() > 0) d = nowUs();
  if (d != 0 && d < nextTick) d = nextTick;
  return d;
}

/** Nothing to do until deadlineUs (or a frame): send owed ACKs, then sleep. */
export function stackIdle(deadlineUs: u64): void {
  if (tcpAcksOwed()) tcpFlushAcks();
  let d = stackDeadline();
  let now = nowUs();
  let until = deadlineUs;
  if (d != 0 && d < until) until = d;
  if (until > now + MAX_SLEEP_US) until = now + MAX_SLEEP_US;
  if (until > now) netdevWait(until);
}

// ---- configuration ----

function wrapDevices(): void {
  init();
  for (let i = ifaces.length; i < netdevCount(); i++) ifaces.push(new NetIf(netdevGet(i), i));
}

export function stackUp(timeoutMs: i32): i32 {
  if (up) return 0;
  wrapDevices();
  if (ifaces.length == 0) return -Errno.ENODEV;
  let ifc = ifaces[0];
  tcpSetBufferBudget(heapHeadroom() / 2); // socket rings may take half of the memory left
  let opt = kernelOption("netdev.ip");
  if (opt !== null) {
    let c = new IpConfig();
    if (!netParseIpOption(opt, c)) { println("net: netdev.ip=" + opt + ": " + c.error); return -Errno.EINVAL; }
    ifc.ip = c.ip; ifc.mask = c.mask; ifc.gw = c.gw; ifc.dns = c.dns;
    up = true;
    println("net: " + ipToString(ifc.ip) + " gw " + ipToString(ifc.gw) + " (netdev.ip)");
    return 0;
  }
  let client = dhcpStart(ifc, rdtsc());
  if (client === null) return -Errno.EADDRINUSE;
  let deadline = nowUs() + <u64>max(timeoutMs, 0) * 1000;
  while (true) {
    stackPump();
    let now = nowUs();
    if (dhcpStep(client, now)) break;
    if (now >= deadline) { dhcpStop(client); println("net: no DHCP answer"); return -Errno.ETIMEDOUT; }
    stackIdle(min(deadline, client.nextSend));
  }
  up = true;
  println("net: " + ipToString(ifc.ip) + " gw " + ipToString(ifc.gw) + " (DHCP)");
  return 0;
}

function first(): NetIf | null { return ifaces.length > 0 ? ifaces[0] : null; }
export function stackIp(): u32 { let i = first(); return i === null ? 0 : i.ip; }
export function stackMask(): u32 { let i = first(); return i === null ? 0 : i.mask; }
export function stackGateway(): u32 { let i = first(); return i === null ? 0 : i.gw; }
export function stackDns(): u32 { let i = first(); return i === null ? 0 : i.dns; }
export function stackMac(): u64 { let i = first(); return i === null ? 0 : i.mac; }
export function stackCounter(name: string): u64 { return counterByName(name); }

// ---- poll ----

function scan(socks: i32[], events: i32[], revents: i32[]): i32 {
  let n = 0;
  for (let i = 0; i < socks.length; i++) {
    let h = unchecked(socks[i]);
    let r = 0;
    if (h >= 0) {
      let s = sockGet(h);
      r = s === null ? POLLNVAL_ : s.ready() & (unchecked(events[i]) | POLLERR_ | POLLHUP_);
    }
    unchecked(revents[i] = r);
    if (r != 0) n++;
  }
  return n;
}

export function stackPoll(socks: i32[], events: i32[], revents: i32[], timeoutMs: i32): i32 {
  if (events.length != socks.length || revents.length != socks.length) return -Errno.EINVAL;
  let deadline: u64 = timeoutMs < 0 ? u64.MAX_VALUE : nowUs() + <u64>timeoutMs * 1000;
  while (true) {
    stackPump();
    let n = scan(socks, events, revents);
    if (n > 0) return n;
    let now = nowUs();
    if (now >= deadline) return 0;
    stackIdle(deadline);
  }
  return 0;
}

// ---- watch lists (epoll-like) ----

export function stackWatch(h: i32, events: i32): i32 {
  let s = sockGet(h);
  if (s === null) return -Errno.EBADF;
  s.watch = events;
  sockTouch(s); // it may be ready already
  return 0;
}

export function stackWaitReady(ready: i32[], revents: i32[], timeoutMs: i32): i32 {
  if (ready.length == 0 || revents.length < ready.length) return -Errno.EINVAL;
  let deadline: u64 = timeoutMs < 0 ? u64.MAX_VALUE : nowUs() + <u64>timeoutMs * 1000;
  while (true) {
    stackPump();
    let n = sockCollect(ready, revents);
    if (n > 0) return n;
    let now = nowUs();
    if (now >= deadline) return 0;
    stackIdle(deadline);
  }
  return 0;
}
