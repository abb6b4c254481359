// drivers/virtio/transport.ts — the one virtio device interface a device
// driver sees (virtio 1.2 §2 "Basic Facilities of a Virtio Device", §3.1
// "Device Initialization"), whatever carries it: VirtioPci (pci.ts, §4.1) or
// VirtioMmio (mmio.ts, §4.2). A driver never learns which.
//
// The handshake (§3.1.1) is written once here over six primitives each
// transport provides: status get/set, the 32-bit feature windows, config
// generation and device-config reads; queues and notification are the
// transport's own (their registers differ).
//
//   negotiate(wanted)  reset, ACKNOWLEDGE | DRIVER, features & offered
//                      (VERSION_1 always), FEATURES_OK re-checked
//   setupQueue(i, max) a Virtq (queue.ts) the device has been told about
//   driverOk()         DRIVER_OK: the device is live
//   notify(q)          new buffers on q
//   cfg8/16/32(off)    device-specific config, retried across
//                      config_generation changes (§2.5.1)
//   interruptStatus()  reads and acknowledges the interrupt status
//                      (bit 0 used buffer, bit 1 config change; §4.1.4.5, §4.2.2)

import { Errno } from "../../kernel/errno";
import { Virtq } from "./queue";

// device_status bits (§2.1)
export const VIRTIO_STATUS_ACKNOWLEDGE: u8 = 1;
export const VIRTIO_STATUS_DRIVER: u8 = 2;
export const VIRTIO_STATUS_DRIVER_OK: u8 = 4;
export const VIRTIO_STATUS_FEATURES_OK: u8 = 8;
export const VIRTIO_STATUS_NEEDS_RESET: u8 = 64;
export const VIRTIO_STATUS_FAILED: u8 = 128;

/** Feature bit 32 (§6): a virtio 1.x ("modern") device. */
export const VIRTIO_F_VERSION_1: u64 = <u64>1 << 32;

/** Interrupt status bits (§4.2.2 InterruptStatus, §4.1.4.5 ISR). */
export const VIRTIO_INT_USED: u32 = 1;
export const VIRTIO_INT_CONFIG: u32 = 2;

/** No MSI-X vector (§4.1.5.1.2 VIRTIO_MSI_NO_VECTOR): the queue's driver polls. */
export const VIRTIO_NO_VECTOR: u16 = 0xffff;

/** How a transport reaches its device. */
export const VIRTIO_TRANSPORT_PCI: i32 = 1;
export const VIRTIO_TRANSPORT_MMIO: i32 = 2;

/** One virtio device behind some transport. Subclasses: VirtioPci, VirtioMmio. */
export abstract class VirtioTransport {
  /** The virtio device ID (§5: 1 net, 2 block, 9 9P transport, ...). */
  deviceId: u32 = 0;
  /** Features both sides agreed on (after negotiate). */
  features: u64 = 0;
  /** VIRTIO_TRANSPORT_PCI or VIRTIO_TRANSPORT_MMIO. */
  kind: i32 = 0;
  /** Where the device is: PCI bus<<8|dev<<3|fn, or the MMIO base address. */
  location: u64 = 0;
  /** Interrupt line (ISA IRQ / GSI) when known, else -1. */
  irq: i32 = -1;

  abstract status(): u8;
  abstract setStatus(s: u8): void;
  /** 32 feature bits from window `sel` (0: bits 0-31, 1: bits 32-63). */
  abstract deviceFeatures32(sel: u32): u32;
  abstract setDriverFeatures32(sel: u32, v: u32): void;
  abstract configGeneration(): u32;
  /** Bytes of device-specific config (0 when the device has none). */
  abstract configLength(): u32;
  abstract rawCfg8(off: u32): u8;
  abstract rawCfg16(off: u32): u16;
  abstract rawCfg32(off: u32): u32;
  /**
   * Sets up queue `index` with at most `maxSize` entries (rounded down to a
   * power of two the device accepts). `vector`: on PCI the MSI-X table entry
   * for its interrupts (VIRTIO_NO_VECTOR: none, the driver polls); MMIO has one
   * interrupt line for all queues (`irq`) and ignores it. Returns the queue, or
   * null (no such queue, or the device refused the vector).
   */
  abstract setupQueue(index: u16, maxSize: u16, vector: u16 = VIRTIO_NO_VECTOR): Virtq | null;
  /** Tells the device queue `q` has new buffers. */
  abstract notify(q: Virtq): void;
  /** Reads and acknowledges the interrupt status (VIRTIO_INT_* bits). */
  abstract interruptStatus(): u32;

  addStatus(bits: u8): void { this.setStatus(this.status() | bits); }

  /** Device reset (§2.4): write 0, wait until it reads back 0. */
  reset(): void {
    this.setStatus(0);
    for (let i = 0; i < 1000000 && this.status() != 0; i++) {}
  }

  /** All 64 offered feature bits. */
  deviceFeatures(): u64 {
    return (<u64>this.deviceFeatures32(1) << 32) | <u64>this.deviceFeatures32(0);
  }

  /**
   * §3.1.1 steps 1-6: reset, ACKNOWLEDGE | DRIVER, accept `wanted` & offered
   * (VERSION_1 always), FEATURES_OK and check it stuck. Returns 0, -ENODEV
   * (no VERSION_1) or -EIO (features refused); on failure the status is FAILED.
   */
  negotiate(wanted: u64): i32 {
    this.reset();
    this.addStatus(VIRTIO_STATUS_ACKNOWLEDGE);
    this.addStatus(VIRTIO_STATUS_DRIVER);
    let offered = this.deviceFeatures();
    if ((offered & VIRTIO_F_VERSION_1) == 0) { this.addStatus(VIRTIO_STATUS_FAILED); return -Errno.ENODEV; }
    let f = (wanted | VIRTIO_F_VERSION_1) & offered;
    this.setDriverFeatures32(0, <u32>f);
    this.setDriverFeatures32(1, <u32>(f >> 32));
    this.addStatus(VIRTIO_STATUS_FEATURES_OK);
    if ((this.status() & VIRTIO_STATUS_FEATURES_OK) == 0) { this.addStatus(VIRTIO_STATUS_FAILED); return -Errno.EIO; }
    this.features = f;
    return 0;
  }

  /** §3.1.1 step 8: the driver is ready. */
  driverOk(): void { this.addStatus(VIRTIO_STATUS_DRIVER_OK); }

  /** Marks the device FAILED (§2.1: the driver gave up on it). */
  fail(): void { this.addStatus(VIRTIO_STATUS_FAILED); }

  /** Device config byte at `off`, consistent across config_generation (§2.5.1). */
  cfg8(off: u32): u8 {
    while (true) {
      let g = this.configGeneration();
      let v = this.rawCfg8(off);
      if (this.configGeneration() == g) return v;
    }
  }

  cfg16(off: u32): u16 {
    while (true) {
      let g = this.configGeneration();
      let v = this.rawCfg16(off);
      if (this.configGeneration() == g) return v;
    }
  }

  cfg32(off: u32): u32 {
    while (true) {
      let g = this.configGeneration();
      let v = this.rawCfg32(off);
      if (this.configGeneration() == g) return v;
    }
  }
}
