// kernel/random.ts — random bytes for apps: xoshiro256** (Blackman & Vigna)
// seeded on first use from the TSC and the RTC. Not a cryptographic
// generator: the seed has tens of bits of boot-timing entropy, no more
// (there is no RDRAND import yet; QEMU's default TCG CPU lacks it anyway).
import { rdtsc } from "./hw";
import { rtcReadMs } from "./rtc";

let s0: u64 = 0, s1: u64 = 0, s2: u64 = 0, s3: u64 = 0;
let seeded = false;

/** splitmix64 step: spreads a weak seed over the whole state. */
function mix(x: u64): u64 {
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

function seed(): void {
  let x = rdtsc() ^ (<u64>rtcReadMs() << 20) ^ rdtsc();
  s0 = mix(x); s1 = mix(s0); s2 = mix(s1); s3 = mix(s2);
  seeded = true;
}

/** The next 64 random bits. */
export function randomU64(): u64 {
  if (!seeded) seed();
  let r = rotl<u64>(s1 * 5, 7) * 9;
  let t = s1 << 17;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
  return r;
}

/** A seed for AssemblyScript's Math.random (the `env.seed` import), as an f64. */
export function randomSeed(): f64 { return <f64>(randomU64() >> 11); }
