// test/9p/as/codec-entry.ts — exports fs/9p to the vitest side
// (test/9p/codec.test.ts). Strings go in through `arg` (UTF-8 bytes the test
// wrote into memory, kept in a rooted array) and out through `outStr`.
import {
  P9Msg, P9Reply, P9Qid, P9Open, P9Version, P9Attr, P9StatFs, P9Dirent,
  p9Tversion, p9Tattach, p9Twalk, p9Twalk1, p9Tlopen, p9Tlcreate, p9Tread, p9Twrite, p9TwriteHead,
  p9Treaddir, p9Tgetattr, p9Tsetattr, p9Tmkdir, p9Tunlinkat, p9Trenameat, p9Tsymlink,
  p9Treadlink, p9Tstatfs, p9Tclunk, p9Tlink, p9Tfsync,
  p9Rversion, p9Rattach, p9Rmkdir, p9Rsymlink, p9Rwalk, p9Rlopen, p9Rlcreate, p9Rread,
  p9Rreaddir, p9DirNext, p9Rwrite, p9Rgetattr, p9Rstatfs, p9Rreadlink, p9Rsetattr,
  p9Runlinkat, p9Rrenameat, p9Rlink, p9Rfsync, p9Rclunk,
} from "../../../fs/9p/index";
import "../../../kernel/panic";

export function alloc(n: usize): usize { return heap.alloc(n); }

const args = new Array<string>();
export function arg(p: usize, n: i32): void { args.push(String.UTF8.decodeUnsafe(p, n)); }
export function argsClear(): void { args.length = 0; }

let out: string = "";
/** Writes the last output string as UTF-8 at p; returns its byte length. */
export function outStr(p: usize): i32 {
  let b = String.UTF8.encode(out);
  memory.copy(p, changetype<usize>(b), b.byteLength);
  return b.byteLength;
}

let m = new P9Msg(0, 0);
/** Targets the encoder at [buf, buf+cap). */
export function msg(buf: usize, cap: u32): void { m = new P9Msg(buf, cap); }

export function tVersion(msize: u32): i32 { return p9Tversion(m, msize, args[0]); }
export function tAttach(tag: u16, fid: u32, afid: u32, nu: u32): i32 { return p9Tattach(m, tag, fid, afid, args[0], args[1], nu); }
export function tWalk(tag: u16, fid: u32, newfid: u32): i32 { return p9Twalk(m, tag, fid, newfid, args); }
export function tWalk1(tag: u16, fid: u32, newfid: u32): i32 { return p9Twalk1(m, tag, fid, newfid, args[0]); }
export function tLopen(tag: u16, fid: u32, flags: u32): i32 { return p9Tlopen(m, tag, fid, flags); }
export function tLcreate(tag: u16, fid: u32, flags: u32, mode: u32, gid: u32): i32 { return p9Tlcreate(m, tag, fid, args[0], flags, mode, gid); }
export function tRead(tag: u16, fid: u32, off: u64, count: u32): i32 { return p9Tread(m, tag, fid, off, count); }
export function tWrite(tag: u16, fid: u32, off: u64, data: usize, count: u32): i32 { return p9Twrite(m, tag, fid, off, data, count); }
export function tWriteHead(tag: u16, fid: u32, off: u64, count: u32): i32 { return p9TwriteHead(m, tag, fid, off, count); }
export function tReaddir(tag: u16, fid: u32, off: u64, count: u32): i32 { return p9Treaddir(m, tag, fid, off, count); }
export function tGetattr(tag: u16, fid: u32, mask: u64): i32 { return p9Tgetattr(m, tag, fid, mask); }
export function tSetattr(tag: u16, fid: u32, valid: u32, mode: u32, uid: u32, gid: u32, size: u64,
  as: u64, an: u64, ms: u64, mn: u64): i32 { return p9Tsetattr(m, tag, fid, valid, mode, uid, gid, size, as, an, ms, mn); }
export function tMkdir(tag: u16, dfid: u32, mode: u32, gid: u32): i32 { return p9Tmkdir(m, tag, dfid, args[0], mode, gid); }
export function tUnlinkat(tag: u16, dfid: u32, flags: u32): i32 { return p9Tunlinkat(m, tag, dfid, args[0], flags); }
export function tRenameat(tag: u16, od: u32, nd: u32): i32 { return p9Trenameat(m, tag, od, args[0], nd, args[1]); }
export function tSymlink(tag: u16, fid: u32, gid: u32): i32 { return p9Tsymlink(m, tag, fid, args[0], args[1], gid); }
export function tReadlink(tag: u16, fid: u32): i32 { return p9Treadlink(m, tag, fid); }
export function tStatfs(tag: u16, fid: u32): i32 { return p9Tstatfs(m, tag, fid); }
export function tClunk(tag: u16, fid: u32): i32 { return p9Tclunk(m, tag, fid); }
export function tLink(tag: u16, dfid: u32, fid: u32): i32 { return p9Tlink(m, tag, dfid, fid, args[0]); }
export function tFsync(tag: u16, fid: u32, ds: u32): i32 { return p9Tfsync(m, tag, fid, ds); }

// ---- decoding: the results are read back through field getters ----
const r = new P9Reply();
const qid = new P9Qid();
const op = new P9Open();
const ver = new P9Version();
const attr = new P9Attr();
const sfs = new P9StatFs();
const ent = new P9Dirent();

export function reply(buf: usize, len: u32): void { r.set(buf, len); }
export function fault(): i32 { return r.fault; }
export function rPos(): u32 { return r.pos; }
function q(x: P9Qid): void { qid.type = x.type; qid.version = x.version; qid.path = x.path; }
export function qidType(): u8 { return qid.type; }
export function qidVersion(): u32 { return qid.version; }
export function qidPath(): u64 { return qid.path; }

export function rVersion(): i32 { let e = p9Rversion(r, ver); out = ver.version; return e < 0 ? e : <i32>ver.msize; }
export function rAttach(tag: u16): i32 { return p9Rattach(r, tag, qid); }
export function rMkdir(tag: u16): i32 { return p9Rmkdir(r, tag, qid); }
export function rSymlink(tag: u16): i32 { return p9Rsymlink(r, tag, qid); }
export function rWalk(tag: u16, n: i32): i32 { return p9Rwalk(r, tag, n, qid); }
export function rLopen(tag: u16): i32 { let e = p9Rlopen(r, tag, op); q(op.qid); return e < 0 ? e : <i32>op.iounit; }
export function rLcreate(tag: u16): i32 { let e = p9Rlcreate(r, tag, op); q(op.qid); return e < 0 ? e : <i32>op.iounit; }
export function rRead(tag: u16, asked: u32): i32 { return p9Rread(r, tag, asked); }
export function rReaddir(tag: u16, asked: u32): i32 { return p9Rreaddir(r, tag, asked); }
export function dirNext(): i32 { let e = p9DirNext(r, ent); q(ent.qid); out = ent.name; return e; }
export function entOffset(): u64 { return ent.offset; }
export function entType(): u8 { return ent.type; }
export function rWrite(tag: u16, sent: u32): i32 { return p9Rwrite(r, tag, sent); }
export function rGetattr(tag: u16): i32 { let e = p9Rgetattr(r, tag, attr); q(attr.qid); return e; }
/** Rgetattr's u64/u32 fields in wire order after the qid: mode uid gid nlink rdev size blksize blocks at an mt mn ct cn bt bn gen dv. */
export function attrField(i: i32): u64 {
  let a = attr;
  let f: u64[] = [a.valid, <u64>a.mode, <u64>a.uid, <u64>a.gid, a.nlink, a.rdev, a.size, a.blksize, a.blocks,
    a.atimeSec, a.atimeNsec, a.mtimeSec, a.mtimeNsec, a.ctimeSec, a.ctimeNsec, a.btimeSec, a.btimeNsec,
    a.gen, a.dataVersion];
  return f[i];
}
export function rStatfs(tag: u16): i32 { return p9Rstatfs(r, tag, sfs); }
export function statfsField(i: i32): u64 {
  let s = sfs;
  let f: u64[] = [<u64>s.type, <u64>s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree, s.fsid, <u64>s.namelen];
  return f[i];
}
export function rReadlink(tag: u16): i32 { let e = p9Rreadlink(r, tag); out = r.text; return e; }
export function rSetattr(tag: u16): i32 { return p9Rsetattr(r, tag); }
export function rUnlinkat(tag: u16): i32 { return p9Runlinkat(r, tag); }
export function rRenameat(tag: u16): i32 { return p9Rrenameat(r, tag); }
export function rLink(tag: u16): i32 { return p9Rlink(r, tag); }
export function rFsync(tag: u16): i32 { return p9Rfsync(r, tag); }
export function rClunk(tag: u16): i32 { return p9Rclunk(r, tag); }
