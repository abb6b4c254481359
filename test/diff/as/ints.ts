// @ts-nocheck — AssemblyScript source (compiled by asc in test/diff), not checked by tsc.
// Integer math: i32/i64 wraparound, division and remainder signs, shifts
// by >= width, rotates, clz/ctz/popcnt, small types (u8/i16) wrapping, sign
// extension, bswap, and a generator-driven mix of every op with a checksum.
import { println } from "../../../bench/lib/wasi";

const I32S: i32[] = [0, 1, -1, 2, -2, 7, -7, 0x7fffffff, -0x80000000, 0x12345678, -0x5555, 255, 65536, 1000000007];
const I64S: i64[] = [0, 1, -1, 3, -3, 0x7fffffffffffffff, -0x8000000000000000, 0x123456789abcdef0, -1000000007, 4294967296, 0xffffffff];

function ops32(a: i32, b: i32): string {
  let s = (a + b).toString() + " " + (a - b).toString() + " " + (a * b).toString() + " " + (a & b).toString() + " " + (a | b).toString()
    + " " + (a ^ b).toString() + " " + (a << b).toString() + " " + (a >> b).toString() + " " + (a >>> b).toString()
    + " " + rotl<i32>(a, b).toString() + " " + rotr<i32>(a, b).toString() + " " + (<u32>a < <u32>b ? "u<" : "u>=") + (a < b ? "s<" : "s>=");
  if (b != 0 && !(a == i32.MIN_VALUE && b == -1)) s += " " + (a / b).toString() + " " + (a % b).toString() + " " + (<u32>a / <u32>b).toString() + " " + (<u32>a % <u32>b).toString();
  return s;
}
function ops64(a: i64, b: i64): string {
  let s = (a + b).toString() + " " + (a - b).toString() + " " + (a * b).toString() + " " + (a ^ b).toString()
    + " " + (a << b).toString() + " " + (a >> b).toString() + " " + (a >>> b).toString() + " " + rotl<i64>(a, b).toString() + " " + rotr<i64>(a, b).toString();
  if (b != 0 && !(a == i64.MIN_VALUE && b == -1)) s += " " + (a / b).toString() + " " + (a % b).toString() + " " + (<u64>a / <u64>b).toString() + " " + (<u64>a % <u64>b).toString();
  return s;
}

function mix(iters: i32): u64 {
  let x: u64 = 0x9e3779b97f4a7c15, h: u64 = 0;
  for (let k = 0; k < iters; k++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    const a = <i32>x, b = <i32>(x >> 32), c = <i64>x, d = <i64>(x * 0xff51afd7ed558ccd);
    let v: u64 = <u64>(a * b) + <u64>(c * d);
    v += <u64>clz<i32>(a) + <u64>ctz<i64>(c) + <u64>popcnt<i64>(d) + <u64>clz<i64>(c >>> (b & 63)) + <u64>ctz<i32>(b & 0xff00);
    if (b != 0 && (a != i32.MIN_VALUE || b != -1)) v += <u64>(a / b) + <u64>(a % b) + <u64>(<u32>a / <u32>b);
    if (d != 0) v += <u64>(c / d) ^ <u64>(c % d) ^ (<u64>c / <u64>d);
    v ^= <u64>(<i8>a) + <u64>(<i16>b) + <u64>(<i32>(c >> 3)) + <u64>(<u8>a) + <u64>(<u16>b);
    v += <u64>bswap<u32>(<u32>a) + bswap<u64>(<u64>c) + <u64>(a < b ? 1 : 0) + <u64>(<u64>c > <u64>d ? 2 : 0);
    v += <u64>select<i64>(c, d, a > 0) + <u64>(min(a, b) ^ max(a, b)) + <u64>abs<i64>(c >> 5);
    h = (h ^ v) * 0x100000001b3;
  }
  return h;
}

function main(): void {
  for (let i = 0; i < I32S.length; i += 3) for (let j = 0; j < I32S.length; j += 2) println("i32 " + I32S[i].toString() + "," + I32S[j].toString() + ": " + ops32(I32S[i], I32S[j]));
  for (let i = 0; i < I64S.length; i += 2) for (let j = 0; j < I64S.length; j += 3) println("i64 " + I64S[i].toString() + "," + I64S[j].toString() + ": " + ops64(I64S[i], I64S[j]));
  let w: i32 = 0x7ffffff0, u: u8 = 250, sh: i16 = 32760, big: u64 = 0xfffffffffffffff0;
  for (let k = 0; k < 20; k++) { w += 1; u += 1; sh += 1; big += 1; }
  println("wrap " + w.toString() + " " + u.toString() + " " + sh.toString() + " " + big.toString() + " " + (i32.MAX_VALUE * 3).toString() + " " + (<i64>i32.MAX_VALUE * 3).toString());
  println("bits " + clz<i32>(0).toString() + " " + ctz<i64>(0).toString() + " " + popcnt<i32>(-1).toString() + " " + clz<i64>(1).toString()
    + " " + ctz<i32>(0x80000000).toString() + " " + popcnt<i64>(0x5555555555555555).toString() + " " + bswap<u32>(0x11223344).toString(16));
  println("ext " + (<i32><i8>200).toString() + " " + (<i64><i16>40000).toString() + " " + (<i64><i32>0xffffffff).toString() + " " + (<i64><u32>0xffffffff).toString());
  for (let n = 1000; n <= 1000000; n *= 10) println("mix " + n.toString() + " " + mix(n).toString());
}
main();
println("done");
