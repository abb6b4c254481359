// drivers/virtio-9p/device.ts — the virtio 9P transport device (virtio 1.0
// §5.3 lists it as device type 9; its config and queue are defined by QEMU's
// hw/9pfs/virtio-9p-device.c and Linux's net/9p/trans_virtio.c). Moves opaque message bytes;
// knows nothing of 9P itself.
//
//   virtio device ID 9; on PCI vendor 0x1af4, device 0x1049 (modern) or
//   0x1009 (transitional); on virtio-mmio DeviceID 9. The transport is
//   drivers/virtio's VirtioTransport: this file runs on either unchanged.
//   feature bit 0 VIRTIO_9P_MOUNT_TAG: the device config holds the tag
//   device config:  +0 tag_len u16 | +2 tag[tag_len] (UTF-8, no NUL)
//   one virtqueue (0, "requests"): each request is a chain of the T-message
//   (device-readable) followed by room for the R-message (device-writable).
//
// Completion is by polling the used ring (no interrupts are set up): one
// request in flight at a time, which is what a single-threaded kernel needs.

import { Errno } from "../../kernel/errno";
import { Virtq, VirtioTransport, VIRTIO_ID_9P, virtioRegister, virtioStart } from "../virtio/index";

export const VIRTIO_9P_DEVICE_MODERN: u16 = 0x1049; // PCI device IDs

export const VIRTIO_9P_DEVICE_TRANSITIONAL: u16 = 0x1009;
export const VIRTIO_9P_MOUNT_TAG: u64 = 1;
/** Entries asked for the request queue (QEMU offers 128). */
const QUEUE_SIZE: u16 = 128;
/** How long one request may take before it is reported as -EIO. */
export let v9pTimeoutMs: u64 = 60000;

/** One virtio-9p device, initialised and ready. */
export class V9pDevice {
  transport: VirtioTransport;
  queue: Virtq;
  tag: string;

  constructor(transport: VirtioTransport, queue: Virtq, tag: string) {
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

let devices: Array<V9pDevice> | null = null;
/** The error of the last device that failed to come up (0: none). */
export let lastError: i32 = 0;

/** Reads the mount tag from the device config (§5.3.4 of virtio 1.0: tag_len, tag). */
function readTag(t: VirtioTransport): string {
  let len = t.configLength();
  if (len < 2) return "";
  let n = <u32>t.cfg16(0);
  if (n > len - 2) n = len - 2;
  let b = new Uint8Array(n);
  for (let i: u32 = 0; i < n; i++) b[i] = t.cfg8(2 + i);
  return String.UTF8.decode(b.buffer);
}

/** Brings up one device (the registered probe for ID 9); failures leave it FAILED and set `lastError`. */
function v9pProbe(t: VirtioTransport): void {
  let r = t.negotiate(VIRTIO_9P_MOUNT_TAG);
  if (r < 0) { lastError = r; return; }
  let q = t.setupQueue(0, QUEUE_SIZE);
  if (q === null) { lastError = -Errno.ENODEV; t.fail(); return; }
  let tag = (t.features & VIRTIO_9P_MOUNT_TAG) != 0 ? readTag(t) : "";
  t.driverOk();
  let ds = devices;
  if (ds === null) { ds = new Array<V9pDevice>(); devices = ds; }
  ds.push(new V9pDevice(t, q, tag));
}

// Linked in, registered: drivers/virtio hands every device with ID 9 to v9pProbe.
virtioRegister(VIRTIO_ID_9P, v9pProbe);

/** Every virtio-9p device (PCI or MMIO), brought up on first call (devices that fail are skipped). */
export function v9pDevices(): V9pDevice[] {
  virtioStart();
  let ds = devices;
  if (ds === null) { ds = new Array<V9pDevice>(); devices = ds; }
  return ds;
}

/** The device whose mount tag is `tag`, or null. */
export function v9pFind(tag: string): V9pDevice | null {
  let ds = v9pDevices();
  for (let i = 0; i < ds.length; i++) if (ds[i].tag == tag) return ds[i];
  return null;
}

/** The reason the last device failed to initialise (0 if none did). */
export function v9pLastError(): i32 { return lastError; }
