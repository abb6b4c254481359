// drivers/pci/msix.ts — MSI-X (PCI 3.0 §6.8.2): point one table entry at a
// message and switch MSI-X on for the function.
//
//   capability (ID 0x11): +2 message control u16 (bit 15 enable, bit 14
//     function mask, bits 10..0 table size - 1) | +4 table offset/BIR u32
//     (bits 2..0 BAR, the rest the offset) | +8 PBA offset/BIR u32
//   table entry (16 bytes): +0 address lo | +4 address hi | +8 data |
//     +12 vector control (bit 0 masked)

import { mmioWrite32 } from "../../kernel/hw";
import { pciBarBelow4G } from "./bar";
import { PciDevice } from "./device";

export const PCI_CAP_MSIX: u8 = 0x11;
const MSIX_ENABLE: u16 = 0x8000;
const MSIX_FUNC_MASK: u16 = 0x4000;

/** Table entries the function has (0: no MSI-X). */
export function pciMsixCount(d: PciDevice): u32 {
  let cap = d.findCap(PCI_CAP_MSIX);
  return cap == 0 ? 0 : (<u32>d.read16(cap + 2) & 0x7ff) + 1;
}

/**
 * Programs table entry `entry` with (addr, data), unmasked, and enables
 * MSI-X (INTx is then off, PCI 3.0 §6.8.2). Returns false when the function
 * has no MSI-X, no such entry, or its table BAR cannot be reached.
 */
export function pciMsixSet(d: PciDevice, entry: u32, addr: u64, data: u32): bool {
  let cap = d.findCap(PCI_CAP_MSIX);
  if (cap == 0 || entry >= pciMsixCount(d)) return false;
  let t = d.read32(cap + 4);
  let bar = pciBarBelow4G(d, <i32>(t & 7));
  if (bar === null) return false;
  let e = bar.base + <u64>(t & ~7) + <u64>entry * 16;
  mmioWrite32(e + 12, 1);
  mmioWrite32(e, <u32>addr);
  mmioWrite32(e + 4, <u32>(addr >> 32));
  mmioWrite32(e + 8, data);
  mmioWrite32(e + 12, 0);
  let ctl = d.read16(cap + 2);
  d.write16(cap + 2, (ctl | MSIX_ENABLE) & ~MSIX_FUNC_MASK);
  return true;
}
