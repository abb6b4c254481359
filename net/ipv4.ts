// net/ipv4.ts — IPv4 (RFC 791) input and output.
//
// Header (20 bytes, no options sent):
//   0 ver/IHL | 1 TOS | 2 total length | 4 id | 6 flags(DF=0x4000, MF=0x2000)/fragment offset
//   8 TTL | 9 protocol | 10 header checksum | 12 src | 16 dst | 20 options (IHL*4 - 20)
//
// Output never fragments (DF set; callers keep segments within the MTU).
// Input refuses fragments (counter ip_frag_dropped; RFC 1122 §3.3.2 lets a
// host that does not reassemble drop them) and anything malformed.
// Transport protocols register their input handler (ipSetHandler), so this
// layer does not import the ones above it.
import { ld16, ld32, st16, st32, MAC_BROADCAST, IP_BROADCAST } from "./bytes";
import { csumAdd, csumFinish, csumFold, csumOf, csumPseudo } from "./csum";
import { ethBuild, ETH_P_IP } from "./eth";
import { NetIf, ETH_HLEN, IP_HLEN, L4_OFF } from "./iface";
import { arpLookup, arpQueue } from "./arp";
import { count, C_IP_FRAG, C_TX, C_TX_FULL } from "./clock";
import { Errno } from "../kernel/errno";

export const IPPROTO_ICMP: u32 = 1;
export const IPPROTO_TCP: u32 = 6;
export const IPPROTO_UDP: u32 = 17;
const TTL: u32 = 64;

/** A transport's input: src/dst addresses, the transport bytes, the device's RX flags. */
export type IpHandler = (ifc: NetIf, src: u32, dst: u32, p: usize, len: i32, flags: u32) => void;
function noHandler(ifc: NetIf, src: u32, dst: u32, p: usize, len: i32, flags: u32): void {}
let onIcmp: IpHandler = noHandler;
let onTcp: IpHandler = noHandler;
let onUdp: IpHandler = noHandler;
export function ipSetHandler(proto: u32, h: IpHandler): void {
  if (proto == IPPROTO_ICMP) onIcmp = h;
  else if (proto == IPPROTO_TCP) onTcp = h;
  else if (proto == IPPROTO_UDP) onUdp = h;
}

/** Builds a 20-byte header at p. */
export function ipBuild(p: usize, src: u32, dst: u32, proto: u32, totalLen: i32, id: u32): void {
  store<u8>(p, 0x45); store<u8>(p + 1, 0);
  st16(p + 2, <u32>totalLen); st16(p + 4, id & 0xffff); st16(p + 6, 0x4000);
  store<u8>(p + 8, <u8>TTL); store<u8>(p + 9, <u8>proto);
  store<u16>(p + 10, 0);
  st32(p + 12, src); st32(p + 16, dst);
  store<u16>(p + 10, csumOf(p, IP_HLEN));
}

/**
 * Sends the transport header at ifc.tx + L4_OFF (l4len bytes) followed by
 * dataLen bytes at data, as one IPv4 packet to dst. csumField >= 0 is the
 * offset of the transport checksum in its header (pseudo-header included,
 * RFC 9293 §3.1 / RFC 768), left to the device when it offers offload;
 * udp: a computed 0 goes out as 0xffff. Returns 1 when sent or queued for
 * ARP, 0 when the device is full (nothing sent), -EHOSTUNREACH without a route.
 */
export function ipSend(ifc: NetIf, dst: u32, proto: u32, l4len: i32, data: usize, dataLen: i32, csumField: i32): i32 {
  let f = ifc.tx;
  let l4 = f + <usize>L4_OFF;
  let total = IP_HLEN + l4len + dataLen;
  if (total > ifc.mtu) return -Errno.EMSGSIZE;
  let hop = dst;
  let mac: i64 = -1;
  if (dst == IP_BROADCAST || (ifc.mask != 0 && dst == (ifc.ip | ~ifc.mask))) mac = <i64>MAC_BROADCAST;
  else if (!ifc.onLink(dst)) { if (ifc.gw == 0) return -Errno.EHOSTUNREACH; hop = ifc.gw; }
  if (mac < 0) mac = arpLookup(ifc, hop);
  ethBuild(f, mac < 0 ? 0 : <u64>mac, ifc.mac, ETH_P_IP);
  ipBuild(f + ETH_HLEN, ifc.ip, dst, proto, total, ifc.ipId++);
  let cs = -1, co = 0;
  if (csumField >= 0) {
    let pseudo = csumPseudo(ifc.ip, dst, proto, <u32>(l4len + dataLen));
    let field = l4 + <usize>csumField;
    if (ifc.txOffload) {
      store<u16>(field, <u16>csumFold(pseudo));
      cs = L4_OFF; co = csumField;
    } else {
      store<u16>(field, 0);
      let acc = csumAdd(csumAdd(pseudo, l4, l4len), data, dataLen);
      let c = csumFinish(acc);
      if (c == 0 && proto == IPPROTO_UDP) c = 0xffff;
      store<u16>(field, c);
    }
  }
  let flen = L4_OFF + l4len;
  if (mac < 0) {
    arpQueue(ifc, hop, f, flen, data, dataLen, cs, co);
    return 1;
  }
  if (!ifc.dev.transmitv(f, flen, data, dataLen, cs, co)) { count(C_TX_FULL); return 0; }
  count(C_TX);
  return 1;
}

/** Handles the IPv4 packet at p (len bytes after the Ethernet header). Returns false when it was malformed. */
export function ipInput(ifc: NetIf, p: usize, len: i32, flags: u32): bool {
  if (len < IP_HLEN) return false;
  let vihl = <u32>load<u8>(p);
  let ihl = <i32>(vihl & 15) * 4;
  if ((vihl >> 4) != 4 || ihl < IP_HLEN || ihl > len) return false;
  let total = <i32>ld16(p + 2);
  if (total < ihl || total > len) return false; // shorter frames are padding; longer is truncated
  if (csumFold(csumAdd(0, p, ihl)) != 0xffff) return false;
  let frag = ld16(p + 6);
  if ((frag & 0x3fff) != 0) { count(C_IP_FRAG); return true; } // MF or an offset: refused
  let src = ld32(p + 12), dst = ld32(p + 16);
  if (ifc.ip != 0 && dst != ifc.ip && dst != IP_BROADCAST && dst != (ifc.ip | ~ifc.mask)) return true; // not ours
  let proto = <u32>load<u8>(p + 9);
  let l4 = p + <usize>ihl, l4len = total - ihl;
  if (proto == IPPROTO_TCP) onTcp(ifc, src, dst, l4, l4len, flags);
  else if (proto == IPPROTO_UDP) onUdp(ifc, src, dst, l4, l4len, flags);
  else if (proto == IPPROTO_ICMP) onIcmp(ifc, src, dst, l4, l4len, flags);
  return true;
}
