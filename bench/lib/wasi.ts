// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// bench/lib/wasi.ts — the few WASI preview1 imports our AssemblyScript
// programs (bench/aot kernels, test/diff programs) use, and small helpers
// over them: UTF-8 printing, argv as integers, a nanosecond clock, exit.
//
// Imports (WASI preview1, witx `wasi_snapshot_preview1`): fd_write,
// proc_exit, args_sizes_get, args_get, clock_time_get. Compile with
// `--use abort=bench/lib/wasi/wasiAbort --exportStart _start` so the module
// is a WASI command without `env` imports (see bench/host/asc.ts).

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_write")
declare function wasi_fd_write(fd: i32, iovs: usize, iovsLen: i32, nwritten: usize): i32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "proc_exit")
declare function wasi_proc_exit(code: i32): void;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_sizes_get")
declare function wasi_args_sizes_get(argc: usize, bufSize: usize): i32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_get")
declare function wasi_args_get(argv: usize, buf: usize): i32;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "clock_time_get")
declare function wasi_clock_time_get(id: i32, precision: i64, out: usize): i32;

/** Writes `len` bytes at `ptr` to `fd`, looping over short writes. */
export function writeBytes(fd: i32, ptr: usize, len: usize): void {
  const iov = heap.alloc(16);
  while (len > 0) {
    store<u32>(iov, <u32>ptr);
    store<u32>(iov + 4, <u32>len);
    if (wasi_fd_write(fd, iov, 1, iov + 8) != 0) break;
    const n = <usize>load<u32>(iov + 8);
    if (n == 0) break;
    ptr += n; len -= n;
  }
  heap.free(iov);
}

/** Prints `s` as UTF-8 to fd 1 (stdout) or another fd. */
export function print(s: string, fd: i32 = 1): void {
  const buf = String.UTF8.encode(s);
  writeBytes(fd, changetype<usize>(buf), <usize>buf.byteLength);
}

/** Prints `s` and a newline to stdout. */
export function println(s: string): void {
  print(s + "\n");
}

/** Ends the process with `code` (never returns). */
export function exit(code: i32): void {
  wasi_proc_exit(code);
}

/** The program's arguments (argv[0] first), decoded from UTF-8. */
export function args(): string[] {
  const sizes = heap.alloc(8);
  wasi_args_sizes_get(sizes, sizes + 4);
  const argc = <i32>load<u32>(sizes), bufLen = <usize>load<u32>(sizes + 4);
  heap.free(sizes);
  const ptrs = heap.alloc(<usize>argc * 4 + 4), buf = heap.alloc(bufLen + 1);
  wasi_args_get(ptrs, buf);
  const out = new Array<string>(0);
  for (let k = 0; k < argc; k++) {
    const p = <usize>load<u32>(ptrs + <usize>k * 4);
    let e = p;
    while (load<u8>(e) != 0) e++;
    out.push(String.UTF8.decodeUnsafe(p, e - p));
  }
  heap.free(ptrs); heap.free(buf);
  return out;
}

/** argv[k] as an integer, or `dflt` when absent. */
export function argInt(k: i32, dflt: i32): i32 {
  const a = args();
  return k < a.length ? I32.parseInt(a[k]) : dflt;
}

/** Monotonic clock in nanoseconds (WASI clockid 1). */
export function nowNs(): u64 {
  const out = heap.alloc(8);
  wasi_clock_time_get(1, 1, out);
  const t = load<u64>(out);
  heap.free(out);
  return t;
}

/** AssemblyScript's abort, routed to stderr + exit 134 (no `env.abort` import). */
export function wasiAbort(msg: string | null, file: string | null, line: u32, col: u32): void {
  print("abort: " + (msg ? msg : "") + " at " + (file ? file : "") + ":" + line.toString() + ":" + col.toString() + "\n", 2);
  wasi_proc_exit(134);
  unreachable();
}
