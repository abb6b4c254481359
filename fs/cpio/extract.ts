// fs/cpio/extract.ts — the `extract` fstab driver (kernel/rootfs/drivers.ts):
// unpacks a boot module's CPIO archive into a fresh ramfs, zero copy (file
// bodies stay in module memory, which kernel/memory keeps the heap away from).
//
//   "<initrdN|embedded>:<mountpoint>:extract[:0[:ramfs=1[:<ukopts>]]]"
//
// dev: initrd<N> (QEMU's -initrd modules in order) or `embedded` (the
// einitrd); no mount flags; the only option is `ramfs=1` (what Unikraft
// writes). A bad archive gives the loader's error line (entry, offset) and
// one `rootfs: error:` line naming the module.

import { println } from "../../kernel/console";
import { utf8Escape } from "../../kernel/utf8";
import { FileSystem, errnoName } from "../../kernel/vfs/index";
import {
  BootModule, FstabEntry, fstabFindModule, fstabIsModuleDev, fstabNoFlags, fstabOnlyOpts, fstabRegister,
} from "../../kernel/rootfs/index";
import { RamFs } from "../ramfs/index";
import { cpioLoad } from "./loader";

function check(e: FstabEntry): string {
  if (!fstabIsModuleDev(e.dev)) return "extract needs dev initrd<N> or embedded, not '" + e.dev + "'";
  let p = fstabNoFlags(e);
  return p.length > 0 ? p : fstabOnlyOpts(e, "ramfs=1");
}

function open(e: FstabEntry, mods: BootModule[]): FileSystem | null {
  let m = fstabFindModule(mods, e.dev);
  if (m === null) {
    println("rootfs: error: fstab entry \"" + utf8Escape(e.text) + "\": no boot module " + utf8Escape(e.dev) + ", skipped");
    return null;
  }
  let fs = new RamFs();
  let r = cpioLoad(m.start, m.end - m.start, changetype<FileSystem>(fs).root!);
  if (r < 0) {
    println("rootfs: error: " + m.dev + " (" + utf8Escape(m.file) + "): not mounted at " + utf8Escape(e.path) + ": " + errnoName(r));
    return null;
  }
  return fs;
}

/** Registers `extract`. */
export function cpioFstabInit(): void {
  fstabRegister("extract", check, open);
}
