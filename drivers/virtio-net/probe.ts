// drivers/virtio-net/probe.ts — bring-up (virtio 1.2 §3.1.1, §5.1.5): find
// each virtio-net PCI function, negotiate, set up receiveq1/transmitq1 with
// MSI-X entry 0, DRIVER_OK, fill the receive ring, register the device.
//
// Interrupts: MSI-X entry 0 -> IRQ_VEC_NET on this CPU (kernel/irq). A
// function without MSI-X still works: the waiter then halts for at most
// POLL_CAP_US at a time and the stack polls.

import { irqInit, irqMsiAddress, irqMsiData, irqSetPollCap, irqWait, IRQ_VEC_NET } from "../../kernel/irq";
import { netdevRegister, netdevSetWaiter } from "../../kernel/netdev";
import { PciDevice, pciMsixCount, pciMsixSet, pciScan } from "../pci/index";
import { VIRTIO_PCI_VENDOR, VirtioPci } from "../virtio/index";
import {
  VirtioNet, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF,
} from "./device";

export const VIRTIO_NET_DEVICE_MODERN: u16 = 0x1041;
export const VIRTIO_NET_DEVICE_TRANSITIONAL: u16 = 0x1000;
const QUEUE_SIZE: u16 = 256;
const NO_VECTOR: u16 = 0xffff;
const POLL_CAP_US: u64 = 1000;
const WANTED: u64 = VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_MAC | VIRTIO_NET_F_MRG_RXBUF;

let lastFeatures: u64 = 0;
let usingIrq = false;

function isVnet(d: PciDevice): bool {
  return d.vendor == VIRTIO_PCI_VENDOR
    && (d.device == VIRTIO_NET_DEVICE_MODERN || d.device == VIRTIO_NET_DEVICE_TRANSITIONAL);
}

/** The MAC from the device config (§5.1.4), or a locally administered one from the PCI slot. */
function readMac(t: VirtioPci): u64 {
  if ((t.features & VIRTIO_NET_F_MAC) == 0 || t.devCfg == 0) {
    return 0x02_00_00_00_00_00 | (<u64>t.pci.bus << 8) | <u64>t.pci.dev;
  }
  let m: u64 = 0;
  for (let i: u32 = 0; i < 6; i++) m = (m << 8) | <u64>t.cfg8(i);
  return m;
}

/** Brings up one function; null when it fails (the reason is not fatal: other devices may work). */
function bringUp(d: PciDevice, mask: u64): VirtioNet | null {
  let t = new VirtioPci(d);
  if (t.init() < 0) return null;
  if (t.negotiate(WANTED & mask) < 0) return null;
  let vec: u16 = pciMsixCount(d) > 0 ? 0 : NO_VECTOR;
  let rx = t.setupQueue(0, QUEUE_SIZE, vec);
  if (rx === null && vec != NO_VECTOR) { vec = NO_VECTOR; rx = t.setupQueue(0, QUEUE_SIZE, vec); }
  if (rx === null) return null;
  let tx = t.setupQueue(1, QUEUE_SIZE, vec);
  if (tx === null) return null;
  if (vec != NO_VECTOR) {
    irqInit();
    if (!pciMsixSet(d, 0, irqMsiAddress(), irqMsiData(IRQ_VEC_NET))) vec = NO_VECTOR;
  }
  if (vec != NO_VECTOR) usingIrq = true;
  let n = new VirtioNet(t, rx, tx);
  n.mac = readMac(t);
  lastFeatures = t.features;
  t.driverOk();
  n.fillRx();
  return n;
}

/**
 * Finds and starts every virtio-net device; registers each with
 * kernel/netdev and installs the interrupt-driven waiter. `mask` limits the
 * features asked for (tests: run without an offload). Returns the count.
 */
export function virtioNetProbe(mask: u64 = u64.MAX_VALUE): i32 {
  let all = pciScan();
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    if (!isVnet(all[i])) continue;
    let n = bringUp(all[i], mask);
    if (n === null) continue;
    netdevRegister(n);
    count++;
  }
  if (count > 0) {
    irqInit();
    if (!usingIrq) irqSetPollCap(POLL_CAP_US);
    netdevSetWaiter(irqWait);
  }
  return count;
}

/** Features the last device came up with (VIRTIO_NET_F_* | VIRTIO_F_VERSION_1). */
export function virtioNetFeatures(): u64 { return lastFeatures; }
/** Whether the devices wake the CPU by MSI-X (false: the waiter polls every POLL_CAP_US). */
export function virtioNetIrq(): bool { return usingIrq; }
