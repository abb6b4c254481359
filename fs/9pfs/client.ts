// fs/9pfs/client.ts — a 9P2000.L client session: msize, tags, fids, one
// request at a time over a P9Transport. Each method sends one T-message
// (fs/9p encodes it), waits for the reply and decodes it; returns >= 0 or a
// negative errno (the server's Rlerror, or -EIO for a transport failure or a
// malformed reply).
//
// Bulk data moves zero-copy: a Tread's chain is [T-message | 11-byte reply
// head | caller's buffer], a Twrite's [23-byte head | caller's data] then
// [reply] — the device reads and writes the caller's memory directly
// (Linux's trans_virtio does the same for large I/O).

import { Errno } from "../../kernel/errno";
import {
  P9Attr, P9Dirent, P9Msg, P9Open, P9Qid, P9Reply, P9StatFs, P9Version,
  P9_IOHDRSZ, P9_MIN_MSIZE, P9_NOFID, P9_RREAD_HDR, P9_TWRITE_HDR, P9_VERSION_L,
  p9DirNext, p9Rattach, p9Rclunk, p9Rfsync, p9Rgetattr, p9Rlcreate, p9Rlink, p9Rlopen, p9Rmkdir,
  p9Rread, p9Rreaddir, p9Rreadlink, p9Rrenameat, p9Rsetattr, p9Rstatfs, p9Rsymlink, p9Runlinkat,
  p9Rversion, p9Rwalk, p9Rwrite, p9Tattach, p9Tclunk, p9Tfsync, p9Tgetattr, p9Tlcreate, p9Tlink,
  p9Tlopen, p9Tmkdir, p9Tread, p9Treaddir, p9Treadlink, p9Trenameat, p9Tsetattr, p9Tstatfs,
  p9Tsymlink, p9Tunlinkat, p9Tversion, p9Twalk, p9Twalk1, p9TwriteHead,
} from "../9p/index";

/**
 * The default msize: 512 KiB. A 64 MiB file moves in 128 round trips, a
 * directory of 10,000 entries comes in one Treaddir, the two message buffers
 * cost 1 MiB of heap. QEMU accepts any msize >= 4096; Linux's virtio client
 * caps itself at 512000 and Unikraft uses 520192, so figures compare.
 */
export const P9FS_MSIZE: u32 = 512 * 1024;

/** Moves one request chain: readable segments (the T-message), then writable ones (room for the reply). */
export class P9Transport {
  begin(): void {}
  out(addr: usize, len: u32): void {}
  into(addr: usize, len: u32): void {}
  /** Runs the chain; returns the bytes written into the `into` segments, or -Errno. */
  run(): i64 { return -Errno.ENOSYS; }
}

/** A 9P2000.L session over one transport. */
export class P9Client {
  t: P9Transport;
  msize: u32;
  tx: usize;
  rx: usize;
  m: P9Msg;
  r: P9Reply = new P9Reply();
  tag: u16 = 1;
  private nextFid: u32 = 1;
  private freeFids: u32[] = [];
  // decode targets, reused
  qid: P9Qid = new P9Qid();
  open: P9Open = new P9Open();
  attr: P9Attr = new P9Attr();
  statfs: P9StatFs = new P9StatFs();
  ent: P9Dirent = new P9Dirent();

  /** `msize`: what we propose; version() settles it. */
  constructor(t: P9Transport, msize: u32 = P9FS_MSIZE) {
    this.t = t;
    this.msize = msize;
    let tx = heap.alloc(<usize>msize);
    this.tx = tx;
    this.rx = heap.alloc(<usize>msize);
    this.m = new P9Msg(tx, msize);
  }

  /** A fid not in use. */
  fid(): u32 {
    let f = this.freeFids;
    if (f.length > 0) return f.pop();
    return this.nextFid++;
  }

  private nextTag(): u16 {
    let t = this.tag + 1;
    if (t == 0xffff || t == 0) t = 1;
    this.tag = t;
    return t;
  }

  /** Sends tx[0..len) and receives into rx; sets up the reply decoder. */
  private rpc(len: i32): i32 {
    if (len < 0) return len;
    let t = this.t;
    t.begin();
    t.out(this.tx, <u32>len);
    t.into(this.rx, this.msize);
    let n = t.run();
    if (n < 0) return <i32>n;
    this.r.set(this.rx, <u32>n);
    return 0;
  }

  /** Tversion: settles msize (min of both, at least 4096) and checks "9P2000.L". */
  version(): i32 {
    let e = this.rpc(p9Tversion(this.m, this.msize, P9_VERSION_L));
    if (e < 0) return e;
    let v = new P9Version();
    e = p9Rversion(this.r, v);
    if (e < 0) return e;
    if (v.version != P9_VERSION_L) return -Errno.ENOTSUP;
    if (v.msize < P9_MIN_MSIZE) return -Errno.EIO;
    if (v.msize < this.msize) this.msize = v.msize;
    this.m.cap = this.msize;
    return 0;
  }

  /** Tattach of export `aname` as root (uid 0) to a new fid; the qid in this.qid. Returns the fid or -errno. */
  attach(aname: string): i64 {
    let fid = this.fid();
    let tag = this.nextTag();
    let e = this.rpc(p9Tattach(this.m, tag, fid, P9_NOFID, "root", aname, 0));
    if (e == 0) e = p9Rattach(this.r, tag, this.qid);
    if (e < 0) { this.freeFids.push(fid); return e; }
    return <i64>fid;
  }

  /** Twalk of one name from `fid` to a new fid; its qid in this.qid. Returns the new fid or -errno. */
  walk1(fid: u32, name: string): i64 {
    let nf = this.fid();
    let tag = this.nextTag();
    let e = this.rpc(p9Twalk1(this.m, tag, fid, nf, name));
    if (e == 0) e = p9Rwalk(this.r, tag, 1, this.qid);
    if (e != 1) { this.freeFids.push(nf); return e < 0 ? e : -Errno.ENOENT; }
    return <i64>nf;
  }

  /** Twalk with no names: a second fid for the same file. Returns it or -errno. */
  clone(fid: u32): i64 {
    let nf = this.fid();
    let tag = this.nextTag();
    let e = this.rpc(p9Twalk(this.m, tag, fid, nf, []));
    if (e == 0) e = p9Rwalk(this.r, tag, 0, this.qid);
    if (e < 0) { this.freeFids.push(nf); return e; }
    return <i64>nf;
  }

  /** Tlopen; iounit and qid in this.open. */
  lopen(fid: u32, flags: u32): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tlopen(this.m, tag, fid, flags));
    return e < 0 ? e : p9Rlopen(this.r, tag, this.open);
  }

  /** Tlcreate: `fid` (a directory) becomes the new open file. */
  lcreate(fid: u32, name: string, flags: u32, mode: u32): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tlcreate(this.m, tag, fid, name, flags, mode, 0));
    return e < 0 ? e : p9Rlcreate(this.r, tag, this.open);
  }

  /** Largest data payload of one Tread/Twrite for a fid opened with `iounit`. */
  chunk(iounit: u32): u32 {
    let max = this.msize - P9_IOHDRSZ;
    return iounit != 0 && iounit < max ? iounit : max;
  }

  /** One Tread of up to `count` bytes (<= chunk) straight into `buf`. Returns bytes read. */
  read(fid: u32, off: u64, buf: usize, count: u32): i32 {
    let tag = this.nextTag();
    let len = p9Tread(this.m, tag, fid, off, count);
    if (len < 0) return len;
    let t = this.t;
    t.begin();
    t.out(this.tx, <u32>len);
    t.into(this.rx, P9_RREAD_HDR);
    if (count > 0) t.into(buf, count);
    let n = t.run();
    if (n < 0) return <i32>n;
    this.r.set(this.rx, <u32>n);
    return p9Rread(this.r, tag, count);
  }

  /** One Twrite of `count` bytes (<= chunk) straight from `buf`. Returns bytes written. */
  write(fid: u32, off: u64, buf: usize, count: u32): i32 {
    let tag = this.nextTag();
    let len = p9TwriteHead(this.m, tag, fid, off, count);
    if (len < 0) return len;
    let t = this.t;
    t.begin();
    t.out(this.tx, P9_TWRITE_HDR);
    if (count > 0) t.out(buf, count);
    t.into(this.rx, this.msize);
    let n = t.run();
    if (n < 0) return <i32>n;
    this.r.set(this.rx, <u32>n);
    return p9Rwrite(this.r, tag, count);
  }

  /** Treaddir from cookie `off`; then readdirNext() walks the entries. Returns the data bytes (0: end). */
  readdir(fid: u32, off: u64): i32 {
    let tag = this.nextTag();
    let count = this.msize - P9_IOHDRSZ;
    let e = this.rpc(p9Treaddir(this.m, tag, fid, off, count));
    return e < 0 ? e : p9Rreaddir(this.r, tag, count);
  }

  /** The next entry of the last readdir into this.ent: 1, 0 at the end, -EIO. */
  readdirNext(): i32 { return p9DirNext(this.r, this.ent); }

  /** Tgetattr; the result in this.attr. */
  getattr(fid: u32, mask: u64): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tgetattr(this.m, tag, fid, mask));
    return e < 0 ? e : p9Rgetattr(this.r, tag, this.attr);
  }

  /** Tsetattr (valid: P9_SETATTR_*). */
  setattr(fid: u32, valid: u32, mode: u32, uid: u32, gid: u32, size: u64, atime: u64, mtime: u64): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tsetattr(this.m, tag, fid, valid, mode, uid, gid, size, atime, 0, mtime, 0));
    return e < 0 ? e : p9Rsetattr(this.r, tag);
  }

  /** Tmkdir; the qid in this.qid. */
  mkdir(dfid: u32, name: string, mode: u32): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tmkdir(this.m, tag, dfid, name, mode, 0));
    return e < 0 ? e : p9Rmkdir(this.r, tag, this.qid);
  }

  /** Tsymlink; the qid in this.qid. */
  symlink(dfid: u32, name: string, target: string): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tsymlink(this.m, tag, dfid, name, target, 0));
    return e < 0 ? e : p9Rsymlink(this.r, tag, this.qid);
  }

  /** Treadlink; the target in this.r.text. */
  readlink(fid: u32): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Treadlink(this.m, tag, fid));
    return e < 0 ? e : p9Rreadlink(this.r, tag);
  }

  link(dfid: u32, fid: u32, name: string): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tlink(this.m, tag, dfid, fid, name));
    return e < 0 ? e : p9Rlink(this.r, tag);
  }

  unlinkat(dfid: u32, name: string, flags: u32): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tunlinkat(this.m, tag, dfid, name, flags));
    return e < 0 ? e : p9Runlinkat(this.r, tag);
  }

  renameat(oldDir: u32, oldName: string, newDir: u32, newName: string): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Trenameat(this.m, tag, oldDir, oldName, newDir, newName));
    return e < 0 ? e : p9Rrenameat(this.r, tag);
  }

  fsync(fid: u32): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tfsync(this.m, tag, fid, 0));
    return e < 0 ? e : p9Rfsync(this.r, tag);
  }

  /** Tstatfs; the result in this.statfs. */
  statfsOf(fid: u32): i32 {
    let tag = this.nextTag();
    let e = this.rpc(p9Tstatfs(this.m, tag, fid));
    return e < 0 ? e : p9Rstatfs(this.r, tag, this.statfs);
  }

  /** Tclunk; the fid is free again whatever the server said (clunk(5)). */
  clunk(fid: u32): i32 {
    if (fid == P9_NOFID) return 0;
    let tag = this.nextTag();
    let e = this.rpc(p9Tclunk(this.m, tag, fid));
    if (e == 0) e = p9Rclunk(this.r, tag);
    this.freeFids.push(fid);
    return e;
  }
}
