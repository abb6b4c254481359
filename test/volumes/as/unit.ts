// test/volumes/as/unit.ts — the pure parts of issue 6 for Node
// (test/volumes/unit.test.ts): the 9pfs fstab checks (kernel/rootfs/fstab.ts
// with fs/9pfs/options.ts as the 9pfs driver's check).
import { BootModule, FstabEntry, fstabNumber, fstabParse, fstabRegister } from "../../../kernel/rootfs/index";
import { FileSystem } from "../../../kernel/vfs/index";
import { p9fsOptMsize, p9fsOptsProblem } from "../../../fs/9pfs/options";
import { ramfsFstabInit } from "../../../fs/ramfs/index";
import { cpioFstabInit } from "../../../fs/cpio/index";


// The drivers a 9p image links; the 9pfs one's check without its device side (no PCI under Node).
ramfsFstabInit();
cpioFstabInit();
function check9p(e: FstabEntry): string { return p9fsOptsProblem(e.opts); }
function openNone(e: FstabEntry, mods: BootModule[]): FileSystem | null { return null; }
fstabRegister("9pfs", check9p, openNone);

/** "! problem" or "dev|path|driver|flags|opts|ukopts|msize". */
export function fstab(text: string): string {
  let e = fstabParse(text);
  if (e.problem.length > 0) return "! " + e.problem;
  return [e.dev, e.path, e.driver, e.flags, e.opts, e.ukopts, p9fsOptMsize(e.opts).toString()].join("|");
}

export function number(s: string): string { return fstabNumber(s).toString(); }
