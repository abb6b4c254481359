// kernel/rootfs/plan.ts — which filesystems to mount where: the fstab from
// the command line, or the default one, filtered by the locked-image rule.
//
// Default (no `vfs.fstab=`), as issue 4 and 5 say:
//   - the einitrd, when the image has one, at `/`;
//   - every -initrd module with an argument at that path (mkmp);
//   - else the first -initrd module without an argument at `/`;
//   - any other module: one warning line, ignored.
// Locked image: an entry that would replace `/` with anything but the
// einitrd is refused with one warning line, and the einitrd is mounted at
// `/` even if the fstab does not say so. Every mount point was normalised
// by fstab.ts (fstabNormPath) before this rule looks at it, so `/.`,
// `/etc/..` and `//` are `/` here; a mount point that only reaches `/`
// through a symlink is refused when mounted (mount.ts).
// Order: entries for `/` first (stacking in the order given), then the rest
// in the order given.

import { println } from "../console";
import { cmdlineList } from "../cmdline";
import { FstabEntry, fstabNormPath, fstabParse } from "./fstab";
import { utf8Escape } from "../utf8";
import { BootModule, EMBEDDED_NAME } from "./modules";

/** The einitrd among `mods`, or null. */
function embeddedOf(mods: BootModule[]): BootModule | null {
  for (let i = 0; i < mods.length; i++) if (mods[i].embedded) return mods[i];
  return null;
}

/**
 * An entry made by the kernel (default fstab): "<dev>:<path>:extract::ramfs=1:mkmp",
 * built field by field (a module argument may hold a `:`).
 */
function extractEntry(dev: string, path: string): FstabEntry {
  let e = new FstabEntry();
  e.dev = dev;
  e.path = fstabNormPath(path);
  e.driver = "extract";
  e.opts = "ramfs=1";
  e.ukopts = "mkmp";
  e.mkmp = true;
  e.text = dev + ":" + path + ":extract::ramfs=1:mkmp";
  return e;
}

let rootRefused = false;

/**
 * True when planFromFstab refused a malformed entry whose mount point is `/`
 * and that is not marked `nofail`: the root the user asked for cannot be had
 * (kernel/rootfs/mount.ts then stops the boot).
 */
export function planRootRefused(): bool { return rootRefused; }

/** The fstab entries from `vfs.fstab=` (value as given); bad ones print an error line and are dropped. */
export function planFromFstab(value: string): FstabEntry[] {
  let items = cmdlineList(value);
  let out = new Array<FstabEntry>();
  for (let i = 0; i < items.length; i++) {
    let e = fstabParse(items[i]);
    if (e.problem.length > 0) {
      println("rootfs: error: fstab entry \"" + utf8Escape(e.text) + "\": " + utf8Escape(e.problem) + ", skipped");
      if (e.path == "/" && !e.nofail) rootRefused = true;
      continue;
    }
    out.push(e);
  }
  return out;
}

/** The default entries for these modules (see the file comment). */
export function planDefault(mods: BootModule[]): FstabEntry[] {
  let out = new Array<FstabEntry>();
  let emb = embeddedOf(mods);
  let rootTaken = emb !== null;
  if (emb !== null) out.push(extractEntry(EMBEDDED_NAME, "/"));
  for (let i = 0; i < mods.length; i++) {
    let m = mods[i];
    if (m.embedded) continue;
    let arg = m.arg;
    if (arg.length > 0 && !arg.startsWith("/")) {
      println("rootfs: warning: " + m.dev + ": argument '" + utf8Escape(arg) + "' is not an absolute path, ignored");
      continue;
    }
    if (arg.length > 0 && fstabNormPath(arg) != "/") { out.push(extractEntry(m.dev, arg)); continue; }
    if (rootTaken) {
      println("rootfs: warning: " + m.dev + ": no mount point (give one: -initrd \"FILE /path\"), ignored");
      continue;
    }
    rootTaken = true;
    out.push(extractEntry(m.dev, "/"));
  }
  return out;
}

/** True when `e` would put something other than the einitrd at `/`. */
function replacesRoot(e: FstabEntry): bool {
  return e.path == "/" && !(e.dev == EMBEDDED_NAME && e.driver == "extract");
}

/** Applies the locked-image rule (file comment); warns once per refused entry. */
export function planLock(entries: FstabEntry[], mods: BootModule[]): FstabEntry[] {
  let emb = embeddedOf(mods);
  if (emb === null || !emb.locked) return entries;
  let out = new Array<FstabEntry>();
  out.push(extractEntry(EMBEDDED_NAME, "/"));
  for (let i = 0; i < entries.length; i++) {
    let e = entries[i];
    if (e.path == "/" && !replacesRoot(e)) continue; // the einitrd itself: already first
    if (replacesRoot(e)) {
      println("rootfs: warning: locked image: refused \"" + utf8Escape(e.text) + "\" (/ stays the embedded initrd)");
      continue;
    }
    out.push(e);
  }
  return out;
}

/** Root entries first, then the others, each group in the given order. */
export function planOrder(entries: FstabEntry[]): FstabEntry[] {
  let out = new Array<FstabEntry>();
  for (let i = 0; i < entries.length; i++) if (entries[i].path == "/") out.push(entries[i]);
  for (let i = 0; i < entries.length; i++) if (entries[i].path != "/") out.push(entries[i]);
  return out;
}

/**
 * The whole plan: fstab (or default), lock rule, order. `fstab` is the raw
 * `vfs.fstab=` value or null when the option is absent.
 */
export function rootfsPlan(fstab: string | null, mods: BootModule[]): FstabEntry[] {
  let entries = fstab !== null ? planFromFstab(<string>fstab) : planDefault(mods);
  return planOrder(planLock(entries, mods));
}
