// drivers/virtio-9p/device.ts — the virtio 9P transport device (virtio 1.0
// §5.3 lists it as device type 9; its config and queue are defined by QEMU's
// hw/9pfs/virtio-9p-device.c and Linux's net/9p/trans_virtio.c). Moves opaque message bytes;
// knows nothing of 9P itself.
//
//   PCI IDs: vendor 0x1af4, device 0x1049 (modern: 0x1040 + type 9) or
//            0x1009 (transitional)
//   feature bit 0 VIRTIO_9P_MOUNT_TAG: the device config holds the tag
//   device config:  +0 tag_len u16 | +2 tag[tag_len] (UTF-8, no NUL)
//   one virtqueue (0, "requests"): each request is a chain of the T-message
//   (device-readable) followed by room for the R-message (device-writable).
//
// Completion is by polling the used ring (no interrupts are set up): one
// request in flight at a time, which is what a single-threaded kernel needs.

import { Errno } from "../../kernel/errno";
import { PciDevice, pciScan } from "../pci/index";
import { VIRTIO_PCI_VENDOR, Virtq, VirtioPci } from "../virtio/index";

export const VIRTIO_9P_DEVICE_MODERN: u16 = 0x1049;
export const VIRTIO_9P_DEVICE_TRANSITIONAL: u16 = 0x1009;
export const VIRTIO_9P_MOUNT_TAG: u64 = 1;
/** Entries asked for the request queue (QEMU offers 128). */
const QUEUE_SIZE: u16 = 128;
/** How long one request may take before it is reported as -EIO. */
export let v9pTimeoutMs: u64 = 60000;

/** One virtio-9p device, initialised and ready. */
export class V9pDevice {
  transport: VirtioPci;
  queue: Virtq;
  tag: string;

  constructor(transport: VirtioPci, queue: Virtq, tag: string) {
    this.transport = transport;
    this.queue = queue;
    this.tag = tag;
  }

  /** Starts a request chain. */
  begin(): void { this.queue.begin(); }
  /** Appends `len` bytes at `addr` the device reads (the T-message, in order). */
  out(addr: usize, len: u32): void { this.queue.add(addr, len, false); }
  /** Appends `len` bytes at `addr` the device writes (room for the R-message, in order). */
  into(addr: usize, len: u32): void { this.queue.add(addr, len, true); }

  /** Sends the chain, waits for it. Returns the bytes the device wrote, or -EIO (bad chain, timeout). */
  run(): i64 {
    let q = this.queue;
    let head = q.publish();
    if (head < 0) return -Errno.EIO;
    this.transport.notify(q);
    let n = q.wait(head, v9pTimeoutMs);
    return n < 0 ? -Errno.EIO : n;
  }

  /** One T-message from `tx` (txLen bytes), its reply into `rx` (rxCap bytes). Returns reply bytes or -EIO. */
  exchange(tx: usize, txLen: u32, rx: usize, rxCap: u32): i64 {
    this.begin();
    this.out(tx, txLen);
    this.into(rx, rxCap);
    return this.run();
  }
}

function isV9p(d: PciDevice): bool {
  return d.vendor == VIRTIO_PCI_VENDOR
    && (d.device == VIRTIO_9P_DEVICE_MODERN || d.device == VIRTIO_9P_DEVICE_TRANSITIONAL);
}

/** Reads the mount tag from the device config (§5.3.4 of virtio 1.0: tag_len, tag). */
function readTag(t: VirtioPci): string {
  if (t.devCfg == 0 || t.devCfgLen < 2) return "";
  let n = <u32>t.cfg16(0);
  if (n > t.devCfgLen - 2) n = t.devCfgLen - 2;
  let b = new Uint8Array(n);
  for (let i: u32 = 0; i < n; i++) b[i] = t.cfg8(2 + i);
  return String.UTF8.decode(b.buffer);
}

/** Brings up one device; null (and a reason code in `lastError`) on failure. */
function bringUp(d: PciDevice): V9pDevice | null {
  let t = new VirtioPci(d);
  let r = t.init();
  if (r < 0) { lastError = r; return null; }
  r = t.negotiate(VIRTIO_9P_MOUNT_TAG);
  if (r < 0) { lastError = r; return null; }
  let q = t.setupQueue(0, QUEUE_SIZE);
  if (q === null) { lastError = -Errno.ENODEV; return null; }
  let tag = (t.features & VIRTIO_9P_MOUNT_TAG) != 0 ? readTag(t) : "";
  t.driverOk();
  return new V9pDevice(t, q, tag);
}

let devices: V9pDevice[] | null = null;
/** The error of the last device that failed to come up (0: none). */
export let lastError: i32 = 0;

/** Every virtio-9p device on the PCI bus, initialised once (devices that fail are skipped). */
export function v9pDevices(): V9pDevice[] {
  let ds = devices;
  if (ds !== null) return ds;
  let out = new Array<V9pDevice>();
  let all = pciScan();
  for (let i = 0; i < all.length; i++) {
    if (!isV9p(all[i])) continue;
    let v = bringUp(all[i]);
    if (v !== null) out.push(v);
  }
  devices = out;
  return out;
}

/** The device whose mount tag is `tag`, or null. */
export function v9pFind(tag: string): V9pDevice | null {
  let ds = v9pDevices();
  for (let i = 0; i < ds.length; i++) if (ds[i].tag == tag) return ds[i];
  return null;
}

/** The reason the last device failed to initialise (0 if none did). */
export function v9pLastError(): i32 { return lastError; }
