// kernel/ — the AssemblyScript kernel core. Map (who calls whom):
//
//   main.ts       kernelMain: the stub calls it; boot order console -> multiboot
//                 -> memory -> cmdline -> app main(args); args(), programName(),
//                 kernelOption()
//   hw.ts         the `hw` imports tools/aot lowers to instructions (in/out,
//                 rdtsc, cpuid, MMIO, memLayout, poweroff)
//   console.ts    COM1 16550 serial; print/println and allocation-free number output
//   multiboot.ts  Multiboot v1 info block, modules, memory map (read in place)
//   memory.ts     where the TLSF heap may grow: past the modules, below the RAM top
//   cmdline.ts    `argv0 kernel-options -- app-args` splitting, option lists
//   utf8.ts       names as bytes: decode/encode keeping every byte, utf8Escape for printing
//   errno.ts      Errno (Linux numbers) and errnoName: what every I/O call returns
//   time.ts       TSC clock, lazy PIT/CPUID calibration, boot time
//   panic.ts      panic, the runtime abort (asc --use abort=...), exit
//   rootfs/       the boot-time mounts: fstab, the fstab driver table, -initrd /
//                 einitrd modules, /tmp. NOT re-exported here: only images that
//                 use files import it (kernel/rootfs/index), so an image without
//                 files links no VFS code (images/hello: test/kernel/layers.test.ts)
//
// Build flags (tools/image): asc ENTRY -O3 --runtime incremental
//   --memoryBase 1048576 --use abort=kernel/panic/kernelAbort
export { kernelMain, args, programName, kernelOptions, kernelOption } from "./main";
export {
  consoleInit, print, println, printHex, printU64, printI64, printBytes, putByte, putCodePoint,
  consoleFlush, COM1, DEBUGCON, diagEnable, diagEnabled, diagPrint, diagLine, diagU64,
} from "./console";
export { panic, exit, kernelAbort, PANIC_CODE, BOOT_FAIL_CODE } from "./panic";
export { ramSize, ramTop, heapGrowStart, heapGrowLimit, heapHeadroom, bootMemEnd } from "./memory";
export {
  bootTimeUs, uptimeUs, tscKhz, tscMhz, tscSource, tscToUs,
  TSC_PIT, TSC_PIT_CH0, TSC_CPUID15, TSC_CPUID16, TSC_GUESS, TSC_HYPERVISOR, tscSourceName,
} from "./time";
export {
  mbModCount, mbModStart, mbModEnd, mbModString, mbCmdline, cstrLen,
} from "./multiboot";
export { cmdlineList, cmdlineUnquote, cmdlineWords } from "./cmdline";
export { utf8Decode, utf8Encode, utf8EncodeAt, utf8Length, utf8Escape, utf8Valid } from "./utf8";
