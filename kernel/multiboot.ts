// kernel/multiboot.ts — the Multiboot v1 information structure (Multiboot
// Specification 0.6.96 §3.3 "Boot information format"), read in place.
//
// Nothing here allocates: kernelMain parses the block before the heap exists.
// mbInit() latches the fields into globals; accessors read them back.
//
// The info block (all fields u32, little endian; a field is valid only when
// its flags bit is set):
//
//      0      4          8          12          16        20         24
//   ╒════════╤══════════╤══════════╤═══════════╤═════════╤══════════╤══════════╕
//   │ flags  │mem_lower │mem_upper │boot_device│ cmdline │mods_count│mods_addr │
//   ╘════════╧══════════╧══════════╧═══════════╧═════════╧══════════╧══════════╛
//    bit:       0          0          1           2         3          3
//     28..43: syms (bit 4: a.out / bit 5: ELF section table)
//     44 mmap_length, 48 mmap_addr (bit 6); 52 drives_length, 56 drives_addr (bit 7)
//     60 config_table (bit 8); 64 boot_loader_name (bit 9); 68 apm_table (bit 10)
//     72..87 vbe_* (bit 11); 88..115 framebuffer_* (bit 12)
//
// A module entry (16 bytes each, mods_count of them at mods_addr, §3.3):
//
//      0          4          8          12
//   ╒══════════╤══════════╤══════════╤══════════╕
//   │mod_start │ mod_end  │ string   │ reserved │   [mod_start, mod_end) bytes;
//   ╘══════════╧══════════╧══════════╧══════════╛   string: C string (QEMU: the -initrd argument)
//
// A memory map entry (mmap_length bytes of them at mmap_addr, §3.3). `size`
// counts the bytes AFTER itself, so the next entry is at entry + size + 4:
//
//     -4 (entry+0)  0 (entry+4)      8 (entry+12)     16 (entry+20)
//   ╒═══════════╤════════════════╤════════════════╤══════════╕
//   │   size    │ base_addr u64  │  length u64    │  type    │   type 1 = available RAM
//   ╘═══════════╧════════════════╧════════════════╧══════════╛

/** The value a Multiboot v1 loader leaves in eax (§3.2). */
export const MB_BOOTLOADER_MAGIC: u32 = 0x2badb002;

// Info block offsets.
export const MBI_FLAGS: usize = 0;
export const MBI_MEM_LOWER: usize = 4;
export const MBI_MEM_UPPER: usize = 8;
export const MBI_CMDLINE: usize = 16;
export const MBI_MODS_COUNT: usize = 20;
export const MBI_MODS_ADDR: usize = 24;
export const MBI_MMAP_LENGTH: usize = 44;
export const MBI_MMAP_ADDR: usize = 48;
export const MBI_LOADER_NAME: usize = 64;
/** Bytes of the info block through the framebuffer fields (the whole v1 struct). */
export const MBI_SIZE: usize = 116;

// Flags bits.
export const MBF_MEM: u32 = 1 << 0;
export const MBF_CMDLINE: u32 = 1 << 2;
export const MBF_MODS: u32 = 1 << 3;
export const MBF_MMAP: u32 = 1 << 6;
export const MBF_LOADER_NAME: u32 = 1 << 9;

// Module entry offsets.
export const MOD_START: usize = 0;
export const MOD_END: usize = 4;
export const MOD_STRING: usize = 8;
export const MOD_SIZE: usize = 16;

// Memory map entry offsets (from the start of the entry, i.e. the size field).
export const MMAP_SIZE: usize = 0;
export const MMAP_BASE: usize = 4;
export const MMAP_LENGTH: usize = 12;
export const MMAP_TYPE: usize = 20;
export const MMAP_AVAILABLE: u32 = 1;

let mbAddr: usize = 0;
let mbFlags: u32 = 0;

/** Latches the info block at `mbi`. Returns false when `magic` is not the Multiboot v1 magic. */
export function mbInit(magic: u32, mbi: usize): bool {
  if (magic != MB_BOOTLOADER_MAGIC || mbi == 0) {
    mbAddr = 0;
    mbFlags = 0;
    return false;
  }
  mbAddr = mbi;
  mbFlags = load<u32>(mbi + MBI_FLAGS);
  return true;
}

/** Address of the info block (0 when none). */
// @ts-ignore: decorator
@inline export function mbInfo(): usize { return mbAddr; }
/** The flags word (0 when no info block). */
// @ts-ignore: decorator
@inline export function mbFlagsWord(): u32 { return mbFlags; }
// @ts-ignore: decorator
@inline function has(bit: u32): bool { return (mbFlags & bit) != 0; }
// @ts-ignore: decorator
@inline function field(off: usize): u32 { return load<u32>(mbAddr + off); }

/** KiB of memory below 1 MiB (0 when the loader gave none). */
export function mbMemLowerKiB(): u32 { return has(MBF_MEM) ? field(MBI_MEM_LOWER) : 0; }
/** KiB of memory from 1 MiB up to the first hole (0 when the loader gave none). */
export function mbMemUpperKiB(): u32 { return has(MBF_MEM) ? field(MBI_MEM_UPPER) : 0; }

/** Address of the NUL-terminated command line, 0 when absent. */
export function mbCmdline(): usize { return has(MBF_CMDLINE) ? <usize>field(MBI_CMDLINE) : 0; }
/** Address of the NUL-terminated boot loader name, 0 when absent. */
export function mbLoaderName(): usize { return has(MBF_LOADER_NAME) ? <usize>field(MBI_LOADER_NAME) : 0; }

/** Number of boot modules (QEMU: one per comma-separated -initrd file). */
export function mbModCount(): u32 { return has(MBF_MODS) ? field(MBI_MODS_COUNT) : 0; }
/** Address of the module entry table (0 when none). */
export function mbModTable(): usize { return has(MBF_MODS) ? <usize>field(MBI_MODS_ADDR) : 0; }
// @ts-ignore: decorator
@inline function modEntry(i: u32): usize { return mbModTable() + <usize>i * MOD_SIZE; }
/** First byte of module `i` (caller checks i < mbModCount()). */
export function mbModStart(i: u32): usize { return <usize>load<u32>(modEntry(i) + MOD_START); }
/** One past the last byte of module `i`. */
export function mbModEnd(i: u32): usize { return <usize>load<u32>(modEntry(i) + MOD_END); }
/** Address of module `i`'s NUL-terminated string (0 when none). */
export function mbModString(i: u32): usize { return <usize>load<u32>(modEntry(i) + MOD_STRING); }

/** Address of the memory map (0 when absent). */
export function mbMmapAddr(): usize { return has(MBF_MMAP) ? <usize>field(MBI_MMAP_ADDR) : 0; }
/** Byte length of the memory map (0 when absent). */
export function mbMmapLength(): usize { return has(MBF_MMAP) ? <usize>field(MBI_MMAP_LENGTH) : 0; }
/** First memory map entry, 0 when the map is absent or empty. */
export function mbMmapFirst(): usize { return mbMmapLength() >= 24 ? mbMmapAddr() : 0; }
/** The entry after `e`, 0 past the end (also when an entry would not fit). */
export function mbMmapNext(e: usize): usize {
  let next = e + <usize>load<u32>(e + MMAP_SIZE) + 4;
  let end = mbMmapAddr() + mbMmapLength();
  return next + 24 <= end && next > e ? next : 0;
}
// @ts-ignore: decorator
@inline export function mmapBase(e: usize): u64 { return load<u64>(e + MMAP_BASE); }
// @ts-ignore: decorator
@inline export function mmapLength(e: usize): u64 { return load<u64>(e + MMAP_LENGTH); }
// @ts-ignore: decorator
@inline export function mmapType(e: usize): u32 { return load<u32>(e + MMAP_TYPE); }

/** Length of the NUL-terminated byte string at `p` (0 for p == 0). */
export function cstrLen(p: usize): usize {
  if (p == 0) return 0;
  let n: usize = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}
