// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// Parsing: a JSON-ish tokenizer over a generated 128 KiB text (objects,
// arrays, strings with escapes, integers, decimals with exponents): counts
// tokens, sums integer values, sums decimals parsed digit by digit.
import { runKernel, xorshift } from "../../lib/kernel";

function gen(): string {
  const parts = new Array<string>();
  let s: u32 = 12345, len = 0;
  while (len < 128 * 1024) {
    s = xorshift(s);
    let t: string;
    switch (s % 5) {
      case 0: t = '{"key' + (s % 1000).toString() + '": ' + (<i32>(s >> 8) - 8000000).toString() + ', '; break;
      case 1: t = '[1.5e' + (s % 7).toString() + ', -' + (s % 99991).toString() + '.25, true, null], '; break;
      case 2: t = '"str\\"ing\\n ' + (s & 0xffff).toString() + '", '; break;
      case 3: t = '{"a": [' + (s % 17).toString() + ', ' + (s % 31).toString() + ']}, '; break;
      default: t = (<f64>(s % 1000000) / 1000.0).toString() + ', '; break;
    }
    parts.push(t); len += t.length;
  }
  return "[" + parts.join("") + "0]";
}
const text = String.UTF8.encode(gen());
const TEXT_LEN = text.byteLength;

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool { return c - 48 < 10; }

function scan(p: usize, n: i32): u64 {
  let tokens: u64 = 0, isum: i64 = 0, fsum: f64 = 0;
  let k = 0;
  while (k < n) {
    const c = <u32>load<u8>(p + <usize>k);
    if (c == 32 || c == 10 || c == 44 || c == 58) { k++; continue; }
    tokens++;
    if (c == 34) { // string: skip escapes
      k++;
      while (k < n) { const d = load<u8>(p + <usize>k); if (d == 92) k += 2; else { k++; if (d == 34) break; } }
    } else if (c == 45 || isDigit(c)) {
      let neg = c == 45; if (neg) k++;
      let iv: i64 = 0;
      while (k < n && isDigit(load<u8>(p + <usize>k))) { iv = iv * 10 + <i64>(load<u8>(p + <usize>k) - 48); k++; }
      let fv = <f64>iv, frac = false;
      if (k < n && load<u8>(p + <usize>k) == 46) {
        frac = true; k++;
        let scale = 0.1;
        while (k < n && isDigit(load<u8>(p + <usize>k))) { fv += scale * <f64>(load<u8>(p + <usize>k) - 48); scale *= 0.1; k++; }
      }
      if (k < n && (load<u8>(p + <usize>k) | 32) == 101) {
        frac = true; k++;
        let e = 0;
        while (k < n && isDigit(load<u8>(p + <usize>k))) { e = e * 10 + (load<u8>(p + <usize>k) - 48); k++; }
        while (e-- > 0) fv *= 10;
      }
      if (frac) fsum += neg ? -fv : fv; else isum += neg ? -iv : iv;
    } else if (c == 116 || c == 110) { k += 4; }
    else if (c == 102) { k += 5; }
    else { k++; } // { } [ ]
  }
  return tokens * 1000003 + <u64>isum + <u64>(<i64>(fsum * 1000.0));
}

function run(iters: i32): u64 {
  let acc: u64 = 0;
  const p = changetype<usize>(text);
  for (let i = 0; i < iters; i++) acc = acc * 7 + scan(p, TEXT_LEN);
  return acc;
}

runKernel("parse", 900, run);
