// test/drivers/as/virtio.ts — exports drivers/virtio's parser of
// `virtio_mmio.device=` values, its driver table and the virtio-mmio
// transport to test/drivers/virtio.test.ts, which runs them under Node
// against a JS model of the virtio-mmio registers. (The real devices are
// exercised under QEMU in test/volumes on -M microvm.)
import {
  virtioMmioSpecParse, virtioRegister, virtioDriverOf, VirtioTransport, VirtioMmio, virtioMmioVersion, Virtq,
} from "../../../drivers/virtio/index";
import "../../../kernel/panic";

export function alloc(n: usize): usize { return heap.alloc(n); }

/** Parses `s`; returns -1 when refused, else writes size, base, irq at `out` (u32, u64, i32) and returns 1. */
export function specParse(s: string, out: usize): i32 {
  let r = virtioMmioSpecParse(s);
  if (r === null) return -1;
  store<u32>(out, r.size);
  store<u64>(out, r.base, 4);
  store<i32>(out, r.irq, 12);
  return 1;
}

let probed: i32 = 0;
function probeA(t: VirtioTransport): void { probed = probed * 10 + 1; }
function probeB(t: VirtioTransport): void { probed = probed * 10 + 2; }
function probeC(t: VirtioTransport): void { probed = probed * 10 + 3; }

/** Registers A for 9, B for 1, C for 9 again (ignored); calls what the table holds for `id`; returns the trail. */
export function registryCall(id: u32): i32 {
  virtioRegister(9, probeA);
  virtioRegister(1, probeB);
  virtioRegister(9, probeC);
  probed = 0;
  let p = virtioDriverOf(id);
  if (p === null) return -1;
  p(changetype<VirtioTransport>(0));
  return probed;
}

export function mmioVersion(base: u64): u32 { return virtioMmioVersion(base); }

let dev: VirtioMmio | null = null;
let q: Virtq | null = null;
/** Negotiates `wanted` on the modern device at `base`; returns the result (0 or -errno). */
export function mmioNegotiate(base: u64, wanted: u64): i32 {
  let d = new VirtioMmio(base, 0x200, 5);
  dev = d;
  return d.negotiate(wanted);
}
export function mmioFeatures(): u64 { return changetype<VirtioMmio>(dev).features; }
export function mmioDeviceId(): u32 { return changetype<VirtioMmio>(dev).deviceId; }
export function mmioStatus(): u8 { return changetype<VirtioMmio>(dev).status(); }
/** Sets up queue `i` (at most `max` entries); returns its size, 0 when refused. */
export function mmioQueue(i: u16, max: u16): u32 {
  let r = changetype<VirtioMmio>(dev).setupQueue(i, max);
  q = r;
  return r === null ? 0 : <u32>r.size;
}
export function queueDesc(): usize { return changetype<Virtq>(q).desc; }
export function queueAvail(): usize { return changetype<Virtq>(q).avail; }
export function queueUsed(): usize { return changetype<Virtq>(q).used; }
export function mmioNotify(): void { changetype<VirtioMmio>(dev).notify(changetype<Virtq>(q)); }
export function mmioCfg16(off: u32): u16 { return changetype<VirtioMmio>(dev).cfg16(off); }
export function mmioIsr(): u32 { return changetype<VirtioMmio>(dev).interruptStatus(); }
