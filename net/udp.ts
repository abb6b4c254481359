// net/udp.ts — UDP (RFC 768) and UDP sockets.
//   0 src port | 2 dst port | 4 length (header + data) | 6 checksum (0: none)
// A socket keeps up to UDP_QUEUE received datagrams (copies); more are
// dropped (counter udp_dropped). Datagrams to an unbound port are counted
// (udp_noport) and dropped.
import { ld16, st16 } from "./bytes";
import { csumAdd, csumFold, csumPseudo } from "./csum";
import { NetIf, L4_OFF, IP_HLEN, ifRoute, ifaces } from "./iface";
import { ipSend, IPPROTO_UDP } from "./ipv4";
import { Sock, SOCK_UDP, POLLIN_, POLLOUT_, sockAttach, sockGet, sockTouch, ebadf } from "./sock";
import { count, C_RX_BAD_CSUM, C_UDP_DROPPED, C_UDP_NOPORT } from "./clock";
import { NETDEV_RX_CSUM_VALID } from "../kernel/netdev";
import { Errno } from "../kernel/errno";

const UDP_QUEUE: i32 = 64;
export const UDP_HLEN: i32 = 8;

export class UdpSock extends Sock {
  port: i32 = 0;
  /** Queued datagrams: pointer, length, source address, source port (4 slots each). */
  q: u64[] = [];
  fromIp: u32 = 0;
  fromPort: i32 = 0;
  constructor() { super(); this.kind = SOCK_UDP; }
  ready(): i32 { return (this.q.length > 0 ? POLLIN_ : 0) | POLLOUT_; }
}

const ports: Map<i32, UdpSock> = new Map();
let nextEphemeral: i32 = 49152;

/** Builds a UDP header at p (checksum 0: ipSend fills it). */
export function udpBuild(p: usize, sport: i32, dport: i32, dataLen: i32): void {
  st16(p, <u32>sport); st16(p + 2, <u32>dport); st16(p + 4, <u32>(UDP_HLEN + dataLen)); store<u16>(p + 6, 0);
}

export function udpInput(ifc: NetIf, src: u32, dst: u32, p: usize, len: i32, flags: u32): void {
  if (len < UDP_HLEN) return;
  let ulen = <i32>ld16(p + 4);
  if (ulen < UDP_HLEN || ulen > len) return;
  if (load<u16>(p + 6) != 0 && (flags & NETDEV_RX_CSUM_VALID) == 0) {
    if (csumFold(csumAdd(csumPseudo(src, dst, IPPROTO_UDP, <u32>ulen), p, ulen)) != 0xffff) { count(C_RX_BAD_CSUM); return; }
  }
  let dport = <i32>ld16(p + 2);
  if (!ports.has(dport)) { count(C_UDP_NOPORT); return; }
  let s = ports.get(dport);
  if (s.q.length >= 4 * UDP_QUEUE) { count(C_UDP_DROPPED); return; }
  let n = ulen - UDP_HLEN;
  let copy = heap.alloc(<usize>max(n, 1));
  memory.copy(copy, p + UDP_HLEN, <usize>n);
  s.q.push(<u64>copy); s.q.push(<u64>n); s.q.push(<u64>src); s.q.push(<u64>ld16(p));
  sockTouch(s);
}

/** A UDP socket object bound to port (0: ephemeral), or null when the port is taken. */
export function udpBind(port: i32): UdpSock | null {
  if (port == 0) {
    for (let i = 0; i < 16384 && ports.has(nextEphemeral); i++) nextEphemeral = nextEphemeral >= 65535 ? 49152 : nextEphemeral + 1;
    port = nextEphemeral;
    nextEphemeral = nextEphemeral >= 65535 ? 49152 : nextEphemeral + 1;
  }
  if (ports.has(port)) return null;
  let s = new UdpSock();
  s.port = port;
  ports.set(port, s);
  return s;
}

/** Releases a socket's port and queued datagrams. */
export function udpUnbind(s: UdpSock): void {
  if (ports.has(s.port) && ports.get(s.port) === s) ports.delete(s.port);
  for (let i = 0; i < s.q.length; i += 4) heap.free(<usize>s.q[i]);
  s.q = [];
}

/** Sends from socket s on interface ifc (or the routed one when null). */
export function udpSendFrom(ifc: NetIf | null, s: UdpSock, ip: u32, port: i32, buf: usize, len: i32): i32 {
  if (port <= 0 || port > 65535 || len < 0) return -Errno.EINVAL;
  let i = ifc !== null ? ifc : ifRoute(ip);
  if (i === null) i = ifaces.length > 0 ? ifaces[0] : null;
  if (i === null) return -Errno.ENETDOWN;
  if (len > i.mtu - IP_HLEN - UDP_HLEN) return -Errno.EMSGSIZE;
  udpBuild(i.tx + <usize>L4_OFF, s.port, port, len);
  let r = ipSend(i, ip, IPPROTO_UDP, UDP_HLEN, buf, len, 6);
  if (r < 0) return r;
  return r == 0 ? -Errno.EAGAIN : len;
}

/** The next datagram of s copied to buf (truncated to len); its full length, or -EAGAIN. */
export function udpTake(s: UdpSock, buf: usize, len: i32): i32 {
  if (s.q.length == 0) return -Errno.EAGAIN;
  let p = <usize>s.q[0], n = <i32>s.q[1];
  s.fromIp = <u32>s.q[2]; s.fromPort = <i32>s.q[3];
  memory.copy(buf, p, <usize>min(n, max(len, 0)));
  heap.free(p);
  s.q.splice(0, 4);
  return n;
}

// ---- the socket API's UDP half (net/index.ts documents these) ----

function udpOf(h: i32): UdpSock | null {
  let s = sockGet(h);
  if (s === null || s.kind != SOCK_UDP) return null;
  return changetype<UdpSock>(s);
}
export function udpOpenImpl(port: i32): i32 {
  if (port < 0 || port > 65535) return -Errno.EINVAL;
  let s = udpBind(port);
  if (s === null) return -Errno.EADDRINUSE;
  return sockAttach(s);
}
export function udpSendToImpl(h: i32, ip: u32, port: i32, buf: usize, len: i32): i32 {
  let s = udpOf(h);
  return s === null ? ebadf() : udpSendFrom(null, s, ip, port, buf, len);
}
export function udpRecvFromImpl(h: i32, buf: usize, len: i32): i32 {
  let s = udpOf(h);
  return s === null ? ebadf() : udpTake(s, buf, len);
}
export function udpFromIpImpl(h: i32): u32 { let s = udpOf(h); return s === null ? 0 : s.fromIp; }
export function udpFromPortImpl(h: i32): i32 { let s = udpOf(h); return s === null ? 0 : s.fromPort; }
