// bench/host/wasi-shim.ts — a minimal WASI preview1 host for Node's
// WebAssembly: just the imports bench/lib/wasi.ts declares (fd_write,
// proc_exit, args_sizes_get, args_get, clock_time_get) plus a few no-op
// extras. Output goes to sinks (buffers in tests, the real fds in the
// benchmark's node runner). WASI preview1 witx: wasi_snapshot_preview1.

const ERRNO_SUCCESS = 0, ERRNO_BADF = 8, ERRNO_INVAL = 28;

/** Thrown by proc_exit to unwind out of the module. */
export class WasiExit extends Error {
  constructor(readonly code: number) { super(`proc_exit(${code})`); }
}

export interface WasiSinks { write(fd: number, bytes: Uint8Array): void }

export interface WasiResult {
  stdout: string;
  stderr: string;
  /** proc_exit's code, 0 when _start returns, 134 on a trap (like the native runtime). */
  exitCode: number;
  /** The trap's message when the module trapped (V8's wording). */
  trap?: string;
}

/** The import object for `argv`; `memory()` is read at call time (it may grow). */
export function wasiImports(argv: string[], sinks: WasiSinks, memory: () => WebAssembly.Memory) {
  const enc = new TextEncoder();
  const args = argv.map((a) => enc.encode(a + '\0'));
  const view = () => new DataView(memory().buffer);
  const bytes = () => new Uint8Array(memory().buffer);
  return {
    wasi_snapshot_preview1: {
      fd_write(fd: number, iovs: number, n: number, nwritten: number): number {
        if (fd !== 1 && fd !== 2) return ERRNO_BADF;
        const v = view();
        let total = 0;
        for (let k = 0; k < n; k++) {
          const ptr = v.getUint32(iovs + 8 * k, true), len = v.getUint32(iovs + 8 * k + 4, true);
          sinks.write(fd, bytes().slice(ptr, ptr + len));
          total += len;
        }
        v.setUint32(nwritten, total, true);
        return ERRNO_SUCCESS;
      },
      proc_exit(code: number): never { throw new WasiExit(code); },
      args_sizes_get(argc: number, bufSize: number): number {
        const v = view();
        v.setUint32(argc, args.length, true);
        v.setUint32(bufSize, args.reduce((s, a) => s + a.length, 0), true);
        return ERRNO_SUCCESS;
      },
      args_get(argvPtr: number, buf: number): number {
        const v = view(), b = bytes();
        args.forEach((a, k) => { v.setUint32(argvPtr + 4 * k, buf, true); b.set(a, buf); buf += a.length; });
        return ERRNO_SUCCESS;
      },
      clock_time_get(id: number, _precision: bigint, out: number): number {
        if (id < 0 || id > 3) return ERRNO_INVAL;
        const t = id === 0 ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
        view().setBigUint64(out, t, true);
        return ERRNO_SUCCESS;
      },
      environ_sizes_get(count: number, size: number): number {
        view().setUint32(count, 0, true); view().setUint32(size, 0, true); return ERRNO_SUCCESS;
      },
      environ_get(): number { return ERRNO_SUCCESS; },
    },
  };
}

/**
 * Instantiates a WASI command and runs `_start`. Returns the exit code
 * (proc_exit's, 0 on return, 134 on a trap) and, with no `sinks`, stdout and
 * stderr collected as UTF-8 text.
 */
export function runWasi(wasm: Uint8Array | WebAssembly.Module, argv: string[], sinks?: WasiSinks): WasiResult {
  const out: Uint8Array[][] = [[], [], []];
  const sink: WasiSinks = sinks ?? { write: (fd, b) => out[fd]!.push(b) };
  let mem: WebAssembly.Memory | null = null;
  const mod = wasm instanceof WebAssembly.Module ? wasm : new WebAssembly.Module(new Uint8Array(wasm));
  const inst = new WebAssembly.Instance(mod, wasiImports(argv, sink, () => mem!) as WebAssembly.Imports);
  mem = inst.exports.memory as WebAssembly.Memory;
  if (!(mem instanceof WebAssembly.Memory)) throw new Error('wasi: E_NOMEM the module exports no memory "memory"');
  const start = inst.exports._start;
  if (typeof start !== 'function') throw new Error('wasi: E_NOSTART the module exports no function _start');
  let exitCode = 0, trap: string | undefined;
  try {
    (start as () => void)();
  } catch (e) {
    if (e instanceof WasiExit) exitCode = e.code;
    else if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) { exitCode = 134; trap = e.message; }
    else throw e;
  }
  const text = (parts: Uint8Array[]) => Buffer.concat(parts).toString('utf8');
  return { stdout: text(out[1]!), stderr: text(out[2]!), exitCode, trap };
}
