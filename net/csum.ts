// net/csum.ts — the Internet checksum (RFC 1071): the 16-bit ones'
// complement of the ones' complement sum of 16-bit words.
//
// The sum is byte-order independent (RFC 1071 §2(B)): we add the bytes as
// little-endian 64-bit loads into a u64 with end-around carry, fold to 16
// bits, and store the result with a native store<u16>, which puts its bytes
// in the right order. Pseudo-header fields in host order are byte-swapped
// before they are added for the same reason.

/** Adds len bytes at p to the running sum acc (an odd tail is padded with a zero byte). */
export function csumAdd(acc: u64, p: usize, len: i32): u64 {
  let n = len;
  while (n >= 32) {
    let a = load<u64>(p), b = load<u64>(p, 8), c = load<u64>(p, 16), d = load<u64>(p, 24);
    acc += a; acc += <u64>(acc < a);
    acc += b; acc += <u64>(acc < b);
    acc += c; acc += <u64>(acc < c);
    acc += d; acc += <u64>(acc < d);
    p += 32; n -= 32;
  }
  while (n >= 8) {
    let a = load<u64>(p);
    acc += a; acc += <u64>(acc < a);
    p += 8; n -= 8;
  }
  // Fewer than 8 bytes left, starting at an even offset: 16-bit lanes stay
  // aligned, and a last odd byte is the low (first) byte of its lane.
  let t: u64 = 0;
  if (n >= 4) { t = <u64>load<u32>(p); p += 4; n -= 4; }
  if (n >= 2) { t += <u64>load<u16>(p); p += 2; n -= 2; }
  if (n == 1) t += <u64>load<u8>(p);
  acc += t; acc += <u64>(acc < t);
  return acc;
}

/** Folds a running sum to 16 bits (not complemented), in load order. */
export function csumFold(acc: u64): u32 {
  let s = (acc & 0xffffffff) + (acc >> 32);
  s = (s & 0xffffffff) + (s >> 32);
  let t = <u32>s;
  t = (t & 0xffff) + (t >> 16);
  t = (t & 0xffff) + (t >> 16);
  return t;
}

/** The checksum field value for a running sum (complemented; store with store<u16>). */
export function csumFinish(acc: u64): u16 { return <u16>(~csumFold(acc) & 0xffff); }

/** The TCP/UDP pseudo-header sum (RFC 9293 §3.1, RFC 768): addresses and protocol in host order, length of the transport segment. */
export function csumPseudo(src: u32, dst: u32, proto: u32, len: u32): u64 {
  return <u64>bswap<u32>(src) + <u64>bswap<u32>(dst) + <u64>bswap<u16>(<u16>proto) + <u64>bswap<u16>(<u16>len);
}

/** The checksum of len bytes at p alone (IPv4 header, ICMP). */
export function csumOf(p: usize, len: i32): u16 { return csumFinish(csumAdd(0, p, len)); }
