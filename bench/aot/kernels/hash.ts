// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// Hashing: FNV-1a (32-bit, byte at a time) and an xxhash64-like mix
// (u64 words: multiply, rotate) over a 256 KiB buffer, `iters` times.
import { runKernel, xorshift } from "../../lib/kernel";

const N: i32 = 256 * 1024;
const buf = new Uint8Array(N);
let s: u32 = 0x9e3779b9;
for (let k = 0; k < N; k++) { s = xorshift(s); unchecked(buf[k] = <u8>s); }

const P1: u64 = 0x9E3779B185EBCA87;
const P2: u64 = 0xC2B2AE3D27D4EB4F;

function fnv1a(p: usize, n: i32, seed: u32): u32 {
  let h: u32 = 0x811c9dc5 ^ seed;
  for (let k = 0; k < n; k++) { h ^= load<u8>(p + <usize>k); h *= 0x01000193; }
  return h;
}

function xxlike(p: usize, n: i32, seed: u64): u64 {
  let a = seed + P1, b = seed ^ P2;
  for (let k = 0; k + 16 <= n; k += 16) {
    a = rotl<u64>(a + load<u64>(p + <usize>k) * P2, 31) * P1;
    b = rotl<u64>(b + load<u64>(p + <usize>k, 8) * P2, 31) * P1;
  }
  let h = rotl<u64>(a, 7) + rotl<u64>(b, 12);
  h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P1; h ^= h >> 32;
  return h;
}

function run(iters: i32): u64 {
  const p = buf.dataStart;
  let acc: u64 = 0;
  for (let i = 0; i < iters; i++) {
    acc = acc * 31 + fnv1a(p, N, <u32>i);
    acc ^= xxlike(p, N, <u64>i);
  }
  return acc;
}

runKernel("hash", 360, run);
