// drivers/pci/config.ts — PCI configuration space through configuration
// mechanism #1 (PCI Local Bus Specification 3.0 §3.2.2.3.2): write the
// address to CONFIG_ADDRESS (0xCF8), move the dword through CONFIG_DATA
// (0xCFC). Byte and word accesses use CONFIG_DATA + (offset & 3).
//
//   CONFIG_ADDRESS:
//   31       30..24    23..16  15..11  10..8     7..2       1..0
//   +-------+---------+-------+-------+---------+----------+----+
//   |enable | reserved|  bus  | device| function| register | 00 |
//   +-------+---------+-------+-------+---------+----------+----+
//
// Type 0 header offsets used here (PCI 3.0 §6.1, Figure 6-1).

import { inb, inl, inw, outb, outl, outw } from "../../kernel/hw";

export const PCI_CONFIG_ADDRESS: u16 = 0xcf8;
export const PCI_CONFIG_DATA: u16 = 0xcfc;

export const PCI_VENDOR_ID: u8 = 0x00;
export const PCI_DEVICE_ID: u8 = 0x02;
export const PCI_COMMAND: u8 = 0x04;
export const PCI_STATUS: u8 = 0x06;
export const PCI_REVISION: u8 = 0x08;
export const PCI_PROG_IF: u8 = 0x09;
export const PCI_SUBCLASS: u8 = 0x0a;
export const PCI_CLASS: u8 = 0x0b;
export const PCI_HEADER_TYPE: u8 = 0x0e;
export const PCI_BAR0: u8 = 0x10;
export const PCI_SUBSYS_ID: u8 = 0x2e;
export const PCI_CAP_PTR: u8 = 0x34;
export const PCI_INTERRUPT_LINE: u8 = 0x3c;
/** Type 1 (bridge) header: secondary bus number. */
export const PCI_SECONDARY_BUS: u8 = 0x19;

/** COMMAND bits. */
export const PCI_CMD_IO: u16 = 0x1;
export const PCI_CMD_MEM: u16 = 0x2;
export const PCI_CMD_MASTER: u16 = 0x4;
export const PCI_CMD_INTX_DISABLE: u16 = 0x400;
/** STATUS bit 4: the capability list at CAP_PTR is valid. */
export const PCI_STATUS_CAPS: u16 = 0x10;
/** HEADER_TYPE bit 7: the device has functions 1..7. */
export const PCI_HEADER_MULTIFN: u8 = 0x80;

// @ts-ignore: decorator
@inline function address(bus: u32, dev: u32, fn: u32, off: u32): u32 {
  return 0x80000000 | ((bus & 0xff) << 16) | ((dev & 0x1f) << 11) | ((fn & 7) << 8) | (off & 0xfc);
}

export function pciRead32(bus: u32, dev: u32, fn: u32, off: u32): u32 {
  outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, off));
  return inl(PCI_CONFIG_DATA);
}

export function pciRead16(bus: u32, dev: u32, fn: u32, off: u32): u16 {
  outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, off));
  return inw(PCI_CONFIG_DATA + <u16>(off & 2));
}

export function pciRead8(bus: u32, dev: u32, fn: u32, off: u32): u8 {
  outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, off));
  return inb(PCI_CONFIG_DATA + <u16>(off & 3));
}

export function pciWrite32(bus: u32, dev: u32, fn: u32, off: u32, v: u32): void {
  outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, off));
  outl(PCI_CONFIG_DATA, v);
}

export function pciWrite16(bus: u32, dev: u32, fn: u32, off: u32, v: u16): void {
  outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, off));
  outw(PCI_CONFIG_DATA + <u16>(off & 2), v);
}

export function pciWrite8(bus: u32, dev: u32, fn: u32, off: u32, v: u8): void {
  outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, off));
  outb(PCI_CONFIG_DATA + <u16>(off & 3), v);
}
