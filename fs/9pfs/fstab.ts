// fs/9pfs/fstab.ts — the `9pfs` fstab driver (kernel/rootfs/drivers.ts): a host directory
// shared by QEMU's virtio-9p device (issue 6), Unikraft's syntax:
//
//   "<tag>:<mountpoint>:9pfs[:<flags>[:<opts>[:<ukopts>]]]"
//
//   tag     the device's mount tag (QEMU `-device virtio-9p-pci,mount_tag=fs0`)
//   flags   a number; bit 0 = MS_RDONLY (every change -> -EROFS in the guest);
//           other bits (nosuid, nodev, noexec...) mean nothing here and are ignored
//   opts    comma-separated: `msize=N` (bytes, 4096..16 MiB; default
//           P9FS_MSIZE), `trans=virtio`, `version=9P2000.L` (the only ones;
//           options.ts parses them)
//   ukopts  `mkmp` creates the mount point (and its parents) first
//
// The device is looked up before anything is created, so a missing tag
// leaves no empty mount point behind. The options are checked by
// options.ts (pure, tested under Node); this file talks to the device
// (kernel/rootfs/mount.ts calls open through the driver table).

import { println } from "../../kernel/console";
import { utf8Escape } from "../../kernel/utf8";
import { FileSystem, errnoName } from "../../kernel/vfs/index";
import { BootModule, FstabEntry, fstabNumber, fstabRegister } from "../../kernel/rootfs/index";
import { V9pDevice, v9pDevices, v9pFind, v9pLastError } from "../../drivers/virtio-9p/index";
import { MS_RDONLY, p9fsAttach, p9fsLastError } from "./mount";
import { P9Fs } from "./node";
import { p9fsOptMsize, p9fsOptsProblem } from "./options";

/** The mount tags present, for messages ("none" when there is no virtio-9p device). */
function tagList(): string {
  let ds = v9pDevices();
  if (ds.length == 0) return "none";
  let out = new Array<string>();
  for (let i = 0; i < ds.length; i++) out.push(ds[i].tag);
  return out.join(", ");
}

/** Prints the one error line for entry `e`; returns null. */
function refuse(e: FstabEntry, why: string): P9Fs | null {
  println("rootfs: error: fstab entry \"" + utf8Escape(e.text) + "\": " + utf8Escape(why) + ", skipped");
  return null;
}

/**
 * Opens the share of the device whose mount tag is `e.dev` (fs/9pfs keeps
 * one session per device; each mount gets its own root fid). Returns the
 * filesystem, not yet mounted, or null after one error line (no such tag,
 * the device or the server failed). A second mount of a tag uses the
 * session's msize whatever its own `msize=` says.
 */
function volumeOpen(e: FstabEntry): P9Fs | null {
  let d: V9pDevice | null = v9pFind(e.dev);
  if (d === null) {
    let why = "no virtio-9p device with mount tag '" + e.dev + "' (tags: " + tagList() + ")";
    let le = v9pLastError();
    if (le < 0) why += "; a virtio-9p device failed to start: " + errnoName(le);
    return refuse(e, why);
  }
  let flags = <u32>fstabNumber(e.flags) & MS_RDONLY;
  let msize = p9fsOptMsize(e.opts);
  let fs = msize > 0 ? p9fsAttach(<V9pDevice>d, flags, msize) : p9fsAttach(<V9pDevice>d, flags);
  if (fs === null) return refuse(e, "9P session on '" + e.dev + "': " + errnoName(p9fsLastError()));
  return fs;
}

function check(e: FstabEntry): string { return p9fsOptsProblem(e.opts); }

function open(e: FstabEntry, mods: BootModule[]): FileSystem | null { return volumeOpen(e); }

/** Registers `9pfs` (apps that import "asuk/files" or "asuk/fs/9pfs/…"). */
export function p9fsFstabInit(): void {
  fstabRegister("9pfs", check, open);
}
