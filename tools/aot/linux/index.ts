// tools/aot/linux: the Linux x86-64 user-space target. Turns a .wasm into a
// static ELF64 executable (no libc, raw syscalls) so compiled code runs
// natively, without QEMU, for tests and benchmarks.
//
// Map (one Assembler blob, every reference a label; tools/aot/ABI.md):
//   emit.ts   syscall numbers, constants, the runtime data area (RtData)
//   io.ts     helpers: read_exact, write_all, diagnostics string buffer, errno map
//   start.ts  _start (memory reservation, stack, signals), fault handler, memory_grow
//   main.ts   trap/abort, command-mode main, driver-mode request loop + thunks
//   wasi.ts   provided imported functions: wasi_snapshot_preview1.* (thunks), spectest.print*
//   layer.ts  the WASI layer (wasi/, AssemblyScript) compiled beside the app, its host.* functions
//   imports.ts import matching (functions, spectest globals and memory)
//   hostcall.ts driver mode: imports answered by the driver's peer (module linking in tests)
//   build.ts  buildWith: runtime + module + data -> ELF64 bytes
//   multi.ts  buildLinuxMulti: several linked instances in one driver executable
// buildLinuxExecutable emits the runtime, then tools/aot compiles the module
// into the same assembler, then the data area; tools/link/elf64 wraps it.

import { compileModule } from '../index.ts';
import { buildWith, type LinuxBuildOptions } from './build.ts';

export { buildWith, linuxImports, LinuxTargetError, LINUX_BASE, type LinuxBuildOptions, type CompileFn } from './build.ts';
export { TRAP_MESSAGES, STATUS_ABORT, STATUS_BAD_REQUEST, STATUS_UNSUPPORTED } from './main.ts';
export { STATUS_HOST_CALL } from './hostcall.ts';
export { buildLinuxMulti, type LinkedInstance, type MultiBuildOptions } from './multi.ts';

/** Builds a static ELF64 executable running `wasm`, compiled by tools/aot. Throws LinuxTargetError / AotError. */
export function buildLinuxExecutable(wasm: Uint8Array, opts: LinuxBuildOptions): Uint8Array {
  return buildWith(wasm, opts, compileModule);
}
