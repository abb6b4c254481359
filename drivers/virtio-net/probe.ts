// drivers/virtio-net/probe.ts — bring-up (virtio 1.2 §3.1.1, §5.1.5) of each
// virtio-net device drivers/virtio's registry finds (PCI or MMIO):
// negotiate, set up receiveq1/transmitq1, DRIVER_OK, fill the receive ring,
// register the device with kernel/netdev.
//
// Interrupts: on PCI, MSI-X entry 0 -> IRQ_VEC_NET on this CPU (kernel/irq).
// On MMIO the device's line goes through the I/O APIC: its GSI comes from
// `virtio_mmio.device=...:IRQ`, else for QEMU microvm's window it follows
// from the slot: with microvm's second I/O APIC (ioapic2, 24 slots) GSI
// 24 + slot, without it (8 slots) GSI 5 + slot (QEMU puts those options on
// the command line of Linux-protocol kernels only). A guessed line keeps a
// GUESS_CAP_US poll as a safety net. A device with no interrupt at all (a
// PCI function with vectors=0) still works: the waiter halts for at most
// POLL_CAP_US at a time and the stack polls.

import { irqHasIoapic2, irqInit, irqIoapicRoute, irqMsiAddress, irqMsiData, irqSetPollCap, irqWait, IRQ_VEC_NET } from "../../kernel/irq";
import { netdevRegister, netdevSetWaiter } from "../../kernel/netdev";
import { pciMsixCount, pciMsixSet } from "../pci/index";
import {
  MICROVM_MMIO_BASE, MICROVM_MMIO_SLOTS, MICROVM_MMIO_STRIDE, VirtioPci, VirtioTransport, VIRTIO_ID_NET,
  VIRTIO_TRANSPORT_MMIO, VIRTIO_TRANSPORT_PCI, virtioRegister, virtioStart,
} from "../virtio/index";
import {
  VirtioNet, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF,
} from "./device";

const QUEUE_SIZE: u16 = 256;
const NO_VECTOR: u16 = 0xffff;
const POLL_CAP_US: u64 = 2000;
const GUESS_CAP_US: u64 = 50_000;
const MICROVM_GSI_BASE: i32 = 5;
const MICROVM_GSI_BASE_IOAPIC2: i32 = 24;
const WANTED: u64 = VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_MAC | VIRTIO_NET_F_MRG_RXBUF;

let lastFeatures: u64 = 0;
let usingIrq = false;
let polling = false;
let guessed = false;

/** The I/O APIC input of an MMIO device's line, or -1 (file comment). */
function mmioGsi(t: VirtioTransport): i32 {
  if (t.irq >= 0) return t.irq;
  let off = t.location - MICROVM_MMIO_BASE;
  if (t.location < MICROVM_MMIO_BASE || off % MICROVM_MMIO_STRIDE != 0) return -1;
  let slot = <i32>(off / MICROVM_MMIO_STRIDE);
  if (slot >= MICROVM_MMIO_SLOTS) return -1;
  guessed = true;
  return (irqHasIoapic2() ? MICROVM_GSI_BASE_IOAPIC2 : MICROVM_GSI_BASE) + slot;
}
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

/** Routes an MMIO device's line to IRQ_VEC_NET; false when its GSI is unknown or absent. */
function mmioRoute(t: VirtioTransport): bool {
  let gsi = mmioGsi(t);
  if (gsi < 0) return false;
  irqInit();
  return irqIoapicRoute(<u32>gsi, IRQ_VEC_NET);
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
  else if (t.kind == VIRTIO_TRANSPORT_MMIO && mmioRoute(t)) usingIrq = true;
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
    else if (guessed) irqSetPollCap(GUESS_CAP_US);
    netdevSetWaiter(irqWait);
  }
  return count;
}

/** Features the last device came up with (VIRTIO_NET_F_* | VIRTIO_F_VERSION_1). */
export function virtioNetFeatures(): u64 { return lastFeatures; }
/** Whether every device wakes the CPU by an interrupt (MSI-X or the I/O APIC; false: the waiter polls every POLL_CAP_US). */
export function virtioNetIrq(): bool { return usingIrq && !polling; }
