// drivers/virtio/queue.ts — a split virtqueue (virtio 1.1 §2.6), driven by
// polling. Three areas in memory this file allocates (wasm address =
// physical address, so they go to the device as they are):
//
//   descriptor table  16-byte aligned, size * 16 bytes (§2.6.5)
//     +0 addr u64 | +8 len u32 | +12 flags u16 | +14 next u16
//   driver area (available ring)  2-byte aligned, 6 + 2*size bytes (§2.6.6)
//     +0 flags u16 | +2 idx u16 | +4 ring[size] u16 | used_event u16
//   device area (used ring)  4-byte aligned, 6 + 8*size bytes (§2.6.8)
//     +0 flags u16 | +2 idx u16 | +4 ring[size] { id u32, len u32 } | avail_event u16
//
// A request is a chain of descriptors, the device-readable ones first, then
// the device-writable ones (§2.6.4.2). Free descriptors form a list through
// `next`. Interrupts are suppressed (VIRTQ_AVAIL_F_NO_INTERRUPT); the driver
// polls used.idx. Barriers follow §2.6.13.6 / §2.6.14.

import { mfence, pause, rdtsc } from "../../kernel/hw";

export const VIRTQ_DESC_F_NEXT: u16 = 1;
export const VIRTQ_DESC_F_WRITE: u16 = 2;
export const VIRTQ_AVAIL_F_NO_INTERRUPT: u16 = 1;
/** Most segments one chain may have here. */
export const VIRTQ_MAX_CHAIN: i32 = 8;

const DESC_SIZE: usize = 16;
/**
 * TSC ticks per millisecond assumed by wait(): 4 GHz, an upper bound, so a
 * timeout lasts at least as long as asked. (Calibrating the TSC here would
 * cost the first request a PIT measurement, ~0.5 s under TCG.)
 */
const TICKS_PER_MS: u64 = 4000000;

/** Allocates `size` bytes aligned to `align` (a power of two), zeroed, never freed. */
export function virtqAlloc(size: usize, align: usize): usize {
  let p = heap.alloc(size + align);
  let a = (p + align - 1) & ~(align - 1);
  memory.fill(a, 0, size);
  return a;
}

export class Virtq {
  /** Queue index on the device. */
  index: u16;
  size: u16;
  desc: usize;
  avail: usize;
  used: usize;
  /** Where a write of `index` notifies the device (set by the transport). */
  notifyAddr: u64 = 0;
  private freeHead: u16 = 0;
  private numFree: u16;
  private lastUsed: u16 = 0;
  private availIdx: u16 = 0;
  // the chain being built
  private segAddr: StaticArray<u64> = new StaticArray<u64>(VIRTQ_MAX_CHAIN);
  private segLen: StaticArray<u32> = new StaticArray<u32>(VIRTQ_MAX_CHAIN);
  private segWrite: StaticArray<bool> = new StaticArray<bool>(VIRTQ_MAX_CHAIN);
  private segs: i32 = 0;
  /** Bytes the device wrote into the last completed chain (used.ring[].len). */
  lastLen: u32 = 0;

  /** `size` must be a power of two (§2.6: queue size). */
  constructor(index: u16, size: u16) {
    this.index = index;
    this.size = size;
    let n = <usize>size;
    this.desc = virtqAlloc(n * DESC_SIZE, 16);
    this.avail = virtqAlloc(6 + 2 * n, 2);
    this.used = virtqAlloc(6 + 8 * n, 4);
    this.numFree = size;
    for (let i: u16 = 0; i < size; i++) store<u16>(this.desc + <usize>i * DESC_SIZE, i + 1, 14);
    store<u16>(this.avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
  }

  /** Starts a new chain. */
  begin(): void { this.segs = 0; }

  /** Appends a segment; `write`: the device writes it (all such segments after the readable ones). */
  add(addr: usize, len: u32, write: bool): void {
    let i = this.segs;
    if (i >= VIRTQ_MAX_CHAIN) { this.segs = VIRTQ_MAX_CHAIN + 1; return; }
    unchecked(this.segAddr[i] = <u64>addr);
    unchecked(this.segLen[i] = len);
    unchecked(this.segWrite[i] = write);
    this.segs = i + 1;
  }

  /**
   * Puts the chain on the available ring (does not notify). Returns the head
   * descriptor index, or -1 if the chain is empty, too long or the table is full.
   */
  publish(): i32 {
    let n = this.segs;
    if (n == 0 || n > VIRTQ_MAX_CHAIN || n > <i32>this.numFree) return -1;
    let head = this.freeHead;
    let d = head;
    for (let i = 0; i < n; i++) {
      let p = this.desc + <usize>d * DESC_SIZE;
      store<u64>(p, unchecked(this.segAddr[i]), 0);
      store<u32>(p, unchecked(this.segLen[i]), 8);
      let flags: u16 = unchecked(this.segWrite[i]) ? VIRTQ_DESC_F_WRITE : 0;
      let next = load<u16>(p, 14);
      if (i + 1 < n) flags |= VIRTQ_DESC_F_NEXT;
      else this.freeHead = next;
      store<u16>(p, flags, 12);
      d = next;
    }
    this.numFree -= <u16>n;
    let slot = <usize>(this.availIdx & (this.size - 1));
    store<u16>(this.avail + 4 + 2 * slot, head);
    mfence(); // §2.6.13.6: the ring entry before the index the device reads
    this.availIdx++;
    store<u16>(this.avail, this.availIdx, 2);
    mfence(); // the index before the notification (and before reading used flags)
    return <i32>head;
  }

  /** Whether the device completed a chain not yet collected. */
  @inline pending(): bool { return load<u16>(this.used, 2) != this.lastUsed; }

  /**
   * Collects the next completed chain: returns its head (the length written is
   * in lastLen) and frees its descriptors; -1 if none completed yet.
   */
  collect(): i32 {
    let idx = load<u16>(this.used, 2);
    if (idx == this.lastUsed) return -1;
    mfence(); // §2.6.14: read the index before the entry
    let e = this.used + 4 + 8 * <usize>(this.lastUsed & (this.size - 1));
    let head = <u16>load<u32>(e);
    this.lastLen = load<u32>(e, 4);
    this.lastUsed++;
    this.free(head);
    return <i32>head;
  }

  private free(head: u16): void {
    let d = head;
    let n: u16 = 1;
    while (true) {
      let p = this.desc + <usize>d * DESC_SIZE;
      if ((load<u16>(p, 12) & VIRTQ_DESC_F_NEXT) == 0 || n > this.size) {
        store<u16>(p, this.freeHead, 14);
        break;
      }
      d = load<u16>(p, 14);
      n++;
    }
    this.freeHead = head;
    this.numFree += n;
  }

  /**
   * Spins until chain `head` completes or at least `timeoutMs` passes. Returns the
   * bytes the device wrote, or -1 on timeout. Chains completing before it are
   * collected and dropped (one request in flight at a time is the rule here).
   */
  wait(head: i32, timeoutMs: u64): i64 {
    let start = rdtsc();
    let limit = timeoutMs * TICKS_PER_MS;
    while (true) {
      if (this.pending()) {
        let h = this.collect();
        if (h == head) return <i64>this.lastLen;
        continue;
      }
      if (rdtsc() - start > limit) return -1;
      pause();
    }
  }
}
