// drivers/pci — PCI configuration space, enumeration, BARs, capabilities.
//
//   config.ts   mechanism #1 (ports 0xCF8/0xCFC): pciRead*/pciWrite*, header offsets
//   device.ts   PciDevice (one function: IDs, class, config accessors,
//               capability walk), pciScan (bus 0 + behind bridges), pciFind
//   bar.ts      pciBar (decode + size probing), pciSetBar, pciBarBelow4G
//               (moves a BAR the firmware put above 4 GiB into the PCI hole)
//   msix.ts     pciMsixCount, pciMsixSet (one table entry -> a message, MSI-X on)
//
// Callers: drivers/virtio (finds its capabilities and BARs here).
// Interrupts: MSI-X only (drivers/virtio-net wakes the idle CPU with it).

export {
  pciRead8, pciRead16, pciRead32, pciWrite8, pciWrite16, pciWrite32,
  PCI_CONFIG_ADDRESS, PCI_CONFIG_DATA, PCI_COMMAND, PCI_STATUS, PCI_BAR0, PCI_CAP_PTR, PCI_INTERRUPT_LINE,
  PCI_CMD_IO, PCI_CMD_MEM, PCI_CMD_MASTER, PCI_CMD_INTX_DISABLE, PCI_STATUS_CAPS,
} from "./config";
export { PciDevice, pciScan, pciRescan, pciFind } from "./device";
export {
  PciBar, pciBar, pciSetBar, pciBarBelow4G,
  PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64, PCI_HOLE_START, PCI_HOLE_END,
} from "./bar";
export { pciMsixCount, pciMsixSet, PCI_CAP_MSIX } from "./msix";
