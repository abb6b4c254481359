// kernel/rtc.ts — wall-clock time from the CMOS real-time clock (MC146818,
// as on the IBM PC/AT; QEMU's `pc` has it, `microvm` with `rtc=on`).
//
// Registers through ports 0x70 (index) / 0x71 (data): 0x00 seconds, 0x02
// minutes, 0x04 hours, 0x07 day, 0x08 month, 0x09 year (two digits), 0x32
// century; status A bit 7 = update in progress; status B bit 2 = binary (else
// BCD), bit 1 = 24-hour (else 12-hour with bit 7 of the hour = PM).
// The clock is read once, on the first call (its ~µs of port I/O is not paid
// by apps that never ask), then advanced with the TSC: wallClockMs() is the
// RTC's second plus the TSC time since that read. Without an RTC (all
// registers read 0xff) it returns 0 (1970-01-01), which apps can tell apart.
import { inb, outb } from "./hw";
import { uptimeUs } from "./time";

const CMOS_INDEX: u16 = 0x70;
const CMOS_DATA: u16 = 0x71;
const NMI_OFF: u8 = 0x80; // keep NMIs masked while the index is set
const SPIN_LIMIT: i32 = 1 << 20;

let baseMs: i64 = -1;
let baseUs: u64 = 0;

function cmos(reg: u8): u32 {
  outb(CMOS_INDEX, NMI_OFF | reg);
  return <u32>inb(CMOS_DATA);
}

/** Register value number `i` of a snapshot, converted from BCD unless `binary`. */
function field(snap: u64, i: i32, binary: bool): u32 {
  let v = <u32>((snap >> (<u64>i * 8)) & 0xff);
  return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

/** Days from 1970-01-01 to year-month-day (proleptic Gregorian, month 1..12). */
export function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  let y = <i64>(month <= 2 ? year - 1 : year);
  let era = (y >= 0 ? y : y - 399) / 400;
  let yoe = y - era * 400;
  let m = <i64>month;
  let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + <i64>day - 1;
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/** Reads the six time registers into one packed value (for the read-twice check). */
function snapshot(): u64 {
  return <u64>cmos(0x00) | (<u64>cmos(0x02) << 8) | (<u64>cmos(0x04) << 16)
    | (<u64>cmos(0x07) << 24) | (<u64>cmos(0x08) << 32) | (<u64>cmos(0x09) << 40) | (<u64>cmos(0x32) << 48);
}

/** The RTC now as milliseconds since the Unix epoch (second resolution), 0 without an RTC. */
export function rtcReadMs(): i64 {
  let n = 0;
  while ((cmos(0x0a) & 0x80) != 0 && ++n < SPIN_LIMIT) {} // wait out an update in progress
  let a = snapshot();
  let b = snapshot();
  for (let k = 0; a != b && k < 8; k++) { a = b; b = snapshot(); }
  if ((a & 0xffffffffffff) == 0xffffffffffff) return 0; // no RTC answering
  let status = cmos(0x0b);
  let binary = (status & 0x04) != 0;
  let h24 = (status & 0x02) != 0;
  let pm = !h24 && ((a >> 16) & 0x80) != 0;
  a &= ~(<u64>0x80 << 16); // the PM bit is not part of the hour
  let sec = field(a, 0, binary), min = field(a, 1, binary), hour = field(a, 2, binary);
  let day = field(a, 3, binary), month = field(a, 4, binary), yy = field(a, 5, binary);
  let century = field(a, 6, binary);
  if (!h24) hour = (hour % 12) + (pm ? 12 : 0);
  let year = <i32>(century >= 19 && century <= 99 ? century * 100 + yy : 2000 + yy);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return 0;
  let days = daysFromCivil(year, <i32>month, <i32>day);
  return ((days * 24 + <i64>hour) * 60 + <i64>min) * 60000 + <i64>sec * 1000;
}

/** Milliseconds since the Unix epoch: the RTC (read on first use) advanced by the TSC. */
export function wallClockMs(): i64 {
  if (baseMs < 0) {
    baseMs = rtcReadMs();
    baseUs = uptimeUs();
  }
  return baseMs + <i64>((uptimeUs() - baseUs) / 1000);
}
