// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// Copying: memory.copy (overlapping and not, odd sizes and offsets), a byte
// loop and a u64 word loop between two 1 MiB buffers.
import { runKernel, xorshift } from "../../lib/kernel";

const N: i32 = 1 << 20;
const a = new Uint8Array(N), b = new Uint8Array(N);
let s: u32 = 7;
for (let k = 0; k < N; k++) { s = xorshift(s); unchecked(a[k] = <u8>s); }

function byteCopy(d: usize, src: usize, n: i32): void {
  for (let k = 0; k < n; k++) store<u8>(d + <usize>k, load<u8>(src + <usize>k));
}
function wordCopy(d: usize, src: usize, n: i32): void {
  for (let k = 0; k < n; k += 8) store<u64>(d + <usize>k, load<u64>(src + <usize>k));
}

function run(iters: i32): u64 {
  const pa = a.dataStart, pb = b.dataStart;
  let acc: u64 = 0;
  for (let i = 0; i < iters; i++) {
    memory.copy(pb, pa, <usize>N);                         // bulk
    memory.copy(pb + 3, pb, <usize>(N - 4096));             // overlapping, forward dst
    memory.copy(pa + 1, pb + 17, <usize>(N - 4096));        // odd offsets
    for (let off = 0; off < N - 300; off += 997) memory.copy(pb + <usize>off, pa + <usize>(off ^ 5), 257); // small
    byteCopy(pa, pb + 5, N / 2);
    wordCopy(pb, pa + 8, N / 2 - 16);
    acc = acc * 31 + load<u64>(pa + <usize>(i * 4099 % (N - 8))) + load<u64>(pb + <usize>(i * 7919 % (N - 8)));
  }
  return acc;
}

runKernel("copy", 500, run);
