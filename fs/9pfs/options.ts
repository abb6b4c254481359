// fs/9pfs/options.ts — the `9pfs` fstab entry's options, pure parsing (tested under
// Node; fs/9pfs/fstab.ts uses them):
//
//   msize=N            bytes, 4096..16 MiB (default P9FS_MSIZE)
//   trans=virtio       the only transport
//   version=9P2000.L   the only protocol version

import { fstabNumber } from "../../kernel/rootfs/index";

const MSIZE_MIN: u32 = 4096;
const MSIZE_MAX: u32 = 16 << 20;

/** The msize an entry asks for (0: the default). Assumes p9fsOptsProblem passed. */
export function p9fsOptMsize(opts: string): u32 {
  let parts = opts.split(",");
  for (let i = 0; i < parts.length; i++) {
    let w = parts[i].trim();
    if (w.startsWith("msize=")) return <u32>fstabNumber(w.substring(6));
  }
  return 0;
}

/** The problem with a 9pfs opts list, "" when every option is known and valid. */
export function p9fsOptsProblem(opts: string): string {
  if (opts.trim().length == 0) return "";
  let parts = opts.split(",");
  for (let i = 0; i < parts.length; i++) {
    let w = parts[i].trim();
    if (w.length == 0 || w == "trans=virtio" || w == "version=9P2000.L") continue;
    if (w.startsWith("msize=")) {
      let n = fstabNumber(w.substring(6));
      if (n < <i64>MSIZE_MIN || n > <i64>MSIZE_MAX) return "9pfs option '" + w + "': msize must be 4096..16777216";
      continue;
    }
    return "unknown 9pfs option '" + w + "' (known: msize=N, trans=virtio, version=9P2000.L)";
  }
  return "";
}
