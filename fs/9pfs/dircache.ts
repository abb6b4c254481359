// fs/9pfs/dircache.ts — one Treaddir batch of a directory, so the VFS's
// one-entry-at-a-time readdir costs one round trip per batch (msize bytes of
// entries: thousands), not one per entry.
//
// The batch is kept as the raw Rreaddir message (copied out of the client's
// receive buffer into memory the GC does not scan) and decoded one entry per
// call. Keeping thousands of decoded names in a managed array instead made
// every push re-scan the whole array while the incremental GC was marking
// (its write barrier re-grays the array): O(n^2) for one listing.
//
// Cookies: 9P2000.L readdir offsets are the server's opaque telldir values;
// each entry carries the offset that continues AFTER it. The VFS cookie of
// an entry is the offset of the entry before it (0 for the first), so the
// cookie handed back for "next" is the 9P offset of the entry just returned.
// "." and ".." are skipped (the VFS does not list them).

import { DT_DIR, DT_LNK, DT_REG, DirEntry, Errno, NAME_MAX } from "../../kernel/vfs/index";
import { P9Reply, P9_QTDIR, P9_QTSYMLINK, P9_RREAD_HDR } from "../9p/index";
import { P9Client } from "./client";
import { utf8Decode } from "../../kernel/utf8";

// One entry (9P2000.L readdir): qid[13] (type[1] version[4] path[8])
// offset[8] type[1] name[s] (s = len[2] + UTF-8 bytes). Decoded in place:
// the name reaches the DirEntry as bytes, no string per entry.
const ENT_QID_PATH_AT: usize = 5;
const ENT_OFFSET_AT: u32 = 13;
const ENT_TYPE_AT: usize = 21;
/** Where the name's bytes start (after its len[2] at 22). */
const ENT_NAME_AT: u32 = 24;

export class P9DirCache {
  /** The cookie the batch was read from. */
  start: u64 = 0;
  valid: bool = false;
  /** The copied Rreaddir message; entries from P9_RREAD_HDR to r.size. */
  private r: P9Reply = new P9Reply();
  private buf: usize = 0;
  private cap: u32 = 0;
  /** Byte position of the entry after the one returned last, and the cookie that names it. */
  private pos: u32 = 0;
  private posCookie: u64 = 0;

  /** Frees the copy (the cache is unusable afterwards until filled again). */
  dispose(): void {
    if (this.buf != 0) heap.free(this.buf);
    this.buf = 0;
    this.cap = 0;
    this.valid = false;
  }

  /** Byte position of the entry at `cookie` (r.size: the batch is used up), or -1. */
  private find(cookie: u64): i64 {
    if (!this.valid) return -1;
    if (cookie == this.posCookie) return <i64>this.pos;
    if (cookie == this.start) return <i64>P9_RREAD_HDR;
    let size = this.r.size;
    let p = P9_RREAD_HDR;
    while (p + 24 <= size) {
      let next = p + 24 + <u32>load<u16>(this.buf + p + 22);
      if (load<u64>(this.buf + p + ENT_OFFSET_AT) == cookie) return <i64>next;
      p = next;
    }
    return -1;
  }

  /** Reads the batch at `cookie` into the copy. 0 or -errno. */
  private fill(c: P9Client, fid: u32, cookie: u64): i32 {
    this.valid = false;
    let r = c.readdir(fid, cookie);
    if (r < 0) return r;
    let size = c.r.size;
    if (size > this.cap) {
      if (this.buf != 0) heap.free(this.buf);
      this.buf = heap.alloc(<usize>size);
      this.cap = size;
    }
    memory.copy(this.buf, c.r.buf, <usize>size);
    this.r.set(this.buf, size);
    this.r.size = size;
    this.start = cookie;
    this.pos = P9_RREAD_HDR;
    this.posCookie = cookie;
    this.valid = true;
    return 0;
  }

  /** The entry at `cookie` into `out`; returns the next cookie (> 0), 0 at the end, or -errno. */
  entry(c: P9Client, fid: u32, cookie: u64, out: DirEntry): i64 {
    while (true) {
      let p = this.find(cookie);
      if (p < 0 || p >= <i64>this.r.size) {
        if (p >= 0 && this.r.size == P9_RREAD_HDR) return 0; // this batch was already empty
        let e = this.fill(c, fid, cookie);
        if (e < 0) return e;
        if (this.r.size == P9_RREAD_HDR) return 0;
        p = <i64>P9_RREAD_HDR;
      }
      let at = this.buf + <usize>p;
      let end = <u32>p + ENT_NAME_AT;
      if (end > this.r.size) { this.valid = false; return -Errno.EIO; }
      let len = <u32>load<u16>(at + ENT_NAME_AT - 2);
      end += len;
      if (end > this.r.size) { this.valid = false; return -Errno.EIO; }
      let offset = load<u64>(at + ENT_OFFSET_AT);
      this.pos = end;
      this.posCookie = offset;
      let name = at + ENT_NAME_AT;
      if (isDots(name, len)) { cookie = offset; continue; }
      if (len <= <u32>NAME_MAX) out.setNameBytes(name, <i32>len);
      else out.name = utf8Decode(name, <usize>len);
      out.ino = load<u64>(at + ENT_QID_PATH_AT);
      out.type = dtOf(load<u8>(at + ENT_TYPE_AT), load<u8>(at));
      return <i64>offset;
    }
  }
}

/** Whether the `len` bytes at `p` are "." or "..". */
function isDots(p: usize, len: u32): bool {
  if (len == 1) return load<u8>(p) == 0x2e;
  return len == 2 && load<u16>(p) == 0x2e2e;
}

/** DT_* from the entry's type byte (Linux DT_* already) or, when 0, the qid type. */
function dtOf(t: u8, qt: u8): u8 {
  if (t != 0) return t;
  if ((qt & P9_QTDIR) != 0) return DT_DIR;
  if ((qt & P9_QTSYMLINK) != 0) return DT_LNK;
  return DT_REG;
}
