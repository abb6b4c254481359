// kernel/panic.ts — panic, abort and exit: the three ways out of the kernel.
//
// None of these allocate: they may run when the heap is the thing that broke.
// The panic exit code is 0x7f (QEMU isa-debug-exit status (0x7f << 1) | 1 = 255).
import { poweroff } from "./hw";
import { consoleFlush, print, printUtf16, printU64, putCodePoint } from "./console";

/** Exit code of every panic (boot stub uses the same for CPU exceptions and traps). */
export const PANIC_CODE: i32 = 0x7f;
/**
 * Exit code when the boot cannot go on because of its input (the root
 * filesystem cannot be loaded, the command line cannot be parsed): not a
 * kernel bug, so not a panic; QEMU isa-debug-exit status (0x7e << 1) | 1 = 253.
 */
export const BOOT_FAIL_CODE: i32 = 0x7e;

/** Prints a string that may be null, char by char (no allocation). */
function printMaybe(s: string | null): void {
  if (s === null) print("(null)");
  else printUtf16(changetype<usize>(s), s.length);
}

/** Flushes the console and powers off with `code`. Never returns. */
export function exit(code: i32): void {
  consoleFlush();
  poweroff(code);
  unreachable();
}

/** An invariant broke: prints `panic: <msg>` and powers off with PANIC_CODE. Never returns. */
export function panic(msg: string): void {
  print("panic: ");
  printMaybe(msg);
  putCodePoint(0x0a);
  exit(PANIC_CODE);
}

/**
 * The runtime's abort (asc `--use abort=kernel/panic/kernelAbort`): called by
 * assert, throw and the runtime's own checks. Prints
 * `panic: abort: <msg> at <file>:<line>:<col>` and powers off. Never returns.
 */
export function kernelAbort(
  message: string | null = null,
  fileName: string | null = null,
  lineNumber: u32 = 0,
  columnNumber: u32 = 0
): void {
  print("panic: abort: ");
  printMaybe(message);
  print(" at ");
  printMaybe(fileName);
  putCodePoint(0x3a);
  printU64(lineNumber);
  putCodePoint(0x3a);
  printU64(columnNumber);
  putCodePoint(0x0a);
  exit(PANIC_CODE);
}
