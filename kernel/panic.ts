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
 * Apps' codes are 0..126 too (docs/guide.md): the error line says which.
 */
export const BOOT_FAIL_CODE: i32 = 0x7e;

/**
 * Prints the AssemblyScript string at address `p` (0: "(null)"), char by char.
 * Takes an address, not a string: the abort path must hold no managed value
 * across a call, or asc gives it a shadow-stack frame whose overflow check
 * calls abort again (a shadow-stack overflow would then recurse in here).
 */
function printAt(p: usize): void {
  if (p == 0) print("(null)");
  else printUtf16(p, <i32>(load<u32>(p - 4) >>> 1)); // rtSize (bytes) precedes the data
}

/** Flushes the console and powers off with `code`. Never returns. */
export function exit(code: i32): void {
  consoleFlush();
  poweroff(code);
  unreachable();
}

/** An invariant broke: prints `panic: <msg>` and powers off with PANIC_CODE. Never returns. */
export function panic(msg: string): void {
  let m = changetype<usize>(msg);
  print("panic: ");
  printAt(m);
  putCodePoint(0x0a);
  exit(PANIC_CODE);
}

/**
 * The runtime's abort (asc `--use abort=kernel/panic/kernelAbort`): called by
 * assert, throw and the runtime's own checks. Prints
 * `panic: abort: <msg> at <file>:<line>:<col>` and powers off. Never returns.
 * Uses no shadow-stack frame (see printAt): AssemblyScript's own "stack
 * overflow" abort lands here and prints its line.
 */
export function kernelAbort(
  message: string | null = null,
  fileName: string | null = null,
  lineNumber: u32 = 0,
  columnNumber: u32 = 0
): void {
  let m = changetype<usize>(message);
  let f = changetype<usize>(fileName);
  print("panic: abort: ");
  printAt(m);
  print(" at ");
  printAt(f);
  putCodePoint(0x3a);
  printU64(lineNumber);
  putCodePoint(0x3a);
  printU64(columnNumber);
  putCodePoint(0x0a);
  exit(PANIC_CODE);
}
