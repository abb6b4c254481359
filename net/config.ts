// net/config.ts — static configuration in Unikraft's syntax (lib/uknetdev,
// `netdev.ip=<ip>/<prefix>:<gateway>[:<dns>]`, e.g.
// `netdev.ip=10.0.2.15/24:10.0.2.2:10.0.2.3`). The mask may also be written
// dotted (`/255.255.255.0`).
import { ipParse } from "./bytes";

export class IpConfig {
  ip: u32 = 0;
  mask: u32 = 0;
  gw: u32 = 0;
  dns: u32 = 0;
  /** Why the text was refused ("" when it was not). */
  error: string = "";
}

function prefixMask(bits: i32): u32 { return bits == 0 ? 0 : <u32>(0xffffffff << (32 - bits)); }

/** Parses the value of netdev.ip; out.error says what is wrong when it returns false. */
export function netParseIpOption(v: string, out: IpConfig): bool {
  let parts = v.split(":");
  if (parts.length < 2 || parts.length > 3) { out.error = "expected IP/PREFIX:GATEWAY[:DNS]"; return false; }
  let slash = parts[0].indexOf("/");
  if (slash < 0) { out.error = "missing /PREFIX after the address"; return false; }
  let ip = ipParse(parts[0].substring(0, slash));
  if (ip < 0 || ip == 0) { out.error = "bad address '" + parts[0].substring(0, slash) + "'"; return false; }
  let m = parts[0].substring(slash + 1);
  let mask: i64 = -1;
  if (m.length > 0 && m.length <= 2 && m.charCodeAt(0) >= 48 && m.charCodeAt(0) <= 57 && (m.length == 1 || (m.charCodeAt(1) >= 48 && m.charCodeAt(1) <= 57))) {
    let bits = I32.parseInt(m);
    if (bits >= 0 && bits <= 32) mask = <i64>prefixMask(bits);
  } else {
    mask = ipParse(m);
    if (mask >= 0) { let x = <u32>mask; if ((~x & (~x + 1)) != 0) mask = -1; } // contiguous ones only
  }
  if (mask < 0) { out.error = "bad prefix or netmask '" + m + "'"; return false; }
  let gw = parts[1].length == 0 ? <i64>0 : ipParse(parts[1]);
  if (gw < 0) { out.error = "bad gateway '" + parts[1] + "'"; return false; }
  let dns: i64 = 0;
  if (parts.length == 3 && parts[2].length > 0) {
    dns = ipParse(parts[2]);
    if (dns < 0) { out.error = "bad DNS server '" + parts[2] + "'"; return false; }
  }
  out.ip = <u32>ip; out.mask = <u32>mask; out.gw = <u32>gw; out.dns = <u32>dns;
  return true;
}
