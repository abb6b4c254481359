// @ts-nocheck — AssemblyScript source (compiled by asc in the tests), not checked by tsc.
// Test-only entry: exposes the kernel's pure parts to Node (test/kernel/*.test.ts).
// Results that are strings are printed on the console (COM1), which the JS
// `hw.outb` collects; numbers are returned.
import { mbInit, mbModCount, mbModStart, mbModEnd, mbMmapFirst, mbMmapNext, mmapBase, mmapLength, mmapType, cstrLen, mbCmdline, mbMemLowerKiB, mbMemUpperKiB } from "../../../kernel/multiboot";
import { bootMemEnd, ramTop, ramAvailable, memInit, heapGrowStart, heapGrowLimit, heapHeadroom } from "../../../kernel/memory";
import { consoleInit, print, printBytes, printHex, printI64, printU64, putCodePoint } from "../../../kernel/console";
import { cmdlineList, cmdlineOption, cmdlineParse } from "../../../kernel/cmdline";
import { panic } from "../../../kernel/panic";
import { bootTimeUs, timeBoot, timeMarkMain, tscKhz, tscSource, tscCalibratePit } from "../../../kernel/time";

export { mbInit, mbModCount, mbModStart, mbModEnd, mbMmapFirst, mbMmapNext, cstrLen, mbCmdline, mbMemLowerKiB, mbMemUpperKiB };
export { bootMemEnd, ramTop, ramAvailable, memInit, heapGrowStart, heapGrowLimit, heapHeadroom };
export { consoleInit, printI64, printU64 };
export function printHexW(v: u64, width: i32): void { printHex(v, width); }
export { tscKhz, tscSource, tscCalibratePit, timeBoot, timeMarkMain, bootTimeUs };

export function mmapEntryBase(e: usize): u64 { return mmapBase(e); }
export function mmapEntryLength(e: usize): u64 { return mmapLength(e); }
export function mmapEntryType(e: usize): u32 { return mmapType(e); }

/** Prints a fixed string with non-ASCII text (UTF-8 encoding check). */
export function printSample(): void {
  print("h\u00e9llo \u20ac \ud83d\ude00\n");
  print("lone \ud800 x");
}

/** Parses the UTF-8 command line at p (len bytes) and prints one `kind=<value>` line per part. */
export function parseCmdline(p: usize, len: usize): void {
  let c = cmdlineParse(String.UTF8.decodeUnsafe(p, len));
  if (c.error.length > 0) line("error", c.error);
  line("argv0", c.argv0);
  for (let i = 0; i < c.options.length; i++) line("opt", c.options[i]);
  for (let i = 0; i < c.args.length; i++) line("arg", c.args[i]);
  let fstab = cmdlineOption(c.options, "vfs.fstab");
  if (fstab !== null) {
    let items = cmdlineList(fstab);
    for (let i = 0; i < items.length; i++) line("fstab", items[i]);
  }
}

function line(kind: string, v: string): void {
  print(kind);
  print("=<");
  print(v);
  print(">");
  putCodePoint(0x0a);
}

/** Prints the bytes of the C string at p. */
export function printCstr(p: usize): void { printBytes(p, cstrLen(p)); }

export function doPanic(): void { panic("units: reason"); }
export function doAssert(x: i32): i32 { assert(x == 1, "x must be 1"); return x; }
export function doThrow(): void { throw new Error("thrown"); }
/** Address of a fresh n-byte buffer (kept alive until the next call). */
let kept: ArrayBuffer | null = null;
export function allocAddr(n: i32): usize {
  kept = new ArrayBuffer(n);
  return changetype<usize>(kept);
}
export function doAllocMany(n: i32): i32 {
  let total = 0;
  for (let i = 0; i < n; i++) total += new Array<u8>(100000).length;
  return total;
}
