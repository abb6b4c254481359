// drivers/virtio/pci.ts — the virtio 1.x modern PCI transport (virtio 1.1
// §4.1). Knows nothing of any device type.
//
// Capabilities (§4.1.4): vendor-specific PCI capabilities (ID 0x09), each
//   +0 cap_vndr u8 | +1 cap_next u8 | +2 cap_len u8 | +3 cfg_type u8 |
//   +4 bar u8 | +5 id u8 | +6 padding[2] | +8 offset u32 | +12 length u32
//   notify adds +16 notify_off_multiplier u32.
// cfg_type: 1 common, 2 notify, 3 ISR, 4 device-specific, 5 PCI cfg access.
//
// Common configuration structure (§4.1.4.3), offsets into the common cap:
//   0 device_feature_select u32   4 device_feature u32
//   8 driver_feature_select u32  12 driver_feature u32
//  16 msix_config u16            18 num_queues u16
//  20 device_status u8           21 config_generation u8
//  22 queue_select u16           24 queue_size u16
//  26 queue_msix_vector u16      28 queue_enable u16
//  30 queue_notify_off u16       32 queue_desc u64
//  40 queue_driver u64           48 queue_device u64
//
// Initialisation (§3.1.1): reset, ACKNOWLEDGE, DRIVER, feature negotiation
// (VIRTIO_F_VERSION_1 required), FEATURES_OK and re-check, queues, DRIVER_OK.
//
// BARs: QEMU's firmware may place the 64-bit BAR holding these structures
// (BAR4 of virtio-pci) above 4 GiB, outside the boot stub's identity map;
// drivers/pci moves it into the 32-bit PCI hole before it is used.
// Legacy (virtio 0.9.5 I/O-port) devices are not supported: QEMU's
// transitional virtio-pci devices also offer the modern interface.

import { mmioRead16, mmioRead32, mmioRead8, mmioWrite16, mmioWrite32, mmioWrite8 } from "../../kernel/hw";
import { Errno } from "../../kernel/errno";
import { PCI_CMD_MASTER, PCI_CMD_MEM, PCI_INTERRUPT_LINE, PciDevice, pciBarBelow4G } from "../pci/index";
import { Virtq } from "./queue";
import { VirtioTransport, VIRTIO_NO_VECTOR, VIRTIO_TRANSPORT_PCI } from "./transport";

export const VIRTIO_PCI_VENDOR: u16 = 0x1af4;
export const PCI_CAP_VENDOR: u8 = 0x09;
export const VIRTIO_PCI_CAP_COMMON_CFG: u8 = 1;
export const VIRTIO_PCI_CAP_NOTIFY_CFG: u8 = 2;
export const VIRTIO_PCI_CAP_ISR_CFG: u8 = 3;
export const VIRTIO_PCI_CAP_DEVICE_CFG: u8 = 4;

const C_DFSELECT: u64 = 0;
const C_DF: u64 = 4;
const C_GFSELECT: u64 = 8;
const C_GF: u64 = 12;
const C_NUMQ: u64 = 18;
const C_STATUS: u64 = 20;
const C_GEN: u64 = 21;
const C_QSELECT: u64 = 22;
const C_QSIZE: u64 = 24;
const C_QMSIX: u64 = 26;
const C_QENABLE: u64 = 28;
const C_QNOTIFYOFF: u64 = 30;
const C_QDESC: u64 = 32;
const C_QDRIVER: u64 = 40;
const C_QDEVICE: u64 = 48;

/** A virtio device reached through the modern PCI transport. */
export class VirtioPci extends VirtioTransport {
  pci: PciDevice;
  common: u64 = 0;
  notifyBase: u64 = 0;
  notifyMul: u32 = 0;
  isr: u64 = 0;
  devCfg: u64 = 0;
  devCfgLen: u32 = 0;

  constructor(pci: PciDevice) {
    super();
    this.pci = pci;
    this.kind = VIRTIO_TRANSPORT_PCI;
    this.location = (<u64>pci.bus << 8) | (<u64>pci.dev << 3) | <u64>pci.fn;
    this.deviceId = virtioPciDeviceId(pci.device);
    let line = pci.read8(PCI_INTERRUPT_LINE);
    this.irq = line == 0xff ? -1 : <i32>line;
  }

  /**
   * Finds the capabilities, makes their BARs reachable, enables memory
   * decoding and bus mastering. Returns 0, -ENODEV (not a modern virtio
   * device) or -ENOMEM (no room for a BAR below 4 GiB).
   */
  init(): i32 {
    let d = this.pci;
    if (d.vendor != VIRTIO_PCI_VENDOR || this.deviceId == 0) return -Errno.ENODEV;
    let off = d.findCap(PCI_CAP_VENDOR);
    while (off != 0) {
      let r = this.cap(off);
      if (r < 0) return r;
      off = d.findCap(PCI_CAP_VENDOR, off);
    }
    if (this.common == 0 || this.notifyBase == 0) return -Errno.ENODEV;
    d.enable(PCI_CMD_MEM | PCI_CMD_MASTER);
    return 0;
  }

  /** Records one virtio capability at config offset `off` (the first of each type wins, §4.1.4). */
  private cap(off: u32): i32 {
    let d = this.pci;
    let type = d.read8(off + 3);
    let barNo = <i32>d.read8(off + 4);
    if (type < VIRTIO_PCI_CAP_COMMON_CFG || type > VIRTIO_PCI_CAP_DEVICE_CFG || barNo > 5) return 0;
    let b = pciBarBelow4G(d, barNo);
    if (b === null) return -Errno.ENOMEM;
    let addr = b.base + <u64>d.read32(off + 8);
    if (type == VIRTIO_PCI_CAP_COMMON_CFG && this.common == 0) this.common = addr;
    else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && this.notifyBase == 0) {
      this.notifyBase = addr;
      this.notifyMul = d.read32(off + 16);
    } else if (type == VIRTIO_PCI_CAP_ISR_CFG && this.isr == 0) this.isr = addr;
    else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && this.devCfg == 0) {
      this.devCfg = addr;
      this.devCfgLen = d.read32(off + 12);
    }
    return 0;
  }

  status(): u8 { return mmioRead8(this.common + C_STATUS); }
  setStatus(s: u8): void { mmioWrite8(this.common + C_STATUS, s); }

  deviceFeatures32(sel: u32): u32 {
    mmioWrite32(this.common + C_DFSELECT, sel);
    return mmioRead32(this.common + C_DF);
  }

  setDriverFeatures32(sel: u32, v: u32): void {
    mmioWrite32(this.common + C_GFSELECT, sel);
    mmioWrite32(this.common + C_GF, v);
  }

  configGeneration(): u32 { return <u32>mmioRead8(this.common + C_GEN); }
  configLength(): u32 { return this.devCfg == 0 ? 0 : this.devCfgLen; }
  rawCfg8(off: u32): u8 { return mmioRead8(this.devCfg + <u64>off); }
  rawCfg16(off: u32): u16 { return mmioRead16(this.devCfg + <u64>off); }
  rawCfg32(off: u32): u32 { return mmioRead32(this.devCfg + <u64>off); }

  numQueues(): u16 { return mmioRead16(this.common + C_NUMQ); }

  /**
   * §4.1.5.1.3: queue `index` with at most `maxSize` entries, its interrupts
   * to MSI-X table entry `vector` (VIRTIO_NO_VECTOR: none, the driver polls);
   * null when there is no such queue or the device refused the vector (§4.1.5.1.2).
   */
  setupQueue(index: u16, maxSize: u16, vector: u16 = VIRTIO_NO_VECTOR): Virtq | null {
    let c = this.common;
    mmioWrite16(c + C_QSELECT, index);
    let size = mmioRead16(c + C_QSIZE);
    if (size == 0) return null;
    while (size > maxSize && size > 1) size >>= 1;
    mmioWrite16(c + C_QSIZE, size);
    let q = new Virtq(index, size);
    mmioWrite16(c + C_QMSIX, vector);
    if (mmioRead16(c + C_QMSIX) != vector) return null; // §4.1.5.1.2: the device refused the vector
    write64(c + C_QDESC, <u64>q.desc);
    write64(c + C_QDRIVER, <u64>q.avail);
    write64(c + C_QDEVICE, <u64>q.used);
    let noff = <u64>mmioRead16(c + C_QNOTIFYOFF);
    q.notifyAddr = this.notifyBase + noff * <u64>this.notifyMul;
    mmioWrite16(c + C_QENABLE, 1);
    return q;
  }

  /** §4.1.4.4: write the queue index at its notify address. */
  notify(q: Virtq): void { mmioWrite16(q.notifyAddr, q.index); }

  /** §4.1.4.5: reading the ISR byte returns and clears it. */
  interruptStatus(): u32 { return this.isr == 0 ? 0 : <u32>mmioRead8(this.isr); }
}

/**
 * The virtio device ID of PCI device ID `pciId` (§4.1.2): modern 0x1040 + ID,
 * transitional 0x1000..0x103f by the table there; 0 when it is no virtio device.
 */
export function virtioPciDeviceId(pciId: u16): u32 {
  if (pciId >= 0x1040 && pciId <= 0x107f) return <u32>(pciId - 0x1040);
  if (pciId < 0x1000 || pciId > 0x103f) return 0;
  let t = pciId - 0x1000; // transitional (§4.1.2.1): 0 net, 1 block, 2 balloon, 3 console, 4 SCSI, 5 entropy, 9 9P
  if (t == 0) return 1;
  if (t == 1) return 2;
  if (t == 2) return 5;
  if (t == 3) return 3;
  if (t == 4) return 8;
  if (t == 5) return 4;
  if (t == 9) return 9;
  return 0;
}

/** 64-bit common-config fields as two 32-bit writes, low half first (§4.1.3.1). */
function write64(addr: u64, v: u64): void {
  mmioWrite32(addr, <u32>v);
  mmioWrite32(addr + 4, <u32>(v >> 32));
}
