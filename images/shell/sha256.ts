// images/shell/sha256.ts — SHA-256 (FIPS 180-4 §6.2), streaming over raw
// memory: sha256Reset(), sha256Update(ptr, len) any number of times,
// sha256Hex() for the lowercase hex digest. One hash at a time (static state).
//
// State layout (static memory, no allocation per block):
//   H      8 × u32   the hash value H0..H7 (§5.3.3 initial values)
//   W     64 × u32   the message schedule (§6.2.2 step 1)
//   BUF   64 bytes   the partial block not yet compressed

const H: usize = memory.data(32);
const W: usize = memory.data(256);
const BUF: usize = memory.data(64);
let bufLen: usize = 0;
let total: u64 = 0;

// §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
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

/** Starts a new hash (§5.3.3: H(0)). */
export function sha256Reset(): void {
  store<u32>(H, 0x6a09e667, 0); store<u32>(H, 0xbb67ae85, 4);
  store<u32>(H, 0x3c6ef372, 8); store<u32>(H, 0xa54ff53a, 12);
  store<u32>(H, 0x510e527f, 16); store<u32>(H, 0x9b05688c, 20);
  store<u32>(H, 0x1f83d9ab, 24); store<u32>(H, 0x5be0cd19, 28);
  bufLen = 0;
  total = 0;
}

// @ts-ignore: decorator
@inline function rotr(x: u32, n: u32): u32 { return (x >>> n) | (x << (32 - n)); }

/** §6.2.2 step 1: the message schedule from the 64-byte block at `p` (big-endian words). */
function schedule(p: usize): void {
  for (let t: usize = 0; t < 16; t++) store<u32>(W + (t << 2), bswap<u32>(load<u32>(p + (t << 2))));
  for (let t: usize = 16; t < 64; t++) {
    let w15 = load<u32>(W + ((t - 15) << 2));
    let w2 = load<u32>(W + ((t - 2) << 2));
    let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + (t << 2), load<u32>(W + ((t - 16) << 2)) + s0 + load<u32>(W + ((t - 7) << 2)) + s1);
  }
}

/** §6.2.2 steps 2-4: compresses one 64-byte block at `p` into H. */
function compress(p: usize): void {
  schedule(p);
  let a = load<u32>(H, 0), b = load<u32>(H, 4), c = load<u32>(H, 8), d = load<u32>(H, 12);
  let e = load<u32>(H, 16), f = load<u32>(H, 20), g = load<u32>(H, 24), h = load<u32>(H, 28);
  for (let t = 0; t < 64; t++) {
    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    let ch = (e & f) ^ (~e & g);
    let t1 = h + s1 + ch + unchecked(K[t]) + load<u32>(W + (<usize>t << 2));
    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    let maj = (a & b) ^ (a & c) ^ (b & c);
    h = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + s0 + maj;
  }
  store<u32>(H, load<u32>(H, 0) + a, 0); store<u32>(H, load<u32>(H, 4) + b, 4);
  store<u32>(H, load<u32>(H, 8) + c, 8); store<u32>(H, load<u32>(H, 12) + d, 12);
  store<u32>(H, load<u32>(H, 16) + e, 16); store<u32>(H, load<u32>(H, 20) + f, 20);
  store<u32>(H, load<u32>(H, 24) + g, 24); store<u32>(H, load<u32>(H, 28) + h, 28);
}

/** Hashes `len` more bytes at `p`. */
export function sha256Update(p: usize, len: usize): void {
  total += <u64>len;
  if (bufLen > 0) {
    let room: usize = 64 - bufLen;
    let n = room < len ? room : len;
    memory.copy(BUF + bufLen, p, n);
    bufLen += n; p += n; len -= n;
    if (bufLen < 64) return;
    compress(BUF);
    bufLen = 0;
  }
  while (len >= 64) { compress(p); p += 64; len -= 64; }
  if (len > 0) { memory.copy(BUF, p, len); bufLen = len; }
}

/** §5.1.1 padding, then the digest H as 64 lowercase hex digits. */
export function sha256Hex(): string {
  let bits = total << 3;
  store<u8>(BUF + bufLen, 0x80);
  bufLen++;
  if (bufLen > 56) { memory.fill(BUF + bufLen, 0, <usize>64 - bufLen); compress(BUF); bufLen = 0; }
  memory.fill(BUF + bufLen, 0, <usize>56 - bufLen);
  store<u64>(BUF + 56, bswap<u64>(bits));
  compress(BUF);
  let out = "";
  for (let i: usize = 0; i < 8; i++) {
    let hex = load<u32>(H + (i << 2)).toString(16);
    while (hex.length < 8) hex = "0" + hex;
    out += hex;
  }
  return out;
}
