// net/icmp.ts — ICMP (RFC 792): answers echo requests (type 8) with echo
// replies (type 0) carrying the same identifier, sequence and data.
//   0 type | 1 code | 2 checksum (over the ICMP message) | 4 id | 6 seq | 8 data
import { NetIf, L4_OFF } from "./iface";
import { csumAdd, csumFinish, csumFold } from "./csum";
import { ipSend, IPPROTO_ICMP } from "./ipv4";
import { count, C_ICMP_ECHO, C_RX_BAD_CSUM } from "./clock";

export function icmpInput(ifc: NetIf, src: u32, dst: u32, p: usize, len: i32, flags: u32): void {
  if (len < 8) return;
  if (csumFold(csumAdd(0, p, len)) != 0xffff) { count(C_RX_BAD_CSUM); return; }
  if (load<u8>(p) != 8 || load<u8>(p + 1) != 0 || dst != ifc.ip) return;
  let h = ifc.tx + <usize>L4_OFF;
  store<u8>(h, 0); store<u8>(h + 1, 0); store<u16>(h + 2, 0);
  store<u32>(h + 4, load<u32>(p + 4)); // id and seq as they came
  let dataLen = len - 8;
  store<u16>(h + 2, csumFinish(csumAdd(csumAdd(0, h, 8), p + 8, dataLen)));
  count(C_ICMP_ECHO);
  ipSend(ifc, src, IPPROTO_ICMP, 8, p + 8, dataLen, -1);
}
