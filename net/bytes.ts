// net/bytes.ts — network byte order (big-endian) loads and stores, MAC
// addresses and IPv4 address text. Addresses live in host order as u32
// (10.0.2.15 = 0x0a00020f); on the wire they are big-endian (RFC 791 §3.1).

// @ts-ignore: decorator
@inline export function ld16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)); }
// @ts-ignore: decorator
@inline export function ld32(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
// @ts-ignore: decorator
@inline export function st16(p: usize, v: u32): void { store<u16>(p, bswap<u16>(<u16>v)); }
// @ts-ignore: decorator
@inline export function st32(p: usize, v: u32): void { store<u32>(p, bswap<u32>(v)); }

/** The 6-byte MAC at p (first byte in bits 40..47). */
export function ldMac(p: usize): u64 { return (<u64>ld16(p) << 32) | <u64>ld32(p + 2); }
/** Stores a MAC (first byte in bits 40..47) as 6 bytes at p. */
export function stMac(p: usize, mac: u64): void { st16(p, <u32>(mac >> 32)); st32(p + 2, <u32>mac); }

export const MAC_BROADCAST: u64 = 0xffffffffffff;
export const IP_BROADCAST: u32 = 0xffffffff;

export function ipv4Addr(a: u32, b: u32, c: u32, d: u32): u32 {
  return ((a & 255) << 24) | ((b & 255) << 16) | ((c & 255) << 8) | (d & 255);
}

/** "10.0.2.15" for 0x0a00020f. */
export function ipToString(ip: u32): string {
  return (ip >>> 24).toString() + "." + ((ip >>> 16) & 255).toString() + "." +
    ((ip >>> 8) & 255).toString() + "." + (ip & 255).toString();
}

/** Dotted-quad text to an address; -1 unless exactly four decimal parts 0..255. */
export function ipParse(s: string): i64 {
  let v: u32 = 0, part: i32 = -1, parts = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c == 46) { // '.'
      if (part < 0 || parts == 3) return -1;
      v = (v << 8) | <u32>part; parts++; part = -1;
    } else if (c >= 48 && c <= 57) {
      part = (part < 0 ? 0 : part * 10) + (c - 48);
      if (part > 255) return -1;
    } else return -1;
  }
  if (part < 0 || parts != 3) return -1;
  return <i64>((v << 8) | <u32>part);
}

/** Sequence-number comparisons modulo 2^32 (RFC 9293 §3.4). */
// @ts-ignore: decorator
@inline export function seqLt(a: u32, b: u32): bool { return <i32>(a - b) < 0; }
// @ts-ignore: decorator
@inline export function seqLe(a: u32, b: u32): bool { return <i32>(a - b) <= 0; }
// @ts-ignore: decorator
@inline export function seqGt(a: u32, b: u32): bool { return <i32>(a - b) > 0; }
// @ts-ignore: decorator
@inline export function seqGe(a: u32, b: u32): bool { return <i32>(a - b) >= 0; }
