// net/dhcp.ts — a DHCP client (RFC 2131) for the first interface:
// DISCOVER -> OFFER -> REQUEST -> ACK (NAK starts over), each step resent
// with exponential backoff (RFC 2131 §4.1: 4 s doubling; we start at 1 s,
// QEMU answers at once). Leases are not renewed (QEMU's user network leases
// for a day); say so if that matters.
//
// Message (RFC 2131 §2, Figure 1), after the UDP header:
//   0 op | 1 htype=1 | 2 hlen=6 | 3 hops | 4 xid | 8 secs | 10 flags (0x8000 broadcast)
//   12 ciaddr | 16 yiaddr | 20 siaddr | 24 giaddr | 28 chaddr (16) | 44 sname (64)
//   108 file (128) | 236 magic 99.130.83.99 | 240 options (RFC 2132: code, len, value)
import { ld32, ldMac, st16, st32, stMac, IP_BROADCAST } from "./bytes";
import { NetIf } from "./iface";
import { UdpSock, udpBind, udpSendFrom, udpTake, udpUnbind } from "./udp";

export const DHCPDISCOVER: i32 = 1;
export const DHCPOFFER: i32 = 2;
export const DHCPREQUEST: i32 = 3;
export const DHCPACK: i32 = 5;
export const DHCPNAK: i32 = 6;
const MAGIC: u32 = 0x63825363;
const MSG_MIN: i32 = 300; // BOOTP's minimum (RFC 951); some servers insist
export const DHCP_MSG_MAX: i32 = 576;

export class DhcpInfo {
  op: i32 = 0;
  type: i32 = 0;
  xid: u32 = 0;
  chaddr: u64 = 0;
  yiaddr: u32 = 0;
  serverId: u32 = 0;
  mask: u32 = 0;
  router: u32 = 0;
  dns: u32 = 0;
  lease: u32 = 0;
}

/** Builds a client message at p (DHCP_MSG_MAX bytes); returns its length. */
export function dhcpBuild(p: usize, type: i32, xid: u32, mac: u64, reqIp: u32, serverId: u32): i32 {
  memory.fill(p, 0, <usize>DHCP_MSG_MAX);
  store<u8>(p, 1); store<u8>(p + 1, 1); store<u8>(p + 2, 6);
  st32(p + 4, xid);
  st16(p + 10, 0x8000); // replies by broadcast: we have no address yet
  stMac(p + 28, mac);
  st32(p + 236, MAGIC);
  let o = p + 240;
  store<u8>(o++, 53); store<u8>(o++, 1); store<u8>(o++, <u8>type);           // message type
  store<u8>(o++, 61); store<u8>(o++, 7); store<u8>(o++, 1); stMac(o, mac); o += 6; // client id
  if (reqIp != 0) { store<u8>(o++, 50); store<u8>(o++, 4); st32(o, reqIp); o += 4; }
  if (serverId != 0) { store<u8>(o++, 54); store<u8>(o++, 4); st32(o, serverId); o += 4; }
  store<u8>(o++, 55); store<u8>(o++, 4);                                       // parameters wanted
  store<u8>(o++, 1); store<u8>(o++, 3); store<u8>(o++, 6); store<u8>(o++, 51);
  store<u8>(o++, 255);
  return max(<i32>(o - p), MSG_MIN);
}

/** Parses a message (len bytes at p) into out; false when it is not a well-formed DHCP message. */
export function dhcpParse(p: usize, len: i32, out: DhcpInfo): bool {
  if (len < 240 || load<u8>(p + 1) != 1 || load<u8>(p + 2) != 6 || ld32(p + 236) != MAGIC) return false;
  out.op = <i32>load<u8>(p);
  out.xid = ld32(p + 4);
  out.yiaddr = ld32(p + 16);
  out.chaddr = ldMac(p + 28);
  out.type = 0; out.serverId = 0; out.mask = 0; out.router = 0; out.dns = 0; out.lease = 0;
  let i = 240;
  while (i < len) {
    let code = <i32>load<u8>(p + <usize>i);
    if (code == 255) break;
    if (code == 0) { i++; continue; }
    if (i + 2 > len) return false;
    let n = <i32>load<u8>(p + <usize>i + 1);
    let v = p + <usize>i + 2;
    if (i + 2 + n > len) return false;
    if (code == 53 && n == 1) out.type = <i32>load<u8>(v);
    else if (code == 54 && n == 4) out.serverId = ld32(v);
    else if (code == 1 && n == 4) out.mask = ld32(v);
    else if (code == 3 && n >= 4) out.router = ld32(v);
    else if (code == 6 && n >= 4) out.dns = ld32(v);
    else if (code == 51 && n == 4) out.lease = ld32(v);
    i += 2 + n;
  }
  return out.type != 0;
}

// ---- the client ----
const SELECTING: i32 = 1;
const REQUESTING: i32 = 2;
const BOUND: i32 = 3;

export class DhcpClient {
  state: i32 = SELECTING;
  xid: u32;
  sock: UdpSock;
  buf: usize;
  offer: DhcpInfo = new DhcpInfo();
  nextSend: u64 = 0;
  backoff: u64 = 1_000_000;
  constructor(public ifc: NetIf, seed: u64, sock: UdpSock) {
    this.xid = <u32>(seed ^ (seed >> 32)) | 1;
    this.sock = sock;
    this.buf = heap.alloc(<usize>DHCP_MSG_MAX);
  }
  bound(): bool { return this.state == BOUND; }
}

/** A client on ifc (null when UDP port 68 is taken). */
export function dhcpStart(ifc: NetIf, seed: u64): DhcpClient | null {
  let s = udpBind(68);
  return s === null ? null : new DhcpClient(ifc, seed, s);
}

function send(c: DhcpClient, now: u64): void {
  let type = c.state == SELECTING ? DHCPDISCOVER : DHCPREQUEST;
  let req = c.state == REQUESTING ? c.offer.yiaddr : 0;
  let sid = c.state == REQUESTING ? c.offer.serverId : 0;
  let n = dhcpBuild(c.buf, type, c.xid, c.ifc.mac, req, sid);
  udpSendFrom(c.ifc, c.sock, IP_BROADCAST, 67, c.buf, n);
  c.nextSend = now + c.backoff;
  if (c.backoff < 8_000_000) c.backoff <<= 1;
}

/** Advances the client: handles replies, resends when due. Returns true once bound (ifc configured). */
export function dhcpStep(c: DhcpClient, now: u64): bool {
  if (c.state == BOUND) return true;
  let info = new DhcpInfo();
  while (true) {
    let n = udpTake(c.sock, c.buf, DHCP_MSG_MAX);
    if (n < 0) break;
    if (!dhcpParse(c.buf, min(n, DHCP_MSG_MAX), info) || info.op != 2 || info.xid != c.xid || info.chaddr != c.ifc.mac) continue;
    if (c.state == SELECTING && info.type == DHCPOFFER && info.yiaddr != 0) {
      c.offer = info; info = new DhcpInfo();
      c.state = REQUESTING; c.backoff = 1_000_000;
      send(c, now);
    } else if (c.state == REQUESTING && info.type == DHCPACK) {
      let ifc = c.ifc;
      ifc.ip = info.yiaddr;
      ifc.mask = info.mask != 0 ? info.mask : c.offer.mask;
      ifc.gw = info.router != 0 ? info.router : c.offer.router;
      ifc.dns = info.dns != 0 ? info.dns : c.offer.dns;
      c.state = BOUND;
      udpUnbind(c.sock);
      heap.free(c.buf);
      return true;
    } else if (c.state == REQUESTING && info.type == DHCPNAK) {
      c.state = SELECTING; c.backoff = 1_000_000; c.xid++;
      send(c, now);
    }
  }
  if (now >= c.nextSend) send(c, now);
  return false;
}

/** Stops an unfinished client (its port and buffer). */
export function dhcpStop(c: DhcpClient): void {
  if (c.state == BOUND) return;
  udpUnbind(c.sock);
  heap.free(c.buf);
  c.state = BOUND;
}
