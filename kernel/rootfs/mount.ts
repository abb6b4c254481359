// kernel/rootfs/mount.ts — carries out the plan: one RamFs per entry, filled
// from its boot module (zero copy: file bodies stay in module memory, which
// kernel/memory keeps the heap away from), or a 9P session per `9pfs` entry
// (volume.ts), then mounted; an empty ramfs at `/` when nothing else is
// there; a writable /tmp on a ramfs root.
//
// Failure policy (issue 4): a bad entry or a bad archive prints one error
// line (the CPIO loader prints its own line naming the entry and offset) and
// the kernel boots on without that filesystem — unless `vfs.rootfs_required=1`
// and it was the root: then `panic: rootfs required`.

import { diagEnabled, diagLine, println } from "../console";
import { panic } from "../panic";
import { rdtsc } from "../hw";
import { heapHeadroom } from "../memory";
import { tscToUs, uptimeUs } from "../time";
import { cmdlineOption } from "../cmdline";
import {
  Errno, FileSystem, Stat, ATTR_MODE, errnoName, vfsMkdir, vfsMount, vfsRoot, vfsStat, vfsSetClock,
} from "../vfs/index";
import { RamFs, ramfsSetFreeMemory } from "../../fs/ramfs/index";
import { cpioLoad } from "../../fs/cpio/index";
import { FstabEntry, VOLUME_DRIVER } from "./fstab";
import { BootModule, bootModules, findModule } from "./modules";
import { rootfsPlan } from "./plan";

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

/** Mounts `fs` at `path` (creating it when `mkmp`); records its source. 0 or -Errno. */
function attach(fs: FileSystem, path: string, mkmp: bool, dev: string, driver: string): i32 {
  if (path != "/" && mkmp) {
    let r = rootfsMkdirs(path);
    if (r < 0) return r;
  }
  let r = vfsMount(path, fs);
  if (r == 0) sources.push(new RootfsSource(fs, dev, driver));
  return r;
}

/** Mounts an empty ramfs at "/" when nothing is mounted yet. */
function ensureRoot(): void {
  if (vfsRoot() !== null) return;
  attach(new RamFs(), "/", false, "none", "ramfs");
}

/** A fresh RamFs holding the module's archive, or null after an error line. */
function extract(e: FstabEntry, m: BootModule): RamFs | null {
  let fs = new RamFs();
  let r = cpioLoad(m.start, m.end - m.start, changetype<FileSystem>(fs).root!);
  if (r < 0) {
    println("rootfs: error: " + m.dev + " (" + m.file + "): not mounted at " + e.path + ": " + errnoName(r));
    return null;
  }
  extracted++;
  return fs;
}

/** The filesystem for a module entry (extract) or an empty ramfs; null after an error line. */
function moduleFs(e: FstabEntry, mods: BootModule[]): FileSystem | null {
  if (e.driver != "extract") return new RamFs();
  let m = findModule(mods, e.dev);
  if (m === null) {
    println("rootfs: error: fstab entry \"" + e.text + "\": no boot module " + e.dev + ", skipped");
    return null;
  }
  return extract(e, m);
}

/** Opens a `9pfs` entry (volume.ts's volumeOpen), or null: host volumes are not built into this image. */
type VolumeOpener = (e: FstabEntry) => FileSystem | null;
let volumeOpener: VolumeOpener | null = null;

/**
 * Links the 9pfs driver in. The generated entry of an image whose image.json
 * says `"9p": true` calls this with volumeOpen before mounting; other images
 * carry no PCI, virtio or 9P code (dead code is the configuration).
 */
export function rootfsSetVolumeDriver(open: VolumeOpener): void { volumeOpener = open; }

function openVolume(e: FstabEntry): FileSystem | null {
  let open = volumeOpener;
  if (open === null) {
    println("rootfs: error: fstab entry \"" + e.text + "\": driver 9pfs is not built into this image (image.json: \"9p\": true), skipped");
    return null;
  }
  return open(e);
}

/** Carries out one entry. Returns false when it failed (error line printed). */
function mountEntry(e: FstabEntry, mods: BootModule[]): bool {
  if (e.path != "/") ensureRoot();
  let fs: FileSystem | null = e.driver == VOLUME_DRIVER ? openVolume(e) : moduleFs(e, mods);
  if (fs === null) return false;
  let r = attach(fs, e.path, e.mkmp, e.dev, e.driver);
  if (r < 0) {
    println("rootfs: error: fstab entry \"" + e.text + "\": mount " + e.path + ": " + errnoName(r) + ", skipped");
    return false;
  }
  return true;
}

/**
 * A writable /tmp: an empty ramfs mounted there unless /tmp already exists.
 * On a root that is not a ramfs (a host volume at `/`) a missing /tmp is
 * left missing: the kernel does not create directories in the user's
 * host tree on its own (an existing one is used as it is).
 */
function ensureTmp(): void {
  let st = new Stat();
  let r = vfsStat("/tmp", st);
  if (r == 0) return; // the archive (or fstab) brought one: a ramfs directory is writable
  let root = vfsRoot();
  if (root === null || !(root.fs instanceof RamFs)) return;
  r = vfsMkdir("/tmp", 0o1777);
  if (r < 0) { println("rootfs: warning: cannot create /tmp: " + errnoName(r)); return; }
  let fs = new RamFs();
  st.mode = 0o1777;
  fs.root!.setattr(st, ATTR_MODE);
  r = attach(fs, "/tmp", false, "tmp", "ramfs");
  if (r < 0) println("rootfs: warning: cannot mount /tmp: " + errnoName(r));
}

function ramfsFree(): u64 { return heapHeadroom(); }
function secondsSinceBoot(): i64 { return <i64>(uptimeUs() / 1000000); }

/**
 * Boot step: mounts the root filesystem and friends (see kernel/rootfs/index.ts).
 * `imageEnd`: the stub's image_end; `options`: the raw kernel options.
 */
export function rootfsMount(imageEnd: usize, options: string[]): void {
  let t0 = rdtsc();
  ramfsSetFreeMemory(ramfsFree);
  let mods = bootModules(imageEnd);
  for (let i = 0; i < mods.length; i++) if (mods[i].locked) lockedImage = true;
  let required = cmdlineOption(options, "vfs.rootfs_required") == "1";
  let plan = rootfsPlan(cmdlineOption(options, "vfs.fstab"), mods);
  let rootOk = false;
  for (let i = 0; i < plan.length; i++) {
    let e = plan[i];
    if (mountEntry(e, mods) && e.path == "/") rootOk = true;
  }
  if (required && !rootOk) panic("rootfs required");
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
