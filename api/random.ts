// api/random.ts — random bytes (Node: crypto.randomBytes). Not cryptographic:
// see kernel/random.ts for where the seed comes from.
import { randomU64 } from "../kernel/random";

/** `n` random bytes (n >= 0). */
export function randomBytes(n: i32): Uint8Array {
  let out = new Uint8Array(n < 0 ? 0 : n);
  let bits: u64 = 0;
  for (let i = 0; i < out.length; i++) {
    if ((i & 7) == 0) bits = randomU64();
    out[i] = <u8>(bits & 0xff);
    bits >>= 8;
  }
  return out;
}
