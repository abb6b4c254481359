// Process start-up, the fault handler and memory.grow for the Linux target
// (tools/aot/ABI.md "Memory", Linux).
//
//   _start        argv/envp from the initial stack (System V x86-64 ABI §3.4.1),
//                 8 GiB PROT_NONE linear-memory reservation (r15), initial
//                 pages RW, a 16 MiB wasm stack with a guard page, sigaltstack,
//                 SIGSEGV/SIGBUS handler; then jumps to rt:boot (the builder's:
//                 start-up of linked layers, then rt:main)
//   rt:on_signal  fault inside the reservation -> resume at `trap` with
//                 edi = 8 (out of bounds memory access), rsi = the faulting
//                 function's name; in the stack's guard page -> the same with
//                 edi = 9 (call stack exhausted); anything else -> "fatal
//                 signal", exit 134. `trap` resumes on the top of the wasm
//                 stack (it never returns: driver mode unwinds, command mode exits)
//   memory_grow   edi = delta pages -> eax = old size or -1 (memory_grow_at: rsi = cells)

import { type Label, RAX, RBX, RCX, RDX, RSI, RDI, RSP, R8, R9, R10, R15 } from '../../x86/index.ts';
import {
  type Rt, SYS, PROT_NONE, PROT_RW, MAP_PRIVATE, MAP_ANONYMOUS, MAP_NORESERVE, SIGBUS, SIGSEGV,
  SA_SIGINFO, SA_ONSTACK, SA_RESTORER, WASM_PAGE, RESERVATION, STACK_SIZE, STACK_MARGIN,
  ALTSTACK_SIZE, EXIT_TRAP, q, d, i, m, mi, rip, syscall, args,
} from './emit.ts';

export interface MemoryConfig {
  /** Initial pages (0 when the module has no memory). */
  minPages: number;
  /** memory.grow never goes beyond this many pages (module max, capped at 65536). */
  capPages: number;
  /**
   * The memory's cells, emitted by the compiler (ABI.md "Memory"): u32 pages,
   * u32 max pages, u64 base, u64 byte size. _start fills all four.
   */
  cells: Label;
}
const MAP_FLAGS = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
// ucontext_t / siginfo_t offsets on x86-64 (asm/sigcontext.h, asm-generic/siginfo.h):
// uc_mcontext.gregs starts at 40; REG_RDI = 8, REG_RSI = 9, REG_RIP = 16.
const UC_RDI = 40 + 8 * 8, UC_RSI = 40 + 9 * 8, UC_RSP = 40 + 15 * 8, UC_RIP = 40 + 16 * 8;
const SI_ADDR = 16;

/**
 * Emits `_start` (the ELF entry). Every memory gets its own RESERVATION-sized
 * slice of one PROT_NONE mapping (rt:mem_base .. + n * RESERVATION, which the
 * fault handler treats as linear memory); r15 = the first memory's base.
 */
export function emitStart(rt: Rt, mems: MemoryConfig[]): void {
  const { asm, data } = rt;
  const fail = asm.label();
  asm.bind(asm.sym('_start'));
  asm.i('mov', q(RBX), q(RSP));
  asm.i('mov', q(RAX), m(RBX, 0));
  asm.i('mov', rip(data.zeros('argc', 8)), q(RAX));
  asm.i('lea', q(RAX), m(RBX, 8));
  asm.i('mov', rip(data.zeros('argv', 8)), q(RAX));
  asm.i('mov', q(RCX), m(RBX, 0));
  asm.i('lea', q(RAX), mi(RBX, RCX, 8, 16));
  asm.i('mov', rip(data.zeros('envp', 8)), q(RAX));
  // Linear memories: one reservation, then each memory's initial pages readable and writable.
  args(asm, 0, RESERVATION * Math.max(1, mems.length), PROT_NONE, MAP_FLAGS, -1, 0);
  syscall(asm, SYS.mmap);
  asm.i('cmp', q(RAX), i(-4096));
  asm.i('ja', fail);
  asm.i('mov', rip(data.zeros('mem_base', 8)), q(RAX));
  asm.i('mov', rip(data.table('mem_span', [BigInt(RESERVATION * Math.max(1, mems.length))])), q(RAX));
  asm.i('mov', q(R15), q(RAX));
  mems.forEach((cfg, k) => setUpMemory(rt, cfg, k, fail));
  emitStackSwitch(rt, fail);
  emitSignalSetup(rt, fail);
  asm.i('jmp', rt.L('boot'));
  asm.bind(fail);
  const msg = 'asuk runtime: start-up failed (mmap/mprotect/sigaltstack/sigaction)\n';
  args(asm, 2, data.str(msg), msg.length);
  asm.i('call', rt.L('write_all'));
  asm.i('mov', d(RDI), i(EXIT_TRAP));
  asm.i('jmp', rt.L('exit'));
}

/** Memory k: base = rt:mem_base + k * RESERVATION, its cells, its initial pages RW. */
function setUpMemory(rt: Rt, cfg: MemoryConfig, k: number, fail: Label): void {
  const { asm } = rt;
  asm.i('mov', q(RBX), rip(rt.L('mem_base')));
  if (k > 0) {
    asm.i('mov', q(RAX), i(RESERVATION * k));
    asm.i('add', q(RBX), q(RAX));
  }
  asm.i('mov', rip(cfg.cells, 8, 64), q(RBX));
  asm.i('mov', rip(cfg.cells, 0, 32), i(cfg.minPages));
  asm.i('mov', rip(cfg.cells, 4, 32), i(cfg.capPages));
  asm.i('mov', q(RAX), i(cfg.minPages * WASM_PAGE));
  asm.i('mov', rip(cfg.cells, 16, 64), q(RAX));
  if (cfg.minPages === 0) return;
  args(asm, q(RBX), cfg.minPages * WASM_PAGE, PROT_RW);
  syscall(asm, SYS.mprotect);
  asm.i('test', q(RAX), q(RAX));
  asm.i('jnz', fail);
}

/** Maps the wasm stack, makes its lowest page a guard, sets stack_limit and switches rsp. */
function emitStackSwitch(rt: Rt, fail: Label): void {
  const { asm } = rt;
  args(asm, 0, STACK_SIZE, PROT_RW, MAP_FLAGS, -1, 0);
  syscall(asm, SYS.mmap);
  asm.i('cmp', q(RAX), i(-4096));
  asm.i('ja', fail);
  asm.i('mov', q(RBX), q(RAX));
  args(asm, q(RBX), 4096, PROT_NONE);
  syscall(asm, SYS.mprotect);
  asm.i('mov', rip(rt.data.zeros('stack_base', 8)), q(RBX));
  asm.i('lea', q(RAX), m(RBX, STACK_MARGIN));
  asm.i('mov', rip(asm.sym('stack_limit'), 0, 64), q(RAX));
  asm.i('lea', q(RSP), m(RBX, STACK_SIZE));
  asm.i('mov', rip(rt.data.zeros('stack_top', 8)), q(RSP));
}

/** sigaltstack + rt_sigaction(SIGSEGV, SIGBUS) with SA_SIGINFO|SA_ONSTACK|SA_RESTORER. */
function emitSignalSetup(rt: Rt, fail: Label): void {
  const { asm, data } = rt;
  // stack_t { void *ss_sp; int ss_flags; size_t ss_size; }
  const ss = data.table('altstack', [0n, 0n, BigInt(ALTSTACK_SIZE)]);
  // struct kernel_sigaction { handler; flags; restorer; mask } (arch/x86 rt_sigaction)
  const act = data.table('sigaction', [rt.L('on_signal'), BigInt(SA_SIGINFO | SA_ONSTACK | SA_RESTORER), rt.L('sigreturn'), 0n]);
  args(asm, 0, ALTSTACK_SIZE, PROT_RW, MAP_FLAGS, -1, 0);
  syscall(asm, SYS.mmap);
  asm.i('cmp', q(RAX), i(-4096));
  asm.i('ja', fail);
  asm.i('mov', rip(ss), q(RAX));
  args(asm, ss, 0);
  syscall(asm, SYS.sigaltstack);
  for (const sig of [SIGSEGV, SIGBUS]) {
    args(asm, sig, act, 0, 8);
    syscall(asm, SYS.rt_sigaction);
    asm.i('test', q(RAX), q(RAX));
    asm.i('jnz', fail);
  }
}

/** rt:on_signal(edi = signo, rsi = siginfo, rdx = ucontext) and rt:sigreturn. */
export function emitSignalHandler(rt: Rt): void {
  const { asm, data } = rt;
  const fatal = asm.label();
  asm.bind(rt.L('sigreturn'));
  syscall(asm, SYS.rt_sigreturn);
  asm.i('ud2');

  const inMemory = asm.label(), redirect = asm.label();
  asm.bind(rt.L('on_signal'));
  asm.i('mov', q(RAX), m(RSI, SI_ADDR));
  asm.i('sub', q(RAX), rip(rt.L('mem_base')));
  asm.i('cmp', q(RAX), rip(rt.L('mem_span')));
  asm.i('jb', inMemory);
  asm.i('mov', q(RAX), m(RSI, SI_ADDR));
  asm.i('sub', q(RAX), rip(rt.L('stack_base')));
  asm.i('cmp', q(RAX), i(4096));
  asm.i('jae', fatal);
  asm.i('mov', d(RCX), i(9));               // call stack exhausted
  asm.i('jmp', redirect);
  asm.bind(inMemory);
  asm.i('mov', d(RCX), i(8));               // out of bounds memory access
  asm.bind(redirect);
  asm.i('mov', m(RDX, UC_RDI), q(RCX));
  asm.i('mov', q(RDI), m(RDX, UC_RIP));
  asm.i('call', rt.L('func_at'));
  asm.i('mov', m(RDX, UC_RSI), q(RAX));
  asm.i('mov', q(RAX), rip(rt.L('stack_top')));
  asm.i('mov', m(RDX, UC_RSP), q(RAX));
  asm.i('lea', q(RAX), rip(asm.sym('trap')));
  asm.i('mov', m(RDX, UC_RIP), q(RAX));
  asm.i('ret');

  asm.bind(fatal);
  asm.i('mov', q(RBX), q(RSI));
  asm.i('mov', q(R9), m(RDX, UC_RIP));
  asm.i('push', q(R9));
  asm.i('push', q(RDI));
  asm.i('call', rt.L('sb_reset'));
  asm.i('lea', q(RDI), rip(data.str('fatal signal ')));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('pop', q(RDI));
  asm.i('call', rt.L('sb_dec'));
  asm.i('lea', q(RDI), rip(data.str(' at address ')));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('mov', q(RDI), m(RBX, SI_ADDR));
  asm.i('call', rt.L('sb_hex'));
  asm.i('lea', q(RDI), rip(data.str(', pc ')));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('pop', q(RDI));
  asm.i('call', rt.L('sb_hex'));
  asm.i('mov', d(RDI), i(10));
  asm.i('call', rt.L('sb_byte'));
  asm.i('mov', d(RDI), i(2));
  asm.i('call', rt.L('sb_flush'));
  asm.i('mov', d(RDI), i(EXIT_TRAP));
  asm.i('jmp', rt.L('exit'));
  emitSbHex(rt);
}

/** rt:sb_hex(rdi): appends 0x + 16 hex digits. */
function emitSbHex(rt: Rt): void {
  const { asm } = rt;
  const loop = asm.label(), digit = asm.label();
  asm.bind(rt.L('sb_hex'));
  asm.i('mov', q(R8), q(RDI));
  asm.i('mov', d(RDI), i(0x30));
  asm.i('call', rt.L('sb_byte'));
  asm.i('mov', d(RDI), i(0x78));
  asm.i('call', rt.L('sb_byte'));
  asm.i('mov', d(R9), i(16));
  asm.bind(loop);
  asm.i('rol', q(R8), i(4));
  asm.i('mov', d(RDI), d(R8));
  asm.i('and', d(RDI), i(15));
  asm.i('add', d(RDI), i(0x30));
  asm.i('cmp', d(RDI), i(0x39));
  asm.i('jbe', digit);
  asm.i('add', d(RDI), i(39));              // 'a' - '0' - 10
  asm.bind(digit);
  asm.i('call', rt.L('sb_byte'));
  asm.i('dec', d(R9));
  asm.i('jnz', loop);
  asm.i('ret');
}

/**
 * rt:func_at(rdi = pc) -> rax = NUL-terminated name of the compiled function
 * containing pc (the greatest start <= pc in rt:functab), else "<runtime>".
 * Clobbers rcx rsi r8 r9. rt:functab (pairs start, name) and rt:functab_n are
 * emitted after compilation by emitFuncTable.
 */
export function emitFuncAt(rt: Rt): void {
  const { asm, data } = rt;
  const loop = asm.label(), next = asm.label(), done = asm.label();
  asm.bind(rt.L('func_at'));
  asm.i('lea', q(RSI), rip(rt.L('functab')));
  asm.i('mov', q(RCX), rip(rt.L('functab_n')));
  asm.i('lea', q(RAX), rip(data.str('<runtime>')));
  asm.i('xor', d(R8), d(R8));
  asm.bind(loop);
  asm.i('test', q(RCX), q(RCX));
  asm.i('jz', done);
  asm.i('mov', q(R9), m(RSI, 0));
  asm.i('cmp', q(R9), q(RDI));
  asm.i('ja', next);
  asm.i('cmp', q(R9), q(R8));
  asm.i('jb', next);
  asm.i('mov', q(R8), q(R9));
  asm.i('mov', q(RAX), m(RSI, 8));
  asm.bind(next);
  asm.i('add', q(RSI), i(16));
  asm.i('dec', q(RCX));
  asm.i('jmp', loop);
  asm.bind(done);
  asm.i('ret');
}

/** Emits the data of rt:func_at: one (start, name) pair per compiled function. */
export function emitFuncTable(rt: Rt, funcs: { label: Label; name: string }[]): void {
  rt.data.table('functab_n', [BigInt(funcs.length)]);
  rt.data.table('functab', funcs.flatMap((f) => [f.label, rt.data.str(f.name)]));
}

/**
 * memory_grow_at(edi = delta pages, rsi = the memory's cells) -> eax = previous
 * pages, or -1 beyond its max pages or when mprotect fails. memory_grow(edi)
 * is the same for the single-module build's memory (cells at `mem_pages`).
 */
export function emitMemoryGrow(rt: Rt, single: boolean): void {
  const { asm } = rt;
  const failed = asm.label(), same = asm.label();
  if (single) {
    asm.bind(asm.sym('memory_grow'));
    asm.i('lea', q(RSI), rip(asm.sym('mem_pages')));
  }
  asm.bind(asm.sym('memory_grow_at'));
  asm.i('mov', q(R10), q(RSI));
  asm.i('mov', d(RAX), m(R10, 0, 32));
  asm.i('mov', d(RCX), d(RDI));
  asm.i('lea', q(RDX), mi(RAX, RCX, 1));
  asm.i('mov', d(R8), m(R10, 4, 32));
  asm.i('cmp', q(RDX), q(R8));
  asm.i('ja', failed);
  asm.i('test', d(RCX), d(RCX));
  asm.i('jz', same);
  asm.i('mov', q(R8), q(RAX));
  asm.i('mov', q(R9), q(RDX));
  asm.i('mov', q(RDI), q(RAX));
  asm.i('shl', q(RDI), i(16));
  asm.i('add', q(RDI), m(R10, 8, 64));
  asm.i('mov', q(RSI), q(RCX));
  asm.i('shl', q(RSI), i(16));
  asm.i('mov', d(RDX), i(PROT_RW));
  syscall(asm, SYS.mprotect);
  asm.i('test', q(RAX), q(RAX));
  asm.i('jnz', failed);
  asm.i('mov', m(R10, 0, 32), d(R9));
  asm.i('mov', q(RAX), q(R9));
  asm.i('shl', q(RAX), i(16));
  asm.i('mov', m(R10, 16, 64), q(RAX));
  asm.i('mov', d(RAX), d(R8));
  asm.bind(same);
  asm.i('ret');
  asm.bind(failed);
  asm.i('mov', d(RAX), i(-1));
  asm.i('ret');
}
