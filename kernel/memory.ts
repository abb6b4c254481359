// kernel/memory.ts — where the heap lives.
//
// The heap is AssemblyScript's own runtime (TLSF allocator + incremental GC);
// this file only decides which physical memory it may grow into.
//
//   0x100000  static data, shadow stack, early heap   (asc --memoryBase 0x100000)
//   H0        boot stub + compiled kernel + bss        (ends at imageEnd)
//   imageEnd  QEMU's -initrd modules, the multiboot info, cmdline, module strings
//   E         first 64 KiB page boundary past all of the above
//   ...       the heap grows here, up to the top of RAM
//
// Until memInit runs, the boot stub has set memory.size = memory.max = H0 / 64K:
// TLSF's first chunk (taken when it initialises) is exactly the early heap,
// and it cannot grow into the image or the modules. memInit, in boot order:
//   1. runs after the multiboot block was parsed WITHOUT allocating;
//   2. forces TLSF to initialise inside the early heap (heap.free(heap.alloc(16)));
//   3. computes E = max(imageEnd, every module end, info block / cmdline /
//      mmap / module-string / loader-name ends), page-aligned up;
//   4. finds the RAM top: the available mmap region holding 1 MiB, clamped
//      below 0xC0000000 (PCI hole) — or 1 MiB + mem_upper without a map;
//   5. calls hw.memLayout(E / 64K, top / 64K). From then on every memory.grow
//      TLSF makes returns pages from E upwards: TLSF adds them as a new,
//      non-adjacent region (tlsf.ts addMemory), so the modules are never touched.
import { memLayout } from "./hw";
import {
  cstrLen, mbCmdline, mbInfo, mbLoaderName, mbMemLowerKiB, mbMemUpperKiB, mbMmapAddr,
  mbMmapFirst, mbMmapLength, mbMmapNext, mbModCount, mbModEnd, mbModString, mbModTable,
  mmapBase, mmapLength, mmapType, MBI_SIZE, MMAP_AVAILABLE, MOD_SIZE,
} from "./multiboot";

/** Wasm page size (WebAssembly core spec §4.2.8). */
export const PAGE: u64 = 65536;
/** Where RAM must start for the heap region (the kernel is loaded at 1 MiB). */
export const MIB1: u64 = 0x100000;
/** Addresses from here up are the 32-bit PCI hole on QEMU pc (never heap). */
export const RAM_CLAMP: u64 = 0xc0000000;

let ramBytes: u64 = 0;
let heapStart: u64 = 0; // E
let heapLimit: u64 = 0; // RAM top

// @ts-ignore: decorator
@inline function max64(a: u64, b: u64): u64 { return a > b ? a : b; }
/** End of the C string at p including its NUL (0 for p == 0). */
function cstrEnd(p: usize): u64 { return p == 0 ? 0 : <u64>p + <u64>cstrLen(p) + 1; }

/**
 * Returns E: the first byte nothing from the boot loader occupies — the max of
 * imageEnd and the ends of the modules, their strings, the module table, the
 * info block, cmdline, mmap and loader name. Does not allocate.
 */
export function bootMemEnd(imageEnd: usize): u64 {
  let e = <u64>imageEnd;
  let mbi = mbInfo();
  if (mbi != 0) e = max64(e, <u64>mbi + <u64>MBI_SIZE);
  e = max64(e, cstrEnd(mbCmdline()));
  e = max64(e, cstrEnd(mbLoaderName()));
  let map = mbMmapAddr();
  if (map != 0) e = max64(e, <u64>map + <u64>mbMmapLength());
  let n = mbModCount();
  if (n != 0) e = max64(e, <u64>mbModTable() + <u64>n * <u64>MOD_SIZE);
  for (let i: u32 = 0; i < n; i++) {
    e = max64(e, <u64>mbModEnd(i));
    e = max64(e, cstrEnd(mbModString(i)));
  }
  return e;
}

/**
 * Returns the top of the RAM the heap may use: the end of the available mmap
 * region that contains 1 MiB, clamped to RAM_CLAMP; without a map,
 * 1 MiB + mem_upper KiB; 0 when the loader told nothing. Does not allocate.
 */
export function ramTop(): u64 {
  let top: u64 = 0;
  for (let e = mbMmapFirst(); e != 0; e = mbMmapNext(e)) {
    if (mmapType(e) != MMAP_AVAILABLE) continue;
    let base = mmapBase(e);
    let end = base + mmapLength(e);
    if (base <= MIB1 && end > MIB1) top = end;
  }
  if (top == 0 && mbMemUpperKiB() != 0) top = MIB1 + (<u64>mbMemUpperKiB() << 10);
  return top > RAM_CLAMP ? RAM_CLAMP : top;
}

/** Returns the bytes of available RAM the loader reported (all regions). Does not allocate. */
export function ramAvailable(): u64 {
  let sum: u64 = 0;
  for (let e = mbMmapFirst(); e != 0; e = mbMmapNext(e)) {
    if (mmapType(e) == MMAP_AVAILABLE) sum += mmapLength(e);
  }
  if (sum == 0) sum = (<u64>mbMemLowerKiB() + <u64>mbMemUpperKiB()) << 10;
  return sum;
}

/**
 * Boot step 2-5 above. Returns 0, or a negative number when RAM is too small
 * to hold a heap past E (-1: no memory information, -2: E >= RAM top).
 */
export function memInit(imageEnd: usize): i32 {
  heap.free(heap.alloc(16)); // TLSF initialises now, inside the early heap
  let e = bootMemEnd(imageEnd);
  let top = ramTop();
  ramBytes = ramAvailable();
  heapStart = (e + PAGE - 1) & ~(PAGE - 1);
  heapLimit = top & ~(PAGE - 1);
  if (top == 0) return -1;
  if (heapStart >= heapLimit) return -2;
  memLayout(<u32>(heapStart / PAGE), <u32>(heapLimit / PAGE));
  return 0;
}

/** Bytes of RAM the boot loader reported as available. */
export function ramSize(): u64 { return ramBytes; }
/** First byte the heap may grow into after boot (E, 64 KiB aligned). */
export function heapGrowStart(): u64 { return heapStart; }
/** Byte the heap may never grow past (RAM top, 64 KiB aligned). */
export function heapGrowLimit(): u64 { return heapLimit; }
/** Bytes the heap may still take from RAM (memory.grow headroom; not TLSF's free lists). */
export function heapHeadroom(): u64 {
  let top = <u64>memory.size() * PAGE;
  if (top < heapStart) top = heapStart;
  return heapLimit > top ? heapLimit - top : 0;
}
