// kernel/netdev.ts — where network drivers and the protocol stack meet.
//
// A driver (drivers/virtio-net) registers a NetDevice; the stack (net/) takes
// received frames from it and hands it frames to send. Neither imports the
// other: both import this file, and the image links the two.
//
// Frames are Ethernet II without the FCS. Checksum offload is a contract per
// frame: `transmit` is told where the transport checksum lives, and
// `receive` says whether the device has already verified it.

/** transmit(): no offload, the frame is complete as given. */
export const NETDEV_CSUM_NONE: i32 = -1;
/** receive() flag: the device verified the transport checksum (VIRTIO_NET_HDR_F_DATA_VALID). */
export const NETDEV_RX_CSUM_VALID: u32 = 1;
/** offloads bit: transmit() may leave the TCP/UDP checksum to the device (VIRTIO_NET_F_CSUM). */
export const NETDEV_OFFLOAD_TX_CSUM: u32 = 1;
/** offloads bit: receive() may report NETDEV_RX_CSUM_VALID (VIRTIO_NET_F_GUEST_CSUM). */
export const NETDEV_OFFLOAD_RX_CSUM: u32 = 2;

/** What receive() calls once per frame; the bytes are valid only during the call. */
export type NetSink = (frame: usize, len: i32, flags: u32) => void;

/** A network interface as the stack sees it. */
export abstract class NetDevice {
  /** MAC address: first byte in bits 40..47, last in bits 0..7. */
  mac: u64 = 0;
  /** Largest IP packet the link carries (1500 on Ethernet). */
  mtu: i32 = 1500;
  /** NETDEV_OFFLOAD_* bits the driver negotiated. */
  offloads: u32 = 0;

  /**
   * Queues one frame. With csumStart >= 0 (only when offloads has
   * NETDEV_OFFLOAD_TX_CSUM) the device computes the ones' complement sum
   * from csumStart to the end and stores it at csumStart + csumOffset; the
   * caller has put the pseudo-header sum there. Returns false when the
   * device has no room: nothing was queued, try again after receive().
   * The bytes are copied or owned by the device before this returns.
   */
  abstract transmit(frame: usize, len: i32, csumStart: i32, csumOffset: i32): bool;

  /**
   * transmit() of the frame hdr[0..hdrLen) ++ data[0..dataLen) (headers
   * built by the stack, payload straight from a socket's send buffer), with
   * the same checksum contract (csumStart counts from the start of hdr).
   * A driver overrides it to copy both parts into its buffer (or chain two
   * descriptors); this default gathers them into one scratch frame first.
   */
  transmitv(hdr: usize, hdrLen: i32, data: usize, dataLen: i32, csumStart: i32, csumOffset: i32): bool {
    let total = hdrLen + dataLen;
    if (dataLen == 0) return this.transmit(hdr, hdrLen, csumStart, csumOffset);
    if (total > this.gatherCap) {
      if (this.gather != 0) heap.free(this.gather);
      this.gather = heap.alloc(<usize>total);
      this.gatherCap = total;
    }
    memory.copy(this.gather, hdr, <usize>hdrLen);
    memory.copy(this.gather + <usize>hdrLen, data, <usize>dataLen);
    return this.transmit(this.gather, total, csumStart, csumOffset);
  }
  private gather: usize = 0;
  private gatherCap: i32 = 0;

  /** Calls sink for every frame received since the last call, refills the receive ring; returns the count. */
  abstract receive(sink: NetSink): i32;
}

const devices: NetDevice[] = [];

/** Drivers call this once per device after it is ready (DRIVER_OK). */
export function netdevRegister(dev: NetDevice): void { devices.push(dev); }
export function netdevCount(): i32 { return devices.length; }
export function netdevGet(i: i32): NetDevice { return devices[i]; }

/**
 * Idle waiting. The stack calls netdevWait(deadlineUs) when it has nothing
 * to do until a frame arrives or the uptimeUs() deadline passes; it returns
 * early on any interrupt, so callers loop. Until a driver installs an
 * interrupt-driven waiter the call returns at once (busy polling).
 */
export type NetWaiter = (deadlineUs: u64) => void;
let waiter: NetWaiter | null = null;
export function netdevSetWaiter(w: NetWaiter): void { waiter = w; }
export function netdevWait(deadlineUs: u64): void {
  let w = waiter;
  if (w) w(deadlineUs);
}
