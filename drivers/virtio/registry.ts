// drivers/virtio/registry.ts — the table of virtio device drivers by device
// ID, and discovery of the devices on either transport.
//
// A device driver registers at its module's top level, so the table holds
// exactly what the image links (no allocation: it runs in the Wasm start
// function, before the heap exists):
//     virtioRegister(VIRTIO_ID_9P, v9pProbe);
// The first virtioStart() finds every device and hands each one whose ID has
// a driver to that driver's probe, once. Devices without a driver are not
// touched.
//
// Discovery:
//   PCI   every function of vendor 0x1af4 with a virtio device ID (§4.1.2)
//   MMIO  each kernel option `virtio_mmio.device=<size>@<base>[:<irq>]`
//         (Linux's syntax), else, when there is no PCI bus, the window QEMU's
//         microvm machine puts its transports in: 0xfeb00000 + 0x200·n, n < 24
//         (hw/i386/microvm.c; its ACPI DSDT lists the same). QEMU 7.2 does NOT
//         put its own `virtio_mmio.device=` entries on a multiboot command line
//         (checked by booting), so the window is what finds them.

import { print, println, printHex, putCodePoint } from "../../kernel/console";
import { kernelOptions } from "../../kernel/main";
import { pciScan } from "../pci/index";
import { VIRTIO_MMIO_VERSION_LEGACY, VIRTIO_MMIO_VERSION_MODERN, VirtioMmio, virtioMmioVersion } from "./mmio";
import { VIRTIO_PCI_VENDOR, VirtioPci } from "./pci";
import { VirtioTransport } from "./transport";

/** Device IDs (virtio 1.2 §5). */
export const VIRTIO_ID_NET: u32 = 1;
export const VIRTIO_ID_BLOCK: u32 = 2;
export const VIRTIO_ID_CONSOLE: u32 = 3;
export const VIRTIO_ID_ENTROPY: u32 = 4;
export const VIRTIO_ID_9P: u32 = 9;

/** A driver's probe: the transport is found but not reset; the driver negotiates, sets up queues, driverOk(). */
export type VirtioProbe = (t: VirtioTransport) => void;

export const MICROVM_MMIO_BASE: u64 = 0xfeb00000;
export const MICROVM_MMIO_STRIDE: u64 = 0x200;
export const MICROVM_MMIO_SLOTS: i32 = 24;

const MAX_DRIVERS: i32 = 16;
// table: MAX_DRIVERS × { id u32 | probe u32 (the static Function object) }
const table = memory.data(MAX_DRIVERS * 8);
let drivers: i32 = 0;
let started = false;
let found: VirtioTransport[] | null = null;

/**
 * Registers `probe` for device ID `id`. Allocation-free (module top level is
 * fine). A second driver for the same ID, or more than 16, is an invariant
 * broken at build time: it is ignored, and the first one stays.
 */
export function virtioRegister(id: u32, probe: VirtioProbe): void {
  if (drivers >= MAX_DRIVERS || virtioDriverOf(id) !== null) return;
  let e = table + <usize>drivers * 8;
  store<u32>(e, id);
  store<u32>(e, <u32>changetype<usize>(probe), 4);
  drivers++;
}

/** The probe registered for `id`, or null. */
export function virtioDriverOf(id: u32): VirtioProbe | null {
  for (let i = 0; i < drivers; i++) {
    let e = table + <usize>i * 8;
    if (load<u32>(e) == id) return changetype<VirtioProbe>(<usize>load<u32>(e, 4));
  }
  return null;
}

/** Finds the devices and runs each registered driver's probe on its devices; once. */
export function virtioStart(): void {
  if (started) return;
  started = true;
  let all = virtioDiscover();
  for (let i = 0; i < all.length; i++) {
    let t = all[i];
    let p = virtioDriverOf(t.deviceId);
    if (p !== null) p(t);
  }
}

/** Every virtio device found (after virtioStart), whether a driver took it or not. */
export function virtioDevices(): VirtioTransport[] {
  virtioStart();
  let f = found;
  return f !== null ? f : [];
}

/** Discovery (file comment): PCI first, then MMIO. */
function virtioDiscover(): VirtioTransport[] {
  let out = new Array<VirtioTransport>();
  let pci = pciScan();
  for (let i = 0; i < pci.length; i++) {
    let d = pci[i];
    if (d.vendor != VIRTIO_PCI_VENDOR) continue;
    let t = new VirtioPci(d);
    if (t.deviceId != 0 && virtioDriverOf(t.deviceId) !== null && t.init() == 0) out.push(t);
  }
  let listed = mmioFromOptions(out);
  if (!listed && pci.length == 0) {
    // QEMU fills the slots from the top down, in -device order: scanning downward
    // finds the devices in the order the user gave them.
    for (let n = MICROVM_MMIO_SLOTS - 1; n >= 0; n--) {
      mmioAdd(out, MICROVM_MMIO_BASE + <u64>n * MICROVM_MMIO_STRIDE, <u32>MICROVM_MMIO_STRIDE, -1);
    }
  }
  found = out;
  return out;
}

/** Adds the devices named by `virtio_mmio.device=` options; returns whether there was any such option. */
function mmioFromOptions(out: VirtioTransport[]): bool {
  let opts = kernelOptions();
  let any = false;
  for (let i = 0; i < opts.length; i++) {
    let o = opts[i];
    if (!o.startsWith("virtio_mmio.device=")) continue;
    any = true;
    let spec = virtioMmioSpecParse(o.substring(19));
    if (spec === null) {
      print("virtio-mmio: ignoring bad option '");
      print(o);
      println("' (expected virtio_mmio.device=<size>@<base>[:<irq>], e.g. 512@0xfeb00e00:12)");
      continue;
    }
    mmioAdd(out, spec.base, spec.size, spec.irq);
  }
  return any;
}

/** One device window if a modern device with a registered driver sits at `base`; a legacy one gets one line. */
function mmioAdd(out: VirtioTransport[], base: u64, size: u32, irq: i32): void {
  let v = virtioMmioVersion(base);
  if (v == 0) return;
  if (v == VIRTIO_MMIO_VERSION_MODERN) {
    let t = new VirtioMmio(base, size, irq);
    if (virtioDriverOf(t.deviceId) !== null) out.push(t);
    return;
  }
  print("virtio-mmio: device at ");
  printHex(base);
  if (v == VIRTIO_MMIO_VERSION_LEGACY) {
    print(" is legacy (version 1) and not supported: start QEMU with -global virtio-mmio.force-legacy=false");
  } else {
    print(" has unknown version ");
    printHex(<u64>v);
  }
  putCodePoint(0x0a);
}

/** A parsed `<size>@<base>[:<irq>]` (Linux's virtio_mmio.device syntax; size may end in K). */
export class VirtioMmioSpec {
  size: u32 = 0;
  base: u64 = 0;
  irq: i32 = -1;
}

/** Parses `<size>@<base>[:<irq>]`; null when malformed (numbers decimal or 0x-hex, size > 0, size ≤ 1 MiB, the window below 4 GiB). */
export function virtioMmioSpecParse(s: string): VirtioMmioSpec | null {
  let at = s.indexOf("@");
  if (at <= 0) return null;
  let colon = s.indexOf(":", at);
  let sizeStr = s.substring(0, at);
  let mul: u64 = 1;
  if (sizeStr.endsWith("K") || sizeStr.endsWith("k")) { mul = 1024; sizeStr = sizeStr.substring(0, sizeStr.length - 1); }
  let size = parseNum(sizeStr) * mul;
  let base = parseNum(colon < 0 ? s.substring(at + 1) : s.substring(at + 1, colon));
  let irq: i64 = colon < 0 ? -1 : <i64>parseNum(s.substring(colon + 1));
  if (size == 0 || size == BAD || size > 0x100000 || base == 0 || base == BAD) return null;
  if (base + size > 0x100000000 || (colon >= 0 && (irq < 0 || irq > 255))) return null;
  let r = new VirtioMmioSpec();
  r.size = <u32>size;
  r.base = base;
  r.irq = <i32>irq;
  return r;
}

const BAD: u64 = 0xffffffffffffffff;

/** A decimal or 0x-hex number; BAD when malformed or too large. */
function parseNum(s: string): u64 {
  let hex = s.startsWith("0x") || s.startsWith("0X");
  let i = hex ? 2 : 0;
  if (i >= s.length) return BAD;
  let v: u64 = 0;
  for (; i < s.length; i++) {
    let c = <u32>s.charCodeAt(i);
    let d: u32;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (hex && c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (hex && c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return BAD;
    let next = v * (hex ? 16 : 10) + <u64>d;
    if (next < v || v > 0x0fffffffffffffff) return BAD;
    v = next;
  }
  return v;
}
