// kernel/irq.ts — interrupts, only ever to wake an idle CPU.
//
// The kernel runs with IF clear. Every vector from 32 up lands in the boot
// stub's `irq_stub` (boot/idt.ts), which writes the local APIC's EOI and
// returns; nothing runs in interrupt context. An idle caller does
// irqWait(deadline): arm the local APIC timer for the deadline, `sti; hlt`
// (hw.stihlt: atomic thanks to STI's interrupt shadow), `cli`, and return
// to poll its devices. A device interrupt or the timer ends the halt, so an
// idle guest costs its host nothing between events.
//
//   8259 PICs     remapped to 0x20..0x2f and fully masked (SeaBIOS leaves
//                 them at 0x08: IRQ0 would look like #DF)
//   local APIC    xAPIC MMIO at its reset base (Intel SDM vol. 3A §11.4.1):
//                 software-enabled through the SVR (§11.4.3), timer one-shot
//                 at IRQ_VEC_TIMER (§11.5.4), calibrated against the TSC
//   MSI / MSI-X   irqMsiAddress/irqMsiData: the message a device writes to
//                 raise a vector on this CPU (§11.11.1, §11.11.2)
//   I/O APIC      irqIoapicRoute: one GSI, edge-triggered, to a vector
//                 (82093AA datasheet §3.2.4: IOREGSEL/IOWIN, redirection table)
//
// Callers: network drivers (drivers/virtio-net) install irqWait with
// kernel/netdev's netdevSetWaiter.
import { inb, mmioRead32, mmioWrite32, outb, cli, stihlt } from "./hw";
import { tscKhz, uptimeUs } from "./time";

/** Vector a network device's MSI-X / IOAPIC line raises. */
export const IRQ_VEC_NET: u8 = 0x40;
/** Vector of the local APIC timer (deadlines). */
export const IRQ_VEC_TIMER: u8 = 0x41;
/** Spurious-interrupt vector (low 4 bits all ones, as P6-era APICs require). */
const IRQ_VEC_SPURIOUS: u32 = 0xff;
/** No deadline: sleep until an interrupt. */
export const IRQ_NO_DEADLINE: u64 = u64.MAX_VALUE;

const LAPIC_BASE: u64 = 0xfee00000;
const LAPIC_ID: u64 = 0x020;
const LAPIC_SVR: u64 = 0x0f0;
const LAPIC_LVT_TIMER: u64 = 0x320;
const LAPIC_TIMER_INIT: u64 = 0x380;
const LAPIC_TIMER_CUR: u64 = 0x390;
const LAPIC_TIMER_DIV: u64 = 0x3e0;
const LAPIC_SVR_ENABLE: u32 = 0x100;
const LVT_MASKED: u32 = 1 << 16;
const TIMER_DIV_16: u32 = 0x3;
const IOAPIC_BASE: u64 = 0xfec00000;
/** QEMU microvm's second I/O APIC (ioapic2): GSIs 24..47. */
const IOAPIC2_BASE: u64 = 0xfec10000;
const IOAPIC_PINS: u32 = 24;

let ready = false;
/** Local APIC timer ticks per millisecond (divide by 16). */
let timerPerMs: u64 = 0;
/** Without device interrupts, a halt lasts at most this long (then the caller polls). */
let pollCapUs: u64 = 0;
/** How many times irqWait halted (tests, diagnostics). */
let halts: u64 = 0;

@inline function lapicRead(reg: u64): u32 { return mmioRead32(LAPIC_BASE + reg); }
@inline function lapicWrite(reg: u64, v: u32): void { mmioWrite32(LAPIC_BASE + reg, v); }

/** Remaps both 8259s to 0x20..0x2f (ICW1..ICW4) and masks every line. */
function picDisable(): void {
  outb(0x20, 0x11); outb(0xa0, 0x11);
  outb(0x21, 0x20); outb(0xa1, 0x28);
  outb(0x21, 0x04); outb(0xa1, 0x02);
  outb(0x21, 0x01); outb(0xa1, 0x01);
  outb(0x21, 0xff); outb(0xa1, 0xff);
  inb(0x21);
}

/** Measures the APIC timer against the TSC over about 2 ms. */
function calibrateTimer(): void {
  lapicWrite(LAPIC_TIMER_DIV, TIMER_DIV_16);
  lapicWrite(LAPIC_LVT_TIMER, LVT_MASKED | <u32>IRQ_VEC_TIMER);
  tscKhz(); // calibrate the TSC first: uptimeUs reads the TSC before it would
  let t0 = uptimeUs();
  lapicWrite(LAPIC_TIMER_INIT, 0xffffffff);
  let t1 = t0;
  while (t1 - t0 < 2000) t1 = uptimeUs();
  let cur = lapicRead(LAPIC_TIMER_CUR);
  lapicWrite(LAPIC_TIMER_INIT, 0);
  let ticks = <u64>(0xffffffff - cur);
  timerPerMs = ticks * 1000 / (t1 - t0);
  if (timerPerMs == 0) timerPerMs = 1;
}

/**
 * Sets up the PICs (masked), the local APIC and its timer. Idempotent.
 * Call before a device is told to raise a vector.
 */
export function irqInit(): void {
  if (ready) return;
  cli();
  picDisable();
  lapicWrite(LAPIC_SVR, LAPIC_SVR_ENABLE | IRQ_VEC_SPURIOUS);
  calibrateTimer();
  lapicWrite(LAPIC_LVT_TIMER, <u32>IRQ_VEC_TIMER); // one-shot, unmasked
  ready = true;
}

/** This CPU's local APIC ID (the MSI / IOAPIC destination). */
export function irqApicId(): u32 { return lapicRead(LAPIC_ID) >> 24; }

/** The MSI address that targets this CPU (fixed delivery, physical destination). */
export function irqMsiAddress(): u64 { return LAPIC_BASE | (<u64>irqApicId() << 12); }
/** The MSI data word for `vector` (edge, fixed delivery). */
export function irqMsiData(vector: u8): u32 { return <u32>vector; }

/** Whether a second I/O APIC answers at 0xfec10000 (its version register reads as something real). */
export function irqHasIoapic2(): bool {
  mmioWrite32(IOAPIC2_BASE, 1);
  let v = mmioRead32(IOAPIC2_BASE + 0x10);
  return v != 0xffffffff && v != 0 && (v & 0xff) >= 0x10;
}

/**
 * Routes GSI `gsi` (0..23 on the first I/O APIC, 24..47 on microvm's second)
 * to `vector` on this CPU, edge-triggered, active high, unmasked. Returns
 * false for a GSI no I/O APIC here has.
 */
export function irqIoapicRoute(gsi: u32, vector: u8): bool {
  let base = IOAPIC_BASE;
  if (gsi >= IOAPIC_PINS) {
    if (gsi >= 2 * IOAPIC_PINS || !irqHasIoapic2()) return false;
    base = IOAPIC2_BASE;
    gsi -= IOAPIC_PINS;
  }
  let reg = 0x10 + 2 * gsi;
  mmioWrite32(base, reg + 1);
  mmioWrite32(base + 0x10, irqApicId() << 24);
  mmioWrite32(base, reg);
  mmioWrite32(base + 0x10, <u32>vector);
  return true;
}

/**
 * Devices cannot interrupt (no MSI-X, no route): every halt is capped at
 * `us` microseconds, so the caller still polls, just not in a busy loop.
 */
export function irqSetPollCap(us: u64): void { pollCapUs = us; }

/**
 * Halts until an interrupt or `deadlineUs` (uptimeUs clock; IRQ_NO_DEADLINE:
 * none). Returns early on any interrupt: callers loop and poll.
 */
export function irqWait(deadlineUs: u64): void {
  if (!ready) irqInit();
  let now = uptimeUs();
  if (pollCapUs != 0 && (deadlineUs == IRQ_NO_DEADLINE || deadlineUs - now > pollCapUs)) deadlineUs = now + pollCapUs;
  if (deadlineUs != IRQ_NO_DEADLINE) {
    if (deadlineUs <= now) return;
    let ticks = (deadlineUs - now) * timerPerMs / 1000;
    if (ticks == 0) ticks = 1;
    if (ticks > 0xffffffff) ticks = 0xffffffff;
    lapicWrite(LAPIC_TIMER_INIT, <u32>ticks);
  }
  halts++;
  stihlt();
  cli();
  if (deadlineUs != IRQ_NO_DEADLINE) lapicWrite(LAPIC_TIMER_INIT, 0);
}

/** How many times irqWait has halted the CPU. */
export function irqHalts(): u64 { return halts; }
/** The calibrated APIC timer rate (ticks per ms, divide by 16). */
export function irqTimerPerMs(): u64 { return timerPerMs; }
