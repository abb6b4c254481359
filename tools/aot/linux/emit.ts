// Shared pieces of the Linux runtime emitters: syscall numbers (x86-64
// Linux ABI, arch/x86/entry/syscalls/syscall_64.tbl), a data-area builder,
// and short-hand operand constructors.
//
// Register conventions inside the runtime (not wasm code):
//   helper routines (rt:sb_*, rt:read_exact, rt:write_all, rt:errno) clobber
//   only rax rcx rdx rsi rdi r8-r11 and preserve rbx r12-r14 rbp r15.
//   Entry points called by compiled code (memory_grow, imports) follow
//   tools/aot/ABI.md: they preserve rbp, rsp, r12-r14 and r15 (trap and abort
//   never return).

import {
  type Assembler, type Label, type Mem, type Operand,
  r64, r32, r8, imm, mem, memIdx, ripMem, RAX, RDI, RSI, RDX, R10, R8, R9,
} from '../../x86/index.ts';

export const SYS = {
  read: 0, write: 1, close: 3, fstat: 5, lseek: 8, mmap: 9, mprotect: 10,
  rt_sigaction: 13, rt_sigreturn: 15, sigaltstack: 131, clock_gettime: 228,
  exit_group: 231, getrandom: 318,
} as const;

export const PROT_NONE = 0, PROT_RW = 3;
export const MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
export const SIGBUS = 7, SIGSEGV = 11;
/** sigaction flags (include/uapi/asm-generic/signal-defs.h, x86 signal.h). */
export const SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTORER = 0x04000000;

export const WASM_PAGE = 65536;
/** Linear memory reservation: 8 GiB covers zero-extended i32 + u32 offset, plus a 64 KiB guard for access widths. */
export const RESERVATION = 0x2_0001_0000;
/** Wasm stack: 16 MiB mapping, lowest page a guard; stack_limit = bottom + 256 KiB margin for runtime calls. */
export const STACK_SIZE = 16 << 20, STACK_MARGIN = 256 << 10;
export const ALTSTACK_SIZE = 64 << 10;
/** Exit status of a trap/abort in command mode and of a fatal signal (128 + SIGABRT, like a crashed process). */
export const EXIT_TRAP = 134;

export const q = r64, d = r32, b = r8, i = imm, m = mem, mi = memIdx;
/** RIP-relative memory operand of a runtime label. */
export const rip = (l: Label, disp = 0, size?: 8 | 16 | 32 | 64): Mem => ripMem(l, disp, size);

/** Emits `mov eax, nr; syscall` (arguments already in rdi rsi rdx r10 r8 r9). Clobbers rax rcx r11. */
export function syscall(asm: Assembler, nr: number): void {
  asm.i('mov', d(RAX), i(nr));
  asm.i('syscall');
}

/** Sets syscall argument registers from operands (64-bit moves; numbers become immediates). */
export function args(asm: Assembler, ...ops: (Operand | number | bigint)[]): void {
  const regs = [RDI, RSI, RDX, R10, R8, R9];
  ops.forEach((o, k) => {
    const dst = q(regs[k]!);
    if (typeof o === 'number' || typeof o === 'bigint') {
      if (o === 0 || o === 0n) asm.i('xor', d(regs[k]!), d(regs[k]!));
      else asm.i('mov', dst, i(o));
    } else if (o.k === 'l') asm.i('lea', dst, rip(o));
    else asm.i('mov', dst, o);
  });
}

/**
 * The runtime's data area: zero-initialised variables and constant strings,
 * emitted after all code by `emit()`. Labels are named `rt:<name>`.
 */
export class RtData {
  private items: { label: Label; bytes: Uint8Array | (Label | bigint)[]; align: number }[] = [];
  private strings = new Map<string, Label>();
  constructor(private asm: Assembler) {}

  /** A zero-filled variable or buffer of `size` bytes. */
  zeros(name: string, size: number, align = 8): Label {
    const label = this.asm.sym(`rt:${name}`);
    this.items.push({ label, bytes: new Uint8Array(size), align });
    return label;
  }
  /** Raw bytes (tables). */
  bytes(name: string, bytes: ArrayLike<number>, align = 8): Label {
    const label = this.asm.sym(`rt:${name}`);
    this.items.push({ label, bytes: Uint8Array.from(bytes), align });
    return label;
  }
  /** A table of 8-byte entries: absolute addresses of labels, or constants. */
  table(name: string, entries: (Label | bigint)[]): Label {
    return this.tableAt(this.asm.sym(`rt:${name}`), entries);
  }
  /** The same at a given label (e.g. one the compiler references). */
  tableAt(label: Label, entries: (Label | bigint)[]): Label {
    this.items.push({ label, bytes: entries, align: 8 });
    return label;
  }
  /** A NUL-terminated string (deduplicated); non-ASCII characters become UTF-8. */
  str(s: string): Label {
    let label = this.strings.get(s);
    if (!label) {
      label = this.asm.label();
      this.strings.set(s, label);
      this.items.push({ label, bytes: new TextEncoder().encode(s + '\0'), align: 1 });
    }
    return label;
  }
  /** Emits every item (call once, after all code). */
  emit(): void {
    for (const it of this.items) {
      this.asm.align(it.align, 0);
      this.asm.bind(it.label);
      if (it.bytes instanceof Uint8Array) this.asm.bytes(it.bytes);
      else for (const e of it.bytes) typeof e === 'bigint' ? this.asm.u64(e) : this.asm.addr64(e);
    }
  }
}

/** Everything the emitters share. */
export interface Rt {
  asm: Assembler;
  data: RtData;
  mode: 'driver' | 'command';
  /** Named runtime label `rt:<name>` (code or data). */
  L(name: string): Label;
}

export function makeRt(asm: Assembler, mode: 'driver' | 'command'): Rt {
  return { asm, data: new RtData(asm), mode, L: (name) => asm.sym(`rt:${name}`) };
}
