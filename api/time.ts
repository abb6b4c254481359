// api/time.ts — clocks: the wall clock (RTC read on first use, advanced by
// the TSC; `Date.now()` gives the same), and the monotonic TSC clock.
import { uptimeUs } from "../kernel/time";
import { wallClockMs } from "../kernel/rtc";

/** Milliseconds since the Unix epoch (Node: Date.now()); 0 when the machine has no RTC. */
export function now(): i64 { return wallClockMs(); }
/** Monotonic nanoseconds since boot (Node: process.hrtime.bigint()), microsecond resolution. */
export function hrtime(): u64 { return uptimeUs() * 1000; }
/** Seconds since boot as a float (Node: process.uptime()). */
export function uptime(): f64 { return <f64>uptimeUs() / 1e6; }
