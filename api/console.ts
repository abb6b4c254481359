// api/console.ts — the serial console (COM1) as the app's stdout and stderr.
// Both go to the same line; QEMU's -nographic / `asuk run` shows it.
import { print, println } from "../kernel/console";

/** Prints `s` and a newline (Node: console.log). */
export function log(s: string): void { println(s); }
/** Same line as log (one console); kept apart so apps read like Node (console.error). */
export function error(s: string): void { println(s); }
/** Prints `s` without a newline (Node: process.stdout.write). */
export function write(s: string): void { print(s); }
