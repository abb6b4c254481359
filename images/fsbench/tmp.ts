// images/fsbench/tmp.ts — the /tmp workload: create and write, read back,
// delete SMALL_COUNT files of SMALL_SIZE bytes in /tmp/b (the Linux peer does
// the same with `cpio -id`, `cat /tmp/b/*`, `rm -r /tmp/b`).
//
// The path strings are made before the clock starts (the peer's names come
// ready-made in its archive). Lines: tmp-create us, tmp-read us, tmp-delete us.
import { uptimeUs } from "asuk/kernel/index";
import {
  O_CREAT, O_EXCL, O_RDONLY, O_WRONLY, vfsClose, vfsMkdir, vfsOpen, vfsRead, vfsRmdir, vfsUnlink, vfsWrite,
} from "asuk/kernel/vfs/index";
import { fail, report } from "./out";

export const SMALL_COUNT: i32 = 10000;
export const SMALL_SIZE: usize = 100;
const DIR = "/tmp/b";

/** "/tmp/b/f00042": five digits, as the peer's archive names them. */
function smallPath(i: i32): string {
  let s = i.toString();
  while (s.length < 5) s = "0" + s;
  return DIR + "/f" + s;
}

/** Creates each file and writes `body` into it. 0 or -Errno. */
function createAll(paths: string[], body: usize): i64 {
  for (let i = 0; i < paths.length; i++) {
    let fd = vfsOpen(paths[i], O_WRONLY | O_CREAT | O_EXCL, 0o644);
    if (fd < 0) return fd;
    let n = vfsWrite(fd, body, SMALL_SIZE);
    vfsClose(fd);
    if (n != <i64>SMALL_SIZE) return n < 0 ? n : -5; // short write: EIO
  }
  return 0;
}

/** Reads each file back and compares it with `body`. 0, -Errno, or -5 (EIO) on a mismatch. */
function readAll(paths: string[], body: usize, buf: usize): i64 {
  for (let i = 0; i < paths.length; i++) {
    let fd = vfsOpen(paths[i], O_RDONLY);
    if (fd < 0) return fd;
    let n = vfsRead(fd, buf, SMALL_SIZE * 2);
    vfsClose(fd);
    if (n < 0) return n;
    if (n != <i64>SMALL_SIZE || memory.compare(buf, body, SMALL_SIZE) != 0) return -5;
  }
  return 0;
}

/** Unlinks each file, then the directory. 0 or -Errno. */
function deleteAll(paths: string[]): i64 {
  for (let i = 0; i < paths.length; i++) {
    let r = vfsUnlink(paths[i]);
    if (r < 0) return r;
  }
  return vfsRmdir(DIR);
}

/** The /tmp workload. */
export function tmpBench(): void {
  let paths = new Array<string>(SMALL_COUNT);
  for (let i = 0; i < SMALL_COUNT; i++) paths[i] = smallPath(i);
  let body = heap.alloc(SMALL_SIZE);
  let buf = heap.alloc(SMALL_SIZE * 2);
  for (let i: usize = 0; i < SMALL_SIZE; i++) store<u8>(body + i, <u8>(0x61 + i % 26));
  __collect();
  let t0 = uptimeUs();
  let r: i64 = vfsMkdir(DIR, 0o755);
  if (r == 0) r = createAll(paths, body);
  let t1 = uptimeUs();
  if (r < 0) { fail("tmp: create", r); return; }
  report("tmp-create", t1 - t0, "us");
  t0 = uptimeUs();
  r = readAll(paths, body, buf);
  t1 = uptimeUs();
  if (r < 0) { fail("tmp: read", r); return; }
  report("tmp-read", t1 - t0, "us");
  t0 = uptimeUs();
  r = deleteAll(paths);
  t1 = uptimeUs();
  if (r < 0) { fail("tmp: delete", r); return; }
  report("tmp-delete", t1 - t0, "us");
}
