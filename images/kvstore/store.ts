// images/kvstore/store.ts — the store: the log file read into a map at open,
// records appended (and fsync'ed) at the end of the last good record.
//
// Recovery: the scan stops at the first bytes that are not a whole valid
// record (record.ts). Everything before is the store; everything after is a
// torn tail — a write cut short by a crash — and is reported, ignored by
// reads, and cut off (ftruncate) before the first append, so the next record
// follows the last good one. A damaged record in the middle of the log ends
// the store there too: an append-only log has no way to resync safely.

import { println } from "../../kernel/index";
import {
  Errno, O_CREAT, O_RDONLY, O_RDWR, Stat, errnoName,
  vfsClose, vfsFstat, vfsFsync, vfsFtruncate, vfsOpen, vfsPread, vfsPwrite,
} from "../../kernel/vfs/index";
import { KEY_MAX, OP_DEL, OP_PUT, recordAt, recordEncode } from "./record";

export class KvStore {
  path: string;
  map: Map<string, string> = new Map<string, string>();
  /** End of the last good record: where the next one goes. */
  good: u64 = 0;
  /** The log's size when it was read. */
  size: u64 = 0;
  /** Records accepted by the scan. */
  records: i32 = 0;
  fd: i32 = -1;

  constructor(path: string) { this.path = path; }

  /** Reads the log (a missing log is an empty store). 0 or -Errno (error line printed). */
  load(): i32 {
    let fd = vfsOpen(this.path, O_RDONLY);
    if (fd == -Errno.ENOENT) return 0;
    if (fd < 0) return this.fail("open", fd);
    let st = new Stat();
    let r = vfsFstat(fd, st);
    if (r < 0) { vfsClose(fd); return this.fail("fstat", r); }
    let size = st.size;
    let buf = heap.alloc(<usize>size + 1);
    let got = readAll(fd, buf, size);
    vfsClose(fd);
    if (got < 0) { heap.free(buf); return this.fail("read", <i32>got); }
    this.scan(buf, <u64>got);
    heap.free(buf);
    return 0;
  }

  /** Applies every whole record of (p, size); sets good and size; reports a torn tail. */
  private scan(p: usize, size: u64): void {
    let off: u64 = 0;
    while (true) {
      let rec = recordAt(p, size, off);
      if (rec === null) break;
      if (rec.op == OP_PUT) this.map.set(rec.key, rec.value);
      else if (this.map.has(rec.key)) this.map.delete(rec.key);
      off = rec.end;
      this.records++;
    }
    this.good = off;
    this.size = size;
    if (off < size) {
      println("kvstore: warning: " + this.path + ": " + (size - off).toString() + " bytes at offset " +
        off.toString() + " are not a whole record (a write cut short), ignored");
    }
  }

  /** Opens the log for appending, cutting a torn tail off first. 0 or -Errno. */
  private openForAppend(): i32 {
    if (this.fd >= 0) return 0;
    let fd = vfsOpen(this.path, O_RDWR | O_CREAT, 0o644);
    if (fd < 0) return this.fail("open", fd);
    this.fd = fd;
    if (this.size > this.good) {
      let r = vfsFtruncate(fd, <i64>this.good);
      if (r < 0) return this.fail("truncate", r);
      println("kvstore: " + this.path + ": cut the log back to " + this.good.toString() + " bytes");
      this.size = this.good;
    }
    return 0;
  }

  /** Appends one record and syncs it. 0 or -Errno. */
  private append(op: u8, key: string, value: string): i32 {
    let r = this.openForAppend();
    if (r < 0) return r;
    let rec = recordEncode(op, key, value);
    let n = <u64>rec.byteLength;
    let w = vfsPwrite(this.fd, changetype<usize>(rec), <usize>n, <i64>this.good);
    if (w < 0) return this.fail("write", <i32>w);
    if (<u64>w != n) return this.fail("write", -Errno.EIO);
    r = vfsFsync(this.fd);
    if (r < 0) return this.fail("fsync", r);
    this.good += n;
    this.size = this.good;
    return 0;
  }

  /** put K V. 0 or -Errno. */
  put(key: string, value: string): i32 {
    if (String.UTF8.byteLength(key) > <i32>KEY_MAX) return -Errno.ENAMETOOLONG;
    let r = this.append(OP_PUT, key, value);
    if (r == 0) this.map.set(key, value);
    return r;
  }

  /** del K. 0, -ENOENT (no such key: nothing written), or -Errno. */
  del(key: string): i32 {
    if (!this.map.has(key)) return -Errno.ENOENT;
    let r = this.append(OP_DEL, key, "");
    if (r == 0) this.map.delete(key);
    return r;
  }

  close(): void {
    if (this.fd >= 0) vfsClose(this.fd);
    this.fd = -1;
  }

  /** Prints `kvstore: error: PATH: OP: ENAME`; returns `e`. */
  private fail(op: string, e: i32): i32 {
    println("kvstore: error: " + this.path + ": " + op + ": " + errnoName(e));
    return e;
  }
}

/** Reads up to `size` bytes from the start of `fd` into `buf`; bytes read or -Errno. */
function readAll(fd: i32, buf: usize, size: u64): i64 {
  let off: u64 = 0;
  while (off < size) {
    let n = vfsPread(fd, buf + <usize>off, <usize>(size - off), <i64>off);
    if (n < 0) return n;
    if (n == 0) break;
    off += <u64>n;
  }
  return <i64>off;
}
