// drivers/virtio-net/device.ts — the virtio network device (virtio 1.2 §5.1)
// as a kernel/netdev NetDevice.
//
//   PCI IDs: vendor 0x1af4, device 0x1041 (modern) or 0x1000 (transitional)
//   queues: 0 receiveq1, 1 transmitq1 (§5.1.2; no multiqueue, no control vq)
//   device config (§5.1.4): +0 mac[6] | +6 status u16 | +8 max_virtqueue_pairs u16 | +10 mtu u16
//
// Every buffer starts with struct virtio_net_hdr (§5.1.6), 12 bytes with
// VIRTIO_F_VERSION_1:
//   +0 flags u8 (1 NEEDS_CSUM, 2 DATA_VALID) | +1 gso_type u8 | +2 hdr_len u16 |
//   +4 gso_size u16 | +6 csum_start u16 | +8 csum_offset u16 | +10 num_buffers u16
//
// Receive: RX_BUF-byte device-writable buffers, one descriptor each. Without
// GSO a frame (1514 bytes) fits one buffer; with MRG_RXBUF the device may
// still spread one over num_buffers buffers (§5.1.6.4.2): they are gathered.
// Transmit: each frame is copied behind a header into a buffer of its own
// (one descriptor), so the caller's bytes are free when transmit returns.
//
// Transport: any VirtioTransport (PCI or MMIO, drivers/virtio).
// Interrupts: with MSI-X, both queues raise table entry 0 = IRQ_VEC_NET. The
// receive queue always asks for interrupts; the transmit queue only while
// it is full (VIRTQ_AVAIL_F_NO_INTERRUPT otherwise, §2.7.7), so a full ring
// still wakes the idle CPU when the device frees room.

import { NetDevice, NetSink, NETDEV_OFFLOAD_RX_CSUM, NETDEV_OFFLOAD_TX_CSUM, NETDEV_RX_CSUM_VALID } from "../../kernel/netdev";
import { Virtq, VirtioTransport, VIRTIO_TRANSPORT_MMIO, VIRTQ_AVAIL_F_NO_INTERRUPT, virtqAlloc } from "../virtio/index";
import { csumFill } from "./csum";

export const VIRTIO_NET_F_CSUM: u64 = 1 << 0;
export const VIRTIO_NET_F_GUEST_CSUM: u64 = 1 << 1;
export const VIRTIO_NET_F_MAC: u64 = 1 << 5;
export const VIRTIO_NET_F_MRG_RXBUF: u64 = 1 << 15;
export const VIRTIO_NET_HDR_F_NEEDS_CSUM: u8 = 1;
export const VIRTIO_NET_HDR_F_DATA_VALID: u8 = 2;
/** struct virtio_net_hdr with num_buffers (VERSION_1). */
export const VNET_HDR: usize = 12;
/** One receive or transmit buffer: header + a 1514-byte frame, rounded up. */
const BUF: usize = 2048;
/** Largest frame (Ethernet header + MTU) sent. */
const MAX_FRAME: i32 = 1514;
/** §2.7.10: VIRTQ_USED_F_NO_NOTIFY in used.flags — the device needs no kick now. */
const USED_F_NO_NOTIFY: u16 = 1;

/** One virtio-net device, ready (DRIVER_OK). */
export class VirtioNet extends NetDevice {
  t: VirtioTransport;
  /** MMIO: the interrupt line stays up until InterruptACK, so receive() acknowledges first. */
  private ackIrq: bool;
  rx: Virtq;
  tx: Virtq;
  mrg: bool;
  /** Free transmit buffers (a stack). */
  private txFree: usize[] = [];
  /** A frame spread over several receive buffers is gathered here. */
  private scratch: usize = virtqAlloc(<usize>BUF * 2, 16);
  /** Frames dropped: too long to send, or received malformed. */
  dropped: u64 = 0;

  constructor(t: VirtioTransport, rx: Virtq, tx: Virtq) {
    super();
    this.t = t;
    this.ackIrq = t.kind == VIRTIO_TRANSPORT_MMIO;
    this.rx = rx;
    this.tx = tx;
    this.mrg = (t.features & VIRTIO_NET_F_MRG_RXBUF) != 0;
    if ((t.features & VIRTIO_NET_F_CSUM) != 0) this.offloads |= NETDEV_OFFLOAD_TX_CSUM;
    if ((t.features & VIRTIO_NET_F_GUEST_CSUM) != 0) this.offloads |= NETDEV_OFFLOAD_RX_CSUM;
    for (let i: u16 = 0; i < tx.size; i++) this.txFree.push(virtqAlloc(BUF, 16));
    store<u16>(rx.avail, 0); // receive interrupts on (§2.7.7)
  }

  /** Gives every free receive descriptor a buffer and kicks the device once. */
  fillRx(): void {
    for (let i: u16 = 0; i < this.rx.size; i++) if (!this.postRx(virtqAlloc(BUF, 16))) break;
    this.t.notify(this.rx);
  }

  private postRx(buf: usize): bool {
    let q = this.rx;
    q.begin();
    q.add(buf, <u32>BUF, true);
    return q.publish() >= 0;
  }

  private kick(q: Virtq): void {
    if ((load<u16>(q.used) & USED_F_NO_NOTIFY) == 0) this.t.notify(q);
  }

  /** The buffer of completed chain `head` (single-descriptor chains: its descriptor's address). */
  @inline private bufOf(q: Virtq, head: i32): usize { return <usize>load<u64>(q.desc + <usize>head * 16); }

  /** Takes back the transmit buffers the device is done with. */
  private reclaimTx(): void {
    let q = this.tx;
    while (true) {
      let h = q.collect();
      if (h < 0) break;
      this.txFree.push(this.bufOf(q, h));
    }
  }

  transmit(frame: usize, len: i32, csumStart: i32, csumOffset: i32): bool {
    return this.transmitv(frame, len, 0, 0, csumStart, csumOffset);
  }

  /** One frame from two pieces, copied once into a transmit buffer behind its virtio_net_hdr. */
  transmitv(hdr: usize, hdrLen: i32, data: usize, dataLen: i32, csumStart: i32, csumOffset: i32): bool {
    let len = hdrLen + dataLen;
    if (hdrLen < 0 || dataLen < 0 || len <= 0 || len > MAX_FRAME) { this.dropped++; return true; }
    if (this.txFree.length == 0) this.reclaimTx();
    let q = this.tx;
    if (this.txFree.length == 0) {
      store<u16>(q.avail, 0); // wake us when room appears
      return false;
    }
    store<u16>(q.avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
    let b = this.txFree.pop();
    let f = b + VNET_HDR;
    memory.copy(f, hdr, <usize>hdrLen);
    if (dataLen > 0) memory.copy(f + <usize>hdrLen, data, <usize>dataLen);
    store<u64>(b, 0);
    store<u32>(b, 0, 8);
    if (csumStart >= 0 && (this.offloads & NETDEV_OFFLOAD_TX_CSUM) != 0) {
      store<u8>(b, VIRTIO_NET_HDR_F_NEEDS_CSUM);
      store<u16>(b, <u16>csumStart, 6);
      store<u16>(b, <u16>csumOffset, 8);
    } else if (csumStart >= 0) {
      csumFill(f, len, csumStart, csumOffset);
    }
    q.begin();
    q.add(b, <u32>(VNET_HDR + <usize>len), false);
    if (q.publish() < 0) { this.txFree.push(b); return false; }
    this.kick(q);
    return true;
  }

  receive(sink: NetSink): i32 {
    if (this.ackIrq) this.t.interruptStatus(); // before looking: a frame after this raises the line again
    this.reclaimTx();
    let q = this.rx;
    let n = 0;
    while (true) {
      let h = q.collect();
      if (h < 0) break;
      let buf = this.bufOf(q, h);
      let len = <usize>q.lastLen;
      let nb: i32 = this.mrg ? <i32>load<u16>(buf, 10) : 1;
      if (len < VNET_HDR + 14 || len > BUF || nb < 1) { this.dropped++; this.postRx(buf); continue; }
      let frame = buf + VNET_HDR;
      let flen = len - VNET_HDR;
      if (nb > 1) {
        flen = this.gatherRx(buf, flen, nb);
        frame = this.scratch;
      }
      let flags = load<u8>(buf);
      let rxFlags: u32 = 0;
      if ((flags & VIRTIO_NET_HDR_F_DATA_VALID) != 0) rxFlags = NETDEV_RX_CSUM_VALID;
      if ((flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0) {
        // §5.1.6.4.1: a partial checksum; complete it, then it is valid
        if (csumFill(frame, <i32>flen, <i32>load<u16>(buf, 6), <i32>load<u16>(buf, 8))) rxFlags = NETDEV_RX_CSUM_VALID;
      }
      if (flen > 0) { sink(frame, <i32>flen, rxFlags); n++; }
      else this.dropped++;
      this.postRx(buf);
    }
    if (n > 0) this.kick(q);
    return n;
  }

  /**
   * Copies a frame spread over `nb` buffers (the first already collected:
   * `buf`, `flen` bytes of frame) into scratch. Returns its length, 0 when
   * the pieces do not fit (dropped).
   */
  private gatherRx(buf: usize, flen: usize, nb: i32): usize {
    let q = this.rx;
    let cap = <usize>BUF * 2;
    memory.copy(this.scratch, buf + VNET_HDR, flen);
    let total = flen;
    for (let k = 1; k < nb; k++) {
      let h = q.collect();
      if (h < 0) return 0;
      let b = this.bufOf(q, h);
      let l = <usize>q.lastLen;
      if (l <= BUF && total + l <= cap) memory.copy(this.scratch + total, b, l);
      total += l;
      this.postRx(b);
    }
    return total <= cap ? total : 0;
  }
}
