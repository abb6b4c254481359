// The 32-bit half of the stub: the multiboot header, `_start32` (entered by
// the loader in 32-bit protected mode, paging off, Multiboot 0.6.96 §3.2),
// the page tables, and the switch to long mode (Intel SDM vol. 3A §9.8.5
// "Initializing IA-32e Mode"): PAE, CR3, EFER.LME, paging, 64-bit GDT, far jump.

import {
  RAX, RBX, RCX, RDI, RDX, RSI, RSP, type Label, cr, imm, mem, memIdx, r32, ripMem,
} from '../tools/x86/index.ts';
import { type StubCtx, bssMem } from './emit.ts';
import { BSS, MB_HEADER_FLAGS, MB_HEADER_MAGIC, SEL_CODE64 } from './layout.ts';

/** Labels the 32-bit half shares with the rest of the stub. */
export interface Entry32Labels {
  start64: Label;
  bootTsc: Label;
  bootMagic: Label;
  bootMbi: Label;
  gdt: Label;
  gdtr: Label;
}

const PTE_P_RW = 0x3, PDE_2M = 0x83;                        // present | writable (| PS for 2 MiB pages)
const CR4_PAE = 1 << 5, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10;
const CR0_MP = 1 << 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3, CR0_NE = 1 << 5, CR0_PG = 0x80000000;
const MSR_EFER = 0xc0000080, EFER_LME = 1 << 8;

/** Multiboot v1 header (§3.1.1): magic, flags, checksum (the three sum to 0 mod 2^32). */
export function emitMultibootHeader(c: StubCtx): void {
  const a = c.asm;
  a.align(4, 0);
  a.bind(a.sym('multiboot_header'));
  a.u32(MB_HEADER_MAGIC);
  a.u32(MB_HEADER_FLAGS);
  a.u32((-(MB_HEADER_MAGIC + MB_HEADER_FLAGS)) >>> 0);
}

/** `_start32`: save the boot state, build the page tables, enter long mode. */
export function emitEntry32(c: StubCtx, l: Entry32Labels): void {
  const a = c.asm;
  a.bits = 32;
  a.bind(a.sym('_start32'));
  a.i('mov', r32(RSI), r32(RAX));                          // eax = multiboot magic; rdtsc clobbers it
  a.i('rdtsc');
  a.i('mov', ripMem(l.bootTsc, 0), r32(RAX));
  a.i('mov', ripMem(l.bootTsc, 4), r32(RDX));
  a.i('mov', ripMem(l.bootMagic), r32(RSI));
  a.i('mov', ripMem(l.bootMbi), r32(RBX));
  a.i('lea', r32(RSP), bssMem(c, BSS.stackTop));
  a.i('cld');
  emitPageTables(c);
  emitLongModeSwitch(c, l);
  emitSplit32(c);
}

/** Clears the tables, then PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, PD[j] = j * 2 MiB (Intel SDM vol. 3A §4.5). */
function emitPageTables(c: StubCtx): void {
  const a = c.asm;
  a.i('lea', r32(RDI), bssMem(c, 0));
  a.i('xor', r32(RAX), r32(RAX));
  a.i('mov', r32(RCX), imm(BSS.clearEnd));
  a.i('rep stosb');
  a.i('lea', r32(RAX), bssMem(c, BSS.pdpt + PTE_P_RW));
  a.i('mov', bssMem(c, BSS.pml4), r32(RAX));
  for (let i = 0; i < 4; i++) {
    a.i('lea', r32(RAX), bssMem(c, BSS.pd + i * 0x1000 + PTE_P_RW));
    a.i('mov', bssMem(c, BSS.pdpt + i * 8), r32(RAX));
  }
  // 2048 PD entries, each a 2 MiB page: entry j maps j << 21 (the high dword stays 0).
  a.i('lea', r32(RDI), bssMem(c, BSS.pd));
  a.i('xor', r32(RCX), r32(RCX));
  const fill = a.label();
  a.bind(fill);
  a.i('mov', r32(RAX), r32(RCX));
  a.i('shl', r32(RAX), imm(21));
  a.i('or', r32(RAX), imm(PDE_2M));
  a.i('mov', memIdx(RDI, RCX, 8, 0), r32(RAX));
  a.i('inc', r32(RCX));
  a.i('cmp', r32(RCX), imm(2048));
  a.i('jb', fill);
  // The first 2 MiB in 4 KiB pages, page 0 absent (null dereferences fault).
  a.i('xor', r32(RAX), r32(RAX));
  a.i('lea', r32(RBX), bssMem(c, BSS.ptLow));
  a.i('call', a.sym('boot_split32'));
  a.i('mov', bssMem(c, BSS.ptLow, 32), imm(0));
  // The guard page's 2 MiB region in 4 KiB pages (unless it is region 0, already split), guard absent.
  const split = a.label();
  a.i('lea', r32(RAX), bssMem(c, BSS.guard));
  a.i('shr', r32(RAX), imm(21));
  a.i('jz', split);
  a.i('lea', r32(RBX), bssMem(c, BSS.ptGuard));
  a.i('call', a.sym('boot_split32'));
  a.bind(split);
  a.i('lea', r32(RAX), bssMem(c, BSS.guard));
  a.i('shr', r32(RAX), imm(21));
  a.i('mov', r32(RBX), memIdx(RDI, RAX, 8, 0));             // the PT that maps the guard's region
  a.i('and', r32(RBX), imm(0xfffff000));
  a.i('lea', r32(RAX), bssMem(c, BSS.guard));
  a.i('shr', r32(RAX), imm(12));
  a.i('and', r32(RAX), imm(511));
  a.i('mov', memIdx(RBX, RAX, 8, 0, 32), imm(0));
}

/** `boot_split32`: eax = 2 MiB region r, ebx = a 4 KiB-aligned PT; identity-maps r in 4 KiB pages, PD[r] -> PT. */
function emitSplit32(c: StubCtx): void {
  const a = c.asm;
  a.bind(a.sym('boot_split32'));
  a.i('mov', r32(RDX), r32(RAX));
  a.i('shl', r32(RDX), imm(21));
  a.i('or', r32(RDX), imm(PTE_P_RW));
  a.i('xor', r32(RCX), r32(RCX));
  const loop = a.label();
  a.bind(loop);
  a.i('mov', memIdx(RBX, RCX, 8, 0), r32(RDX));
  a.i('add', r32(RDX), imm(0x1000));
  a.i('inc', r32(RCX));
  a.i('cmp', r32(RCX), imm(512));
  a.i('jb', loop);
  a.i('lea', r32(RDI), bssMem(c, BSS.pd));
  a.i('lea', r32(RDX), mem(RBX, PTE_P_RW));
  a.i('mov', memIdx(RDI, RAX, 8, 0), r32(RDX));
  a.i('ret');
}

/** SSE + PAE in CR4, CR3, EFER.LME, CR0.PG (and MP/NE, EM/TS clear), lgdt, far jump to 64-bit code. */
function emitLongModeSwitch(c: StubCtx, l: Entry32Labels): void {
  const a = c.asm;
  a.i('mov', r32(RAX), cr(4));
  a.i('or', r32(RAX), imm(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT));
  a.i('mov', cr(4), r32(RAX));
  a.i('lea', r32(RAX), bssMem(c, BSS.pml4));
  a.i('mov', cr(3), r32(RAX));
  a.i('mov', r32(RCX), imm(MSR_EFER));
  a.i('rdmsr');
  a.i('or', r32(RAX), imm(EFER_LME));
  a.i('wrmsr');
  a.i('mov', r32(RAX), cr(0));
  a.i('and', r32(RAX), imm((~(CR0_EM | CR0_TS)) >>> 0));
  a.i('or', r32(RAX), imm((CR0_PG | CR0_NE | CR0_MP) >>> 0));
  a.i('mov', cr(0), r32(RAX));
  a.i('lgdt', ripMem(l.gdtr));
  a.i('jmpf', imm(SEL_CODE64), l.start64);
}

/**
 * The GDT (Intel SDM vol. 3A §3.4.5): null, 64-bit code (L=1), data, and a
 * 16-byte TSS descriptor filled at run time; then the pseudo-descriptor for
 * lgdt (limit u16, base u64; 32-bit lgdt reads the low 4 bytes of the base).
 */
export function emitGdt(c: StubCtx, l: Entry32Labels): void {
  const a = c.asm;
  a.align(16, 0);
  a.bind(l.gdt);
  a.u64(0n);
  a.u64(0x00af9a000000ffffn);     // code: P, DPL 0, execute/read, L
  a.u64(0x00cf92000000ffffn);     // data: P, DPL 0, read/write, 4 GiB
  a.u64(0n);                      // TSS descriptor, low (filled by boot_tss_setup)
  a.u64(0n);                      // TSS descriptor, high
  a.align(8, 0);
  a.u16(0);
  a.u16(0);
  a.u16(0);
  a.bind(l.gdtr);
  a.u16(5 * 8 - 1);
  a.addr64(l.gdt);
}
