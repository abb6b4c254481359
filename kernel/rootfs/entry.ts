// kernel/rootfs/entry.ts — one parsed `vfs.fstab=` entry (fstab.ts parses,
// drivers.ts's drivers check and open it).

/** One parsed fstab entry. */
export class FstabEntry {
  /** The entry as written (for messages). */
  text: string = "";
  dev: string = "";
  path: string = "";
  driver: string = "";
  flags: string = "";
  opts: string = "";
  ukopts: string = "";
  /** `mkmp` in ukopts: create the mount point (and its parents). */
  mkmp: bool = false;
  /** `nofail` in ukopts: the entry is optional (a failure does not stop the boot). */
  nofail: bool = false;
  /** Why the entry is refused ("" when it is valid). */
  problem: string = "";
}
