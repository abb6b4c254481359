// tools/fuzz/as/kvreader.ts — AssemblyScript entry (compiled by kvlogNode.ts
// for Node, not part of any image): images/kvstore's LogReader over a log the
// host copied into memory, the answer left in globals and an array.
import { LogReader } from "../../../images/kvstore/reader";
import { crcUpdate } from "../../../images/kvstore/record";

export let records: i32 = 0;
export let lost: i32 = 0;
export let lostExact: i32 = 1;
export let torn: i32 = 0;
export let lastSeq: i32 = 0;
let seqs = new StaticArray<u32>(1 << 16);
let sums = new StaticArray<u32>(1 << 16);

/** `n` bytes the host may fill. */
export function alloc(n: i32): usize { return heap.alloc(<usize>n); }

export function seqAt(i: i32): u32 { return seqs[i]; }
export function sumAt(i: i32): u32 { return sums[i]; }

/** Reads the log at (p, n): every good record's seq and CRC-32C of key + " " + value. */
export function scan(p: usize, n: i32): void {
  let rd = new LogReader(p, <u64>n);
  records = 0;
  while (true) {
    let r = rd.next();
    if (r === null) break;
    let s = String.UTF8.encode(r.key + " " + r.value);
    if (records < seqs.length) {
      seqs[records] = <u32>r.seq;
      sums[records] = crcUpdate(0xffffffff, changetype<usize>(s), <usize>s.byteLength) ^ 0xffffffff;
    }
    records++;
  }
  rd.dispose();
  lost = <i32>rd.lost;
  lostExact = rd.lostExact ? 1 : 0;
  torn = <i32>rd.torn;
  lastSeq = <i32>rd.lastSeq;
  heap.free(p);
}
