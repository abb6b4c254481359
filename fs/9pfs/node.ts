// fs/9pfs/node.ts — P9Fs (one mounted 9P export) and P9Node (its files,
// directories and symlinks): the kernel/vfs Vnode operations in 9P2000.L.
//
// Fids: every node holds a walked, never-opened fid (`fid`) used for
// getattr, setattr, walks and directory operations. Reads, writes and
// readdir use a second fid (`ioFid`) cloned from it and Tlopen'ed on first
// use, clunked by release() when the last open description closes.
//
// Identity: a directory caches the children it looked up (name -> node) and
// its parent, so the same path always gives the same Vnode (the VFS marks
// mount points on Vnode objects). Operations that change names keep the
// cache right; renames of directories re-parent the node (QEMU re-points the
// fids of renamed paths itself).
//
// Read-only mounts (MS_RDONLY) refuse every change with -EROFS here,
// whatever the host would allow.

import {
  ATTR_GID, ATTR_MODE, ATTR_MTIME, ATTR_UID, DirEntry, Errno, FileSystem,
  S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, Stat, VRef, Vnode,
} from "../../kernel/vfs/index";
import {
  P9Qid, P9_AT_REMOVEDIR, P9_DOTL_CREATE, P9_DOTL_EXCL, P9_DOTL_RDONLY, P9_DOTL_RDWR,
  P9_DOTL_WRONLY, P9_GETATTR_BASIC, P9_NOFID, P9_QTDIR, P9_QTSYMLINK, P9_SETATTR_GID,
  P9_SETATTR_MODE, P9_SETATTR_MTIME, P9_SETATTR_MTIME_SET, P9_SETATTR_SIZE, P9_SETATTR_UID,
} from "../9p/index";
import { P9Client } from "./client";
import { P9DirCache } from "./dircache";

/** One mounted 9P export. */
export class P9Fs extends FileSystem {
  c: P9Client;
  readonly: bool;

  constructor(c: P9Client, rootFid: u32, rootQid: P9Qid, readonly: bool) {
    super("9pfs");
    this.c = c;
    this.readonly = readonly;
    let root = new P9Node(this, rootFid, rootQid);
    root.parent = root;
    this.root = root;
  }

  unmount(): i32 {
    let r = changetype<P9Node>(this.root);
    r.release();
    return this.c.clunk(r.fid);
  }
}

/** The file type bits a qid implies (the permission bits come with getattr). */
function qidMode(q: P9Qid): u32 {
  if ((q.type & P9_QTDIR) != 0) return S_IFDIR | 0o755;
  if ((q.type & P9_QTSYMLINK) != 0) return S_IFLNK | 0o777;
  return S_IFREG | 0o644;
}

export class P9Node extends Vnode {
  fid: u32;
  ioFid: u32 = P9_NOFID;
  ioWritable: bool = false;
  iounit: u32 = 0;
  parent: P9Node | null = null;
  children: Map<string, P9Node> | null = null;
  dir: P9DirCache | null = null;

  constructor(fs: P9Fs, fid: u32, qid: P9Qid) {
    super(fs, qid.path, qidMode(qid));
    this.fid = fid;
  }

  @inline get p9(): P9Fs { return changetype<P9Fs>(this.fs); }
  @inline get c(): P9Client { return changetype<P9Fs>(this.fs).c; }
  @inline get ro(): bool { return changetype<P9Fs>(this.fs).readonly; }

  // ---- any node ----
  getattr(st: Stat): i32 {
    let c = this.c;
    let r = c.getattr(this.fid, P9_GETATTR_BASIC);
    if (r < 0) return r;
    let a = c.attr;
    this.mode = (this.mode & S_IFMT) | (a.mode & 0o7777);
    st.ino = a.qid.path;
    st.mode = a.mode;
    st.nlink = <u32>a.nlink;
    st.uid = a.uid;
    st.gid = a.gid;
    st.rdev = a.rdev;
    st.size = a.size;
    st.blksize = a.blksize != 0 ? <u32>a.blksize : 4096;
    st.blocks = a.blocks;
    st.atime = <i64>a.atimeSec;
    st.mtime = <i64>a.mtimeSec;
    st.ctime = <i64>a.ctimeSec;
    return 0;
  }

  setattr(st: Stat, mask: u32): i32 {
    if (this.ro) return -Errno.EROFS;
    let valid: u32 = 0;
    if (mask & ATTR_MODE) valid |= P9_SETATTR_MODE;
    if (mask & ATTR_UID) valid |= P9_SETATTR_UID;
    if (mask & ATTR_GID) valid |= P9_SETATTR_GID;
    if (mask & ATTR_MTIME) valid |= P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET;
    if (valid == 0) return 0;
    let r = this.c.setattr(this.fid, valid, st.mode & 0o7777, st.uid, st.gid, 0, 0, <u64>st.mtime);
    if (r == 0 && (mask & ATTR_MODE)) this.mode = (this.mode & S_IFMT) | (st.mode & 0o7777);
    return r;
  }

  release(): void {
    if (this.ioFid != P9_NOFID) {
      this.c.clunk(this.ioFid);
      this.ioFid = P9_NOFID;
      this.ioWritable = false;
    }
    let d = this.dir;
    if (d !== null) { d.dispose(); this.dir = null; }
  }

  /** The listing changed: the next readdir reads it again. */
  private stale(): void {
    let d = this.dir;
    if (d !== null) d.valid = false;
  }

  /** Makes sure ioFid is open (for writing too if `write`). 0 or -errno. */
  private openIo(write: bool): i32 {
    if (this.ioFid != P9_NOFID && (!write || this.ioWritable)) return 0;
    let c = this.c;
    if (this.ioFid != P9_NOFID) { c.clunk(this.ioFid); this.ioFid = P9_NOFID; }
    let nf = c.clone(this.fid);
    if (nf < 0) return <i32>nf;
    let fid = <u32>nf;
    let canWrite = !this.ro && this.isReg();
    let r = c.lopen(fid, canWrite ? P9_DOTL_RDWR : P9_DOTL_RDONLY);
    if (r < 0 && canWrite) {
      // a file the host lets us only read or only write
      r = c.lopen(fid, write ? P9_DOTL_WRONLY : P9_DOTL_RDONLY);
      canWrite = write;
    }
    if (r < 0) { c.clunk(fid); return r; }
    this.ioFid = fid;
    this.ioWritable = canWrite;
    this.iounit = c.open.iounit;
    return 0;
  }

  // ---- directories ----
  /** A node for a child just walked to (`fid`, qid in c.qid), cached under `name`. */
  private adopt(name: string, fid: u32, qid: P9Qid): P9Node {
    let n = new P9Node(this.p9, fid, qid);
    n.parent = this;
    let ch = this.children;
    if (ch === null) { ch = new Map<string, P9Node>(); this.children = ch; }
    ch.set(name, n);
    return n;
  }

  /** Forgets `name` (and the listing); clunks the child's fid if nothing uses it. */
  private forget(name: string): void {
    this.stale();
    let ch = this.children;
    if (ch === null || !ch.has(name)) return;
    let n = ch.get(name);
    ch.delete(name);
    if (n.openCount == 0 && n.coveredBy === null && n.children === null) this.c.clunk(n.fid);
  }

  lookup(name: string, out: VRef): i32 {
    if (name == "..") { out.node = this.parent !== null ? this.parent : this; return 0; }
    let ch = this.children;
    if (ch !== null && ch.has(name)) { out.node = ch.get(name); return 0; }
    let c = this.c;
    let nf = c.walk1(this.fid, name);
    if (nf < 0) return <i32>nf;
    out.node = this.adopt(name, <u32>nf, c.qid);
    return 0;
  }

  /** Walks to `name` after the server created it; out.node gets the new node. */
  private made(name: string, out: VRef): i32 {
    this.stale();
    let c = this.c;
    let nf = c.walk1(this.fid, name);
    if (nf < 0) return <i32>nf;
    out.node = this.adopt(name, <u32>nf, c.qid);
    return 0;
  }

  create(name: string, mode: u32, out: VRef): i32 {
    if (this.ro) return -Errno.EROFS;
    let c = this.c;
    let cf = c.clone(this.fid);
    if (cf < 0) return <i32>cf;
    let r = c.lcreate(<u32>cf, name, P9_DOTL_RDWR | P9_DOTL_CREATE | P9_DOTL_EXCL, mode & 0o7777);
    if (r < 0) { c.clunk(<u32>cf); return r; }
    let iounit = c.open.iounit;
    r = this.made(name, out);
    if (r < 0) { c.clunk(<u32>cf); return r; }
    let n = changetype<P9Node>(out.node);
    n.ioFid = <u32>cf;
    n.ioWritable = true;
    n.iounit = iounit;
    return 0;
  }

  mkdir(name: string, mode: u32, out: VRef): i32 {
    if (this.ro) return -Errno.EROFS;
    let r = this.c.mkdir(this.fid, name, mode & 0o7777);
    return r < 0 ? r : this.made(name, out);
  }

  symlink(name: string, target: string, out: VRef): i32 {
    if (this.ro) return -Errno.EROFS;
    let r = this.c.symlink(this.fid, name, target);
    return r < 0 ? r : this.made(name, out);
  }

  link(name: string, node: Vnode): i32 {
    if (this.ro) return -Errno.EROFS;
    let r = this.c.link(this.fid, changetype<P9Node>(node).fid, name);
    if (r == 0) this.stale();
    return r;
  }

  unlink(name: string): i32 {
    if (this.ro) return -Errno.EROFS;
    let r = this.c.unlinkat(this.fid, name, 0);
    if (r == 0) this.forget(name);
    return r;
  }

  rmdir(name: string): i32 {
    if (this.ro) return -Errno.EROFS;
    let r = this.c.unlinkat(this.fid, name, P9_AT_REMOVEDIR);
    if (r == 0) this.forget(name);
    return r;
  }

  rename(oldName: string, newDir: Vnode, newName: string): i32 {
    if (this.ro) return -Errno.EROFS;
    let nd = changetype<P9Node>(newDir);
    let r = this.c.renameat(this.fid, oldName, nd.fid, newName);
    if (r < 0) return r;
    let ch = this.children;
    let moved: P9Node | null = ch !== null && ch.has(oldName) ? ch.get(oldName) : null;
    if (ch !== null) ch.delete(oldName);
    nd.forget(newName);
    this.stale();
    if (moved !== null) {
      let nch = nd.children;
      if (nch === null) { nch = new Map<string, P9Node>(); nd.children = nch; }
      nch.set(newName, moved);
      moved.parent = nd;
    }
    return 0;
  }

  readdir(cookie: u64, out: DirEntry): i64 {
    let r = this.openIo(false);
    if (r < 0) return r;
    let d = this.dir;
    if (d === null) { d = new P9DirCache(); this.dir = d; }
    return d.entry(this.c, this.ioFid, cookie, out);
  }

  // ---- regular files ----
  read(off: u64, buf: usize, len: usize): i64 {
    let r = this.openIo(false);
    if (r < 0) return r;
    let c = this.c;
    let chunk = <usize>c.chunk(this.iounit);
    let done: usize = 0;
    while (done < len) {
      let ask = len - done < chunk ? len - done : chunk;
      let n = c.read(this.ioFid, off + <u64>done, buf + done, <u32>ask);
      if (n < 0) return done > 0 ? <i64>done : <i64>n;
      done += <usize>n;
      if (<usize>n < ask) break;
    }
    return <i64>done;
  }

  write(off: u64, buf: usize, len: usize): i64 {
    if (this.ro) return -Errno.EROFS;
    let r = this.openIo(true);
    if (r < 0) return r;
    let c = this.c;
    let chunk = <usize>c.chunk(this.iounit);
    let done: usize = 0;
    while (done < len) {
      let ask = len - done < chunk ? len - done : chunk;
      let n = c.write(this.ioFid, off + <u64>done, buf + done, <u32>ask);
      if (n < 0) return done > 0 ? <i64>done : <i64>n;
      if (n == 0) return done > 0 ? <i64>done : -Errno.EIO;
      done += <usize>n;
    }
    return <i64>done;
  }

  truncate(size: u64): i32 {
    if (this.ro) return -Errno.EROFS;
    return this.c.setattr(this.fid, P9_SETATTR_SIZE, 0, 0, 0, size, 0, 0);
  }

  fsync(): i32 {
    if (this.ioFid == P9_NOFID) return 0;
    return this.c.fsync(this.ioFid);
  }

  // ---- symlinks ----
  readlink(out: VRef): i32 {
    let c = this.c;
    let r = c.readlink(this.fid);
    if (r == 0) out.str = c.r.text;
    return r;
  }
}
