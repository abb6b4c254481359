// kernel/rootfs/mount.ts — carries out the plan: each entry's filesystem
// comes from its driver in the table (drivers.ts: `extract` unpacks a boot
// module into a ramfs, `ramfs` is empty, `9pfs` opens a host volume), then
// it is mounted; an empty `ramfs` at `/` when nothing else is there; a
// writable /tmp on a ramfs root. No filesystem code is imported here.
//
// Failure policy (issue 11): a bad entry or a bad archive prints one error
// line (the CPIO loader prints its own line naming the entry and offset).
// When the entry was meant to be `/` the boot stops there: one line
// `rootfs: error: no root filesystem: boot stopped` and exit BOOT_FAIL_CODE
// (QEMU status 253), unless the entry says `nofail` (then an empty ramfs is
// `/`). Other entries are skipped and the kernel boots on without them.
// `vfs.rootfs_required=1` also stops the boot when no root came from an
// entry at all (bad input, not a kernel bug: not a panic).
//
// /tmp: an empty writable ramfs is mounted there. When the root archive has
// a /tmp that is not a directory (a file, a dangling symlink), that entry of
// the in-memory copy is removed first, with one warning line: /tmp is always
// writable (the archive itself is not changed).

import { diagEnabled, diagLine, println } from "../console";
import { BOOT_FAIL_CODE, exit } from "../panic";
import { utf8Escape } from "../utf8";
import { rdtsc } from "../hw";
import { tscToUs, uptimeUs } from "../time";
import { cmdlineOption } from "../cmdline";
import {
  Errno, FileSystem, Stat, ATTR_MODE, S_IFDIR, S_IFMT, VRef, errnoName, vfsLstat, vfsMkdir, vfsMount,
  vfsResolve, vfsRoot, vfsStat, vfsSetClock, vfsUnlink,
} from "../vfs/index";
import { FstabEntry } from "./entry";
import { fstabDriver } from "./drivers";
import { BootModule, bootModules } from "./modules";
import { planRootRefused, rootfsPlan } from "./plan";

/** What `mounts` shows for one mounted filesystem. */
export class RootfsSource {
  fs: FileSystem;
  dev: string;
  driver: string;
  constructor(fs: FileSystem, dev: string, driver: string) {
    this.fs = fs;
    this.dev = dev;
    this.driver = driver;
  }
}

const sources = new Array<RootfsSource>();
let mountTicks: u64 = 0;
let extracted: i32 = 0;
let lockedImage = false;

/** The device and driver `fs` was mounted from ("" when not by rootfs). */
export function rootfsSourceOf(fs: FileSystem): RootfsSource | null {
  for (let i = 0; i < sources.length; i++) if (sources[i].fs === fs) return sources[i];
  return null;
}

/** True when the image's einitrd is locked (known after rootfsMount). */
export function rootfsLocked(): bool { return lockedImage; }

/** Creates `path` and its missing parents (mkdir -p). 0 or -Errno. */
export function rootfsMkdirs(path: string): i32 {
  let i = 1;
  while (i <= path.length) {
    let j = path.indexOf("/", i);
    if (j < 0) j = path.length;
    if (j > i) {
      let r = vfsMkdir(path.substring(0, j), 0o755);
      if (r < 0 && r != -Errno.EEXIST) return r;
    }
    i = j + 1;
  }
  return 0;
}

/** True when `path` resolves (through symlinks) to the directory at `/`. */
function reachesRoot(path: string): bool {
  let ref = new VRef();
  return vfsResolve(path, true, ref) == 0 && ref.node === vfsRoot();
}

/**
 * Mounts `fs` at `path` (creating it when `mkmp`); records its source. 0 or
 * -Errno. On a locked image nothing but the einitrd may cover `/`: a mount
 * point that reaches it through a symlink is -EPERM.
 */
function attach(fs: FileSystem, path: string, mkmp: bool, dev: string, driver: string): i32 {
  if (path != "/" && mkmp) {
    let r = rootfsMkdirs(path);
    if (r < 0) return r;
  }
  if (path != "/" && lockedImage && reachesRoot(path)) return -Errno.EPERM;
  let r = vfsMount(path, fs);
  if (r == 0) sources.push(new RootfsSource(fs, dev, driver));
  return r;
}

/** A new empty filesystem from the `ramfs` driver, or null (one error line) when the image has none. */
function emptyFs(): FileSystem | null {
  let d = fstabDriver("ramfs");
  if (d === null) { println("rootfs: error: no ramfs driver in this image"); return null; }
  let e = new FstabEntry();
  e.dev = "none";
  e.driver = "ramfs";
  return d.open(e, []);
}

/** Mounts an empty ramfs at "/" when nothing is mounted yet. */
function ensureRoot(): void {
  if (vfsRoot() !== null) return;
  let fs = emptyFs();
  if (fs !== null) attach(fs, "/", false, "none", "ramfs");
}

/** Carries out one entry. Returns false when it failed (error line printed). */
function mountEntry(e: FstabEntry, mods: BootModule[]): bool {
  if (e.path != "/") ensureRoot();
  let d = fstabDriver(e.driver);
  if (d === null) return false; // the plan holds only entries whose driver is linked
  let fs = d.open(e, mods);
  if (fs === null) return false;
  let r = attach(fs, e.path, e.mkmp, e.dev, e.driver);
  if (r < 0) {
    println("rootfs: error: fstab entry \"" + utf8Escape(e.text) + "\": mount " + utf8Escape(e.path) + ": " + errnoName(r) + ", skipped");
    return false;
  }
  if (e.driver == "extract") extracted++;
  return true;
}

/**
 * What stands at /tmp in a ramfs root: 0 when it is (or leads to) a
 * directory; otherwise it is removed with one warning line and 1 returned.
 */
function clearTmp(st: Stat): i32 {
  if (vfsStat("/tmp", st) == 0 && (st.mode & S_IFMT) == S_IFDIR) return 0;
  if (vfsLstat("/tmp", st) < 0) return 1;
  let r = vfsUnlink("/tmp");
  if (r < 0) { println("rootfs: warning: /tmp is not a directory and cannot be replaced: " + errnoName(r)); return -1; }
  println("rootfs: warning: /tmp in the root filesystem is not a directory: replaced by an empty writable /tmp");
  return 1;
}

/**
 * A writable /tmp: an empty ramfs mounted there unless a directory /tmp
 * already exists (a ramfs directory is writable). On a root that is not a
 * ramfs (a host volume at `/`) a missing /tmp is left missing: the kernel
 * does not create or remove anything in the user's host tree on its own.
 */
function ensureTmp(): void {
  let st = new Stat();
  let root = vfsRoot();
  if (root === null || root.fs.name != "ramfs") return;
  if (clearTmp(st) <= 0) return;
  let fs = emptyFs();
  if (fs === null) return;
  let r = vfsMkdir("/tmp", 0o1777);
  if (r < 0) { println("rootfs: warning: cannot create /tmp: " + errnoName(r)); return; }
  st.mode = 0o1777;
  fs.root!.setattr(st, ATTR_MODE);
  r = attach(fs, "/tmp", false, "tmp", "ramfs");
  if (r < 0) println("rootfs: warning: cannot mount /tmp: " + errnoName(r));
}

/** One error line, then exit BOOT_FAIL_CODE (the boot cannot go on). Never returns. */
function stopBoot(why: string): void {
  println("rootfs: error: " + why + ": boot stopped");
  exit(BOOT_FAIL_CODE);
}

/**
 * Checks the `vfs.*` kernel options (error line + stop on a bad one);
 * returns whether vfs.rootfs_required=1.
 */
function checkOptions(options: string[]): bool {
  for (let i = 0; i < options.length; i++) {
    let o = options[i];
    if (!o.startsWith("vfs.")) continue;
    let key = o.substring(0, o.indexOf("="));
    if (key != "vfs.fstab" && key != "vfs.rootfs_required") {
      stopBoot("unknown kernel option '" + utf8Escape(key) + "' (known: vfs.fstab, vfs.rootfs_required)");
    }
  }
  let v = cmdlineOption(options, "vfs.rootfs_required");
  if (v !== null && v != "0" && v != "1") {
    stopBoot("vfs.rootfs_required='" + utf8Escape(<string>v) + "': must be 0 or 1");
  }
  return v !== null && v == "1";
}

function secondsSinceBoot(): i64 { return <i64>(uptimeUs() / 1000000); }

/**
 * Boot step: mounts the root filesystem and friends (see kernel/rootfs/index.ts).
 * `imageEnd`: the stub's image_end; `options`: the raw kernel options.
 */
export function rootfsMount(imageEnd: usize, options: string[]): void {
  let t0 = rdtsc();
  let mods = bootModules(imageEnd);
  for (let i = 0; i < mods.length; i++) if (mods[i].locked) lockedImage = true;
  let required = checkOptions(options);
  let plan = rootfsPlan(cmdlineOption(options, "vfs.fstab"), mods);
  let rootOk = false;
  let rootLost = planRootRefused();
  for (let i = 0; i < plan.length; i++) {
    let e = plan[i];
    let ok = mountEntry(e, mods);
    if (e.path != "/") continue;
    if (ok) rootOk = true;
    else if (!e.nofail) rootLost = true;
  }
  if (rootLost) stopBoot("the root filesystem could not be mounted (mark the entry nofail to boot without it)");
  if (required && !rootOk) stopBoot("vfs.rootfs_required=1 and no root filesystem was mounted");
  ensureRoot();
  ensureTmp();
  mountTicks = rdtsc() - t0;
}

/**
 * After the boot-time mark: prints `mount: N us` when an archive was
 * unpacked (this calibrates the TSC, kept out of the boot time), and
 * installs the VFS clock (seconds since boot).
 */
export function rootfsReport(): void {
  if (extracted > 0 && diagEnabled()) diagLine("mount: " + tscToUs(mountTicks).toString() + " us");
  vfsSetClock(secondsSinceBoot);
}
