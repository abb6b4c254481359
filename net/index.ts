// net/ — asuk's TCP/IP stack and the socket API apps use. Map (who calls whom):
//
//   index.ts   THIS FILE: the public API (config, TCP/UDP sockets, poll). Apps
//              import only from here.
//   stack.ts   netUp (static or DHCP) and the loop: poll devices, dispatch
//              frames, run timers, netdevWait() when idle; netPoll
//   config.ts  static configuration `netdev.ip=IP/PREFIX:GW[:DNS]` (Unikraft's
//              syntax, kernel command line)
//   iface.ts   one interface: device, MAC, addresses, ARP cache, header scratch
//   eth.ts     Ethernet II header (IEEE 802.3 §3.1.1 / RFC 894)
//   arp.ts     ARP (RFC 826): cache with expiry, pending queue, replies
//   ipv4.ts    IPv4 (RFC 791): header checksum, no fragments sent, none reassembled
//   icmp.ts    ICMP echo reply (RFC 792)
//   udp.ts     UDP (RFC 768) and UDP sockets
//   dhcp.ts    DHCP client (RFC 2131, options RFC 2132)
//   tcb.ts        TCP's data: connection blocks, listeners, hash tables, ring memory
//   tcp-in.ts     TCP input (RFC 9293 §3.10.7), ACK processing, NewReno (RFC 5681/6582)
//   tcp-out.ts    segments, options (MSS, RFC 7323 window scale), the send loop, RSTs
//   tcp-data.ts   receive ring with out-of-order ranges, ACK policy, send ring, RTT (RFC 6298)
//   tcp-timer.ts  retransmission, persist, delayed ACK, TIME-WAIT
//   tcp-api.ts    the TCP calls below; sock.ts the handle table; clock.ts clock and counters
//   csum.ts    Internet checksum (RFC 1071) over 64-bit loads
//   bytes.ts   big-endian loads/stores, IPv4 address text
//
// Choices and limits (each documented where it is made):
//   RTO floor 200 ms, not RFC 6298's 1 s; 2*MSL = 2 s (TIME-WAIT is short);
//   delayed ACKs go out when the stack idles, every second segment, or
//   after 20 ms; writes leave when the app yields to the stack (auto-cork);
//   no Nagle, no SACK, no timestamps; IPv4 fragments are refused, never
//   sent; DHCP leases are not renewed; ISNs are keyed hashes (RFC 6528
//   shape) but not a cryptographic PRF; socket rings share a memory budget
//   (half the heap headroom at netUp).
//
// Imports point down: net/ imports kernel core only (kernel/netdev.ts,
// time, console, memory, hw's rdtsc, main's kernelOption, errno). A driver registers its
// NetDevice with kernel/netdev.ts; the image links both.
//
// ---------------------------------------------------------------------------
// The socket API in one paragraph. Everything is single-threaded and
// non-blocking. A socket is a small non-negative i32 handle. Calls return a
// value >= 0 or a negative Errno (kernel/errno.ts, Linux numbers):
// -EAGAIN means "not now, poll and try again". netPoll() is the only call
// that waits: it drives the stack (receives frames, runs timers, sends ACKs
// and retransmissions) and sleeps in netdevWait() until a socket is ready or
// the timeout passes. An event loop:
//
//   if (netUp() < 0) ...                      // DHCP or netdev.ip=
//   let ls = tcpListen(80, 128);
//   let socks: i32[] = [ls], ev: i32[] = [POLLIN], rev: i32[] = [0];
//   while (true) {
//     netPoll(socks, ev, rev, -1);
//     if (rev[0] & POLLIN) { let c = tcpAccept(ls); if (c >= 0) { socks.push(c); ev.push(POLLIN); rev.push(0); } }
//     for (let i = 1; i < socks.length; i++) {
//       if (rev[i] & (POLLIN | POLLHUP | POLLERR)) {
//         let n = sockRecv(socks[i], buf, 4096);   // > 0 bytes, 0 = peer closed, < 0 errno
//         ...; sockSend(socks[i], reply, len);     // bytes queued (may be < len) or -EAGAIN
//       }
//     }
//   }
//
// send() copies into the socket's send buffer; segments go from there
// straight into the device's buffer (NetDevice.transmitv), so a file's bytes
// are copied once on their way to the device. Sending on a socket whose
// buffer is full returns -EAGAIN; POLLOUT says when there is room again.
// ---------------------------------------------------------------------------
import {
  stackUp, stackIp, stackMask, stackGateway, stackDns, stackMac, stackPoll, stackCounter,
  stackWatch, stackWaitReady,
  POLLIN_, POLLOUT_, POLLERR_, POLLHUP_, POLLNVAL_,
} from "./stack";
import {
  tcpListenImpl, tcpAcceptImpl, tcpConnectImpl, tcpSendImpl, tcpRecvImpl, tcpShutdownImpl,
  sockCloseImpl, tcpSendSpaceImpl, sockPeerIpImpl, sockPeerPortImpl, sockLocalPortImpl, sockErrorImpl,
  sockStateImpl,
} from "./tcp-api";
import { udpOpenImpl, udpSendToImpl, udpRecvFromImpl, udpFromIpImpl, udpFromPortImpl } from "./udp";
import { ipv4Addr, ipToString as ipToStringImpl, ipParse as ipParseImpl } from "./bytes";

// ---- poll flags (Linux's <poll.h> values) ----
/** Data to read, a connection to accept, or end of stream (recv returns 0). */
export const POLLIN: i32 = POLLIN_;
/** send() would accept at least one byte (a connect() has completed). */
export const POLLOUT: i32 = POLLOUT_;
/** The socket has an error; sockError() returns it (revents only). */
export const POLLERR: i32 = POLLERR_;
/** The peer closed or reset the connection (revents only). */
export const POLLHUP: i32 = POLLHUP_;
/** Not an open socket handle (revents only). */
export const POLLNVAL: i32 = POLLNVAL_;

// ---- configuration ----

/**
 * Brings up the first NetDevice: static configuration from the kernel
 * option `netdev.ip=IP/MASK:GW[:DNS]` (e.g. `netdev.ip=10.0.2.15/24:10.0.2.2`)
 * when given, else DHCP (DISCOVER/OFFER/REQUEST/ACK with retries) for at
 * most `timeoutMs`. Returns 0, -ENODEV (no device), -EINVAL (a malformed
 * netdev.ip; one line on the console says what), -ETIMEDOUT (no DHCP answer).
 * Calling it again once up returns 0 at once.
 */
export function netUp(timeoutMs: i32 = 10000): i32 { return stackUp(timeoutMs); }
/** The interface's IPv4 address (host byte order: 10.0.2.15 = 0x0a00020f); 0 before netUp. */
export function netIp(): u32 { return stackIp(); }
/** The netmask (host byte order). */
export function netMask(): u32 { return stackMask(); }
/** The default gateway (host byte order), 0 if none. */
export function netGateway(): u32 { return stackGateway(); }
/** The DNS server (host byte order), 0 if none. */
export function netDns(): u32 { return stackDns(); }
/** The interface's MAC address (first byte in bits 40..47). */
export function netMac(): u64 { return stackMac(); }
/** A named counter of the stack ("rx", "tx", "rx_bad_csum", "ip_frag_dropped", "syn_dropped", "tx_full", ...); 0 if unknown. */
export function netCounter(name: string): u64 { return stackCounter(name); }

/** a.b.c.d as a host-order address. */
export function ipv4(a: u32, b: u32, c: u32, d: u32): u32 { return ipv4Addr(a, b, c, d); }
/** "10.0.2.15" for 0x0a00020f. */
export function ipToString(ip: u32): string { return ipToStringImpl(ip); }
/** Parses dotted-quad text; returns the address, or -1 when `s` is not one. */
export function ipParse(s: string): i64 { return ipParseImpl(s); }

// ---- TCP ----

/**
 * A listening TCP socket on `port` (all addresses). `backlog` bounds the
 * connections completed but not yet accepted; half-open ones (SYN received)
 * are bounded separately, and SYNs beyond either are dropped (counter
 * "syn_dropped"). Returns a socket, -EADDRINUSE, -EINVAL (port not 1..65535).
 */
export function tcpListen(port: i32, backlog: i32 = 128): i32 { return tcpListenImpl(port, backlog); }

/** The next established connection of listening socket `ls`, or -EAGAIN (none yet), -EBADF/-EINVAL. */
export function tcpAccept(ls: i32): i32 { return tcpAcceptImpl(ls); }

/**
 * Starts a connection to ip:port from an ephemeral port. Returns the
 * socket at once (the handshake runs in netPoll): POLLOUT when it is
 * established, POLLERR with sockError() = -ECONNREFUSED / -ETIMEDOUT /
 * -EHOSTUNREACH when it failed. -ENETDOWN before netUp.
 */
export function tcpConnect(ip: u32, port: i32): i32 { return tcpConnectImpl(ip, port); }

/**
 * Queues up to `len` bytes from `buf` for sending. Returns the count
 * queued (> 0, possibly < len), -EAGAIN (buffer full or still connecting),
 * -EPIPE (shut down for sending), -ECONNRESET, -ENOTCONN, -EBADF.
 */
export function sockSend(s: i32, buf: usize, len: i32): i32 { return tcpSendImpl(s, buf, len); }

/** sockSend() of a string's UTF-8 bytes; the same results. */
export function sockSendString(s: i32, text: string): i32 {
  let b = String.UTF8.encode(text);
  return tcpSendImpl(s, changetype<usize>(b), b.byteLength);
}

/**
 * Copies up to `len` received bytes to `buf`. Returns the count (> 0),
 * 0 at end of stream (the peer sent FIN and everything was read), -EAGAIN
 * (nothing yet), -ECONNRESET, -ETIMEDOUT, -ENOTCONN, -EBADF.
 */
export function sockRecv(s: i32, buf: usize, len: i32): i32 { return tcpRecvImpl(s, buf, len); }

/** Bytes sockSend() would accept now (0 while connecting or full); negative errno for a bad socket. */
export function sockSendSpace(s: i32): i32 { return tcpSendSpaceImpl(s); }

/** No more sending: a FIN follows the queued data (SHUT_WR). Receiving goes on. 0 or -errno. */
export function sockShutdown(s: i32): i32 { return tcpShutdownImpl(s); }

/**
 * Closes the handle (TCP, listening or UDP). A TCP connection finishes
 * gracefully in the background (queued data, FIN, TIME_WAIT); if unread
 * received data is left, it is reset instead (RFC 2525 §2.17). The handle
 * may be reused by a later socket. 0 or -EBADF.
 */
export function sockClose(s: i32): i32 { return sockCloseImpl(s); }

/** The pending error of a socket (and clears it): 0 or a negative errno. */
export function sockError(s: i32): i32 { return sockErrorImpl(s); }
/** The remote address of a connection (host order), 0 if none. */
export function sockPeerIp(s: i32): u32 { return sockPeerIpImpl(s); }
/** The remote port of a connection, 0 if none. */
export function sockPeerPort(s: i32): i32 { return sockPeerPortImpl(s); }
/** The local port of any socket, 0 if none. */
export function sockLocalPort(s: i32): i32 { return sockLocalPortImpl(s); }
/** The TCP state name ("ESTABLISHED", "TIME-WAIT", ... RFC 9293's names), "UDP", "LISTEN", or "" for a bad handle. */
export function sockState(s: i32): string { return sockStateImpl(s); }

// ---- UDP ----

/** A UDP socket bound to `port` (0: an ephemeral port). Returns a socket or -EADDRINUSE / -EINVAL. */
export function udpOpen(port: i32 = 0): i32 { return udpOpenImpl(port); }
/** Sends one datagram (len <= MTU - 28). Returns len, -EMSGSIZE, -EAGAIN (device full or address being resolved: the datagram is queued), -EBADF. */
export function udpSendTo(s: i32, ip: u32, port: i32, buf: usize, len: i32): i32 { return udpSendToImpl(s, ip, port, buf, len); }
/** The next datagram (truncated to len), its full length returned; -EAGAIN when none. Its source: udpFromIp/udpFromPort. */
export function udpRecvFrom(s: i32, buf: usize, len: i32): i32 { return udpRecvFromImpl(s, buf, len); }
/** Source address of the datagram udpRecvFrom last returned. */
export function udpFromIp(s: i32): u32 { return udpFromIpImpl(s); }
/** Source port of the datagram udpRecvFrom last returned. */
export function udpFromPort(s: i32): i32 { return udpFromPortImpl(s); }

// ---- waiting ----

/**
 * poll(2) for sockets. For each i, revents[i] gets the subset of
 * events[i] | POLLERR | POLLHUP | POLLNVAL that holds for socks[i] (a
 * negative handle is skipped, revents 0). Drives the stack meanwhile and
 * returns the number of sockets with revents != 0 once at least one is
 * ready or `timeoutMs` has passed (0: check once, -1: no limit).
 * The three arrays must be of equal length (else -EINVAL).
 */
export function netPoll(socks: i32[], events: i32[], revents: i32[], timeoutMs: i32): i32 {
  return stackPoll(socks, events, revents, timeoutMs);
}

/**
 * epoll-like waiting for servers with many connections: the cost is per
 * event, not per socket. sockWatch(s, events) sets the events to watch on s
 * (0 stops; closing the socket stops too); netWaitReady() drives the stack
 * like netPoll and fills ready[i] / revents[i] with watched sockets whose
 * events (or POLLERR/POLLHUP) hold, at most ready.length of them, and
 * returns how many (0 on timeout). Level-triggered: a socket stays reported
 * while its events hold. Returns 0 or -EBADF.
 */
export function sockWatch(s: i32, events: i32): i32 { return stackWatch(s, events); }
/** See sockWatch. revents must be at least as long as ready (else -EINVAL); timeoutMs as netPoll's. */
export function netWaitReady(ready: i32[], revents: i32[], timeoutMs: i32): i32 {
  return stackWaitReady(ready, revents, timeoutMs);
}
