// net/eth.ts — Ethernet II framing (RFC 894; IEEE 802.3 §3.1.1): dst MAC,
// src MAC, EtherType, payload. The FCS is the device's.
import { ld16, ldMac, st16, stMac } from "./bytes";

export const ETH_P_IP: u32 = 0x0800;
export const ETH_P_ARP: u32 = 0x0806;

/*  0        6        12    14
 *  | dst    | src    | type | payload ...  */
export function ethBuild(p: usize, dst: u64, src: u64, type: u32): void {
  stMac(p, dst);
  stMac(p + 6, src);
  st16(p + 12, type);
}
export function ethDst(p: usize): u64 { return ldMac(p); }
export function ethSrc(p: usize): u64 { return ldMac(p + 6); }
export function ethType(p: usize): u32 { return ld16(p + 12); }
