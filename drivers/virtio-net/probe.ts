// drivers/virtio-net/probe.ts — bring-up (virtio 1.2 §3.1.1, §5.1.5) of each
// virtio-net device drivers/virtio's registry finds (PCI or MMIO):
// negotiate, set up receiveq1/transmitq1, DRIVER_OK, fill the receive ring,
// register the device with kernel/netdev.
//
// Interrupts: on PCI, MSI-X entry 0 -> IRQ_VEC_NET on this CPU (kernel/irq).
// A device without MSI-X (MMIO, whose line's I/O APIC input is not known
// here yet, or a PCI function with vectors=0) still works: the waiter then
// halts for at most POLL_CAP_US at a time and the stack polls.

import { irqInit, irqMsiAddress, irqMsiData, irqSetPollCap, irqWait, IRQ_VEC_NET } from "../../kernel/irq";
import { netdevRegister, netdevSetWaiter } from "../../kernel/netdev";
import { pciMsixCount, pciMsixSet } from "../pci/index";
import {
  VirtioPci, VirtioTransport, VIRTIO_ID_NET, VIRTIO_TRANSPORT_PCI, virtioRegister, virtioStart,
} from "../virtio/index";
import {
  VirtioNet, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF,
} from "./device";

const QUEUE_SIZE: u16 = 256;
const NO_VECTOR: u16 = 0xffff;
const POLL_CAP_US: u64 = 2000;
const WANTED: u64 = VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_MAC | VIRTIO_NET_F_MRG_RXBUF;

let lastFeatures: u64 = 0;
let usingIrq = false;
let polling = false;
let count = 0;
let featureMask: u64 = u64.MAX_VALUE;

/** The MAC from the device config (§5.1.4), or a locally administered one. */
function readMac(t: VirtioTransport): u64 {
  if ((t.features & VIRTIO_NET_F_MAC) == 0 || t.configLength() < 6) return 0x02_00_00_00_00_00 | (t.location & 0xffffff);
  let m: u64 = 0;
  for (let i: u32 = 0; i < 6; i++) m = (m << 8) | <u64>t.cfg8(i);
  return m;
}

/** MSI-X entry 0 for this PCI device's queues, or NO_VECTOR. */
function msixVector(t: VirtioTransport): u16 {
  if (t.kind != VIRTIO_TRANSPORT_PCI) return NO_VECTOR;
  return pciMsixCount(changetype<VirtioPci>(t).pci) > 0 ? 0 : NO_VECTOR;
}

/** The registry's probe for VIRTIO_ID_NET. */
function vnetProbe(t: VirtioTransport): void {
  if (t.negotiate(WANTED & featureMask) < 0) return;
  let vec = msixVector(t);
  let rx = t.setupQueue(0, QUEUE_SIZE, vec);
  if (rx === null && vec != NO_VECTOR) { vec = NO_VECTOR; rx = t.setupQueue(0, QUEUE_SIZE, vec); }
  if (rx === null) return;
  let tx = t.setupQueue(1, QUEUE_SIZE, vec);
  if (tx === null) return;
  if (vec != NO_VECTOR) {
    irqInit();
    if (!pciMsixSet(changetype<VirtioPci>(t).pci, 0, irqMsiAddress(), irqMsiData(IRQ_VEC_NET))) vec = NO_VECTOR;
  }
  if (vec != NO_VECTOR) usingIrq = true;
  else polling = true;
  let n = new VirtioNet(t, rx, tx);
  n.mac = readMac(t);
  lastFeatures = t.features;
  t.driverOk();
  n.fillRx();
  netdevRegister(n);
  count++;
}

virtioRegister(VIRTIO_ID_NET, vnetProbe);

/**
 * Finds and starts every virtio-net device (once); registers each with
 * kernel/netdev and installs the idle waiter. `mask` limits the features
 * asked for. Returns the count.
 */
export function virtioNetProbe(mask: u64 = u64.MAX_VALUE): i32 {
  featureMask = mask;
  virtioStart();
  if (count > 0) {
    irqInit();
    if (polling) irqSetPollCap(POLL_CAP_US);
    netdevSetWaiter(irqWait);
  }
  return count;
}

/** Features the last device came up with (VIRTIO_NET_F_* | VIRTIO_F_VERSION_1). */
export function virtioNetFeatures(): u64 { return lastFeatures; }
/** Whether every device wakes the CPU by MSI-X (false: the waiter also polls every POLL_CAP_US). */
export function virtioNetIrq(): bool { return usingIrq && !polling; }
