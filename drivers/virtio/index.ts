// drivers/virtio — virtio 1.x transports, virtqueues and the device-driver
// table; no device types. Map (who calls whom):
//
//   transport.ts  VirtioTransport: THE device interface drivers use (status
//                 handshake, feature negotiation, queues, notify, device
//                 config, interrupt status), written once over primitives
//   pci.ts        VirtioPci: the modern PCI transport (§4.1) — capabilities,
//                 BARs made reachable below 4 GiB (drivers/pci)
//   mmio.ts       VirtioMmio: the modern virtio-mmio transport (§4.2, Version 2);
//                 legacy (Version 1) devices are reported, not driven
//   queue.ts      Virtq: one split virtqueue in memory it allocates, chains of
//                 readable + writable buffers, completion by polling
//   registry.ts   virtioRegister(id, probe): the driver table filled by what
//                 the image links; virtioStart(): discovery (PCI, then MMIO:
//                 kernel options or the microvm window) and probing
//
// A device driver (drivers/virtio-9p, drivers/virtio-net):
//   at module top level   virtioRegister(VIRTIO_ID_X, probe)
//   before first use      virtioStart()        (idempotent)
//   in probe(t)           t.negotiate(features) -> q = t.setupQueue(i, max[, msixVector]) ...
//                         -> t.cfg8/16/32(off) -> t.driverOk()   (or t.fail())
//   per request           q.begin(); q.add(addr, len, write)...; head = q.publish();
//                         t.notify(q); q.wait(head, ms)   (or poll q.pending()/collect())
//   interrupts            t.irq (-1: unknown), t.interruptStatus() reads + acks
// Imports point down: drivers/virtio -> drivers/pci, kernel core.

export {
  VirtioTransport, VIRTIO_F_VERSION_1, VIRTIO_INT_USED, VIRTIO_INT_CONFIG, VIRTIO_NO_VECTOR,
  VIRTIO_TRANSPORT_PCI, VIRTIO_TRANSPORT_MMIO,
  VIRTIO_STATUS_ACKNOWLEDGE, VIRTIO_STATUS_DRIVER, VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_FEATURES_OK,
  VIRTIO_STATUS_NEEDS_RESET, VIRTIO_STATUS_FAILED,
} from "./transport";
export {
  VirtioPci, virtioPciDeviceId, VIRTIO_PCI_VENDOR, PCI_CAP_VENDOR,
  VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_CAP_DEVICE_CFG,
} from "./pci";
export { VirtioMmio, virtioMmioVersion, VIRTIO_MMIO_MAGIC, VIRTIO_MMIO_VERSION_LEGACY, VIRTIO_MMIO_VERSION_MODERN } from "./mmio";
export {
  VirtioProbe, VirtioMmioSpec, virtioRegister, virtioDriverOf, virtioStart, virtioDevices, virtioMmioSpecParse,
  VIRTIO_ID_NET, VIRTIO_ID_BLOCK, VIRTIO_ID_CONSOLE, VIRTIO_ID_ENTROPY, VIRTIO_ID_9P,
  MICROVM_MMIO_BASE, MICROVM_MMIO_STRIDE, MICROVM_MMIO_SLOTS,
} from "./registry";
export { Virtq, virtqAlloc, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_MAX_CHAIN } from "./queue";
