// net/arp.ts — ARP for IPv4 over Ethernet (RFC 826).
//
// Packet (28 bytes after the Ethernet header):
//   0 htype=1 | 2 ptype=0x0800 | 4 hlen=6 | 5 plen=4 | 6 oper (1 request, 2 reply)
//   8 sha (6) | 14 spa (4) | 18 tha (6) | 24 tpa (4)
//
// The cache maps an IPv4 address to a MAC; entries expire after ARP_TTL_US
// and are then resolved again. Frames for an address being resolved wait in
// its entry (at most ARP_QUEUE; the oldest is dropped); requests are resent
// every ARP_RETRY_US, and after ARP_TRIES the queue is dropped (counter
// arp_dropped). RFC 826's "merge" rule: a packet from a known sender
// refreshes its entry; a request for our address adds the sender and is answered.
import { ld16, ld32, ldMac, st16, st32, stMac, MAC_BROADCAST } from "./bytes";
import { ethBuild, ETH_P_ARP } from "./eth";
import { ArpEntry, NetIf, ETH_HLEN } from "./iface";
import { nowUs, count, C_ARP_DROPPED, C_TX, C_TX_FULL } from "./clock";

export const ARP_TTL_US: u64 = 60_000_000;
export const ARP_RETRY_US: u64 = 1_000_000;
export const ARP_TRIES: i32 = 3;
const ARP_QUEUE: i32 = 8;
const ARP_LEN: i32 = 28;

/** Builds an ARP packet at p (after the Ethernet header). */
export function arpBuild(p: usize, oper: u32, sha: u64, spa: u32, tha: u64, tpa: u32): void {
  st16(p, 1); st16(p + 2, 0x0800);
  store<u8>(p + 4, 6); store<u8>(p + 5, 4);
  st16(p + 6, oper);
  stMac(p + 8, sha); st32(p + 14, spa);
  stMac(p + 18, tha); st32(p + 24, tpa);
}

function arpSend(ifc: NetIf, oper: u32, dstMac: u64, tha: u64, tpa: u32): void {
  let f = ifc.tx;
  ethBuild(f, dstMac, ifc.mac, ETH_P_ARP);
  arpBuild(f + ETH_HLEN, oper, ifc.mac, ifc.ip, tha, tpa);
  memory.fill(f + ETH_HLEN + ARP_LEN, 0, 60 - ETH_HLEN - ARP_LEN); // pad to the 60-byte minimum
  if (ifc.dev.transmit(f, 60, -1, 0)) count(C_TX); else count(C_TX_FULL);
}

/** The MAC for ip if resolved and fresh, else -1. */
export function arpLookup(ifc: NetIf, ip: u32): i64 {
  let e = ifc.arp.has(ip) ? ifc.arp.get(ip) : null;
  if (e === null || !e.resolved || nowUs() >= e.deadline) return -1;
  return <i64>e.mac;
}

/** Queues the frame hdr ++ data (its dst MAC to be filled) until ip resolves; sends a request if none is out. */
export function arpQueue(ifc: NetIf, ip: u32, hdr: usize, hdrLen: i32, data: usize, dataLen: i32, cs: i32, co: i32): void {
  let len = hdrLen + dataLen;
  let e: ArpEntry;
  if (ifc.arp.has(ip)) e = ifc.arp.get(ip);
  else { e = new ArpEntry(); ifc.arp.set(ip, e); }
  if (e.resolved) { e.resolved = false; e.tries = 0; } // expired: resolve again
  if (e.queue.length >= 4 * ARP_QUEUE) { heap.free(e.queue[0]); e.queue.splice(0, 4); count(C_ARP_DROPPED); }
  let copy = heap.alloc(<usize>len);
  memory.copy(copy, hdr, <usize>hdrLen);
  memory.copy(copy + <usize>hdrLen, data, <usize>dataLen);
  e.queue.push(copy); e.queue.push(<usize>len); e.queue.push(<usize>cs); e.queue.push(<usize>co);
  if (e.tries == 0) {
    e.tries = 1;
    e.deadline = nowUs() + ARP_RETRY_US;
    ifc.arpPending.push(ip);
    arpSend(ifc, 1, MAC_BROADCAST, 0, ip);
  }
}

function arpLearn(ifc: NetIf, ip: u32, mac: u64, create: bool): void {
  let e: ArpEntry;
  if (ifc.arp.has(ip)) e = ifc.arp.get(ip);
  else if (create) { e = new ArpEntry(); ifc.arp.set(ip, e); }
  else return;
  e.mac = mac;
  e.resolved = true;
  e.tries = 0;
  e.deadline = nowUs() + ARP_TTL_US;
  let q = e.queue;
  e.queue = [];
  for (let i = 0; i < q.length; i += 4) {
    let f = q[i];
    stMac(f, mac);
    if (ifc.dev.transmit(f, <i32>q[i + 1], <i32>q[i + 2], <i32>q[i + 3])) count(C_TX); else count(C_TX_FULL);
    heap.free(f);
  }
}

/** Handles one ARP packet (p after the Ethernet header, len bytes). Returns false when malformed. */
export function arpInput(ifc: NetIf, p: usize, len: i32): bool {
  if (len < ARP_LEN) return false;
  if (ld16(p) != 1 || ld16(p + 2) != 0x0800 || load<u8>(p + 4) != 6 || load<u8>(p + 5) != 4) return false;
  let oper = ld16(p + 6);
  let sha = ldMac(p + 8), spa = ld32(p + 14), tpa = ld32(p + 24);
  if (ifc.ip == 0 || spa == 0) return true;
  let forUs = tpa == ifc.ip;
  arpLearn(ifc, spa, sha, forUs);
  if (forUs && oper == 1) arpSend(ifc, 2, sha, sha, spa);
  return true;
}

/** Resends requests that are due and gives up on those tried ARP_TRIES times. */
export function arpTimers(ifc: NetIf, now: u64): void {
  let pend = ifc.arpPending;
  for (let i = pend.length - 1; i >= 0; i--) {
    let ip = pend[i];
    let e = ifc.arp.has(ip) ? ifc.arp.get(ip) : null;
    if (e === null || e.resolved) { pend.splice(i, 1); continue; }
    if (now < e.deadline) continue;
    if (e.tries >= ARP_TRIES) {
      for (let j = 0; j < e.queue.length; j += 4) { heap.free(e.queue[j]); count(C_ARP_DROPPED); }
      ifc.arp.delete(ip);
      pend.splice(i, 1);
      continue;
    }
    e.tries++;
    e.deadline = now + ARP_RETRY_US;
    arpSend(ifc, 1, MAC_BROADCAST, 0, ip);
  }
}

/** True while ARP has work pending on ifc (the stack must keep its timer running). */
export function arpBusy(ifc: NetIf): bool { return ifc.arpPending.length > 0; }
