// Imported functions the Linux target provides, as labels
// `import:<module>.<name>` called with the wasm ABI (tools/aot/ABI.md: the
// caller's argument area, so on entry parameter k is at [rsp + 8 + 8k];
// one i32 result in eax). Wasm addresses are offsets from r15.
//
//   wasi_snapshot_preview1 (WASI preview 1, witx `wasi_snapshot_preview1`):
//     fd_write fd_read proc_exit args_sizes_get args_get environ_sizes_get
//     environ_get clock_time_get random_get fd_close fd_seek fd_fdstat_get
//   spectest (the spec test suite's host module): print* -> no-ops

import { RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R12, R13, R14, R15 } from '../../x86/index.ts';
import { type FuncType, ValType } from '../../wasm/index.ts';
import { type Rt, SYS, q, d, b, i, m, mi, rip, syscall } from './emit.ts';

const { I32, I64, F32, F64 } = ValType;
const sig = (params: ValType[], results: ValType[] = []): FuncType => ({ params, results });

interface HostFunc { type: FuncType; emit: (rt: Rt) => void }

const WASI: Record<string, HostFunc> = {
  fd_write: { type: sig([I32, I32, I32, I32], [I32]), emit: (rt) => emitFdRw(rt, SYS.write) },
  fd_read: { type: sig([I32, I32, I32, I32], [I32]), emit: (rt) => emitFdRw(rt, SYS.read) },
  proc_exit: { type: sig([I32]), emit: emitProcExit },
  args_sizes_get: { type: sig([I32, I32], [I32]), emit: (rt) => emitStrsSizes(rt, 'argv') },
  args_get: { type: sig([I32, I32], [I32]), emit: (rt) => emitStrsGet(rt, 'argv') },
  environ_sizes_get: { type: sig([I32, I32], [I32]), emit: (rt) => emitStrsSizes(rt, 'envp') },
  environ_get: { type: sig([I32, I32], [I32]), emit: (rt) => emitStrsGet(rt, 'envp') },
  clock_time_get: { type: sig([I32, I64, I32], [I32]), emit: emitClockTimeGet },
  random_get: { type: sig([I32, I32], [I32]), emit: emitRandomGet },
  fd_close: { type: sig([I32], [I32]), emit: emitFdClose },
  fd_seek: { type: sig([I32, I64, I32, I32], [I32]), emit: emitFdSeek },
  fd_fdstat_get: { type: sig([I32, I32], [I32]), emit: emitFdstatGet },
};

const noop = (): void => {};
const SPECTEST: Record<string, HostFunc> = {
  print: { type: sig([]), emit: noop },
  print_i32: { type: sig([I32]), emit: noop },
  print_i64: { type: sig([I64]), emit: noop },
  print_f32: { type: sig([F32]), emit: noop },
  print_f64: { type: sig([F64]), emit: noop },
  print_i32_f32: { type: sig([I32, F32]), emit: noop },
  print_f64_f64: { type: sig([F64, F64]), emit: noop },
};

const HOSTS: Record<string, Record<string, HostFunc>> = {
  wasi_snapshot_preview1: WASI,
  spectest: SPECTEST,
};

/** The host function `module.name`, or null when the target does not provide it. */
export function hostFunc(module: string, name: string): HostFunc | null {
  return Object.hasOwn(HOSTS, module) && Object.hasOwn(HOSTS[module]!, name) ? HOSTS[module]![name]! : null;
}

/** Emits `import:<module>.<name>` for one provided import. */
export function emitHostFunc(rt: Rt, module: string, name: string): void {
  const h = hostFunc(module, name)!;
  rt.asm.bind(rt.asm.sym(`import:${module}.${name}`));
  if (module === 'spectest') { rt.asm.i('ret'); return; }
  h.emit(rt);
}

/** Parameter k after `push rbp; mov rbp, rsp`. */
const P = (k: number, size: 8 | 32 | 64 = 32) => m(RBP, 16 + 8 * k, size);

function prologue(rt: Rt): void {
  rt.asm.i('push', q(RBP));
  rt.asm.i('mov', q(RBP), q(RSP));
}
function epilogue(rt: Rt): void {
  rt.asm.i('pop', q(RBP));
  rt.asm.i('ret');
}
/** rax < 0 (a Linux error) -> translate to a WASI errno and return. */
function returnOnError(rt: Rt): void {
  const { asm } = rt;
  const ok = asm.label();
  asm.i('test', q(RAX), q(RAX));
  asm.i('jns', ok);
  asm.i('call', rt.L('errno'));
  epilogue(rt);
  asm.bind(ok);
}
function returnSuccess(rt: Rt): void {
  rt.asm.i('xor', d(RAX), d(RAX));
  epilogue(rt);
}

/** fd_write / fd_read(fd, iovs, iovs_len, nbytes_ptr): one syscall per ciovec {u32 buf, u32 len}; stops at a short transfer. */
function emitFdRw(rt: Rt, nr: number): void {
  const { asm } = rt;
  const loop = asm.label(), done = asm.label();
  prologue(rt);
  asm.i('mov', d(RBX), P(1));
  asm.i('mov', d(R12), P(2));
  asm.i('xor', d(R13), d(R13));
  asm.bind(loop);
  asm.i('test', d(R12), d(R12));
  asm.i('jz', done);
  asm.i('mov', d(RDI), P(0));
  asm.i('mov', d(RSI), mi(R15, RBX, 1));
  asm.i('add', q(RSI), q(R15));
  asm.i('mov', d(RDX), mi(R15, RBX, 1, 4));
  asm.i('mov', q(R14), q(RDX));
  syscall(asm, nr);
  asm.i('cmp', q(RAX), i(-4));
  asm.i('je', loop);
  returnOnError(rt);
  asm.i('add', q(R13), q(RAX));
  asm.i('cmp', q(RAX), q(R14));
  asm.i('jne', done);
  asm.i('add', d(RBX), i(8));
  asm.i('dec', d(R12));
  asm.i('jmp', loop);
  asm.bind(done);
  asm.i('mov', d(RCX), P(3));
  asm.i('mov', mi(R15, RCX, 1), d(R13));
  returnSuccess(rt);
}

function emitProcExit(rt: Rt): void {
  rt.asm.i('mov', d(RDI), m(RSP, 8, 32));
  rt.asm.i('jmp', rt.L('exit'));
}

/** args_sizes_get / environ_sizes_get(count_ptr, buf_size_ptr) over the NUL-terminated native list rt:<list>. */
function emitStrsSizes(rt: Rt, list: 'argv' | 'envp'): void {
  const { asm } = rt;
  const outer = asm.label(), inner = asm.label(), next = asm.label(), done = asm.label();
  prologue(rt);
  asm.i('mov', q(RDI), rip(rt.L(list)));
  asm.i('xor', d(RAX), d(RAX));
  asm.i('xor', d(RDX), d(RDX));
  asm.bind(outer);
  asm.i('mov', q(RSI), mi(RDI, RAX, 8));
  asm.i('test', q(RSI), q(RSI));
  asm.i('jz', done);
  asm.bind(inner);
  asm.i('inc', q(RDX));
  asm.i('cmp', m(RSI, 0, 8), i(0));
  asm.i('je', next);
  asm.i('inc', q(RSI));
  asm.i('jmp', inner);
  asm.bind(next);
  asm.i('inc', q(RAX));
  asm.i('jmp', outer);
  asm.bind(done);
  asm.i('mov', d(RCX), P(0));
  asm.i('mov', mi(R15, RCX, 1), d(RAX));
  asm.i('mov', d(RCX), P(1));
  asm.i('mov', mi(R15, RCX, 1), d(RDX));
  returnSuccess(rt);
}

/** args_get / environ_get(ptrs, buf): u32 pointers into buf, strings copied with their NUL. */
function emitStrsGet(rt: Rt, list: 'argv' | 'envp'): void {
  const { asm } = rt;
  const outer = asm.label(), copy = asm.label(), done = asm.label();
  prologue(rt);
  asm.i('mov', q(R8), rip(rt.L(list)));
  asm.i('mov', d(R9), P(0));
  asm.i('mov', d(R10), P(1));
  asm.bind(outer);
  asm.i('mov', q(RSI), m(R8, 0));
  asm.i('test', q(RSI), q(RSI));
  asm.i('jz', done);
  asm.i('mov', mi(R15, R9, 1), d(R10));
  asm.i('add', d(R9), i(4));
  asm.bind(copy);
  asm.i('movzx', d(RAX), m(RSI, 0, 8));
  asm.i('mov', mi(R15, R10, 1), b(RAX));
  asm.i('inc', d(R10));
  asm.i('inc', q(RSI));
  asm.i('test', d(RAX), d(RAX));
  asm.i('jnz', copy);
  asm.i('add', q(R8), i(8));
  asm.i('jmp', outer);
  asm.bind(done);
  returnSuccess(rt);
}

/** clock_time_get(id, precision, time_ptr): WASI clock ids 0..3 equal Linux CLOCK_REALTIME..CLOCK_THREAD_CPUTIME_ID. */
function emitClockTimeGet(rt: Rt): void {
  const { asm } = rt;
  const ok = asm.label();
  prologue(rt);
  asm.i('sub', q(RSP), i(16));
  asm.i('mov', d(RDI), P(0));
  asm.i('cmp', d(RDI), i(3));
  asm.i('jbe', ok);
  asm.i('mov', d(RAX), i(28));              // inval
  asm.i('leave');
  asm.i('ret');
  asm.bind(ok);
  asm.i('mov', q(RSI), q(RSP));
  syscall(asm, SYS.clock_gettime);
  asm.i('mov', q(RDX), q(RAX));
  asm.i('imul', q(RAX), m(RSP, 0), i(1_000_000_000));
  asm.i('add', q(RAX), m(RSP, 8));
  asm.i('mov', q(RSP), q(RBP));
  asm.i('xchg', q(RAX), q(RDX));
  returnOnError(rt);
  asm.i('mov', d(RCX), P(2));
  asm.i('mov', mi(R15, RCX, 1), q(RDX));
  returnSuccess(rt);
}

/** random_get(buf, len): getrandom(2) until filled. */
function emitRandomGet(rt: Rt): void {
  const { asm } = rt;
  const loop = asm.label(), done = asm.label();
  prologue(rt);
  asm.i('mov', d(R8), P(0));
  asm.i('mov', d(R9), P(1));
  asm.bind(loop);
  asm.i('test', q(R9), q(R9));
  asm.i('jz', done);
  asm.i('lea', q(RDI), mi(R15, R8, 1));
  asm.i('mov', q(RSI), q(R9));
  asm.i('xor', d(RDX), d(RDX));
  syscall(asm, SYS.getrandom);
  asm.i('cmp', q(RAX), i(-4));
  asm.i('je', loop);
  returnOnError(rt);
  asm.i('add', q(R8), q(RAX));
  asm.i('sub', q(R9), q(RAX));
  asm.i('jmp', loop);
  asm.bind(done);
  returnSuccess(rt);
}

function emitFdClose(rt: Rt): void {
  const { asm } = rt;
  prologue(rt);
  asm.i('mov', d(RDI), P(0));
  syscall(asm, SYS.close);
  returnOnError(rt);
  returnSuccess(rt);
}

/** fd_seek(fd, offset, whence, newoffset_ptr): WASI whence set/cur/end = Linux SEEK_SET/CUR/END. */
function emitFdSeek(rt: Rt): void {
  const { asm } = rt;
  prologue(rt);
  asm.i('mov', d(RDI), P(0));
  asm.i('mov', q(RSI), P(1, 64));
  asm.i('movzx', d(RDX), P(2, 8));
  syscall(asm, SYS.lseek);
  returnOnError(rt);
  asm.i('mov', d(RCX), P(3));
  asm.i('mov', mi(R15, RCX, 1), q(RAX));
  returnSuccess(rt);
}

/** WASI filetype by (st_mode & S_IFMT) >> 12: chr 2, dir 3, blk 1, reg 4, lnk 7, sock 6 (stream), else unknown. */
const FILETYPE = [0, 0, 2, 0, 3, 0, 1, 0, 4, 0, 7, 0, 6, 0, 0, 0];

/** fd_fdstat_get(fd, stat_ptr): fdstat { u8 filetype; u16 flags @2; u64 rights_base @8; u64 rights_inheriting @16 }. */
function emitFdstatGet(rt: Rt): void {
  const { asm, data } = rt;
  const tab = data.bytes('filetype_tab', FILETYPE, 1);
  prologue(rt);
  asm.i('sub', q(RSP), i(160));             // struct stat (144 bytes)
  asm.i('mov', d(RDI), P(0));
  asm.i('mov', q(RSI), q(RSP));
  syscall(asm, SYS.fstat);
  asm.i('mov', d(RDX), m(RSP, 24));         // st_mode
  asm.i('mov', q(RSP), q(RBP));
  returnOnError(rt);
  asm.i('shr', d(RDX), i(12));
  asm.i('and', d(RDX), i(15));
  asm.i('lea', q(RAX), rip(tab));
  asm.i('movzx', d(RAX), mi(RAX, RDX, 1, 0, 8));
  asm.i('mov', d(RCX), P(1));
  asm.i('mov', mi(R15, RCX, 1, 0, 64), i(0));
  asm.i('mov', mi(R15, RCX, 1), b(RAX));
  asm.i('mov', mi(R15, RCX, 1, 8, 64), i(-1));
  asm.i('mov', mi(R15, RCX, 1, 16, 64), i(-1));
  returnSuccess(rt);
}
