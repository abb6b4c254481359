// kernel/main.ts — kernelMain: boot order from the stub's call to the app's main.
//
//   consoleInit                 COM1 ready, so every later failure can print
//   mbInit                      latch the multiboot block (no allocation)
//   memInit                     TLSF in the early heap, E, RAM top, hw.memLayout
//   cmdline                     decode + split (first allocations past memInit); an
//                               unclosed quote or list: one error line, exit BOOT_FAIL_CODE;
//                               `asuk.verbose=1` turns the diagnostics channel on (console.ts)
//   mount(imageEnd, options)    images that use files: fstab / default mounts, /tmp (kernel/rootfs);
//                               others pass null and carry no VFS (dead code is the configuration)
//   timeMarkMain -> main(args)  returns the app's exit code to the stub (console flushed);
//                               between the two: with diagnostics on, the boot steps
//                               (time.ts timeReport), and report (`mount: N us`, VFS clock)
import { utf8Decode } from "./utf8";
import { consoleFlush, consoleInit, diagEnable, diagEnabled, print, printHex, putCodePoint } from "./console";
import { cstrLen, mbCmdline, mbInit } from "./multiboot";
import { memInit } from "./memory";
import { Cmdline, cmdlineOption, cmdlineParse } from "./cmdline";
import { MARK_CMDLINE, MARK_KERNEL, MARK_MEMORY, timeBoot, timeMark, timeMarkMain, timeReport } from "./time";
import { BOOT_FAIL_CODE, exit, PANIC_CODE } from "./panic";

let cmdline: Cmdline | null = null;
let argv: string[] = [];

/** A boot step an image links in before its app: kernel/rootfs's rootfsMount for images that use files. */
export type MountStep = (imageEnd: usize, options: string[]) => void;
/** Runs after the boot-time mark (its own TSC calibration is not boot time): kernel/rootfs's rootfsReport. */
export type ReportStep = () => void;

/**
 * The stub's entry into the kernel (see the generated build/<image>/entry.ts).
 * `mount`/`report` are null for images without files. Returns the exit code.
 */
export function kernelMain(magic: u32, mbi: u32, tsc0: u64, imageEnd: u32, main: (args: string[]) => i32,
                           mount: MountStep | null = null, report: ReportStep | null = null): i32 {
  timeMark(MARK_KERNEL);
  consoleInit();
  timeBoot(tsc0);
  if (!mbInit(magic, <usize>mbi)) {
    print("panic: kernelMain: not booted by a Multiboot v1 loader (eax=");
    printHex(magic, 8);
    print(")");
    putCodePoint(0x0a);
    exit(PANIC_CODE);
  }
  let rc = memInit(<usize>imageEnd);
  if (rc < 0) {
    print(rc == -1 ? "panic: memInit: the boot loader gave no memory map"
                   : "panic: memInit: RAM ends below the boot modules (give QEMU more -m)");
    putCodePoint(0x0a);
    exit(PANIC_CODE);
  }
  timeMark(MARK_MEMORY);
  cmdlineInit();
  timeMark(MARK_CMDLINE);
  if (mount) mount(<usize>imageEnd, kernelOptions()); // the file tree before the app
  timeMarkMain();
  if (diagEnabled()) timeReport(); // after the mark: its TSC calibration is not boot time
  if (report) report();
  let code = main(argv);
  consoleFlush(); // the stub powers off next: let the UART drain first
  return code;
}

/** Decodes and splits the multiboot command line; fills argv. */
function cmdlineInit(): void {
  let p = mbCmdline();
  let s = p != 0 ? utf8Decode(p, cstrLen(p)) : "";
  let c = cmdlineParse(s);
  if (c.error.length > 0) {
    print("cmdline: error: ");
    print(c.error);
    print(" of the kernel command line: boot stopped");
    putCodePoint(0x0a);
    exit(BOOT_FAIL_CODE);
  }
  cmdline = c;
  argv = c.args;
  diagEnable(c.options.includes("asuk.verbose=1")); // no string building on every boot
}

/**
 * The app's arguments: the words after `--` (quotes removed), WITHOUT a
 * program name — like Java's `main(String[] args)`; see programName().
 */
export function args(): string[] { return argv; }

/** The first command-line word (QEMU: the kernel image path), "" when none. */
export function programName(): string {
  let c = cmdline;
  return c !== null ? c.argv0 : "";
}

/** The raw kernel option words (before `--`), e.g. `vfs.fstab=[ "..." ]`. */
export function kernelOptions(): string[] {
  let c = cmdline;
  return c !== null ? c.options : [];
}

/** The raw value of kernel option `key` (`key=value`), or null. */
export function kernelOption(key: string): string | null {
  return cmdlineOption(kernelOptions(), key);
}
