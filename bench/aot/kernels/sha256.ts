// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// SHA-256 (FIPS 180-4 §6.2) over a 64 KiB buffer, chained: each iteration
// hashes the buffer with the previous digest in its first 32 bytes.
import { runKernel, xorshift } from "../../lib/kernel";

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const N: i32 = 64 * 1024;
const msg = new Uint8Array(N);
const H = new StaticArray<u32>(8);
const W = new StaticArray<u32>(64);
let s: u32 = 1;
for (let k = 0; k < N; k++) { s = xorshift(s); unchecked(msg[k] = <u8>s); }

function block(p: usize): void {
  for (let t = 0; t < 16; t++) unchecked(W[t] = bswap<u32>(load<u32>(p + <usize>(t * 4))));
  for (let t = 16; t < 64; t++) {
    const w15 = unchecked(W[t - 15]), w2 = unchecked(W[t - 2]);
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    unchecked(W[t] = W[t - 16] + s0 + W[t - 7] + s1);
  }
  let a = unchecked(H[0]), b = unchecked(H[1]), c = unchecked(H[2]), d = unchecked(H[3]);
  let e = unchecked(H[4]), f = unchecked(H[5]), g = unchecked(H[6]), h = unchecked(H[7]);
  for (let t = 0; t < 64; t++) {
    const t1 = h + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + unchecked(K[t]) + unchecked(W[t]);
    const t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  unchecked(H[0] += a); unchecked(H[1] += b); unchecked(H[2] += c); unchecked(H[3] += d);
  unchecked(H[4] += e); unchecked(H[5] += f); unchecked(H[6] += g); unchecked(H[7] += h);
}

function sha256(p: usize, n: i32): void {
  const init: u32[] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  for (let k = 0; k < 8; k++) unchecked(H[k] = init[k]);
  for (let off = 0; off + 64 <= n; off += 64) block(p + <usize>off); // n is a multiple of 64
  const pad = new Uint8Array(64); // §5.1.1 padding block for a whole-block message
  pad[0] = 0x80;
  store<u64>(pad.dataStart + 56, bswap<u64>(<u64>n * 8));
  block(pad.dataStart);
}

function run(iters: i32): u64 {
  const p = msg.dataStart;
  for (let i = 0; i < iters; i++) {
    sha256(p, N);
    for (let k = 0; k < 8; k++) store<u32>(p + <usize>(k * 4), unchecked(H[k]));
  }
  return (<u64>unchecked(H[0]) << 32) | <u64>unchecked(H[1]);
}

runKernel("sha256", 220, run);
