// drivers/pci/bar.ts — Base Address Registers (PCI 3.0 §6.2.5.1): decode,
// size probing, and moving a memory BAR below 4 GiB.
//
//   memory BAR:  31..4 base | 3 prefetchable | 2..1 type (00: 32-bit, 10: 64-bit,
//                the next BAR holds bits 63..32) | 0 = 0
//   I/O BAR:     31..2 base | 1 reserved | 0 = 1
//
// Size: with decoding off, write all ones, read back, restore; the size is the
// two's complement of the writable base bits.
//
// Why move BARs: the boot stub identity-maps only the low 4 GiB, but the
// firmware may put 64-bit BARs (virtio-pci modern: BAR4) above 4 GiB.
// pciBarBelow4G reprograms such a BAR into the 32-bit PCI hole
// [PCI_HOLE_START, PCI_HOLE_END): above the RAM the kernel uses (it clamps RAM
// below 0xC0000000, kernel/memory.ts) and below the IOAPIC/HPET/LAPIC/BIOS
// range at 0xFEC00000, avoiding every BAR other devices decode.

import { PCI_BAR0, PCI_CMD_IO, PCI_CMD_MEM, PCI_COMMAND } from "./config";
import { PciDevice, pciScan } from "./device";

export const PCI_BAR_NONE: u8 = 0;
export const PCI_BAR_IO: u8 = 1;
export const PCI_BAR_MEM32: u8 = 2;
export const PCI_BAR_MEM64: u8 = 3;

export const PCI_HOLE_START: u64 = 0xc0000000;
export const PCI_HOLE_END: u64 = 0xfec00000;

/** One decoded BAR. */
export class PciBar {
  kind: u8 = PCI_BAR_NONE;
  base: u64 = 0;
  size: u64 = 0;
  prefetch: bool = false;
}

/** Decodes and sizes BAR `i` (0..5) of `d`. A 64-bit BAR uses i and i+1. kind NONE: unimplemented. */
export function pciBar(d: PciDevice, i: i32): PciBar {
  let b = new PciBar();
  if (i < 0 || i > 5) return b;
  let off = <u32>PCI_BAR0 + 4 * <u32>i;
  let lo = d.read32(off);
  let cmd = d.read16(PCI_COMMAND);
  d.write16(PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
  d.write32(off, 0xffffffff);
  let szLo = d.read32(off);
  d.write32(off, lo);
  if ((lo & 1) != 0) {
    let mask = szLo & 0xfffffffc;
    if (mask != 0) { b.kind = PCI_BAR_IO; b.base = <u64>(lo & 0xfffffffc); b.size = <u64>((~mask + 1) & 0xffff); }
  } else if (((lo >> 1) & 3) == 2 && i < 5) {
    let hi = d.read32(off + 4);
    d.write32(off + 4, 0xffffffff);
    let szHi = d.read32(off + 4);
    d.write32(off + 4, hi);
    let mask = (<u64>szHi << 32) | <u64>(szLo & 0xfffffff0);
    if (mask != 0) { b.kind = PCI_BAR_MEM64; b.base = (<u64>hi << 32) | <u64>(lo & 0xfffffff0); b.size = ~mask + 1; }
  } else {
    let mask = szLo & 0xfffffff0;
    if (mask != 0) { b.kind = PCI_BAR_MEM32; b.base = <u64>(lo & 0xfffffff0); b.size = <u64>(~mask + 1); }
  }
  b.prefetch = b.kind >= PCI_BAR_MEM32 && (lo & 8) != 0;
  d.write16(PCI_COMMAND, cmd);
  return b;
}

/** Writes a new base into memory BAR `i` (decoding off meanwhile). */
export function pciSetBar(d: PciDevice, i: i32, b: PciBar, base: u64): void {
  let off = <u32>PCI_BAR0 + 4 * <u32>i;
  let cmd = d.read16(PCI_COMMAND);
  d.write16(PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
  let flags = d.read32(off) & 0xf;
  d.write32(off, <u32>base | flags);
  if (b.kind == PCI_BAR_MEM64) d.write32(off + 4, <u32>(base >> 32));
  d.write16(PCI_COMMAND, cmd);
  b.base = base;
}

/** Whether [a, a+n) overlaps a memory BAR of any device other than (`self`, `selfBar`). */
function overlaps(a: u64, n: u64, self: PciDevice, selfBar: i32): bool {
  let all = pciScan();
  for (let k = 0; k < all.length; k++) {
    let d = all[k];
    let bars = d.headerType == 0 ? 6 : d.headerType == 1 ? 2 : 0;
    for (let i = 0; i < bars; i++) {
      let idx = i;
      let b = pciBar(d, idx);
      if (b.kind == PCI_BAR_MEM64) i++;
      if (b.kind < PCI_BAR_MEM32 || b.size == 0) continue;
      if (d === self && idx == selfBar) continue;
      if (a < b.base + b.size && b.base < a + n) return true;
    }
  }
  return false;
}

/**
 * Makes memory BAR `i` of `d` reachable through the identity map: if its
 * base is 0 or above 4 GiB, moves it to the highest free size-aligned slot
 * of the PCI hole. Returns the BAR (base updated) or null if no slot is free
 * or the BAR is not a memory BAR.
 */
export function pciBarBelow4G(d: PciDevice, i: i32): PciBar | null {
  let b = pciBar(d, i);
  if (b.kind < PCI_BAR_MEM32 || b.size == 0) return null;
  if (b.base != 0 && b.base + b.size <= PCI_HOLE_END) return b;
  let size = b.size < 4096 ? <u64>4096 : b.size;
  let a = (PCI_HOLE_END - size) & ~(size - 1);
  while (a >= PCI_HOLE_START) {
    if (!overlaps(a, size, d, i)) {
      pciSetBar(d, i, b, a);
      return b;
    }
    a -= size;
  }
  return null;
}
