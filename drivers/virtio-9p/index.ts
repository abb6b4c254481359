// drivers/virtio-9p — the virtio 9P transport (device ID 9, registered with
// drivers/virtio, on PCI or virtio-mmio alike): brings up the devices, reads
// their mount tags, moves message bytes over their request queue (polling).
//
//   device.ts  V9pDevice (exchange: one T-message out, one reply in; or a
//              begin/out/into/run chain for zero-copy data), v9pDevices,
//              v9pFind(tag)
//
// Callers: fs/9pfs. Knows nothing of the 9P messages it carries.

export {
  V9pDevice, v9pDevices, v9pFind, v9pLastError, v9pTimeoutMs,
  VIRTIO_9P_DEVICE_MODERN, VIRTIO_9P_DEVICE_TRANSITIONAL, VIRTIO_9P_MOUNT_TAG,
} from "./device";
