// test/drivers/as/entry.ts — exports drivers/pci to test/drivers/pci.test.ts,
// which runs it against a JS model of PCI configuration space. (virtio and
// virtio-9p run against QEMU's real devices in test/9p/qemu.test.ts.)
import { PciDevice, pciRescan, pciBar, pciBarBelow4G, PciBar } from "../../../drivers/pci/index";
import "../../../kernel/panic";

export function alloc(n: usize): usize { return heap.alloc(n); }

let devs: PciDevice[] = [];
export function scan(): i32 { devs = pciRescan(); return devs.length; }
export function devBus(i: i32): u32 { return devs[i].bus; }
export function devSlot(i: i32): u32 { return devs[i].dev; }
export function devFn(i: i32): u32 { return devs[i].fn; }
export function devVendor(i: i32): u16 { return devs[i].vendor; }
export function devDevice(i: i32): u16 { return devs[i].device; }
export function devClass(i: i32): u32 { let d = devs[i]; return (<u32>d.classCode << 16) | (<u32>d.subclass << 8) | d.progIf; }
export function devFindCap(i: i32, id: u8, after: u32): u32 { return devs[i].findCap(id, after); }

let bar: PciBar | null = null;
export function barProbe(i: i32, n: i32): u8 { let b = pciBar(devs[i], n); bar = b; return b.kind; }
export function barLow(i: i32, n: i32): i32 { let b = pciBarBelow4G(devs[i], n); bar = b; return b === null ? 0 : 1; }
export function barBase(): u64 { return changetype<PciBar>(bar).base; }
export function barSize(): u64 { return changetype<PciBar>(bar).size; }
export function barPrefetch(): bool { return changetype<PciBar>(bar).prefetch; }

