// kernel/vfs/hooks.ts — what the VFS and filesystems need from the rest of
// the kernel, as replaceable functions: the wall clock (for mtime) and the
// sink of warning/error lines. Tests under Node replace both.

import { println } from "../console";

function zeroClock(): i64 { return 0; }
function consoleLine(s: string): void { println(s); }

let clockFn: () => i64 = zeroClock;
let logFn: (s: string) => void = consoleLine;

/** Installs the wall clock: seconds since the Unix epoch. Default: always 0. */
export function vfsSetClock(fn: () => i64): void { clockFn = fn; }
/** Seconds since the Unix epoch, as the installed clock says. */
export function vfsNow(): i64 { return clockFn(); }

/** Installs the sink for one-line messages (default: the serial console). */
export function vfsSetLog(fn: (s: string) => void): void { logFn = fn; }
/** Prints one warning or error line (no trailing newline in `s`). */
export function vfsLog(s: string): void { logFn(s); }
