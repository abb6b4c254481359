// bench/host: host-side tools shared by the benchmarks (bench/aot) and the
// differential test (test/diff). AssemblyScript sources live in bench/lib
// (WASI bindings, kernel timing) and bench/aot/kernels.
//
//   asc.ts        compileWasiCommand: asc -O3 -> a WASI command module
//   wasi-shim.ts  runWasi / wasiImports: a WASI preview1 host for Node's WebAssembly
//   native.ts     buildNative (tools/aot Linux target), runProc, tmpFile
//   v8.ts         node runners: TurboFan only, Liftoff only (node-run.ts bundled)
//   wasm2c.ts     buildWasm2c: wasm2c + gcc -O2 peer (with wasm2c-main.c)
//   stats.ts      median, formatting of tables

export { compileWasiCommand, WASI_FLAGS, ROOT } from './asc.ts';
export { runWasi, wasiImports, WasiExit, type WasiResult, type WasiSinks } from './wasi-shim.ts';
export { buildNative, runProc, tmpFile, type ProcResult } from './native.ts';
export { nodeRunner, v8Command, V8_FLAGS } from './v8.ts';
export { buildWasm2c, WASM2C_RUNTIME } from './wasm2c.ts';
export { median, table } from './stats.ts';
export { writeResult } from './results.ts';
