// memmove(rdi = dst, rsi = src, rcx = n bytes), inline at each memory.copy
// and table.copy, with the rare shapes out of line. Which way to copy is one
// unsigned compare: dst - src < n means src < dst < src + n (copy from the top
// down); anything else is safe front to back.
//
// Front to back, by size (the thresholds are where each form wins, measured
// on this project's bench machine against glibc's memmove):
//   n < 16        two overlapping 8- or 4-byte moves (both loaded before
//                 either is stored), or a byte loop for 1-3 bytes
//   16 <= n < 1K  64 bytes per iteration in SSE moves, then 16-byte steps,
//                 then the last 16 bytes once more, overlapping (safe: see
//                 emitForward)
//   n >= 1K       `rep movsb` (fast strings; the kernel target keeps
//                 `rep movsq` + `rep movsb`, since QEMU TCG runs a rep string
//                 op per element)
// Top down: 64 then 16 bytes per step in SSE moves from the top, then the
// bottom n % 16 bytes one at a time (`std; rep movs` has no fast path).
//
// Only rdi, rsi, rcx, SCRATCH and XSCRATCH change. memory.fill (emitMemset)
// takes the same sizes with 8-byte stores of the byte in every lane.

import { imm, mem, memIdx, r8, r32, r64, xmm, type Label, type Mnemonic } from '../x86/index.ts';
import type { FuncCompiler } from './func.ts';
import { RAX, RCX, RDI, RSI, SCRATCH, XSCRATCH } from './masm.ts';

/** From this size up, front-to-back copies use `rep movsb`. */
const REP_FROM = 1024;

export function emitMemmove(fc: FuncCompiler): void {
  const asm = fc.asm;
  const back = asm.label(), done = asm.label();
  asm.i('mov', r64(SCRATCH), r64(RDI));
  asm.i('sub', r64(SCRATCH), r64(RSI));
  asm.i('cmp', r64(SCRATCH), r64(RCX));
  asm.jcc('b', back);
  emitForward(fc, done);
  asm.bind(done);
  fc.outOfLine(() => {
    asm.bind(back);
    emitBackward(fc);
    asm.jmp(done);
  });
}

/** Front to back; SCRATCH = dst - src. */
function emitForward(fc: FuncCompiler, done: Label): void {
  const asm = fc.asm, X = XSCRATCH;
  const small = asm.label(), near = asm.label(), big = asm.label();
  const loop64 = asm.label(), after64 = asm.label(), loop16 = asm.label(), tail = asm.label();
  asm.i('cmp', r64(RCX), imm(16));
  asm.jcc('b', small);
  // src - 16 < dst < src: the last 16 bytes, copied after the loop, could
  // already have been overwritten; otherwise every store lies below the
  // source bytes still to be read (dst <= src - 16) or apart from them
  asm.i('cmp', r64(SCRATCH), imm(-16));
  asm.jcc('a', near);
  asm.i('cmp', r64(RCX), imm(REP_FROM));
  asm.jcc('ae', big);
  asm.i('sub', r64(RCX), imm(64));
  asm.jcc('s', after64);
  asm.bind(loop64);
  for (let k = 0; k < 64; k += 16) {
    asm.i('movups', xmm(X), mem(RSI, k, 128));
    asm.i('movups', mem(RDI, k, 128), xmm(X));
  }
  emitStep(fc, [RSI, RDI], 64, 'jns', loop64);
  asm.bind(after64);
  asm.i('add', r64(RCX), imm(48));                       // rcx = bytes left - 16
  asm.jcc('s', tail);
  asm.bind(loop16);
  asm.i('movups', xmm(X), mem(RSI, 0, 128));
  asm.i('movups', mem(RDI, 0, 128), xmm(X));
  emitStep(fc, [RSI, RDI], 16, 'jns', loop16);
  asm.bind(tail);                                        // the last 16 bytes end at rsi + rcx + 16
  asm.i('movups', xmm(X), memIdx(RSI, RCX, 1, 0, 128));
  asm.i('movups', memIdx(RDI, RCX, 1, 0, 128), xmm(X));
  fc.outOfLine(() => {
    asm.bind(small);
    emitSmall(fc, done);
    asm.bind(near);
    asm.i('rep movsb');
    asm.jmp(done);
    asm.bind(big);
    if (fc.ctx.kernel) emitRepBy8(fc, 'rep movsq', 'rep movsb');
    else asm.i('rep movsb');
    asm.jmp(done);
  });
}

/** n < 16, front to back: each pair of moves loads both halves before storing either. */
function emitSmall(fc: FuncCompiler, done: Label): void {
  const asm = fc.asm;
  const lt8 = asm.label(), lt4 = asm.label(), loop1 = asm.label();
  emitPair(fc, 64, lt8, done);
  asm.bind(lt8);
  emitPair(fc, 32, lt4, done);
  asm.bind(lt4);
  asm.i('test', r32(RCX), r32(RCX));
  asm.jcc('e', done);
  asm.bind(loop1);
  asm.i('movzx', r32(SCRATCH), mem(RSI, 0, 8));
  asm.i('mov', mem(RDI, 0, 8), r8(SCRATCH));
  emitStep(fc, [RSI, RDI], 1, 'jne', loop1);
  asm.jmp(done);
}

/** n >= bits / 8 (else to `below`): the first and the last bits / 8 bytes, both loaded before either is stored. */
function emitPair(fc: FuncCompiler, bits: 32 | 64, below: Label, done: Label): void {
  const asm = fc.asm, w = bits / 8, r = bits === 64 ? r64 : r32, movx = bits === 64 ? 'movq' : 'movd';
  asm.i('cmp', r32(RCX), imm(w));
  asm.jcc('b', below);
  asm.i('mov', r(SCRATCH), memIdx(RSI, RCX, 1, -w, bits));
  asm.i(movx, xmm(XSCRATCH), mem(RSI, 0, bits));
  asm.i('mov', memIdx(RDI, RCX, 1, -w, bits), r(SCRATCH));
  asm.i(movx, mem(RDI, 0, bits), xmm(XSCRATCH));
  asm.jmp(done);
}

/** src < dst < src + n: 64 then 16 bytes per step from the top, then the bottom n % 16 bytes. */
function emitBackward(fc: FuncCompiler): void {
  const asm = fc.asm, X = XSCRATCH;
  const loop64 = asm.label(), after64 = asm.label(), loop16 = asm.label(), tail = asm.label();
  const loop1 = asm.label(), end = asm.label();
  asm.i('sub', r64(RCX), imm(64));
  asm.jcc('s', after64);
  asm.bind(loop64);                                      // rcx = offset of the top 64 bytes left
  for (let k = 48; k >= 0; k -= 16) {
    asm.i('movups', xmm(X), memIdx(RSI, RCX, 1, k, 128));
    asm.i('movups', memIdx(RDI, RCX, 1, k, 128), xmm(X));
  }
  asm.i('sub', r64(RCX), imm(64));
  asm.jcc('ns', loop64);
  asm.bind(after64);
  asm.i('add', r64(RCX), imm(48));                       // rcx = bytes left - 16
  asm.jcc('s', tail);
  asm.bind(loop16);
  asm.i('movups', xmm(X), memIdx(RSI, RCX, 1, 0, 128));
  asm.i('movups', memIdx(RDI, RCX, 1, 0, 128), xmm(X));
  asm.i('sub', r64(RCX), imm(16));
  asm.jcc('ns', loop16);
  asm.bind(tail);
  asm.i('add', r64(RCX), imm(16));                       // rcx = bytes left (< 16)
  asm.jcc('e', end);
  asm.bind(loop1);
  asm.i('movzx', r32(SCRATCH), memIdx(RSI, RCX, 1, -1, 8));
  asm.i('mov', memIdx(RDI, RCX, 1, -1, 8), r8(SCRATCH));
  asm.i('sub', r64(RCX), imm(1));
  asm.jcc('ne', loop1);
  asm.bind(end);
}

/**
 * memset(rdi = dst, rax = the byte in all 8 lanes, rcx = n bytes): under 16
 * bytes two overlapping 8- or 4-byte stores or a byte loop; under 1 KiB 32
 * then 8 bytes per step and the last 8 once more, overlapping; from 1 KiB
 * `rep stosb` (kernel: `rep stosq` + `rep stosb`, as emitMemmove).
 * Only rdi, rcx and SCRATCH change.
 */
export function emitMemset(fc: FuncCompiler): void {
  const asm = fc.asm;
  const small = asm.label(), big = asm.label(), done = asm.label();
  const loop32 = asm.label(), after32 = asm.label(), loop8 = asm.label(), tail = asm.label();
  asm.i('cmp', r64(RCX), imm(16));
  asm.jcc('b', small);
  asm.i('cmp', r64(RCX), imm(REP_FROM));
  asm.jcc('ae', big);
  asm.i('sub', r64(RCX), imm(32));
  asm.jcc('s', after32);
  asm.bind(loop32);
  for (let k = 0; k < 32; k += 8) asm.i('mov', mem(RDI, k, 64), r64(RAX));
  emitStep(fc, [RDI], 32, 'jns', loop32);
  asm.bind(after32);
  asm.i('add', r64(RCX), imm(24));                       // rcx = bytes left - 8
  asm.jcc('s', tail);
  asm.bind(loop8);
  asm.i('mov', mem(RDI, 0, 64), r64(RAX));
  emitStep(fc, [RDI], 8, 'jns', loop8);
  asm.bind(tail);                                        // the last 8 bytes end at rdi + rcx + 8
  asm.i('mov', memIdx(RDI, RCX, 1, 0, 64), r64(RAX));
  asm.bind(done);
  fc.outOfLine(() => {
    const lt8 = asm.label(), lt4 = asm.label(), loop1 = asm.label();
    /** n <= rcx < 2n: two n-byte stores, the second ending at the last byte; else on to `below`. */
    const fillPair = (n: 8 | 4, below: Label): void => {
      const size = n === 8 ? 64 : 32, v = n === 8 ? r64(RAX) : r32(RAX);
      asm.i('cmp', r32(RCX), imm(n));
      asm.jcc('b', below);
      asm.i('mov', mem(RDI, 0, size), v);
      asm.i('mov', memIdx(RDI, RCX, 1, -n, size), v);
      asm.jmp(done);
      asm.bind(below);
    };
    asm.bind(small);
    fillPair(8, lt8);
    fillPair(4, lt4);
    asm.i('test', r32(RCX), r32(RCX));
    asm.jcc('e', done);
    asm.bind(loop1);
    asm.i('mov', mem(RDI, 0, 8), r8(RAX));
    emitStep(fc, [RDI], 1, 'jne', loop1);
    asm.jmp(done);
    asm.bind(big);
    if (fc.ctx.kernel) emitRepBy8(fc, 'rep stosq', 'rep stosb');
    else asm.i('rep stosb');
    asm.jmp(done);
  });
}

/**
 * The end of a front-to-back loop: the pointers and the count move by `w`
 * bytes, then back to `loop` while `again` holds (jns: bytes were left
 * before the step; jne: bytes are left after it).
 */
function emitStep(fc: FuncCompiler, pointers: number[], w: number, again: 'jns' | 'jne', loop: Label): void {
  for (const p of pointers) fc.asm.i('add', r64(p), imm(w));
  fc.asm.i('sub', r64(RCX), imm(w));
  fc.asm.i(again, loop);
}

/**
 * rcx bytes as rcx / 8 quadword steps, then rcx % 8 byte steps (forward;
 * `rep movsq` then `rep movsb`, or the stos pair). Under QEMU TCG a `rep`
 * string op costs per iteration, so 8-byte steps are ~8x faster there.
 * Clobbers SCRATCH.
 */
function emitRepBy8(fc: FuncCompiler, wide: Mnemonic, narrow: Mnemonic): void {
  const asm = fc.asm;
  asm.i('mov', r64(SCRATCH), r64(RCX));
  asm.i('shr', r64(RCX), imm(3));
  asm.i(wide);
  asm.i('mov', r32(RCX), r32(SCRATCH));
  asm.i('and', r32(RCX), imm(7));
  asm.i(narrow);
}
