// drivers/virtio — the virtio 1.x transport and virtqueues; no device types.
//
//   pci.ts     VirtioPci: the modern PCI transport (capabilities, BARs made
//              reachable below 4 GiB, status handshake, feature negotiation
//              with VIRTIO_F_VERSION_1, queue setup, notify, device config)
//   queue.ts   Virtq: one split virtqueue in memory it allocates (aligned as
//              §2.6 requires), chains of readable + writable buffers,
//              completion by polling (interrupts suppressed)
//
// Callers: device drivers (drivers/virtio-9p). A driver: `new VirtioPci(dev)`
// -> init() -> negotiate(features) -> setupQueue() ... -> driverOk(); then per
// request q.begin(); q.add(...); head = q.publish(); t.notify(q); q.wait(head).

export {
  VirtioPci, VIRTIO_PCI_VENDOR, VIRTIO_F_VERSION_1, PCI_CAP_VENDOR,
  VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_CAP_DEVICE_CFG,
  VIRTIO_STATUS_ACKNOWLEDGE, VIRTIO_STATUS_DRIVER, VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_FEATURES_OK,
  VIRTIO_STATUS_NEEDS_RESET, VIRTIO_STATUS_FAILED,
} from "./pci";
export { Virtq, virtqAlloc, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_MAX_CHAIN } from "./queue";
