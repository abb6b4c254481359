// kernel/time.ts — the TSC as the kernel's clock.
//
// tsc0 is the TSC the boot stub read with its very first instruction; the
// kernel marks the TSC again just before the app's main. The TSC frequency is
// calibrated lazily (the first time anyone needs microseconds), so an app that
// never asks does not pay for calibration in its boot time. Where the machine
// says the frequency, no loop runs:
//   1. a hypervisor's timing leaf: CPUID 0x40000010 EAX = TSC kHz (the
//      VMware/KVM convention QEMU offers with vmware-cpuid-freq under KVM);
//      or CPUID 0x15 (TSC/crystal ratio × crystal Hz; Intel SDM vol. 2A).
//      QEMU 7.2's TCG offers neither (checked: max leaf 0xd, hypervisor leaves
//      "TCGTCGTCGTCG" up to 0x40000001 only), so under TCG:
//   2. PIT channel 0 in mode 0, its count read back with the Counter Latch
//      command (8254 datasheet, "Read Operations"), the TSC read across >= 2 ms
//      of PIT ticks (2386: the count is exact); each end is the tightest of
//      three (TSC, count) samples, so a preempted QEMU vCPU (TCG on a busy
//      host) does not skew it. Works on pc and microvm (which has no port 0x61);
//   2b. else PIT channel 2 one-shot (mode 0; gate and OUT via port 0x61 as on
//      the IBM PC/AT): the TSC across 2 ms until OUT rises;
//   3. else CPUID 0x16 (base MHz, which is the TSC rate on the CPUs that have it);
//   4. else assume 1 GHz (tscSource() says "guess").
//
// Boot marks: the TSC at stub entry (tsc0), at kernelMain, after memInit, after
// the command line and at main; timeReport() prints the steps as a diagnostic.
import { cpuid, inb, outb, rdtsc } from "./hw";
import { diagLine, diagPrint, diagU64 } from "./console";

const PIT_HZ: u64 = 1193182;
const CAL_MS: u64 = 2;
const PIT_CH0: u16 = 0x40;
const PIT_CH2: u16 = 0x42;
const PIT_CH0_LOHI_MODE0: u8 = 0x30; // channel 0, lobyte/hibyte, mode 0, binary
const PIT_CH0_LATCH: u8 = 0x00; // counter latch command for channel 0
const PIT_CMD: u16 = 0x43;
const PORT_B: u16 = 0x61; // bit 0: ch2 gate, bit 1: speaker, bit 5: ch2 OUT
const PIT_CH2_LOHI_MODE0: u8 = 0xb0; // channel 2, lobyte/hibyte, mode 0, binary
const PIT_SPIN_LIMIT: i32 = 1 << 24;
/** Samples taken at each end of a PIT channel 0 measurement (the tightest wins). */
const SAMPLE_TRIES: i32 = 3;
/** Give up waiting for CAL_MS of PIT after this many TSC ticks (50 ms even at 10 GHz). */
const TSC_WAIT_LIMIT: u64 = 500_000_000;
/** A PIT whose count has not moved after this many TSC ticks (1 ms at 10 GHz) is absent. */
const TSC_STILL_LIMIT: u64 = 10_000_000;

export const TSC_NONE: i32 = 0;
export const TSC_PIT: i32 = 1;
export const TSC_CPUID15: i32 = 2;
export const TSC_CPUID16: i32 = 3;
export const TSC_GUESS: i32 = 4;
export const TSC_PIT_CH0: i32 = 5;
export const TSC_HYPERVISOR: i32 = 6;

/** Boot marks (timeMark): kernelMain entered, memory ready, command line parsed. */
export const MARK_KERNEL: i32 = 0;
export const MARK_MEMORY: i32 = 1;
export const MARK_CMDLINE: i32 = 2;
const marks = memory.data(3 * 8);

let tscBoot: u64 = 0;
let tscMain: u64 = 0;
let tscKhzValue: u64 = 0;
let tscFrom: i32 = TSC_NONE;
const cpuidBuf = memory.data(16);

/** Records the TSC at stub entry (kernelMain's tsc0). */
export function timeBoot(tsc0: u64): void { tscBoot = tsc0; }
/** Records the TSC at boot step `m` (MARK_*). */
export function timeMark(m: i32): void { store<u64>(marks + (<usize>m << 3), rdtsc()); }
/** Records the TSC just before the app's main. */
export function timeMarkMain(): void { tscMain = rdtsc(); }

/** Calibrates against the PIT; returns kHz, or 0 when there is no working PIT. */
export function tscCalibratePit(): u64 {
  let saved = inb(PORT_B);
  outb(PORT_B, (saved & 0xfc) | 0x01); // gate on, speaker off
  outb(PIT_CMD, PIT_CH2_LOHI_MODE0); // OUT goes low until the count expires
  let latch = PIT_HZ * CAL_MS / 1000;
  outb(PIT_CH2, <u8>(latch & 0xff));
  outb(PIT_CH2, <u8>(latch >> 8));
  if ((inb(PORT_B) & 0x20) != 0) { outb(PORT_B, saved); return 0; } // OUT stuck high: no PIT
  let t0 = rdtsc();
  let n = 0;
  while ((inb(PORT_B) & 0x20) == 0) {
    if (++n > PIT_SPIN_LIMIT || rdtsc() - t0 > TSC_WAIT_LIMIT) { outb(PORT_B, saved); return 0; }
  }
  let t1 = rdtsc();
  outb(PORT_B, saved);
  return t1 > t0 ? (t1 - t0) / CAL_MS : 0;
}

/** Reads PIT channel 0's current count (latched, low byte then high byte). */
function pitCh0Count(): u32 {
  outb(PIT_CMD, PIT_CH0_LATCH);
  let lo = <u32>inb(PIT_CH0);
  return lo | (<u32>inb(PIT_CH0) << 8);
}

// One (TSC, PIT count) sample: the TSC read just before and after latching and
// reading the count; the width tells whether the host preempted us in between.
let sampleTsc: u64 = 0;
let sampleCount: u32 = 0;

/** Takes SAMPLE_TRIES samples and keeps the tightest (a preempted one is wide). */
function pitCh0Sample(): void {
  let best: u64 = U64.MAX_VALUE;
  for (let i = 0; i < SAMPLE_TRIES; i++) {
    let a = rdtsc();
    let c = pitCh0Count();
    let b = rdtsc();
    if (b - a < best) { best = b - a; sampleTsc = a + ((b - a) >> 1); sampleCount = c; }
  }
}

/**
 * Calibrates against PIT channel 0 read back by latching (no port 0x61 needed).
 * Start and end are each the tightest of a few (TSC, count) samples, so a host
 * that preempts QEMU mid-measurement (TCG on a loaded machine) does not skew
 * it. Returns kHz, or 0 when the count does not move like a PIT's.
 */
export function tscCalibratePitCh0(): u64 {
  outb(PIT_CMD, PIT_CH0_LOHI_MODE0);
  outb(PIT_CH0, 0xff);
  outb(PIT_CH0, 0xff); // count down from 65535 (~55 ms), then wrap (mode 0)
  let want = <u32>(PIT_HZ * CAL_MS / 1000);
  pitCh0Sample();
  let c0 = sampleCount;
  let t0 = sampleTsc;
  let c = c0;
  let n = 0;
  while (c <= c0 && c0 - c < want) {
    let dt = rdtsc() - t0;
    if (++n > PIT_SPIN_LIMIT || dt > TSC_WAIT_LIMIT || (c == c0 && dt > TSC_STILL_LIMIT)) return 0;
    c = pitCh0Count();
  }
  pitCh0Sample();
  c = sampleCount;
  let t1 = sampleTsc;
  if (c > c0 || t1 <= t0) return 0; // count went up: not a PIT counting down (or it wrapped)
  return (t1 - t0) * PIT_HZ / (<u64>(c0 - c) * 1000);
}

/** The TSC frequency the machine states (CPUID 0x40000010, then 0x15); kHz, 0 when it does not; sets tscFrom. */
function tscStated(): u64 {
  cpuid(1, 0, cpuidBuf);
  if ((load<u32>(cpuidBuf, 8) & (1 << 31)) != 0) { // ECX bit 31: running under a hypervisor
    cpuid(0x40000000, 0, cpuidBuf);
    if (load<u32>(cpuidBuf) >= 0x40000010) {
      cpuid(0x40000010, 0, cpuidBuf);
      let khz = <u64>load<u32>(cpuidBuf);
      if (khz != 0) { tscFrom = TSC_HYPERVISOR; return khz; }
    }
  }
  cpuid(0, 0, cpuidBuf);
  let maxLeaf = load<u32>(cpuidBuf);
  if (maxLeaf >= 0x15) {
    cpuid(0x15, 0, cpuidBuf);
    let den = <u64>load<u32>(cpuidBuf, 0);
    let num = <u64>load<u32>(cpuidBuf, 4);
    let hz = <u64>load<u32>(cpuidBuf, 8);
    if (den != 0 && num != 0 && hz != 0) { tscFrom = TSC_CPUID15; return hz * num / den / 1000; }
  }
  return 0;
}

/** CPUID 0x16's base frequency as kHz (0: none); sets tscFrom. */
function tscFromBaseMhz(): u64 {
  cpuid(0, 0, cpuidBuf);
  if (load<u32>(cpuidBuf) >= 0x16) {
    cpuid(0x16, 0, cpuidBuf);
    let mhz = <u64>(load<u32>(cpuidBuf) & 0xffff);
    if (mhz != 0) { tscFrom = TSC_CPUID16; return mhz * 1000; }
  }
  return 0;
}

/** TSC frequency in kHz, calibrated on first use. */
export function tscKhz(): u64 {
  if (tscKhzValue != 0) return tscKhzValue;
  let khz = tscStated();
  if (khz == 0) { khz = tscCalibratePitCh0(); if (khz != 0) tscFrom = TSC_PIT_CH0; }
  if (khz == 0) { khz = tscCalibratePit(); if (khz != 0) tscFrom = TSC_PIT; }
  if (khz == 0) khz = tscFromBaseMhz();
  if (khz == 0) { khz = 1000000; tscFrom = TSC_GUESS; }
  tscKhzValue = khz;
  return khz;
}

/** TSC frequency in MHz (rounded down). */
export function tscMhz(): u64 { return tscKhz() / 1000; }
/** How the frequency was found: TSC_HYPERVISOR, TSC_CPUID15, TSC_PIT, TSC_PIT_CH0, TSC_CPUID16, TSC_GUESS (TSC_NONE: not yet). */
export function tscSource(): i32 { return tscFrom; }
/** Converts TSC ticks to microseconds. */
export function tscToUs(ticks: u64): u64 { return ticks * 1000 / tscKhz(); }
/** Microseconds from the boot stub's first instruction to the app's main. */
export function bootTimeUs(): u64 { return tscMain > tscBoot ? tscToUs(tscMain - tscBoot) : 0; }
/** Microseconds since the boot stub's first instruction. */
export function uptimeUs(): u64 { return tscToUs(rdtsc() - tscBoot); }

/** Microseconds between two TSC readings (0 when either is missing or they are out of order). */
function spanUs(a: u64, b: u64): u64 { return a != 0 && b > a ? tscToUs(b - a) : 0; }

/**
 * The boot steps as one diagnostic line (calibrates the TSC: call it only
 * when diagnostics are on): stub entry -> kernelMain -> memory -> command line
 * -> boot-time mounts -> main, in microseconds. Allocation-free, so it adds
 * no string code to an image.
 */
export function timeReport(): void {
  let k = load<u64>(marks), m = load<u64>(marks, 8), c = load<u64>(marks, 16);
  diagPrint("boot: stub ");
  diagU64(spanUs(tscBoot, k));
  diagPrint(" us, memory ");
  diagU64(spanUs(k, m));
  diagPrint(" us, cmdline ");
  diagU64(spanUs(m, c));
  diagPrint(" us, mounts ");
  diagU64(spanUs(c, tscMain));
  diagPrint(" us; stub entry to main ");
  diagU64(spanUs(tscBoot, tscMain));
  diagPrint(" us (tsc ");
  diagU64(tscMhz());
  diagPrint(" MHz, ");
  diagPrint(tscSourceName());
  diagLine(")");
}

/** tscSource() as a word for messages. */
export function tscSourceName(): string {
  let f = tscFrom;
  if (f == TSC_HYPERVISOR) return "cpuid 0x40000010";
  if (f == TSC_CPUID15) return "cpuid 0x15";
  if (f == TSC_PIT) return "pit ch2";
  if (f == TSC_PIT_CH0) return "pit ch0";
  if (f == TSC_CPUID16) return "cpuid 0x16";
  return f == TSC_GUESS ? "guess" : "none";
}
