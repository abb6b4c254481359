// kernel/hw.ts — the hardware imports. Each `hw.<name>` import is lowered
// INLINE by tools/aot (table in tools/aot/hw.ts) to the instruction(s) named
// in the comment; under Node the tests pass a JS object for module "hw".
// Nothing else in the kernel is special: memory is load<T>/store<T> at
// physical addresses (wasm address N = physical N, tools/aot/ABI.md).
//
// Sub-word results (inb, inw, mmioRead8/16) must come back zero-extended.

// ---- port I/O (Intel SDM vol. 2: IN, OUT) ----
// @ts-ignore: decorator
@external("hw", "outb") export declare function outb(port: u16, v: u8): void;
// @ts-ignore: decorator
@external("hw", "outw") export declare function outw(port: u16, v: u16): void;
// @ts-ignore: decorator
@external("hw", "outl") export declare function outl(port: u16, v: u32): void;
// @ts-ignore: decorator
@external("hw", "inb") export declare function inb(port: u16): u8;
// @ts-ignore: decorator
@external("hw", "inw") export declare function inw(port: u16): u16;
// @ts-ignore: decorator
@external("hw", "inl") export declare function inl(port: u16): u32;

// ---- CPU ----
/** RDTSC: edx:eax as one u64. */
// @ts-ignore: decorator
@external("hw", "rdtsc") export declare function rdtsc(): u64;
/** CPUID(leaf, subleaf); stores eax, ebx, ecx, edx as 4 x u32 at `out` (16 bytes). */
// @ts-ignore: decorator
@external("hw", "cpuid") export declare function cpuid(leaf: u32, subleaf: u32, out: usize): void;
// @ts-ignore: decorator
@external("hw", "hlt") export declare function hlt(): void;
// @ts-ignore: decorator
@external("hw", "pause") export declare function pause(): void;
// @ts-ignore: decorator
@external("hw", "mfence") export declare function mfence(): void;
// @ts-ignore: decorator
@external("hw", "lfence") export declare function lfence(): void;
// @ts-ignore: decorator
@external("hw", "sfence") export declare function sfence(): void;
// @ts-ignore: decorator
@external("hw", "cli") export declare function cli(): void;
// @ts-ignore: decorator
@external("hw", "sti") export declare function sti(): void;
/** `sti; hlt` as one step: an interrupt pending or arriving between the two still wakes the hlt. */
// @ts-ignore: decorator
@external("hw", "stihlt") export declare function stihlt(): void;
// @ts-ignore: decorator
@external("hw", "rdmsr") export declare function rdmsr(msr: u32): u64;
// @ts-ignore: decorator
@external("hw", "wrmsr") export declare function wrmsr(msr: u32, v: u64): void;

// ---- MMIO: absolute 64-bit physical addresses, volatile, not relative to r15 ----
// @ts-ignore: decorator
@external("hw", "mmioRead8") export declare function mmioRead8(addr: u64): u8;
// @ts-ignore: decorator
@external("hw", "mmioRead16") export declare function mmioRead16(addr: u64): u16;
// @ts-ignore: decorator
@external("hw", "mmioRead32") export declare function mmioRead32(addr: u64): u32;
// @ts-ignore: decorator
@external("hw", "mmioRead64") export declare function mmioRead64(addr: u64): u64;
// @ts-ignore: decorator
@external("hw", "mmioWrite8") export declare function mmioWrite8(addr: u64, v: u8): void;
// @ts-ignore: decorator
@external("hw", "mmioWrite16") export declare function mmioWrite16(addr: u64, v: u16): void;
// @ts-ignore: decorator
@external("hw", "mmioWrite32") export declare function mmioWrite32(addr: u64, v: u32): void;
// @ts-ignore: decorator
@external("hw", "mmioWrite64") export declare function mmioWrite64(addr: u64, v: u64): void;

// ---- memory and machine ----
/** Sets the compiled code's `mem_pages` / `mem_max_pages` (ABI.md "Memory"). */
// @ts-ignore: decorator
@external("hw", "memLayout") export declare function memLayout(pages: u32, maxPages: u32): void;
/**
 * Prints `  at NAME` lines for the caller of the calling function and its
 * callers (the boot stub walks the frame chain; boot/backtrace.ts).
 */
// @ts-ignore: decorator
@external("hw", "backtrace") export declare function backtrace(): void;
/** Powers the machine off with an exit code (isa-debug-exit, then ACPI). Never returns. */
// @ts-ignore: decorator
@external("hw", "poweroff") export declare function poweroff(code: i32): void;
