// The embedded initrd (einitrd): a CPIO archive the linker loads right after
// the stub's bss. The stub presents it to the kernel as one more multiboot
// module named "embedded" (DESIGN.md: fstab dev `embedded`), so the kernel
// finds it, and keeps the heap off it, exactly like QEMU's `-initrd` modules.
//
// Multiboot 0.6.96 §3.3: info.flags bit 3 = mods valid; mods_count at +20,
// mods_addr at +24; each module entry is 16 bytes:
//
//   +0 mod_start  +4 mod_end  +8 string (C string address)  +12 reserved
//
// `boot_add_einitrd` copies up to MAX_MODS loader modules into `boot_mods`
// (in the blob), appends the einitrd entry and points the info block at it.

import { RAX, RCX, RDI, RDX, RSI, R8, type Label, imm, mem, r32, r64, ripMem } from '../tools/x86/index.ts';
import { type StubCtx, bssMem, strMem } from './emit.ts';
import { BSS } from './layout.ts';

export const MAX_MODS = 31;
export const EINITRD_NAME = 'embedded';
/** The module string of a locked einitrd: the kernel refuses to replace `/` (issue 5). */
export const EINITRD_LOCKED_NAME = 'embedded locked';
const MBI_FLAGS = 0, MBI_MODS_COUNT = 20, MBI_MODS_ADDR = 24, MBI_FLAG_MODS = 1 << 3;

export interface EinitrdLabels { bootMbi: Label; bootMods: Label }

/** `boot_add_einitrd` (no arguments; clobbers rax, rcx, rdx, rsi, rdi, r8). */
export function emitAddEinitrd(c: StubCtx, l: EinitrdLabels, size: number, locked = false): void {
  const a = c.asm;
  const append = a.label(), capped = a.label(), copy = a.label();
  a.bind(a.sym('boot_add_einitrd'));
  a.i('mov', r32(RAX), ripMem(l.bootMbi));
  a.i('lea', r64(RDI), ripMem(l.bootMods));
  a.i('xor', r32(RCX), r32(RCX));
  a.i('test', mem(RAX, MBI_FLAGS, 32), imm(MBI_FLAG_MODS));
  a.i('jz', append);
  a.i('mov', r32(RDX), mem(RAX, MBI_MODS_COUNT));
  a.i('cmp', r32(RDX), imm(MAX_MODS));
  a.i('jbe', capped);
  a.i('mov', r32(RDX), imm(MAX_MODS));
  a.bind(capped);
  a.i('mov', r32(RSI), mem(RAX, MBI_MODS_ADDR));
  a.bind(copy);
  a.i('test', r32(RDX), r32(RDX));
  a.i('jz', append);
  a.i('mov', r64(R8), mem(RSI, 0));
  a.i('mov', mem(RDI, 0), r64(R8));
  a.i('mov', r64(R8), mem(RSI, 8));
  a.i('mov', mem(RDI, 8), r64(R8));
  a.i('add', r64(RSI), imm(16));
  a.i('add', r64(RDI), imm(16));
  a.i('inc', r32(RCX));
  a.i('dec', r32(RDX));
  a.i('jmp', copy);
  a.bind(append);
  a.i('lea', r64(R8), bssMem(c, BSS.size));
  a.i('mov', mem(RDI, 0), r32(R8));
  a.i('add', r64(R8), imm(size));
  a.i('mov', mem(RDI, 4), r32(R8));
  a.i('lea', r64(R8), strMem(c, locked ? EINITRD_LOCKED_NAME : EINITRD_NAME));
  a.i('mov', mem(RDI, 8), r32(R8));
  a.i('mov', mem(RDI, 12, 32), imm(0));
  a.i('inc', r32(RCX));
  a.i('mov', mem(RAX, MBI_MODS_COUNT), r32(RCX));
  a.i('lea', r64(R8), ripMem(l.bootMods));
  a.i('mov', mem(RAX, MBI_MODS_ADDR), r32(R8));
  a.i('or', mem(RAX, MBI_FLAGS, 32), imm(MBI_FLAG_MODS));
  a.i('ret');
}

/** The module array the info block points at when an einitrd is present. */
export function emitModsArea(c: StubCtx, l: EinitrdLabels): void {
  c.asm.align(16, 0);
  c.asm.bind(l.bootMods);
  c.asm.bytes(new Uint8Array((MAX_MODS + 1) * 16));
}
