// kernel/rootfs/fstab.ts — one `vfs.fstab=` entry, Unikraft's syntax
// (lib/vfscore automount, the form that replaced vfs.rootfs in 2023):
//
//   "<dev>:<mountpoint>:<driver>[:<flags>[:<opts>[:<ukopts>]]]"
//
//   dev         initrd0, initrd1, ... (QEMU -initrd modules in order),
//               `embedded` (the einitrd), or anything for `ramfs` ("none")
//   mountpoint  an absolute path
//   driver      `extract` (unpack a CPIO into a ramfs) or `ramfs` (empty)
//   flags       mount flags, a number (accepted, unused: ramfs has none)
//   opts        driver options, comma-separated; `ramfs=1` for extract
//   ukopts      Unikraft options, comma-separated; `mkmp` creates the mount point
//
// Nothing here touches the VFS: parsing only.

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
  /** Why the entry is refused ("" when it is valid). */
  problem: string = "";
}

/** The drivers this kernel knows (see the file comment). */
export function fstabDriverKnown(d: string): bool {
  return d == "extract" || d == "ramfs";
}

/** True when the comma-separated list `list` contains `word`. */
export function fstabHasOpt(list: string, word: string): bool {
  let parts = list.split(",");
  for (let i = 0; i < parts.length; i++) if (parts[i].trim() == word) return true;
  return false;
}

/** Returns a problem with the ukopts list, "" when every word is known. */
function ukoptsProblem(list: string): string {
  if (list.length == 0) return "";
  let parts = list.split(",");
  for (let i = 0; i < parts.length; i++) {
    let w = parts[i].trim();
    if (w.length > 0 && w != "mkmp") return "unknown ukopt '" + w + "'";
  }
  return "";
}

/** Returns the problem with a parsed entry's fields, "" when valid. */
function entryProblem(e: FstabEntry, fields: i32): string {
  if (fields < 3) return "expected <dev>:<mountpoint>:<driver>[:<flags>[:<opts>[:<ukopts>]]]";
  if (fields > 6) return "more than 6 ':'-separated fields";
  if (e.dev.length == 0) return "empty device";
  if (!e.path.startsWith("/")) return "mount point '" + e.path + "' is not an absolute path";
  if (!fstabDriverKnown(e.driver)) return "unknown driver '" + e.driver + "' (known: extract, ramfs)";
  if (e.driver == "extract" && !isModuleDev(e.dev)) {
    return "extract needs dev initrd<N> or embedded, not '" + e.dev + "'";
  }
  return ukoptsProblem(e.ukopts);
}

/** True for `embedded` and `initrd<N>` (N decimal). */
export function isModuleDev(dev: string): bool {
  if (dev == "embedded") return true;
  return fstabInitrdIndex(dev) >= 0;
}

/** N for `initrd<N>`, -1 for anything else. */
export function fstabInitrdIndex(dev: string): i32 {
  if (!dev.startsWith("initrd") || dev.length == 6 || dev.length > 9) return -1;
  let n = 0;
  for (let i = 6; i < dev.length; i++) {
    let c = dev.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** Removes trailing "/" from a mount point (keeps "/" itself). */
export function fstabCleanPath(p: string): string {
  while (p.length > 1 && p.endsWith("/")) p = p.substring(0, p.length - 1);
  return p;
}

/** Parses one entry (quotes already removed). A refused entry has `problem` set. */
export function fstabParse(text: string): FstabEntry {
  let e = new FstabEntry();
  e.text = text;
  let f = text.split(":");
  let n = f.length;
  if (n > 0) e.dev = f[0];
  if (n > 1) e.path = fstabCleanPath(f[1]);
  if (n > 2) e.driver = f[2];
  if (n > 3) e.flags = f[3];
  if (n > 4) e.opts = f[4];
  if (n > 5) e.ukopts = f[5];
  e.mkmp = fstabHasOpt(e.ukopts, "mkmp");
  e.problem = entryProblem(e, n);
  return e;
}
