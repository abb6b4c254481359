// images/kvstore/store.ts — the store: the log file read into a map at open
// (reader.ts), records appended (and fsync'ed) after the last good one.
//
// Recovery: a torn tail (a write cut short by a crash) is dropped silently
// and cut off (ftruncate) before the first append, so the next record follows
// the last good one. Damage (reader.ts) costs only the records it hit: one
// line `kvstore: warning: PATH: N records lost to damage ...` at open, good
// records after it are kept, and nothing good is ever cut off. When the damage
// is after the last good record, appends start at the next block (zeros fill
// the damaged one) so the reader, which gives a damaged block up, finds them;
// their sequence numbers skip the records lost, so every later open reports
// the same loss while the damaged bytes are in the file.
//
// A log in the format before issue 11 ("KVR1" records, no blocks) is refused
// with one error line: it is not read, not rewritten, not appended to.

import { println } from "asuk/kernel/index";
import { O_CREAT, O_RDONLY, O_RDWR, Stat, errnoName } from "asuk/files";
import {
  Errno, vfsClose, vfsFstat, vfsFsync, vfsFtruncate, vfsOpen, vfsPread, vfsPwrite,
} from "asuk/kernel/vfs/index";
import { BLOCK, KEY_MAX, OP_DEL, OP_PUT, fragCrc, frameInto, framedSize, recordPayload } from "./record";
import { LogReader } from "./reader";

const OLD_MAGIC: u32 = 0x3152564b; // "KVR1" read as u32 LE

export class KvStore {
  path: string;
  map: Map<string, string> = new Map<string, string>();
  /** Where the next record goes (a torn tail starts there). */
  good: u64 = 0;
  /** The log's size when it was read. */
  size: u64 = 0;
  /** Zero bytes to write before the next record (to the next block, after damage). */
  pad: u64 = 0;
  /** The next record's sequence number. */
  seq: u64 = 1;
  /** Records accepted by the reader. */
  records: u64 = 0;
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
    let buf = heap.alloc(<usize>size + 8);
    let got = readAll(fd, buf, size);
    vfsClose(fd);
    if (got < 0) { heap.free(buf); return this.fail("read", <i32>got); }
    if (isOldFormat(buf, <u64>got)) {
      heap.free(buf);
      println("kvstore: error: " + this.path + ": a log in the old KVR1 format (before 32 KiB blocks) is not read: move it aside to start a new log");
      return -Errno.EINVAL;
    }
    this.scan(buf, <u64>got);
    heap.free(buf);
    return 0;
  }

  /** Applies every good record of (p, size); sets good, pad, seq; reports damage in one line. */
  private scan(p: usize, size: u64): void {
    let rd = new LogReader(p, size);
    while (true) {
      let rec = rd.next();
      if (rec === null) break;
      if (rec.op == OP_PUT) this.map.set(rec.key, rec.value);
      else if (this.map.has(rec.key)) this.map.delete(rec.key);
    }
    rd.dispose();
    this.records = rd.records;
    this.size = size;
    this.good = rd.torn;
    // Records lost after the last good one keep their sequence numbers; the next record starts a fresh block.
    this.seq = rd.lastSeq + rd.tailLost + 1;
    let inBlock = this.good % <u64>BLOCK;
    if (rd.tailLost > 0 && inBlock != 0) this.pad = <u64>BLOCK - inBlock;
    if (rd.lost == 0) return;
    println("kvstore: warning: " + this.path + ": " + (rd.lostExact ? "" : "at least ") + rd.lost.toString() +
      (rd.lost == 1 ? " record" : " records") + " lost to damaged bytes (the first at offset " +
      rd.firstDamage.toString() + "); the other " + rd.records.toString() + " records are intact");
  }

  /** Opens the log for appending, cutting a torn tail off first (silently: it held no whole record). 0 or -Errno. */
  private openForAppend(): i32 {
    if (this.fd >= 0) return 0;
    let fd = vfsOpen(this.path, O_RDWR | O_CREAT, 0o644);
    if (fd < 0) return this.fail("open", fd);
    this.fd = fd;
    if (this.size > this.good) {
      let r = vfsFtruncate(fd, <i64>this.good);
      if (r < 0) return this.fail("truncate", r);
      this.size = this.good;
    }
    return 0;
  }

  /** Appends one record and syncs it. 0 or -Errno. */
  private append(op: u8, key: string, value: string): i32 {
    let r = this.openForAppend();
    if (r < 0) return r;
    let payload = recordPayload(this.seq, op, key, value);
    let plen = <u32>payload.byteLength;
    let at = this.good + this.pad;
    let n = this.pad + framedSize(at, plen);
    let buf = heap.alloc(<usize>n);
    memory.fill(buf, 0, <usize>this.pad);
    frameInto(buf + <usize>this.pad, at, changetype<usize>(payload), plen);
    let w = vfsPwrite(this.fd, buf, <usize>n, <i64>this.good);
    heap.free(buf);
    if (w < 0) return this.fail("write", <i32>w);
    if (<u64>w != n) return this.fail("write", -Errno.EIO);
    r = vfsFsync(this.fd);
    if (r < 0) return this.fail("fsync", r);
    this.good += n;
    this.size = this.good;
    this.pad = 0;
    this.seq++;
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

/** True when (p, size) starts with an old "KVR1" record rather than a fragment of this format. */
function isOldFormat(p: usize, size: u64): bool {
  if (size < 7 || load<u32>(p) != OLD_MAGIC) return false;
  let len = <u32>load<u16>(p + 4);
  return <u64>(7 + len) > size || fragCrc(p, len) != load<u32>(p);
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
