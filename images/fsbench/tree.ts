// images/fsbench/tree.ts — the initrd-tree workload: walk the tree under a
// directory (readdir + lstat of every entry, like `find DIR`), then read every
// regular file through a 64 KiB buffer (like `cat DIR/*/*`).
//
// Lines: tree-stat us, tree-entries n, tree-read us, tree-bytes B.
import { uptimeUs } from "asuk/kernel/index";
import {
  DirEntry, O_DIRECTORY, O_RDONLY, S_IFDIR, S_IFMT, S_IFREG, Stat,
  vfsClose, vfsLstat, vfsOpen, vfsRead, vfsReaddir,
} from "asuk/kernel/vfs/index";
import { fail, report } from "./out";

const CHUNK: usize = 64 << 10;

/** Walk state: every entry's lstat, the regular files found. */
class Walk {
  st: Stat = new Stat();
  de: DirEntry = new DirEntry();
  entries: u64 = 0;
  files: string[] = [];
}

/** Lists `dir` and lstats each entry, recursing into directories. 0 or -Errno. */
function walkDir(dir: string, w: Walk): i32 {
  let fd = vfsOpen(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return fd;
  let names = new Array<string>();
  let r: i32;
  while ((r = vfsReaddir(fd, w.de)) == 1) names.push(w.de.name);
  vfsClose(fd);
  if (r < 0) return r;
  for (let i = 0; i < names.length; i++) {
    let p = dir + "/" + names[i];
    r = vfsLstat(p, w.st);
    if (r < 0) return r;
    w.entries++;
    let t = w.st.mode & S_IFMT;
    if (t == S_IFREG) w.files.push(p);
    else if (t == S_IFDIR) {
      r = walkDir(p, w);
      if (r < 0) return r;
    }
  }
  return 0;
}

/** Reads every file in `files`; returns the bytes read or -Errno. */
function readAll(files: string[], buf: usize): i64 {
  let total: i64 = 0;
  for (let i = 0; i < files.length; i++) {
    let fd = vfsOpen(files[i], O_RDONLY);
    if (fd < 0) return fd;
    while (true) {
      let n = vfsRead(fd, buf, CHUNK);
      if (n < 0) { vfsClose(fd); return n; }
      if (n == 0) break;
      total += n;
    }
    vfsClose(fd);
  }
  return total;
}

/** The tree workload on `root` (e.g. "/data"). */
export function treeBench(root: string): void {
  let w = new Walk();
  let buf = heap.alloc(CHUNK);
  __collect(); // start both timed parts with no GC cycle in flight
  let t0 = uptimeUs();
  let r = vfsLstat(root, w.st);
  if (r == 0) { w.entries++; r = walkDir(root, w); }
  let t1 = uptimeUs();
  if (r < 0) { fail("tree: walk " + root, r); return; }
  report("tree-stat", t1 - t0, "us");
  report("tree-entries", w.entries, "n");
  __collect();
  t0 = uptimeUs();
  let n = readAll(w.files, buf);
  t1 = uptimeUs();
  if (n < 0) { fail("tree: read", n); return; }
  report("tree-read", t1 - t0, "us");
  report("tree-bytes", <u64>n, "B");
  heap.free(buf);
}
