// fs/9p/decode.ts — checks and decodes R-messages (layouts in layout.ts).
//
// Use: `r.set(buf, received)` with the bytes the transport delivered, then
// one p9R*(r, tag, ...) for the reply expected. Each returns >= 0 on
// success, -ecode for an Rlerror (9P2000.L carries Linux errnos), or -EIO
// for a malformed reply, with the reason in r.fault (P9_FAULT_*):
//   size[4] < 7 or fewer than 7 bytes received      P9_FAULT_SHORT
//   size[4] past the bytes received                 P9_FAULT_SIZE
//   tag not the request's                           P9_FAULT_TAG
//   type neither the expected R nor Rlerror         P9_FAULT_TYPE
//   a field past size[4]                            P9_FAULT_TRUNC
//   bytes left after the last field                 P9_FAULT_TRAILING
//   an impossible value (errno 0, count > asked)    P9_FAULT_VALUE
// Nothing here trusts a length from the wire before checking it.

import { Errno } from "../../kernel/errno";
import { utf8Decode } from "../../kernel/utf8";
import {
  P9_FAULT_NONE, P9_FAULT_SHORT, P9_FAULT_SIZE, P9_FAULT_TAG, P9_FAULT_TRAILING,
  P9_FAULT_TRUNC, P9_FAULT_TYPE, P9_FAULT_VALUE, P9_HDR, P9_OFF_TAG, P9_OFF_TYPE, P9_RATTACH,
  P9_RCLUNK, P9_RFSYNC, P9_RGETATTR, P9_RLCREATE, P9_RLERROR, P9_RLINK, P9_RLOPEN, P9_RMKDIR,
  P9_RREAD, P9_RREADDIR, P9_RREADLINK, P9_RRENAMEAT, P9_RSETATTR, P9_RSTATFS, P9_RSYMLINK,
  P9_RUNLINKAT, P9_RVERSION, P9_RWALK, P9_RWRITE, P9_NOTAG, P9_RREAD_HDR,
} from "./layout";

/** A qid: the server's identity of a file. */
export class P9Qid {
  type: u8 = 0;
  version: u32 = 0;
  path: u64 = 0;
}

/** Rlopen / Rlcreate. iounit 0 means "msize - P9_IOHDRSZ". */
export class P9Open {
  qid: P9Qid = new P9Qid();
  iounit: u32 = 0;
}

/** Rversion. */
export class P9Version {
  msize: u32 = 0;
  version: string = "";
}

/** Rgetattr. */
export class P9Attr {
  valid: u64 = 0;
  qid: P9Qid = new P9Qid();
  mode: u32 = 0;
  uid: u32 = 0;
  gid: u32 = 0;
  nlink: u64 = 0;
  rdev: u64 = 0;
  size: u64 = 0;
  blksize: u64 = 0;
  blocks: u64 = 0;
  atimeSec: u64 = 0;
  atimeNsec: u64 = 0;
  mtimeSec: u64 = 0;
  mtimeNsec: u64 = 0;
  ctimeSec: u64 = 0;
  ctimeNsec: u64 = 0;
  btimeSec: u64 = 0;
  btimeNsec: u64 = 0;
  gen: u64 = 0;
  dataVersion: u64 = 0;
}

/** Rstatfs (statfs(2) in 9P form). */
export class P9StatFs {
  type: u32 = 0;
  bsize: u32 = 0;
  blocks: u64 = 0;
  bfree: u64 = 0;
  bavail: u64 = 0;
  files: u64 = 0;
  ffree: u64 = 0;
  fsid: u64 = 0;
  namelen: u32 = 0;
}

/** One Rreaddir entry. `offset` is the cookie to continue after it. */
export class P9Dirent {
  qid: P9Qid = new P9Qid();
  offset: u64 = 0;
  type: u8 = 0;
  name: string = "";
}

/** A received reply being decoded. */
export class P9Reply {
  buf: usize = 0;
  /** Bytes received. */
  len: u32 = 0;
  /** size[4] of the reply, once the header was checked. */
  size: u32 = 0;
  pos: u32 = 0;
  /** P9_FAULT_* of the last refused reply. */
  fault: i32 = P9_FAULT_NONE;
  /** Rreadlink's target. */
  text: string = "";

  /** Points at a newly received reply of `len` bytes. */
  set(buf: usize, len: u32): void {
    this.buf = buf;
    this.len = len;
    this.size = 0;
    this.pos = 0;
    this.fault = P9_FAULT_NONE;
  }

  /** Records `fault` (the first one wins) and returns -EIO. */
  bad(fault: i32): i32 {
    if (this.fault == P9_FAULT_NONE) this.fault = fault;
    return -Errno.EIO;
  }

  /**
   * Checks the header against the request's tag and the expected type.
   * Returns 0 (pos at the body), -ecode for a well-formed Rlerror, or -EIO.
   */
  head(tag: u16, type: u8): i32 {
    if (this.len < P9_HDR) return this.bad(P9_FAULT_SHORT);
    let size = load<u32>(this.buf);
    if (size < P9_HDR) return this.bad(P9_FAULT_SHORT);
    if (size > this.len) return this.bad(P9_FAULT_SIZE);
    this.size = size;
    this.pos = P9_HDR;
    if (load<u16>(this.buf + P9_OFF_TAG) != tag) return this.bad(P9_FAULT_TAG);
    let t = load<u8>(this.buf + P9_OFF_TYPE);
    if (t == type) return 0;
    if (t != P9_RLERROR) return this.bad(P9_FAULT_TYPE);
    let ecode = this.u32();
    let r = this.end();
    if (r < 0) return r;
    if (ecode == 0 || ecode > 4095) return this.bad(P9_FAULT_VALUE);
    return -<i32>ecode;
  }

  /** Whether `n` more bytes lie inside size[4]; records P9_FAULT_TRUNC otherwise. */
  has(n: u32): bool {
    if (<u64>this.pos + <u64>n <= <u64>this.size) return true;
    this.bad(P9_FAULT_TRUNC);
    return false;
  }

  u8(): u8 { if (!this.has(1)) return 0; let v = load<u8>(this.buf + this.pos); this.pos += 1; return v; }
  u16(): u16 { if (!this.has(2)) return 0; let v = load<u16>(this.buf + this.pos); this.pos += 2; return v; }
  u32(): u32 { if (!this.has(4)) return 0; let v = load<u32>(this.buf + this.pos); this.pos += 4; return v; }
  u64(): u64 { if (!this.has(8)) return 0; let v = load<u64>(this.buf + this.pos); this.pos += 8; return v; }

  /** name[s] decoded with every byte kept (kernel/utf8.ts). */
  str(): string {
    let n = <u32>this.u16();
    if (!this.has(n)) return "";
    let s = utf8Decode(this.buf + this.pos, n);
    this.pos += n;
    return s;
  }

  qid(q: P9Qid): void {
    q.type = this.u8();
    q.version = this.u32();
    q.path = this.u64();
  }

  /** 0 if every field was inside size[4] and nothing is left over; else -EIO. */
  end(): i32 {
    if (this.fault != P9_FAULT_NONE) return -Errno.EIO;
    if (this.pos != this.size) return this.bad(P9_FAULT_TRAILING);
    return 0;
  }
}

/** Rversion: the server's msize and version string. */
export function p9Rversion(r: P9Reply, out: P9Version): i32 {
  let h = r.head(P9_NOTAG, P9_RVERSION);
  if (h < 0) return h;
  out.msize = r.u32();
  out.version = r.str();
  return r.end();
}

/** Replies that are exactly a qid: Rattach, Rmkdir, Rsymlink. */
function qidReply(r: P9Reply, tag: u16, type: u8, q: P9Qid): i32 {
  let h = r.head(tag, type);
  if (h < 0) return h;
  r.qid(q);
  return r.end();
}

export function p9Rattach(r: P9Reply, tag: u16, q: P9Qid): i32 { return qidReply(r, tag, P9_RATTACH, q); }
export function p9Rmkdir(r: P9Reply, tag: u16, q: P9Qid): i32 { return qidReply(r, tag, P9_RMKDIR, q); }
export function p9Rsymlink(r: P9Reply, tag: u16, q: P9Qid): i32 { return qidReply(r, tag, P9_RSYMLINK, q); }

/**
 * Rwalk of a Twalk that sent `nwname` names. Returns nwqid (< nwname: the
 * walk stopped there and newfid was not created); `last` gets the last qid.
 */
export function p9Rwalk(r: P9Reply, tag: u16, nwname: i32, last: P9Qid): i32 {
  let h = r.head(tag, P9_RWALK);
  if (h < 0) return h;
  let n = <i32>r.u16();
  if (n > nwname) return r.bad(P9_FAULT_VALUE);
  for (let i = 0; i < n; i++) r.qid(last);
  let e = r.end();
  return e < 0 ? e : n;
}

function openReply(r: P9Reply, tag: u16, type: u8, out: P9Open): i32 {
  let h = r.head(tag, type);
  if (h < 0) return h;
  r.qid(out.qid);
  out.iounit = r.u32();
  return r.end();
}

export function p9Rlopen(r: P9Reply, tag: u16, out: P9Open): i32 { return openReply(r, tag, P9_RLOPEN, out); }
export function p9Rlcreate(r: P9Reply, tag: u16, out: P9Open): i32 { return openReply(r, tag, P9_RLCREATE, out); }

/** count[4] + data[count] replies: returns count (<= asked); data at r.buf + P9_RREAD_HDR. */
function dataReply(r: P9Reply, tag: u16, type: u8, asked: u32): i32 {
  let h = r.head(tag, type);
  if (h < 0) return h;
  let count = r.u32();
  if (r.fault != P9_FAULT_NONE) return -Errno.EIO;
  if (count > asked) return r.bad(P9_FAULT_VALUE);
  if (!r.has(count)) return -Errno.EIO;
  r.pos += count;
  let e = r.end();
  if (e < 0) return e;
  r.pos = P9_RREAD_HDR;
  return <i32>count;
}

/** Rread of a Tread for `asked` bytes: the count; the data is at r.buf + P9_RREAD_HDR. */
export function p9Rread(r: P9Reply, tag: u16, asked: u32): i32 { return dataReply(r, tag, P9_RREAD, asked); }

/**
 * Rreaddir of a Treaddir for `asked` bytes: the byte count of entries (0 at
 * the end of the directory). Then p9DirNext walks them.
 */
export function p9Rreaddir(r: P9Reply, tag: u16, asked: u32): i32 { return dataReply(r, tag, P9_RREADDIR, asked); }

/** After p9Rreaddir: decodes the next entry into `out`. 1: one decoded, 0: no more, -EIO: malformed. */
export function p9DirNext(r: P9Reply, out: P9Dirent): i32 {
  if (r.fault != P9_FAULT_NONE) return -Errno.EIO;
  if (r.pos >= r.size) return 0;
  r.qid(out.qid);
  out.offset = r.u64();
  out.type = r.u8();
  out.name = r.str();
  return r.fault != P9_FAULT_NONE ? -Errno.EIO : 1;
}

/** Rwrite of a Twrite of `sent` bytes: the count written (<= sent). */
export function p9Rwrite(r: P9Reply, tag: u16, sent: u32): i32 {
  let h = r.head(tag, P9_RWRITE);
  if (h < 0) return h;
  let count = r.u32();
  let e = r.end();
  if (e < 0) return e;
  if (count > sent) return r.bad(P9_FAULT_VALUE);
  return <i32>count;
}

/** Rgetattr. */
export function p9Rgetattr(r: P9Reply, tag: u16, a: P9Attr): i32 {
  let h = r.head(tag, P9_RGETATTR);
  if (h < 0) return h;
  a.valid = r.u64();
  r.qid(a.qid);
  a.mode = r.u32();
  a.uid = r.u32();
  a.gid = r.u32();
  a.nlink = r.u64();
  a.rdev = r.u64();
  a.size = r.u64();
  a.blksize = r.u64();
  a.blocks = r.u64();
  a.atimeSec = r.u64();
  a.atimeNsec = r.u64();
  a.mtimeSec = r.u64();
  a.mtimeNsec = r.u64();
  a.ctimeSec = r.u64();
  a.ctimeNsec = r.u64();
  a.btimeSec = r.u64();
  a.btimeNsec = r.u64();
  a.gen = r.u64();
  a.dataVersion = r.u64();
  return r.end();
}

/** Rstatfs. */
export function p9Rstatfs(r: P9Reply, tag: u16, s: P9StatFs): i32 {
  let h = r.head(tag, P9_RSTATFS);
  if (h < 0) return h;
  s.type = r.u32();
  s.bsize = r.u32();
  s.blocks = r.u64();
  s.bfree = r.u64();
  s.bavail = r.u64();
  s.files = r.u64();
  s.ffree = r.u64();
  s.fsid = r.u64();
  s.namelen = r.u32();
  return r.end();
}

/** Rreadlink: the target in r.text. */
export function p9Rreadlink(r: P9Reply, tag: u16): i32 {
  let h = r.head(tag, P9_RREADLINK);
  if (h < 0) return h;
  r.text = r.str();
  return r.end();
}

/** Replies with an empty body. */
function emptyReply(r: P9Reply, tag: u16, type: u8): i32 {
  let h = r.head(tag, type);
  return h < 0 ? h : r.end();
}

export function p9Rsetattr(r: P9Reply, tag: u16): i32 { return emptyReply(r, tag, P9_RSETATTR); }
export function p9Runlinkat(r: P9Reply, tag: u16): i32 { return emptyReply(r, tag, P9_RUNLINKAT); }
export function p9Rrenameat(r: P9Reply, tag: u16): i32 { return emptyReply(r, tag, P9_RRENAMEAT); }
export function p9Rlink(r: P9Reply, tag: u16): i32 { return emptyReply(r, tag, P9_RLINK); }
export function p9Rfsync(r: P9Reply, tag: u16): i32 { return emptyReply(r, tag, P9_RFSYNC); }
export function p9Rclunk(r: P9Reply, tag: u16): i32 { return emptyReply(r, tag, P9_RCLUNK); }
