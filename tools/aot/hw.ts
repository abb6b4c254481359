// Kernel-target imports from module `hw` (DESIGN.md "Hardware through
// imports"): each becomes inline instructions. One table: name -> wasm
// signature + emitter. Registers the instruction needs are claimed with
// Frame.popFixed (arguments) and claim() (clobbers) first.

import { ValType, type FuncType, type Instr } from '../wasm/types.ts';
import { imm, mem, r8, r16, r32, r64, ripMem, type Mnemonic } from '../x86/index.ts';
import { regVal, type Val } from './frame.ts';
import type { FuncCompiler } from './func.ts';
import { RAX, RBP, RBX, RCX, RDI, RDX, RSP } from './masm.ts';

const I32 = ValType.I32, I64 = ValType.I64;

interface HwOp { params: ValType[]; results: ValType[]; emit: (fc: FuncCompiler) => void }

const ALL = (1 << RAX) | (1 << RBX) | (1 << RCX) | (1 << RDX) | (1 << RDI);

/** Makes `regs` free of stack values and marks them used (clobbered by the instruction). */
function claim(fc: FuncCompiler, regs: number[]): void {
  for (const r of regs) fc.frame.evictGpr(r, ALL);
  for (const r of regs) fc.frame.mark(I32, r);
}
function release(fc: FuncCompiler, regs: number[], vals: Val[]): void {
  for (const r of regs) fc.frame.freeGpr(r);
  for (const v of vals) fc.frame.free(v);
}

function out(size: 8 | 16 | 32): HwOp {
  return {
    params: [I32, I32], results: [],
    emit: (fc) => {
      const v = fc.frame.popFixed(RAX, ALL);
      const p = fc.frame.popFixed(RDX, ALL);
      const val = size === 8 ? r8(RAX) : size === 16 ? r16(RAX) : r32(RAX);
      fc.asm.i('out', r16(RDX), val);
      release(fc, [], [v, p]);
    },
  };
}

function inp(size: 8 | 16 | 32): HwOp {
  return {
    params: [I32], results: [I32],
    emit: (fc) => {
      const p = fc.frame.popFixed(RDX, ALL);
      claim(fc, [RAX]);
      const val = size === 8 ? r8(RAX) : size === 16 ? r16(RAX) : r32(RAX);
      fc.asm.i('in', val, r16(RDX));
      if (size !== 32) fc.asm.i('movzx', r32(RAX), val);
      release(fc, [], [p]);
      fc.frame.push(regVal(I32, RAX));
    },
  };
}

function plain(mn: Mnemonic): HwOp { return { params: [], results: [], emit: (fc) => fc.asm.i(mn) }; }

/** edx:eax -> rax */
function joinEdxEax(fc: FuncCompiler): void {
  fc.asm.i('shl', r64(RDX), imm(32));
  fc.asm.i('or', r64(RAX), r64(RDX));
}

function mmioRead(size: 8 | 16 | 32 | 64): HwOp {
  return {
    params: [I64], results: [size === 64 ? I64 : I32],
    emit: (fc) => {
      const a = fc.frame.popReg();
      const m = mem(a.n, 0, size);
      if (size === 64) fc.asm.i('mov', r64(a.n), m);
      else if (size === 32) fc.asm.i('mov', r32(a.n), m);
      else fc.asm.i('movzx', r32(a.n), m);
      fc.frame.push(regVal(size === 64 ? I64 : I32, a.n));
    },
  };
}

function mmioWrite(size: 8 | 16 | 32 | 64): HwOp {
  return {
    params: [I64, size === 64 ? I64 : I32], results: [],
    emit: (fc) => {
      const v = fc.frame.popReg();
      const a = fc.frame.popReg();
      const src = size === 8 ? r8(v.n) : size === 16 ? r16(v.n) : size === 32 ? r32(v.n) : r64(v.n);
      fc.asm.i('mov', mem(a.n, 0, size), src);
      release(fc, [], [v, a]);
    },
  };
}

export const HW_OPS: Record<string, HwOp> = {
  outb: out(8), outw: out(16), outl: out(32),
  inb: inp(8), inw: inp(16), inl: inp(32),
  hlt: plain('hlt'), pause: plain('pause'), mfence: plain('mfence'), lfence: plain('lfence'),
  sfence: plain('sfence'), cli: plain('cli'), sti: plain('sti'),
  // `sti; hlt` back to back: STI's one-instruction interrupt shadow makes the pair atomic (SDM vol. 2B STI).
  stihlt: { params: [], results: [], emit: (fc) => { fc.asm.i('sti'); fc.asm.i('hlt'); } },
  rdtsc: {
    params: [], results: [I64],
    emit: (fc) => {
      claim(fc, [RAX, RDX]);
      fc.asm.i('rdtsc');
      joinEdxEax(fc);
      release(fc, [RDX], []);
      fc.frame.push(regVal(I64, RAX));
    },
  },
  cpuid: {
    params: [I32, I32, I32], results: [],
    emit: (fc) => {
      const f = fc.frame;
      const ptr = f.popFixed(RDI, ALL);
      const sub = f.popFixed(RCX, ALL);
      const leaf = f.popFixed(RAX, ALL);
      claim(fc, [RBX, RDX]);
      fc.asm.i('cpuid');
      [RAX, RBX, RCX, RDX].forEach((r, k) => fc.asm.i('mov', mem(RDI, 4 * k, 32), r32(r)));
      release(fc, [RBX, RDX], [ptr, sub, leaf]);
    },
  },
  rdmsr: {
    params: [I32], results: [I64],
    emit: (fc) => {
      const msr = fc.frame.popFixed(RCX, ALL);
      claim(fc, [RAX, RDX]);
      fc.asm.i('rdmsr');
      joinEdxEax(fc);
      release(fc, [RDX], [msr]);
      fc.frame.push(regVal(I64, RAX));
    },
  },
  wrmsr: {
    params: [I32, I64], results: [],
    emit: (fc) => {
      const v = fc.frame.popFixed(RAX, ALL);
      const msr = fc.frame.popFixed(RCX, ALL);
      claim(fc, [RDX]);
      fc.asm.i('mov', r64(RDX), r64(RAX));
      fc.asm.i('shr', r64(RDX), imm(32));
      fc.asm.i('wrmsr');
      release(fc, [RDX], [v, msr]);
    },
  },
  mmioRead8: mmioRead(8), mmioRead16: mmioRead(16), mmioRead32: mmioRead(32), mmioRead64: mmioRead(64),
  mmioWrite8: mmioWrite(8), mmioWrite16: mmioWrite(16), mmioWrite32: mmioWrite(32), mmioWrite64: mmioWrite(64),
  memLayout: {
    params: [I32, I32], results: [],
    emit: (fc) => {
      const max = fc.frame.popReg();
      const pages = fc.frame.popReg();
      fc.asm.i('mov', ripMem(fc.ctx.memMaxPages, 0, 32), r32(max.n));
      fc.asm.i('mov', ripMem(fc.ctx.memPages, 0, 32), r32(pages.n));
      release(fc, [], [max, pages]);
    },
  },
  // The stub's backtrace (boot/backtrace.ts) from this function's caller: its rbp and the return
  // address into it go on the stack; `bt_print_from` preserves every register.
  backtrace: {
    params: [], results: [],
    emit: (fc) => {
      fc.asm.i('push', mem(RBP, 0, 64));
      fc.asm.i('push', mem(RBP, 8, 64));
      fc.callsOut = true;
      fc.asm.call(fc.asm.sym('bt_print_from'));
      fc.asm.i('add', r64(RSP), imm(16));
    },
  },
  poweroff: {
    params: [I32], results: [],
    emit: (fc) => {
      const code = fc.frame.popFixed(RDI, ALL);
      fc.asm.call(fc.asm.sym('poweroff'));
      release(fc, [], [code]);
    },
  },
};

function sigText(t: { params: ValType[]; results: ValType[] }): string {
  return `(${t.params.map((v) => ValType[v]).join(', ')}) -> (${t.results.map((v) => ValType[v]).join(', ')})`;
}

/** Checks an `hw` import's wasm type against the table; returns an error text or null. */
export function checkHwImport(name: string, t: FuncType): string | null {
  const op = HW_OPS[name];
  if (!op) return `unknown hw import hw.${name} (known: ${Object.keys(HW_OPS).join(', ')})`;
  if (sigText(op) !== sigText(t)) return `hw.${name} has type ${sigText(t)}, expected ${sigText(op)}`;
  return null;
}

export function emitHw(fc: FuncCompiler, name: string, _t: FuncType, _ins: Instr): void {
  HW_OPS[name].emit(fc);
}
