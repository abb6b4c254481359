// kernel/rootfs/drivers.ts — the table of fstab drivers (Unikraft's
// UK_FS_REGISTER). The kernel core knows no filesystem: each driver
// registers itself when the image links it (the generated entry of an image
// calls fs/ramfs's ramfsFstabInit, fs/cpio's cpioFstabInit and, for an
// app importing "asuk/files", fs/9pfs's p9fsFstabInit before rootfsMount).
//
//   check(e)       the problem with an entry's dev, flags and opts for this
//                  driver ("" when valid); fstab.ts runs it while parsing
//   open(e, mods)  the filesystem for the entry, not yet mounted, or null
//                  after printing one error line naming the entry
//
// An fstab naming a driver the image did not link is refused at parse time.

import { FileSystem } from "../vfs/index";
import { FstabEntry } from "./entry";
import { BootModule } from "./modules";

export type FstabCheck = (e: FstabEntry) => string;
export type FstabOpen = (e: FstabEntry, mods: BootModule[]) => FileSystem | null;

/** One registered driver. */
export class FstabDriver {
  name: string;
  check: FstabCheck;
  open: FstabOpen;
  constructor(name: string, check: FstabCheck, open: FstabOpen) {
    this.name = name;
    this.check = check;
    this.open = open;
  }
}

const drivers = new Array<FstabDriver>();

/** Adds (or replaces) the driver called `name`. */
export function fstabRegister(name: string, check: FstabCheck, open: FstabOpen): void {
  for (let i = 0; i < drivers.length; i++) {
    if (drivers[i].name == name) { drivers[i] = new FstabDriver(name, check, open); return; }
  }
  drivers.push(new FstabDriver(name, check, open));
}

/** The driver called `name`, or null when the image did not link one. */
export function fstabDriver(name: string): FstabDriver | null {
  for (let i = 0; i < drivers.length; i++) if (drivers[i].name == name) return drivers[i];
  return null;
}

/** The registered driver names, comma-separated ("none" when there is none). */
export function fstabDriverNames(): string {
  if (drivers.length == 0) return "none";
  let names = new Array<string>();
  for (let i = 0; i < drivers.length; i++) names.push(drivers[i].name);
  return names.join(", ");
}
