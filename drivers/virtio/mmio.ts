// drivers/virtio/mmio.ts — the virtio-mmio transport, modern layout
// (virtio 1.2 §4.2.2, Version 2). Knows nothing of any device type.
//
// Registers, offsets from the device's base (all 32-bit unless noted):
//   0x000 MagicValue "virt" (0x74726976)   0x004 Version (2; 1 = legacy)
//   0x008 DeviceID (0: empty slot)          0x00c VendorID
//   0x010 DeviceFeatures                    0x014 DeviceFeaturesSel
//   0x020 DriverFeatures                    0x024 DriverFeaturesSel
//   0x030 QueueSel                          0x034 QueueNumMax
//   0x038 QueueNum                          0x044 QueueReady
//   0x050 QueueNotify (W)                   0x060 InterruptStatus
//   0x064 InterruptACK (W)                  0x070 Status
//   0x080/0x084 QueueDescLow/High           0x090/0x094 QueueDriverLow/High
//   0x0a0/0x0a4 QueueDeviceLow/High         0x0fc ConfigGeneration
//   0x100+ device-specific configuration
//
// Legacy devices (Version 1, virtio 0.9.5 §4.2.4: QueuePFN, one contiguous
// page-aligned ring) are not driven: virtioMmioProbe reports them with one
// line naming the QEMU switch that turns them modern.

import { mmioRead16, mmioRead32, mmioRead8, mmioWrite32 } from "../../kernel/hw";
import { Virtq } from "./queue";
import { VirtioTransport, VIRTIO_NO_VECTOR, VIRTIO_TRANSPORT_MMIO } from "./transport";

export const VIRTIO_MMIO_MAGIC: u32 = 0x74726976; // "virt", little-endian
export const VIRTIO_MMIO_VERSION_LEGACY: u32 = 1;
export const VIRTIO_MMIO_VERSION_MODERN: u32 = 2;

const R_MAGIC: u64 = 0x000;
const R_VERSION: u64 = 0x004;
const R_DEVICE_ID: u64 = 0x008;
const R_DEV_FEATURES: u64 = 0x010;
const R_DEV_FEATURES_SEL: u64 = 0x014;
const R_DRV_FEATURES: u64 = 0x020;
const R_DRV_FEATURES_SEL: u64 = 0x024;
const R_QUEUE_SEL: u64 = 0x030;
const R_QUEUE_NUM_MAX: u64 = 0x034;
const R_QUEUE_NUM: u64 = 0x038;
const R_QUEUE_READY: u64 = 0x044;
const R_QUEUE_NOTIFY: u64 = 0x050;
const R_INT_STATUS: u64 = 0x060;
const R_INT_ACK: u64 = 0x064;
const R_STATUS: u64 = 0x070;
const R_QUEUE_DESC: u64 = 0x080;
const R_QUEUE_DRIVER: u64 = 0x090;
const R_QUEUE_DEVICE: u64 = 0x0a0;
const R_CONFIG_GEN: u64 = 0x0fc;
const R_CONFIG: u64 = 0x100;

/** What sits at an MMIO address: 0 nothing (or an empty slot), else the Version register (1 legacy, 2 modern). */
export function virtioMmioVersion(base: u64): u32 {
  if (mmioRead32(base + R_MAGIC) != VIRTIO_MMIO_MAGIC) return 0;
  if (mmioRead32(base + R_DEVICE_ID) == 0) return 0; // a transport with no device behind it (§4.2.2)
  return mmioRead32(base + R_VERSION);
}

/** A virtio device reached through a modern (Version 2) virtio-mmio window of `size` bytes. */
export class VirtioMmio extends VirtioTransport {
  base: u64;
  size: u32;

  /** Caller checked virtioMmioVersion(base) == 2. */
  constructor(base: u64, size: u32, irq: i32) {
    super();
    this.base = base;
    this.size = size;
    this.kind = VIRTIO_TRANSPORT_MMIO;
    this.location = base;
    this.irq = irq;
    this.deviceId = mmioRead32(base + R_DEVICE_ID);
  }

  status(): u8 { return <u8>mmioRead32(this.base + R_STATUS); }
  setStatus(s: u8): void { mmioWrite32(this.base + R_STATUS, <u32>s); }

  deviceFeatures32(sel: u32): u32 {
    mmioWrite32(this.base + R_DEV_FEATURES_SEL, sel);
    return mmioRead32(this.base + R_DEV_FEATURES);
  }

  setDriverFeatures32(sel: u32, v: u32): void {
    mmioWrite32(this.base + R_DRV_FEATURES_SEL, sel);
    mmioWrite32(this.base + R_DRV_FEATURES, v);
  }

  configGeneration(): u32 { return mmioRead32(this.base + R_CONFIG_GEN); }
  configLength(): u32 { return this.size > <u32>R_CONFIG ? this.size - <u32>R_CONFIG : 0; }
  rawCfg8(off: u32): u8 { return mmioRead8(this.base + R_CONFIG + <u64>off); }
  rawCfg16(off: u32): u16 { return mmioRead16(this.base + R_CONFIG + <u64>off); }
  rawCfg32(off: u32): u32 { return mmioRead32(this.base + R_CONFIG + <u64>off); }

  /** §4.2.3.2: select, check not ready, size, the three areas, QueueReady = 1. `vector` is PCI's: ignored. */
  setupQueue(index: u16, maxSize: u16, vector: u16 = VIRTIO_NO_VECTOR): Virtq | null {
    let b = this.base;
    mmioWrite32(b + R_QUEUE_SEL, <u32>index);
    if (mmioRead32(b + R_QUEUE_READY) != 0) return null; // already in use
    let max = mmioRead32(b + R_QUEUE_NUM_MAX);
    if (max == 0) return null;
    let size: u32 = 1;
    while (size * 2 <= max && size * 2 <= <u32>maxSize) size *= 2;
    mmioWrite32(b + R_QUEUE_NUM, size);
    let q = new Virtq(index, <u16>size);
    write64(b + R_QUEUE_DESC, <u64>q.desc);
    write64(b + R_QUEUE_DRIVER, <u64>q.avail);
    write64(b + R_QUEUE_DEVICE, <u64>q.used);
    q.notifyAddr = b + R_QUEUE_NOTIFY;
    mmioWrite32(b + R_QUEUE_READY, 1);
    return q;
  }

  /** §4.2.3.3: write the queue index to QueueNotify. */
  notify(q: Virtq): void { mmioWrite32(q.notifyAddr, <u32>q.index); }

  /** §4.2.3.4: read InterruptStatus, write the bits back to InterruptACK. */
  interruptStatus(): u32 {
    let s = mmioRead32(this.base + R_INT_STATUS);
    if (s != 0) mmioWrite32(this.base + R_INT_ACK, s);
    return s;
  }
}

/** A 64-bit queue address as its Low then High register. */
function write64(addr: u64, v: u64): void {
  mmioWrite32(addr, <u32>v);
  mmioWrite32(addr + 4, <u32>(v >> 32));
}
