// Fixed facts of the boot stub: multiboot constants, GDT selectors, the bss
// layout and the exit codes. One definition, used by the stub, the linker and
// the tests.

/** Multiboot 0.6.96 §3.1.1: header magic; flags bit 0 = page-align modules, bit 1 = memory info. */
export const MB_HEADER_MAGIC = 0x1badb002;
export const MB_HEADER_FLAGS = 0x00000003;
/** Multiboot 0.6.96 §3.2: the value in eax when a compliant loader enters the kernel. */
export const MB_BOOT_MAGIC = 0x2badb002;

/** GDT selectors (Intel SDM vol. 3A §3.4.2, §7.2.3 for the 16-byte TSS descriptor). */
export const SEL_CODE64 = 0x08, SEL_DATA = 0x10, SEL_TSS = 0x18;

/** The exit code of every panic (QEMU isa-debug-exit status (0x7f << 1) | 1 = 255). */
export const PANIC_CODE = 0x7f;

/** I/O ports and MMIO the stub touches. */
export const COM1 = 0x3f8;
export const DEBUG_EXIT_PORT = 0xf4;
/** QEMU `pc` PIIX4 PM1a_CNT (PM base 0x600 as SeaBIOS programs it), older QEMU/Bochs at 0xb004. SLP_TYP=0 | SLP_EN. */
export const PIIX4_PM1A_CNT = 0x604, BOCHS_PM1A_CNT = 0xb004, PM1_SLP_EN_S5 = 0x2000;
/**
 * QEMU `microvm`: the ACPI Generic Event Device's registers (hw/i386/microvm.h GED_MMIO_BASE 0xfea00000,
 * regs at +0x200; hw/acpi/generic_event_device.c: sleep control at offset 0, SLP_TYP at bit 2 (S5 = 5),
 * SLP_EN = bit 5; ACPI 6.4 §4.8.3.7 hardware-reduced sleep control register).
 */
export const MICROVM_GED_SLEEP_CTL = 0xfea00200, GED_SLEEP_S5 = (5 << 2) | 0x20;

/** Stack sizes. */
export const STACK_SIZE = 256 * 1024;
export const IST_SIZE = 16 * 1024;
/** 256 gates of 16 bytes: every vector has a gate (exceptions 0..31, interrupts 32..255). */
export const IDT_GATES = 256;
export const IDT_SIZE = IDT_GATES * 16;
/**
 * The local APIC's EOI register (Intel SDM vol. 3A §11.8.5): the interrupt stub
 * writes 0 here. The APIC sits at its reset base 0xfee00000 (kernel/irq.ts
 * never moves it), inside the 4 GiB identity map.
 */
export const LAPIC_EOI = 0xfee000b0;
/** `stack_limit` is this far above the stack bottom: the reserve that a trap/abort still has. */
export const STACK_RESERVE = 16 * 1024;

/**
 * The stub's bss, as offsets from the page-aligned label `bss_start`
 * (zero-filled by the loader; the page tables are cleared again by the stub):
 *
 *   0x00000  PML4            4 KiB   entry 0 -> PDPT
 *   0x01000  PDPT            4 KiB   entries 0..3 -> PD0..PD3
 *   0x02000  PD0..PD3       16 KiB   2048 x 2 MiB pages = identity map of 4 GiB
 *   0x06000  PT_LOW          4 KiB   the first 2 MiB in 4 KiB pages, page 0 absent
 *   0x07000  PT_GUARD        4 KiB   the 2 MiB region of the guard page, guard absent
 *   0x08000  TSS           128 B     64-bit TSS (IST1 = top of the IST stack)
 *   0x09000  guard page      4 KiB   not present: a stack overflow faults here
 *   0x0a000  stack         256 KiB   rsp starts at the top
 *   0x4a000  IST1 stack     16 KiB   every CPU exception runs on it
 *   0x4e000  IDT             4 KiB   256 gates x 16 bytes (0..31 exceptions, 32..255 IRQs)
 *   0x4f000  end of bss (image_end, unless an einitrd follows: then after it)
 */
export const BSS = {
  pml4: 0x0000,
  pdpt: 0x1000,
  pd: 0x2000,
  ptLow: 0x6000,
  ptGuard: 0x7000,
  tss: 0x8000,
  clearEnd: 0x9000,
  guard: 0x9000,
  stack: 0xa000,
  stackTop: 0xa000 + STACK_SIZE,
  ist: 0xa000 + STACK_SIZE,
  istTop: 0xa000 + STACK_SIZE + IST_SIZE,
  idt: 0xa000 + STACK_SIZE + IST_SIZE,
  size: 0xa000 + STACK_SIZE + IST_SIZE + IDT_SIZE,
} as const;

/** Named bss ranges for the ELF symbol table. */
export const BSS_SYMBOLS: { name: string; offset: number; size: number }[] = [
  { name: 'boot_pml4', offset: BSS.pml4, size: 0x1000 },
  { name: 'boot_pdpt', offset: BSS.pdpt, size: 0x1000 },
  { name: 'boot_pd', offset: BSS.pd, size: 0x4000 },
  { name: 'boot_pt_low', offset: BSS.ptLow, size: 0x1000 },
  { name: 'boot_pt_guard', offset: BSS.ptGuard, size: 0x1000 },
  { name: 'boot_tss', offset: BSS.tss, size: 0x80 },
  { name: 'boot_idt', offset: BSS.idt, size: IDT_SIZE },
  { name: 'stack_guard', offset: BSS.guard, size: 0x1000 },
  { name: 'stack_bottom', offset: BSS.stack, size: STACK_SIZE },
  { name: 'ist_stack', offset: BSS.ist, size: IST_SIZE },
];

/** Names of the 32 CPU exception vectors (Intel SDM vol. 3A §6.3.1 table 6-1). */
export const EXCEPTION_NAMES = [
  '#DE', '#DB', 'NMI', '#BP', '#OF', '#BR', '#UD', '#NM', '#DF', '#CSO', '#TS', '#NP', '#SS', '#GP', '#PF', '#15',
  '#MF', '#AC', '#MC', '#XM', '#VE', '#CP', '#22', '#23', '#24', '#25', '#26', '#27', '#HV', '#VC', '#SX', '#31',
];
/** Vectors for which the CPU pushes an error code (SDM vol. 3A §6.13). */
export const HAS_ERROR_CODE = new Set([8, 10, 11, 12, 13, 14, 17, 21, 29, 30]);

/** Trap messages by TrapKind (tools/aot/ABI.md). */
export const TRAP_MESSAGES = [
  'unknown trap', 'unreachable', 'integer divide by zero', 'integer overflow', 'invalid conversion to integer',
  'undefined element', 'uninitialized element', 'indirect call type mismatch', 'out of bounds memory access',
  'call stack exhausted', 'out of bounds table access', 'out of bounds memory access',
];
