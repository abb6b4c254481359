// fs/ramfs/fstab.ts — the `ramfs` fstab driver (kernel/rootfs/drivers.ts):
// an empty in-memory filesystem. "<any>:<mountpoint>:ramfs[:0[::<ukopts>]]":
// no mount flags, no options. ramfsFstabInit also tells ramfs how much
// memory the kernel has left (every allocation is checked against it).

import { FileSystem } from "../../kernel/vfs/index";
import { heapHeadroom } from "../../kernel/memory";
import { BootModule, FstabEntry, fstabNoFlags, fstabOnlyOpts, fstabRegister } from "../../kernel/rootfs/index";
import { RamFs } from "./node";
import { ramfsSetFreeMemory } from "./mem";

function check(e: FstabEntry): string {
  let p = fstabNoFlags(e);
  return p.length > 0 ? p : fstabOnlyOpts(e, "");
}

function open(e: FstabEntry, mods: BootModule[]): FileSystem | null {
  return new RamFs();
}

function free(): u64 { return heapHeadroom(); }

/** Registers `ramfs` (the kernel also uses it for an empty `/` and for /tmp). */
export function ramfsFstabInit(): void {
  ramfsSetFreeMemory(free);
  fstabRegister("ramfs", check, open);
}
