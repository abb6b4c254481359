// kernel/rootfs/fstab.ts — one `vfs.fstab=` entry, Unikraft's syntax
// (lib/vfscore automount, the form that replaced vfs.rootfs in 2023):
//
//   "<dev>:<mountpoint>:<driver>[:<flags>[:<opts>[:<ukopts>]]]"
//
//   dev         initrd0, initrd1, ... (QEMU -initrd modules in order),
//               `embedded` (the einitrd), a virtio-9p mount tag for `9pfs`
//               (fs0, ...), or anything for `ramfs` ("none")
//   mountpoint  an absolute path, normalised once here (fstabNormPath: `//`,
//               `.`, `..`, a trailing `/`) before any decision is taken on it;
//               the lock rule and the mount both use the normalised path
//   driver      `extract` (unpack a CPIO into a ramfs), `ramfs` (empty), or
//               `9pfs` (a host directory over virtio-9p, fs/9pfs/fstab.ts)
//   flags       mount flags, a number (decimal or 0x); 9pfs honours
//               MS_RDONLY (1); ramfs and extract take none (only 0 or empty)
//   opts        driver options, comma-separated; `ramfs=1` for extract;
//               `msize=N`, `trans=virtio`, `version=9P2000.L` for 9pfs;
//               none for ramfs. Anything else is refused.
//   ukopts      Unikraft options, comma-separated; `mkmp` creates the mount
//               point; `nofail` (Linux fstab's word) marks the entry optional:
//               when it fails the boot goes on without it. Without it a
//               failed entry for `/` stops the boot (kernel/rootfs/mount.ts).
//
// Nothing here touches the VFS: parsing only. The driver field is looked up
// in the table of registered drivers (drivers.ts), whose check() judges the
// dev, flags and opts; what each driver accepts is documented with it
// (fs/cpio/extract.ts, fs/ramfs/fstab.ts, fs/9pfs/fstab.ts).

import { FstabEntry } from "./entry";
import { fstabDriver, fstabDriverNames } from "./drivers";

export { FstabEntry } from "./entry";

/** A decimal or 0x-hex number; -1 when `s` is not one (or above 2^31). "" is 0. */
export function fstabNumber(s: string): i64 {
  let t = s.trim();
  if (t.length == 0) return 0;
  let base = 10;
  let i = 0;
  if (t.startsWith("0x") || t.startsWith("0X")) { base = 16; i = 2; if (t.length == 2) return -1; }
  let n: i64 = 0;
  for (; i < t.length; i++) {
    let c = t.charCodeAt(i);
    let d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 && base == 16 ? c - 0x57
      : c >= 0x41 && c <= 0x46 && base == 16 ? c - 0x37 : -1;
    if (d < 0) return -1;
    n = n * base + d;
    if (n > 0x7fffffff) return -1;
  }
  return n;
}

// --- entries ---

/** True when the image linked a driver called `d` (drivers.ts). */
export function fstabDriverKnown(d: string): bool {
  return fstabDriver(d) !== null;
}

/** Why driver `d` cannot be used: it is not linked into this image. */
function unknownDriver(d: string): string {
  // The one hint the kernel keeps about a driver it does not know: how to link 9pfs.
  if (d == "9pfs") return "driver 9pfs is not built into this image (import from \"asuk/files\" in the app)";
  return "unknown driver '" + d + "' (known: " + fstabDriverNames() + ")";
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
    if (w.length > 0 && w != "mkmp" && w != "nofail") return "unknown ukopt '" + w + "' (known: mkmp, nofail)";
  }
  return "";
}

/** Returns the problem with a parsed entry's fields, "" when valid. */
function entryProblem(e: FstabEntry, fields: i32): string {
  if (fields < 3) return "expected <dev>:<mountpoint>:<driver>[:<flags>[:<opts>[:<ukopts>]]]";
  if (fields > 6) return "more than 6 ':'-separated fields";
  if (e.dev.length == 0) return "empty device";
  if (!e.path.startsWith("/")) return "mount point '" + e.path + "' is not an absolute path";
  let d = fstabDriver(e.driver);
  if (d === null) return unknownDriver(e.driver);
  if (fstabNumber(e.flags) < 0) return "flags '" + e.flags + "' is not a number (1 = MS_RDONLY)";
  let p = d.check(e);
  if (p.length > 0) return p;
  return ukoptsProblem(e.ukopts);
}

/** For drivers without mount flags: the problem with nonzero flags, "". */
export function fstabNoFlags(e: FstabEntry): string {
  return fstabNumber(e.flags) != 0 ? "flags '" + e.flags + "': " + e.driver + " takes no mount flags" : "";
}

/** The problem with an opts list for a driver that knows only `known` ("" = none), or "". */
export function fstabOnlyOpts(e: FstabEntry, known: string): string {
  let parts = e.opts.split(",");
  for (let i = 0; i < parts.length; i++) {
    let w = parts[i].trim();
    if (w.length == 0 || (known.length > 0 && w == known)) continue;
    return "unknown " + e.driver + " option '" + w + "'" + (known.length > 0 ? " (known: " + known + ")" : " (" + e.driver + " takes none)");
  }
  return "";
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

/**
 * The one normalisation of a mount point: repeated `/`, `.` components and a
 * trailing `/` dropped, `..` taken lexically (`/etc/..` is `/`, `/..` is `/`).
 * A relative path is returned as it is (the entry is refused for it).
 */
export function fstabNormPath(p: string): string {
  if (!p.startsWith("/")) return p;
  let parts = p.split("/");
  let out = new Array<string>();
  for (let i = 0; i < parts.length; i++) {
    let c = parts[i];
    if (c.length == 0 || c == ".") continue;
    if (c == "..") { if (out.length > 0) out.pop(); continue; }
    out.push(c);
  }
  return "/" + out.join("/");
}

/** Parses one entry (quotes already removed). A refused entry has `problem` set. */
export function fstabParse(text: string): FstabEntry {
  let e = new FstabEntry();
  e.text = text;
  let f = text.split(":");
  let n = f.length;
  if (n > 0) e.dev = f[0];
  if (n > 1) e.path = fstabNormPath(f[1]);
  if (n > 2) e.driver = f[2];
  if (n > 3) e.flags = f[3];
  if (n > 4) e.opts = f[4];
  if (n > 5) e.ukopts = f[5];
  e.mkmp = fstabHasOpt(e.ukopts, "mkmp");
  e.nofail = fstabHasOpt(e.ukopts, "nofail");
  e.problem = entryProblem(e, n);
  return e;
}
