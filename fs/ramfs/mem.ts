// fs/ramfs/mem.ts — how much memory ramfs may still take.
//
// ramfs never lets the allocator fail (that would panic the kernel): before
// it allocates file data or a node it asks `ramfsRoom(bytes)`, which holds
// when both the filesystem's own limit and the kernel's free-memory figure
// leave room for the request plus a reserve for the rest of the kernel.

/** Bytes of free memory always left to the rest of the kernel. */
export const RAMFS_RESERVE: u64 = 256 << 10;

function wasmFree(): u64 {
  // Pages linear memory may still grow by (wasm32: 65536 pages of 64 KiB).
  return (<u64>(65536 - memory.size())) << 16;
}

let freeFn: () => u64 = wasmFree;

/**
 * Installs the kernel's free-memory figure in bytes (heap free + not yet
 * grown). Default: what wasm32 linear memory may still grow by.
 */
export function ramfsSetFreeMemory(fn: () => u64): void { freeFn = fn; }

/** The installed free-memory figure in bytes. */
export function ramfsFreeMemory(): u64 { return freeFn(); }
