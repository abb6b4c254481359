// test/volumes/as/copy.ts — a test kernel for the 64 MiB round trip: the
// normal boot (rootfsMount: vfs.fstab with 9pfs volumes), then an app that
// runs `;`-separated commands the shell image lacks:
//   cp SRC DST   copies in 1 MiB requests; prints `cp SRC DST BYTES SHA256`
//                (the SHA-256 of the bytes read)
// Anything else: `error: CMD: unknown`. Exit status: the failure count.
import { kernelMain, println, mbCmdline, cstrLen } from "../../../kernel/index";
import { rootfsMount, rootfsReport } from "../../../kernel/rootfs/index";
import { ramfsFstabInit } from "../../../fs/ramfs/index";
import { cpioFstabInit } from "../../../fs/cpio/index";
import { p9fsFstabInit } from "../../../fs/9pfs/index";
import {
  O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, errnoName, vfsClose, vfsOpen, vfsRead, vfsWrite,
} from "../../../kernel/vfs/index";
import { shellCommands } from "../../../images/shell/parse";
import { sha256Hex, sha256Reset, sha256Update } from "../../../images/shell/sha256";

const BLOCK: usize = 1 << 20;

function fail(what: string, e: i64): i32 {
  println("error: " + what + ": " + errnoName(<i32>e));
  return 1;
}

/** Copies src to dst; 0 or 1 (error line printed). */
function cp(src: string, dst: string): i32 {
  let i = vfsOpen(src, O_RDONLY);
  if (i < 0) return fail("cp: " + src, i);
  let o = vfsOpen(dst, O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  if (o < 0) { vfsClose(i); return fail("cp: " + dst, o); }
  let buf = heap.alloc(BLOCK);
  let total: u64 = 0;
  sha256Reset();
  let rc = 0;
  while (true) {
    let n = vfsRead(i, buf, BLOCK);
    if (n < 0) { rc = fail("cp: read " + src, n); break; }
    if (n == 0) break;
    sha256Update(buf, <usize>n);
    let w = vfsWrite(o, buf, <usize>n);
    if (w != n) { rc = fail("cp: write " + dst, w < 0 ? w : -5); break; }
    total += <u64>n;
  }
  vfsClose(i);
  let r = vfsClose(o);
  heap.free(buf);
  if (rc == 0 && r < 0) rc = fail("cp: close " + dst, r);
  if (rc == 0) println("cp " + src + " " + dst + " " + total.toString() + " " + sha256Hex());
  return rc;
}

function appMain(args: string[]): i32 {
  let p = mbCmdline();
  let raw = p != 0 ? String.UTF8.decodeUnsafe(p, cstrLen(p)) : "";
  let cmds = shellCommands(raw, args);
  let failures = 0;
  for (let k = 0; k < cmds.length; k++) {
    let w = cmds[k];
    if (w[0] == "cp" && w.length == 3) failures += cp(w[1], w[2]);
    else { println("error: " + w[0] + ": unknown"); failures++; }
  }
  return failures;
}

export function asuk_main(magic: u32, mbi: u32, tsc0: u64, imageEnd: u32): i32 {
  ramfsFstabInit(); // the fstab drivers this test kernel links: it mounts 9p volumes
  cpioFstabInit();
  p9fsFstabInit();
  return kernelMain(magic, mbi, tsc0, imageEnd, appMain, rootfsMount, rootfsReport);
}
