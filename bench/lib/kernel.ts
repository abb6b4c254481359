// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// bench/lib/kernel.ts — the common shape of a bench/aot kernel: read the
// iteration count from argv[1], time only the kernel with the monotonic
// clock, print one line the harness parses:
//   kernel=<name> iters=<n> checksum=<u64 decimal> ns=<elapsed>
import { println, argInt, nowNs } from "./wasi";

/** Runs `body(iters)` once, timed; prints its checksum and elapsed ns. */
export function runKernel(name: string, defaultIters: i32, body: (iters: i32) => u64): void {
  const iters = argInt(1, defaultIters);
  const t0 = nowNs();
  const sum = body(iters);
  const ns = nowNs() - t0;
  println("kernel=" + name + " iters=" + iters.toString() + " checksum=" + sum.toString() + " ns=" + ns.toString());
}

/** xorshift32 step: a deterministic generator for test data (never 0 for a non-zero seed). */
// @ts-ignore: decorator
@inline export function xorshift(x: u32): u32 {
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  return x;
}
