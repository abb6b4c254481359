// images/fsbench/p9.ts — the 9p workload on the host share with mount tag
// fs0 (bench/fs puts in64.bin, 64 MiB, and many/, 10,000 empty files, there):
// mount it at /p9, read in64.bin sequentially in 1 MiB requests, write 64 MiB
// to out64.bin the same way, list many/ (readdir only, no stat).
// The Linux peer: insmod + mount -t 9p, `dd bs=1M` both ways, `set -- many/*`.
//
// Lines: 9p-mount us, 9p-read us, 9p-read-bytes B, 9p-write us, 9p-list us, 9p-list-count n.
import { uptimeUs } from "asuk/kernel/index";
import {
  DirEntry, O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY, Stat,
  vfsClose, vfsMkdir, vfsOpen, vfsRead, vfsReaddir, vfsStat, vfsWrite,
} from "asuk/kernel/vfs/index";
import { p9fsMount } from "asuk/fs/9pfs/index";
import { fail, report } from "./out";

const MNT = "/p9";
const BLOCK: usize = 1 << 20;
const WRITE_BLOCKS: i32 = 64;

/** Reads `path` to the end in BLOCK requests; bytes or -Errno. */
function readSeq(path: string, buf: usize): i64 {
  let fd = vfsOpen(path, O_RDONLY);
  if (fd < 0) return fd;
  let total: i64 = 0;
  while (true) {
    let n = vfsRead(fd, buf, BLOCK);
    if (n < 0) { vfsClose(fd); return n; }
    if (n == 0) break;
    total += n;
  }
  vfsClose(fd);
  return total;
}

/** Writes WRITE_BLOCKS blocks of `buf` to `path` (created, truncated); bytes or -Errno. */
function writeSeq(path: string, buf: usize): i64 {
  let fd = vfsOpen(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  if (fd < 0) return fd;
  let total: i64 = 0;
  for (let i = 0; i < WRITE_BLOCKS; i++) {
    let n = vfsWrite(fd, buf, BLOCK);
    if (n != <i64>BLOCK) { vfsClose(fd); return n < 0 ? n : -5; }
    total += n;
  }
  let r = vfsClose(fd);
  return r < 0 ? r : total;
}

/** Counts the entries of directory `path`; count or -Errno. */
function listCount(path: string): i64 {
  let fd = vfsOpen(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return fd;
  let de = new DirEntry();
  let n: i64 = 0;
  let r: i32;
  while ((r = vfsReaddir(fd, de)) == 1) n++;
  vfsClose(fd);
  return r < 0 ? r : n;
}

/** Mounts fs0 at MNT (creating it); 0 or -Errno. */
function mount(): i32 {
  let st = new Stat();
  if (vfsStat(MNT, st) < 0) {
    let r = vfsMkdir(MNT, 0o755);
    if (r < 0) return r;
  }
  return p9fsMount("fs0", MNT, 0);
}

/** Runs `f` between two clock reads; reports `name` in us unless it failed. Returns f's value. */
function timed(name: string, f: () => i64): i64 {
  __collect();
  let t0 = uptimeUs();
  let v = f();
  let t1 = uptimeUs();
  if (v < 0) fail("9p: " + name, v);
  else report(name, t1 - t0, "us");
  return v;
}

let ioBuf: usize = 0;

/** The 9p workload. */
export function p9Bench(): void {
  ioBuf = heap.alloc(BLOCK);
  for (let i: usize = 0; i < BLOCK; i++) store<u8>(ioBuf + i, <u8>(i * 7 + (i >> 9)));
  if (timed("9p-mount", (): i64 => <i64>mount()) < 0) return;
  let n = timed("9p-read", (): i64 => readSeq(MNT + "/in64.bin", ioBuf));
  if (n >= 0) report("9p-read-bytes", <u64>n, "B");
  timed("9p-write", (): i64 => writeSeq(MNT + "/out64.bin", ioBuf));
  let c = timed("9p-list", (): i64 => listCount(MNT + "/many"));
  if (c >= 0) report("9p-list-count", <u64>c, "n");
}
