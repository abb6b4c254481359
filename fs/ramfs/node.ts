// fs/ramfs/node.ts — RamFs (one instance) and RamNode (its files,
// directories and symlinks), implementing the kernel/vfs Vnode operations.
//
// File data is one of:
//   borrowed  (data, size) points at memory ramfs does not own (an initrd
//             body, via Vnode.borrow); reads are zero-copy. The first change
//             that needs more than shrinking copies it (copy-on-write).
//   owned     a heap buffer of `cap` >= size bytes; growth doubles `cap`
//             (appends amortised O(1)). Freed when the last name and the
//             last open description are gone.
// Every allocation is checked first with RamFs.room (mem.ts): -ENOSPC, never
// an allocator failure.

import {
  ATTR_GID, ATTR_MODE, ATTR_MTIME, ATTR_UID, DirEntry, Errno, FileSystem,
  S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_IPERM, Stat, VRef, Vnode, modeToDt, vfsNow,
} from "../../kernel/vfs/index";
import { utf8Length } from "../../kernel/utf8";
import { RamDir } from "./dir";
import { RAMFS_RESERVE, ramfsFreeMemory } from "./mem";

/** Largest owned file buffer (TLSF's largest block is 1 GiB). */
const OWNED_MAX: usize = (1 << 30) - 4096;
/** Smallest owned file buffer. */
const OWNED_MIN: usize = 64;
/** Bytes charged per node for room checks (node, entry, name, map slot). */
const NODE_COST: u64 = 256;

/** A read-write in-memory filesystem. `limit`: most bytes of file data it may own (0: no limit). */
export class RamFs extends FileSystem {
  limit: u64;
  /** Bytes of owned file data. */
  used: u64 = 0;
  nextIno: u64 = 1;

  constructor(limit: u64 = 0) {
    super("ramfs");
    this.limit = limit;
    let root = new RamNode(this, S_IFDIR | 0o755);
    root.dir = new RamDir<RamNode>();
    root.parent = root;
    root.nlink = 2;
    this.root = root;
  }

  /**
   * Whether `bytes` more may be owned now, and an allocation of `transient`
   * bytes (a realloc's new block, alive beside the old one) fits the
   * kernel's free memory.
   */
  room(bytes: u64, transient: u64 = 0): bool {
    if (this.limit != 0 && this.used + bytes > this.limit) return false;
    let need = transient > bytes ? transient : bytes;
    return need + RAMFS_RESERVE <= ramfsFreeMemory();
  }
}

export class RamNode extends Vnode {
  nlink: u32 = 1;
  uid: u32 = 0;
  gid: u32 = 0;
  atime: i64;
  mtime: i64;
  ctime: i64;
  // regular file
  data: usize = 0;
  size: usize = 0;
  cap: usize = 0;
  borrowed: bool = false;
  // directory
  dir: RamDir<RamNode> | null = null;
  parent: RamNode | null = null;
  // symlink
  target: string = "";

  constructor(fs: RamFs, mode: u32) {
    super(fs, fs.nextIno++, mode);
    let now = vfsNow();
    this.atime = now;
    this.mtime = now;
    this.ctime = now;
  }

  @inline get ram(): RamFs { return changetype<RamFs>(this.fs); }
  @inline get entries(): RamDir<RamNode> { return changetype<RamDir<RamNode>>(this.dir); }

  private touch(): void {
    let now = vfsNow();
    this.mtime = now;
    this.ctime = now;
  }

  // ---- any node ----

  getattr(st: Stat): i32 {
    st.ino = this.ino;
    st.mode = this.mode;
    st.nlink = this.nlink;
    st.uid = this.uid;
    st.gid = this.gid;
    st.rdev = 0;
    st.size = this.isDir() ? 0 : this.isLink() ? <u64>utf8Length(this.target) : <u64>this.size;
    st.blksize = 4096;
    st.blocks = (st.size + 511) >> 9;
    st.atime = this.atime;
    st.mtime = this.mtime;
    st.ctime = this.ctime;
    return 0;
  }

  setattr(st: Stat, mask: u32): i32 {
    if (mask & ATTR_MODE) this.mode = (this.mode & S_IFMT) | (st.mode & S_IPERM);
    if (mask & ATTR_UID) this.uid = st.uid;
    if (mask & ATTR_GID) this.gid = st.gid;
    if (mask & ATTR_MTIME) this.mtime = st.mtime;
    this.ctime = vfsNow();
    return 0;
  }

  release(): void {
    if (this.nlink == 0 && this.openCount == 0) this.freeData();
  }

  // ---- directories ----

  lookup(name: string, out: VRef): i32 {
    if (name == "..") { out.node = this.parent; return 0; }
    if (name == ".") { out.node = this; return 0; }
    let n = this.entries.find(name);
    if (n === null) return -Errno.ENOENT;
    out.node = n;
    return 0;
  }

  lookupIn(path: string, start: i32, end: i32, out: VRef): i32 {
    let n = this.entries.findIn(path, start, end);
    if (n === null) return -Errno.ENOENT;
    out.node = n;
    return 0;
  }

  /** Makes and links a new node `name` of type/mode `mode`: 0, -EEXIST, -ENOSPC or -ENOENT (dir removed). */
  private newChild(name: string, mode: u32, out: VRef): i32 {
    if (this.nlink == 0) return -Errno.ENOENT;
    if (this.entries.find(name) !== null) return -Errno.EEXIST;
    if (!this.ram.room(NODE_COST + <u64>(name.length << 1))) return -Errno.ENOSPC;
    let n = new RamNode(this.ram, mode);
    this.entries.add(name, n);
    this.touch();
    out.node = n;
    return 0;
  }

  create(name: string, mode: u32, out: VRef): i32 {
    return this.newChild(name, S_IFREG | (mode & S_IPERM), out);
  }

  mkdir(name: string, mode: u32, out: VRef): i32 {
    let r = this.newChild(name, S_IFDIR | (mode & S_IPERM), out);
    if (r < 0) return r;
    let d = changetype<RamNode>(out.node);
    d.dir = new RamDir<RamNode>();
    d.parent = this;
    d.nlink = 2;
    this.nlink++;
    return 0;
  }

  symlink(name: string, target: string, out: VRef): i32 {
    if (!this.ram.room(<u64>(target.length << 1))) return -Errno.ENOSPC;
    let r = this.newChild(name, S_IFLNK | 0o777, out);
    if (r < 0) return r;
    changetype<RamNode>(out.node).target = target;
    return 0;
  }

  link(name: string, node: Vnode): i32 {
    if (node.fs !== this.fs) return -Errno.EXDEV;
    if (node.isDir()) return -Errno.EPERM;
    let n = changetype<RamNode>(node);
    if (n.nlink == 0) return -Errno.ENOENT;
    if (this.nlink == 0) return -Errno.ENOENT;
    if (this.entries.find(name) !== null) return -Errno.EEXIST;
    if (!this.ram.room(NODE_COST + <u64>(name.length << 1))) return -Errno.ENOSPC;
    this.entries.add(name, n);
    n.nlink++;
    n.ctime = vfsNow();
    this.touch();
    return 0;
  }

  /** Drops one name of `n` (already removed from a directory). */
  private dropName(n: RamNode): void {
    if (n.isDir()) {
      n.nlink = 0;
      this.nlink--;
    } else {
      n.nlink--;
    }
    n.ctime = vfsNow();
    if (n.nlink == 0 && n.openCount == 0) n.freeData();
  }

  unlink(name: string): i32 {
    let d = this.entries;
    let s = d.slotOf(name, 0, name.length);
    if (s < 0) return -Errno.ENOENT;
    let n = changetype<RamNode>(d.nodeAt(s));
    if (n.isDir()) return -Errno.EISDIR;
    d.removeAt(s);
    this.dropName(n);
    this.touch();
    return 0;
  }

  rmdir(name: string): i32 {
    let d = this.entries;
    let s = d.slotOf(name, 0, name.length);
    if (s < 0) return -Errno.ENOENT;
    let n = changetype<RamNode>(d.nodeAt(s));
    if (!n.isDir()) return -Errno.ENOTDIR;
    if (n.entries.live > 0) return -Errno.ENOTEMPTY;
    d.removeAt(s);
    this.dropName(n);
    this.touch();
    return 0;
  }

  /** Whether this directory is `d` or lies below it. */
  private within(d: RamNode): bool {
    let p: RamNode = this;
    while (true) {
      if (p === d) return true;
      let up = changetype<RamNode>(p.parent);
      if (up === p) return false;
      p = up;
    }
  }

  rename(oldName: string, newDir: Vnode, newName: string): i32 {
    if (newDir.fs !== this.fs) return -Errno.EXDEV;
    let nd = changetype<RamNode>(newDir);
    if (!nd.isDir()) return -Errno.ENOTDIR;
    let src = this.entries.find(oldName);
    if (src === null) return -Errno.ENOENT;
    let dst = nd.entries.find(newName);
    if (dst === src) return 0;
    if (src.isDir() && nd.within(src)) return -Errno.EINVAL;
    if (dst !== null) {
      if (src.isDir()) {
        if (!dst.isDir()) return -Errno.ENOTDIR;
        if (dst.entries.live > 0) return -Errno.ENOTEMPTY;
      } else if (dst.isDir()) return -Errno.EISDIR;
      nd.entries.remove(newName);
      nd.dropName(dst);
    } else if (nd.nlink == 0) return -Errno.ENOENT;
    this.entries.remove(oldName);
    nd.entries.add(newName, src);
    if (src.isDir() && nd !== this) {
      this.nlink--;
      nd.nlink++;
      src.parent = nd;
    }
    src.ctime = vfsNow();
    this.touch();
    nd.touch();
    return 0;
  }

  readdir(cookie: u64, out: DirEntry): i64 {
    let d = this.entries;
    let n = d.count;
    if (cookie >= <u64>n) return 0;
    for (let i = <i32>cookie; i < n; i++) {
      let name = d.nameAt(i);
      if (name === null) continue;
      let node = changetype<RamNode>(d.nodeAt(i));
      out.name = name;
      out.ino = node.ino;
      out.type = modeToDt(node.mode);
      return <i64>(i + 1);
    }
    return 0;
  }

  // ---- symlinks ----

  readlink(out: VRef): i32 {
    out.str = this.target;
    return 0;
  }

  // ---- regular files ----

  read(off: u64, buf: usize, len: usize): i64 {
    if (off >= <u64>this.size) return 0;
    let avail = this.size - <usize>off;
    let n = len < avail ? len : avail;
    memory.copy(buf, this.data + <usize>off, n);
    return <i64>n;
  }

  write(off: u64, buf: usize, len: usize): i64 {
    if (len == 0) return 0;
    let end = off + <u64>len;
    if (end > <u64>OWNED_MAX) return -Errno.EFBIG;
    let r = this.reserve(<usize>end);
    if (r < 0) return r;
    let o = <usize>off;
    if (o > this.size) memory.fill(this.data + this.size, 0, o - this.size);
    memory.copy(this.data + o, buf, len);
    if (<usize>end > this.size) this.size = <usize>end;
    this.touch();
    return <i64>len;
  }

  truncate(size: u64): i32 {
    if (size > <u64>OWNED_MAX && size > <u64>this.size) return -Errno.EFBIG;
    let s = <usize>size;
    if (s > this.size) {
      let r = this.reserve(s);
      if (r < 0) return r;
      memory.fill(this.data + this.size, 0, s - this.size);
    } else if (s == 0) {
      this.freeData();
    }
    this.size = s;
    this.touch();
    return 0;
  }

  borrow(addr: usize, len: usize): i32 {
    this.freeData();
    this.data = addr;
    this.size = len;
    this.cap = len;
    this.borrowed = true;
    return 0;
  }

  /**
   * Makes the data owned and at least `need` bytes of capacity, keeping the
   * content. Doubles the capacity when it grows; -ENOSPC if even `need` does
   * not fit.
   */
  private reserve(need: usize): i32 {
    if (!this.borrowed && need <= this.cap) return 0;
    if (need < this.size) need = this.size; // copy-on-write keeps the whole body
    let had: usize = this.borrowed ? 0 : this.cap;
    let want = need;
    if (!this.borrowed) {
      let dbl = this.cap << 1;
      if (dbl > want) want = dbl < OWNED_MAX ? dbl : OWNED_MAX;
    }
    if (want < OWNED_MIN) want = OWNED_MIN;
    let fs = this.ram;
    if (!fs.room(<u64>(want - had), <u64>want)) {
      want = need;
      if (want < had || !fs.room(<u64>(want - had), <u64>want)) return -Errno.ENOSPC;
    }
    let p: usize;
    if (this.borrowed) {
      p = heap.alloc(want);
      memory.copy(p, this.data, this.size);
      this.borrowed = false;
    } else {
      p = had == 0 ? heap.alloc(want) : heap.realloc(this.data, want);
    }
    fs.used += <u64>(want - had);
    this.data = p;
    this.cap = want;
    return 0;
  }

  /** Releases owned data; the file becomes empty. */
  freeData(): void {
    if (!this.borrowed && this.cap != 0) {
      heap.free(this.data);
      this.ram.used -= <u64>this.cap;
    }
    this.data = 0;
    this.size = 0;
    this.cap = 0;
    this.borrowed = false;
  }
}
