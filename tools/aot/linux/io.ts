// Runtime helper routines: exact reads/writes on file descriptors, a small
// string buffer for diagnostics (C strings, AssemblyScript UTF-16 strings,
// decimals), and the Linux -> WASI errno map. All follow the helper
// convention of emit.ts (clobber rax rcx rdx rsi rdi r8-r11 only).

import { type Label, RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R15 } from '../../x86/index.ts';
import { type Rt, SYS, q, d, b, i, m, mi, rip, syscall } from './emit.ts';

const SB_CAP = 1024;
const EINTR = 4;

/** Emits rt:read_exact, rt:write_all, rt:exit, rt:sb_*, rt:errno. */
export function emitIo(rt: Rt): void {
  emitReadExact(rt);
  emitWriteAll(rt);
  emitStringBuffer(rt);
  emitErrno(rt);
}

/**
 * One syscall loop for both directions: repeats `sys` (read or write) on fd
 * r10 from r8 for r9 bytes, retrying on EINTR, until r9 is 0. A result <= 0
 * (end of input, an error) jumps to `short`.
 */
function emitIoLoop(rt: Rt, sys: number, short: Label): void {
  const { asm } = rt;
  const loop = asm.label(), done = asm.label();
  asm.bind(loop);
  asm.i('test', q(R9), q(R9));
  asm.i('jz', done);
  asm.i('mov', d(RDI), d(R10));
  asm.i('mov', q(RSI), q(R8));
  asm.i('mov', q(RDX), q(R9));
  syscall(asm, sys);
  asm.i('cmp', q(RAX), i(-EINTR));
  asm.i('je', loop);
  asm.i('test', q(RAX), q(RAX));
  asm.i('jle', short);
  asm.i('add', q(R8), q(RAX));
  asm.i('sub', q(R9), q(RAX));
  asm.i('jmp', loop);
  asm.bind(done);
  asm.i('ret');
}

/** rt:read_exact(rdi = buffer, rsi = length): reads fd 0 until full; exits 0 at end of input. */
function emitReadExact(rt: Rt): void {
  const { asm } = rt;
  const eof = asm.label();
  asm.bind(rt.L('read_exact'));
  asm.i('xor', d(R10), d(R10));
  asm.i('mov', q(R8), q(RDI));
  asm.i('mov', q(R9), q(RSI));
  emitIoLoop(rt, SYS.read, eof);
  asm.bind(eof);
  asm.i('xor', d(RDI), d(RDI));
  asm.i('jmp', rt.L('exit'));
  // rt:exit(edi = status): exit_group, never returns.
  asm.bind(rt.L('exit'));
  syscall(asm, SYS.exit_group);
  asm.i('ud2');
}

/** rt:write_all(edi = fd, rsi = buffer, rdx = length): writes everything; gives up on an error. */
function emitWriteAll(rt: Rt): void {
  const { asm } = rt;
  const fail = asm.label();
  asm.bind(rt.L('write_all'));
  asm.i('mov', d(R10), d(RDI));
  asm.i('mov', q(R8), q(RSI));
  asm.i('mov', q(R9), q(RDX));
  emitIoLoop(rt, SYS.write, fail);
  asm.bind(fail);
  asm.i('ret');
}

/**
 * The diagnostics buffer rt:sb (1 KiB, silently truncated):
 *   sb_reset()            empty it
 *   sb_byte(dil)          append one byte            (clobbers rax rcx only)
 *   sb_cstr(rdi)          append a NUL-terminated native string
 *   sb_dec(rdi)           append an unsigned decimal
 *   sb_utf16(edi)         append an AssemblyScript string at wasm address edi
 *                         (UTF-16, byte length u32 at edi-4; non-ASCII -> '?', 0 -> "null")
 *   sb_flush(edi = fd)    write the buffer to fd and empty it
 */
function emitStringBuffer(rt: Rt): void {
  const { asm, data } = rt;
  const sb = data.zeros('sb', SB_CAP, 16), len = data.zeros('sb_len', 8);
  const digits = data.zeros('sb_digits', 32);
  asm.bind(rt.L('sb_reset'));
  asm.i('mov', rip(len, 0, 64), i(0));
  asm.i('ret');

  const full = asm.label();
  asm.bind(rt.L('sb_byte'));
  asm.i('mov', q(RAX), rip(len));
  asm.i('cmp', q(RAX), i(SB_CAP));
  asm.i('jae', full);
  asm.i('lea', q(RCX), rip(sb));
  asm.i('mov', mi(RCX, RAX, 1), b(RDI));
  asm.i('inc', q(RAX));
  asm.i('mov', rip(len), q(RAX));
  asm.bind(full);
  asm.i('ret');

  const cLoop = asm.label(), cDone = asm.label();
  asm.bind(rt.L('sb_cstr'));
  asm.i('mov', q(RSI), q(RDI));
  asm.bind(cLoop);
  asm.i('movzx', d(RDI), m(RSI, 0, 8));
  asm.i('test', d(RDI), d(RDI));
  asm.i('jz', cDone);
  asm.i('call', rt.L('sb_byte'));
  asm.i('inc', q(RSI));
  asm.i('jmp', cLoop);
  asm.bind(cDone);
  asm.i('ret');

  emitSbDec(rt, digits);
  emitSbUtf16(rt);

  asm.bind(rt.L('sb_flush'));
  asm.i('lea', q(RSI), rip(sb));
  asm.i('mov', q(RDX), rip(len));
  asm.i('call', rt.L('write_all'));
  asm.i('jmp', rt.L('sb_reset'));
}

function emitSbDec(rt: Rt, digits: Label): void {
  const { asm } = rt;
  const div = asm.label(), copy = asm.label(), done = asm.label();
  asm.bind(rt.L('sb_dec'));
  asm.i('mov', q(RAX), q(RDI));
  asm.i('lea', q(R8), rip(digits, 32));
  asm.i('mov', q(R9), q(R8));
  asm.i('mov', d(R10), i(10));
  asm.bind(div);
  asm.i('xor', d(RDX), d(RDX));
  asm.i('div', q(R10));
  asm.i('dec', q(R9));
  asm.i('add', d(RDX), i(0x30));
  asm.i('mov', m(R9, 0), b(RDX));
  asm.i('test', q(RAX), q(RAX));
  asm.i('jnz', div);
  asm.bind(copy);
  asm.i('cmp', q(R9), q(R8));
  asm.i('jae', done);
  asm.i('movzx', d(RDI), m(R9, 0, 8));
  asm.i('call', rt.L('sb_byte'));
  asm.i('inc', q(R9));
  asm.i('jmp', copy);
  asm.bind(done);
  asm.i('ret');
}

function emitSbUtf16(rt: Rt): void {
  const { asm, data } = rt;
  const isNull = asm.label(), loop = asm.label(), ascii = asm.label(), done = asm.label();
  asm.bind(rt.L('sb_utf16'));
  asm.i('mov', d(R8), d(RDI));              // r8 = wasm address of the first code unit
  asm.i('test', d(R8), d(R8));
  asm.i('jz', isNull);
  asm.i('lea', d(RAX), m(R8, -4));
  asm.i('mov', d(R9), mi(R15, RAX, 1));     // r9 = byte length
  asm.i('shr', d(R9), i(1));                // code units
  asm.i('cmp', d(R9), i(200));
  asm.i('jbe', loop);
  asm.i('mov', d(R9), i(200));
  asm.bind(loop);
  asm.i('test', d(R9), d(R9));
  asm.i('jz', done);
  asm.i('movzx', d(RDI), mi(R15, R8, 1, 0, 16));
  asm.i('cmp', d(RDI), i(0x7f));
  asm.i('jbe', ascii);
  asm.i('mov', d(RDI), i(0x3f));            // '?'
  asm.bind(ascii);
  asm.i('call', rt.L('sb_byte'));
  asm.i('add', d(R8), i(2));
  asm.i('dec', d(R9));
  asm.i('jmp', loop);
  asm.bind(isNull);
  asm.i('lea', q(RDI), rip(data.str('null')));
  asm.i('jmp', rt.L('sb_cstr'));
  asm.bind(done);
  asm.i('ret');
}

/** WASI errno (wasi_snapshot_preview1 `errno`) for Linux errno 0..34; others map to `io` (29). */
const WASI_ERRNO = [
  0, 63, 44, 71, 27, 29, 60, 1, 45, 8, 12, 6, 48, 2, 21, 29, 10, 20,
  75, 43, 54, 31, 28, 41, 33, 59, 74, 22, 51, 70, 69, 34, 64, 18, 68,
];

/** rt:errno(rax = negative Linux error return) -> eax = WASI errno. Clobbers rcx. */
function emitErrno(rt: Rt): void {
  const { asm, data } = rt;
  const tab = data.bytes('errno_tab', WASI_ERRNO, 1);
  const other = asm.label();
  asm.bind(rt.L('errno'));
  asm.i('neg', q(RAX));
  asm.i('cmp', q(RAX), i(WASI_ERRNO.length));
  asm.i('jae', other);
  asm.i('lea', q(RCX), rip(tab));
  asm.i('movzx', d(RAX), mi(RCX, RAX, 1, 0, 8));
  asm.i('ret');
  asm.bind(other);
  asm.i('mov', d(RAX), i(29));
  asm.i('ret');
}
