// net/iface.ts — one network interface: its NetDevice, addresses, ARP
// cache and the scratch buffer outgoing headers are built in.
//
// Outgoing frame layout in `tx` (headers only; payload is passed apart):
//   0        14          34                 34+l4len
//   | Ethernet | IPv4 (20) | TCP/UDP/ICMP hdr |   + data (socket buffer)
import { NetDevice, NETDEV_OFFLOAD_TX_CSUM } from "../kernel/netdev";

export const ETH_HLEN: i32 = 14;
export const IP_HLEN: i32 = 20;
/** Where the transport header starts in tx. */
export const L4_OFF: i32 = 34;
const TX_SCRATCH: usize = 256;

/** One ARP cache entry (RFC 826); frames wait in `queue` while it is being resolved. */
export class ArpEntry {
  mac: u64 = 0;
  resolved: bool = false;
  /** Resolved: when the entry expires. Pending: when to send the next request. */
  deadline: u64 = 0;
  tries: i32 = 0;
  /** Queued frames: pointer, length, csumStart, csumOffset (4 slots each). */
  queue: usize[] = [];
}

export class NetIf {
  mac: u64;
  mtu: i32;
  ip: u32 = 0;
  mask: u32 = 0;
  gw: u32 = 0;
  dns: u32 = 0;
  txOffload: bool;
  tx: usize;
  ipId: u32 = 0;
  arp: Map<u32, ArpEntry> = new Map();
  /** Addresses with a pending resolution (ARP timers walk these only). */
  arpPending: u32[] = [];

  constructor(public dev: NetDevice, public index: i32) {
    this.mac = dev.mac;
    this.mtu = dev.mtu;
    this.txOffload = (dev.offloads & NETDEV_OFFLOAD_TX_CSUM) != 0;
    this.tx = heap.alloc(TX_SCRATCH);
    memory.fill(this.tx, 0, TX_SCRATCH);
  }

  /** True when ip is on this interface's subnet. */
  onLink(ip: u32): bool { return this.mask != 0 && (ip & this.mask) == (this.ip & this.mask); }
}

export const ifaces: NetIf[] = [];

/** The interface a packet to dst leaves by: the one whose subnet holds dst, else the first with a gateway. */
export function ifRoute(dst: u32): NetIf | null {
  for (let i = 0; i < ifaces.length; i++) if (ifaces[i].ip != 0 && ifaces[i].onLink(dst)) return ifaces[i];
  for (let i = 0; i < ifaces.length; i++) if (ifaces[i].ip != 0 && ifaces[i].gw != 0) return ifaces[i];
  return null;
}

/** The interface that owns address ip, or null. */
export function ifByIp(ip: u32): NetIf | null {
  for (let i = 0; i < ifaces.length; i++) if (ifaces[i].ip == ip) return ifaces[i];
  return null;
}
