// drivers/virtio-net — the virtio network device (virtio 1.2 §5.1) on the
// PCI transport, registered with kernel/netdev for the stack in net/.
//
//   device.ts  VirtioNet: receive ring of 2 KiB buffers (MRG_RXBUF gathered),
//              transmit with a virtio_net_hdr (CSUM offload), GUEST_CSUM
//   csum.ts    csumFill: the checksums the driver completes itself
//   probe.ts   virtioNetProbe: finds the devices, negotiates, MSI-X to
//              kernel/irq, installs irqWait as the netdev waiter
//
// Callers: images that use the network (images/httpd) call virtioNetProbe()
// once before the stack starts. Imports point down: kernel/netdev, kernel/irq,
// drivers/virtio, drivers/pci.

export { virtioNetProbe, virtioNetFeatures, virtioNetIrq } from "./probe";
export {
  VirtioNet, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF, VNET_HDR,
} from "./device";
export { csumFill } from "./csum";
