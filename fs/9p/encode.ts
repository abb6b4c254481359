// fs/9p/encode.ts — builds T-messages (layouts in layout.ts) into a caller's
// buffer. No I/O, no allocation: strings are written as their name bytes
// (kernel/utf8.ts) straight from AssemblyScript's UTF-16.
//
// Use: `let m = new P9Msg(buf, cap); let n = p9Tlopen(m, tag, fid, flags);`
// Every p9T* returns the message length (> 0) or a negative Errno:
// -ENAMETOOLONG for a string over 65535 UTF-8 bytes, -EINVAL when the
// message does not fit in `cap` (the caller's buffer, at most msize) or a
// walk has more than P9_MAXWELEM names.

import { Errno } from "../../kernel/errno";
import { utf8EncodeAt, utf8Length } from "../../kernel/utf8";
import {
  P9_MAXWELEM, P9_NOTAG, P9_TATTACH, P9_TCLUNK, P9_TFSYNC, P9_TGETATTR, P9_TLCREATE,
  P9_TLINK, P9_TLOPEN, P9_TMKDIR, P9_TREAD, P9_TREADDIR, P9_TREADLINK, P9_TRENAMEAT,
  P9_TSETATTR, P9_TSTATFS, P9_TSYMLINK, P9_TUNLINKAT, P9_TVERSION, P9_TWALK, P9_TWRITE,
  P9_TWRITE_HDR,
} from "./layout";

/** Bytes `s` takes on the wire: its name bytes exactly (kernel/utf8.ts; escaped bytes count one). */
export function p9Utf8Len(s: string): u32 {
  return <u32>utf8Length(s);
}

/** A T-message under construction in [buf, buf + cap). */
export class P9Msg {
  buf: usize;
  cap: u32;
  pos: u32 = 0;
  /** 0, or the first error (-Errno) met while writing. */
  err: i32 = 0;

  constructor(buf: usize, cap: u32) {
    this.buf = buf;
    this.cap = cap;
  }

  /** Starts a message: leaves room for size[4], writes type and tag. */
  begin(type: u8, tag: u16): void {
    this.pos = 0;
    this.err = 0;
    this.u32(0);
    this.u8(type);
    this.u16(tag);
  }

  /** Whether `n` more bytes fit; records -EINVAL otherwise. */
  room(n: u32): bool {
    if (<u64>this.pos + <u64>n > <u64>this.cap) {
      if (this.err == 0) this.err = -Errno.EINVAL;
      return false;
    }
    return true;
  }

  u8(v: u8): void { if (this.room(1)) { store<u8>(this.buf + this.pos, v); this.pos += 1; } }
  u16(v: u16): void { if (this.room(2)) { store<u16>(this.buf + this.pos, v); this.pos += 2; } }
  u32(v: u32): void { if (this.room(4)) { store<u32>(this.buf + this.pos, v); this.pos += 4; } }
  u64(v: u64): void { if (this.room(8)) { store<u64>(this.buf + this.pos, v); this.pos += 8; } }

  /** name[s]: len[2] + UTF-8. More than 65535 bytes records -ENAMETOOLONG. */
  str(s: string): void {
    let n = p9Utf8Len(s);
    if (n > 0xffff) { if (this.err == 0) this.err = -Errno.ENAMETOOLONG; return; }
    if (!this.room(2 + n)) return;
    this.u16(<u16>n);
    this.utf8(s);
  }

  /** Copies `len` bytes from `src`. */
  bytes(src: usize, len: u32): void {
    if (!this.room(len)) return;
    memory.copy(this.buf + this.pos, src, len);
    this.pos += len;
  }

  /** Writes size[4]; returns the length, or the first error. `extra`: bytes sent after this buffer (zero-copy data). */
  end(extra: u32 = 0): i32 {
    if (this.err != 0) return this.err;
    let total = <u64>this.pos + <u64>extra;
    if (total > 0x7fffffff) return -Errno.EINVAL;
    store<u32>(this.buf, <u32>total);
    return <i32>this.pos;
  }

  /** The bytes of name `s` (room already checked): kernel/utf8.ts's encoding, every byte kept. */
  private utf8(s: string): void {
    this.pos += <u32>utf8EncodeAt(s, this.buf + this.pos);
  }
}

/** Tversion (version(5)): always tag NOTAG. */
export function p9Tversion(m: P9Msg, msize: u32, version: string): i32 {
  m.begin(P9_TVERSION, P9_NOTAG);
  m.u32(msize);
  m.str(version);
  return m.end();
}

/** Tattach (9P2000.u form): afid NOFID when not authenticating. */
export function p9Tattach(m: P9Msg, tag: u16, fid: u32, afid: u32, uname: string, aname: string, nUname: u32): i32 {
  m.begin(P9_TATTACH, tag);
  m.u32(fid);
  m.u32(afid);
  m.str(uname);
  m.str(aname);
  m.u32(nUname);
  return m.end();
}

/** Twalk of `names` (at most P9_MAXWELEM; zero names clones fid to newfid). */
export function p9Twalk(m: P9Msg, tag: u16, fid: u32, newfid: u32, names: string[]): i32 {
  if (names.length > P9_MAXWELEM) return -Errno.EINVAL;
  m.begin(P9_TWALK, tag);
  m.u32(fid);
  m.u32(newfid);
  m.u16(<u16>names.length);
  for (let i = 0; i < names.length; i++) m.str(names[i]);
  return m.end();
}

/** Twalk of one name (the common case, no array). */
export function p9Twalk1(m: P9Msg, tag: u16, fid: u32, newfid: u32, name: string): i32 {
  m.begin(P9_TWALK, tag);
  m.u32(fid);
  m.u32(newfid);
  m.u16(1);
  m.str(name);
  return m.end();
}

/** Tlopen: flags are P9_DOTL_* (Linux open(2) values). */
export function p9Tlopen(m: P9Msg, tag: u16, fid: u32, flags: u32): i32 {
  m.begin(P9_TLOPEN, tag);
  m.u32(fid);
  m.u32(flags);
  return m.end();
}

/** Tlcreate: creates `name` in directory fid, which then refers to the new open file. */
export function p9Tlcreate(m: P9Msg, tag: u16, fid: u32, name: string, flags: u32, mode: u32, gid: u32): i32 {
  m.begin(P9_TLCREATE, tag);
  m.u32(fid);
  m.str(name);
  m.u32(flags);
  m.u32(mode);
  m.u32(gid);
  return m.end();
}

function ioHead(m: P9Msg, type: u8, tag: u16, fid: u32, offset: u64, count: u32): void {
  m.begin(type, tag);
  m.u32(fid);
  m.u64(offset);
  m.u32(count);
}

/** Tread of `count` bytes at `offset`. */
export function p9Tread(m: P9Msg, tag: u16, fid: u32, offset: u64, count: u32): i32 {
  ioHead(m, P9_TREAD, tag, fid, offset, count);
  return m.end();
}

/** Twrite with its `count` data bytes copied from `data` into the message. */
export function p9Twrite(m: P9Msg, tag: u16, fid: u32, offset: u64, data: usize, count: u32): i32 {
  ioHead(m, P9_TWRITE, tag, fid, offset, count);
  m.bytes(data, count);
  return m.end();
}

/**
 * The 23-byte head of a Twrite whose `count` data bytes the transport sends
 * from elsewhere right after it (a second descriptor: zero copy). size[4]
 * counts them. Returns P9_TWRITE_HDR or -Errno.
 */
export function p9TwriteHead(m: P9Msg, tag: u16, fid: u32, offset: u64, count: u32): i32 {
  ioHead(m, P9_TWRITE, tag, fid, offset, count);
  let n = m.end(count);
  return n < 0 ? n : <i32>P9_TWRITE_HDR;
}

/** Treaddir: `offset` 0 or the offset of the last entry seen. */
export function p9Treaddir(m: P9Msg, tag: u16, fid: u32, offset: u64, count: u32): i32 {
  ioHead(m, P9_TREADDIR, tag, fid, offset, count);
  return m.end();
}

/** Tgetattr: request_mask P9_GETATTR_*. */
export function p9Tgetattr(m: P9Msg, tag: u16, fid: u32, mask: u64): i32 {
  m.begin(P9_TGETATTR, tag);
  m.u32(fid);
  m.u64(mask);
  return m.end();
}

/** Tsetattr: `valid` P9_SETATTR_* selects the fields the server applies. */
export function p9Tsetattr(
  m: P9Msg, tag: u16, fid: u32, valid: u32, mode: u32, uid: u32, gid: u32, size: u64,
  atimeSec: u64, atimeNsec: u64, mtimeSec: u64, mtimeNsec: u64,
): i32 {
  m.begin(P9_TSETATTR, tag);
  m.u32(fid);
  m.u32(valid);
  m.u32(mode);
  m.u32(uid);
  m.u32(gid);
  m.u64(size);
  m.u64(atimeSec);
  m.u64(atimeNsec);
  m.u64(mtimeSec);
  m.u64(mtimeNsec);
  return m.end();
}

/** Tmkdir in directory dfid. */
export function p9Tmkdir(m: P9Msg, tag: u16, dfid: u32, name: string, mode: u32, gid: u32): i32 {
  m.begin(P9_TMKDIR, tag);
  m.u32(dfid);
  m.str(name);
  m.u32(mode);
  m.u32(gid);
  return m.end();
}

/** Tunlinkat: flags 0 (file) or P9_AT_REMOVEDIR. */
export function p9Tunlinkat(m: P9Msg, tag: u16, dirfid: u32, name: string, flags: u32): i32 {
  m.begin(P9_TUNLINKAT, tag);
  m.u32(dirfid);
  m.str(name);
  m.u32(flags);
  return m.end();
}

/** Trenameat. */
export function p9Trenameat(m: P9Msg, tag: u16, oldDir: u32, oldName: string, newDir: u32, newName: string): i32 {
  m.begin(P9_TRENAMEAT, tag);
  m.u32(oldDir);
  m.str(oldName);
  m.u32(newDir);
  m.str(newName);
  return m.end();
}

/** Tsymlink: creates `name` -> `target` in directory fid. */
export function p9Tsymlink(m: P9Msg, tag: u16, fid: u32, name: string, target: string, gid: u32): i32 {
  m.begin(P9_TSYMLINK, tag);
  m.u32(fid);
  m.str(name);
  m.str(target);
  m.u32(gid);
  return m.end();
}

function fidOnly(m: P9Msg, type: u8, tag: u16, fid: u32): i32 {
  m.begin(type, tag);
  m.u32(fid);
  return m.end();
}

/** Treadlink. */
export function p9Treadlink(m: P9Msg, tag: u16, fid: u32): i32 { return fidOnly(m, P9_TREADLINK, tag, fid); }
/** Tstatfs. */
export function p9Tstatfs(m: P9Msg, tag: u16, fid: u32): i32 { return fidOnly(m, P9_TSTATFS, tag, fid); }
/** Tclunk. */
export function p9Tclunk(m: P9Msg, tag: u16, fid: u32): i32 { return fidOnly(m, P9_TCLUNK, tag, fid); }

/** Tlink: a new name `name` in directory dfid for the file fid. */
export function p9Tlink(m: P9Msg, tag: u16, dfid: u32, fid: u32, name: string): i32 {
  m.begin(P9_TLINK, tag);
  m.u32(dfid);
  m.u32(fid);
  m.str(name);
  return m.end();
}

/** Tfsync (datasync 1: data only, fdatasync(2)). */
export function p9Tfsync(m: P9Msg, tag: u16, fid: u32, datasync: u32): i32 {
  m.begin(P9_TFSYNC, tag);
  m.u32(fid);
  m.u32(datasync);
  return m.end();
}
