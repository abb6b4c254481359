// drivers/pci/device.ts — one PCI function, bus enumeration, capability lists.
//
// Enumeration (PCI 3.0 §3.2.2.3.3 "software generation of configuration
// transactions"): every device 0..31 of bus 0, functions 1..7 only when
// HEADER_TYPE bit 7 says multi-function; a PCI-to-PCI bridge (header type 1)
// adds its secondary bus, scanned the same way (buses the firmware numbered).
// Vendor 0xFFFF means "no function here".

import {
  PCI_CAP_PTR, PCI_CLASS, PCI_COMMAND, PCI_DEVICE_ID, PCI_HEADER_MULTIFN, PCI_HEADER_TYPE,
  PCI_INTERRUPT_LINE, PCI_PROG_IF, PCI_SECONDARY_BUS, PCI_STATUS, PCI_STATUS_CAPS, PCI_SUBCLASS,
  PCI_SUBSYS_ID, PCI_VENDOR_ID, pciRead16, pciRead32, pciRead8, pciWrite16, pciWrite32, pciWrite8,
} from "./config";

/** One PCI function found by pciScan. */
export class PciDevice {
  bus: u32;
  dev: u32;
  fn: u32;
  vendor: u16;
  device: u16;
  classCode: u8;
  subclass: u8;
  progIf: u8;
  headerType: u8;
  subsystem: u16;
  irq: u8;

  constructor(bus: u32, dev: u32, fn: u32) {
    this.bus = bus;
    this.dev = dev;
    this.fn = fn;
    this.vendor = this.read16(PCI_VENDOR_ID);
    this.device = this.read16(PCI_DEVICE_ID);
    this.classCode = this.read8(PCI_CLASS);
    this.subclass = this.read8(PCI_SUBCLASS);
    this.progIf = this.read8(PCI_PROG_IF);
    this.headerType = this.read8(PCI_HEADER_TYPE) & 0x7f;
    this.subsystem = this.headerType == 0 ? this.read16(PCI_SUBSYS_ID) : 0;
    this.irq = this.read8(PCI_INTERRUPT_LINE);
  }

  read8(off: u32): u8 { return pciRead8(this.bus, this.dev, this.fn, off); }
  read16(off: u32): u16 { return pciRead16(this.bus, this.dev, this.fn, off); }
  read32(off: u32): u32 { return pciRead32(this.bus, this.dev, this.fn, off); }
  write8(off: u32, v: u8): void { pciWrite8(this.bus, this.dev, this.fn, off, v); }
  write16(off: u32, v: u16): void { pciWrite16(this.bus, this.dev, this.fn, off, v); }
  write32(off: u32, v: u32): void { pciWrite32(this.bus, this.dev, this.fn, off, v); }

  /** Sets COMMAND bits (PCI_CMD_*) on top of those already set. */
  enable(bits: u16): void { this.write16(PCI_COMMAND, this.read16(PCI_COMMAND) | bits); }

  /**
   * Offset of the first capability with ID `id` at or after the one
   * following `after` (0: from the start), or 0 (PCI 3.0 §6.7). A looping or
   * out-of-header list ends the walk.
   */
  findCap(id: u8, after: u32 = 0): u32 {
    let off = after == 0 ? this.firstCap() : <u32>this.read8(after + 1) & 0xfc;
    for (let n = 0; off >= 0x40 && n < 48; n++) {
      if (this.read8(off) == id) return off;
      off = <u32>this.read8(off + 1) & 0xfc;
    }
    return 0;
  }

  /** Offset of the first capability (0: none). */
  firstCap(): u32 {
    if ((this.read16(PCI_STATUS) & PCI_STATUS_CAPS) == 0) return 0;
    return <u32>this.read8(PCI_CAP_PTR) & 0xfc;
  }
}

/** Whether a function answers at (bus, dev, fn). */
function present(bus: u32, dev: u32, fn: u32): bool {
  return pciRead16(bus, dev, fn, PCI_VENDOR_ID) != 0xffff;
}

function scanBus(bus: u32, out: PciDevice[], depth: i32): void {
  for (let dev: u32 = 0; dev < 32; dev++) {
    if (!present(bus, dev, 0)) continue;
    let multi = (pciRead8(bus, dev, 0, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFN) != 0;
    let fns: u32 = multi ? 8 : 1;
    for (let fn: u32 = 0; fn < fns; fn++) {
      if (!present(bus, dev, fn)) continue;
      let d = new PciDevice(bus, dev, fn);
      out.push(d);
      if (d.headerType == 1 && depth < 8) {
        let sec = <u32>d.read8(PCI_SECONDARY_BUS);
        if (sec > bus) scanBus(sec, out, depth + 1);
      }
    }
  }
}

let cache: PciDevice[] | null = null;

/** Every PCI function on bus 0 and behind its bridges (scanned once, then cached). */
export function pciScan(): PciDevice[] {
  let c = cache;
  if (c !== null) return c;
  let out = new Array<PciDevice>();
  scanBus(0, out, 0);
  cache = out;
  return out;
}

/** Forgets the cached scan (tests; hot-plug is not supported). */
export function pciRescan(): PciDevice[] {
  cache = null;
  return pciScan();
}

/** The `index`-th function with this vendor and device ID, or null. */
export function pciFind(vendor: u16, device: u16, index: i32 = 0): PciDevice | null {
  let all = pciScan();
  for (let i = 0; i < all.length; i++) {
    let d = all[i];
    if (d.vendor == vendor && d.device == device) {
      if (index == 0) return d;
      index--;
    }
  }
  return null;
}
