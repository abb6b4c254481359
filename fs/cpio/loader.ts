// fs/cpio/loader.ts — unpacks newc / crc CPIO archives from memory into a
// directory of any filesystem, through the Vnode operations only (plus
// Vnode.borrow, the interface's zero-copy option for file bodies).
//
// Two passes over the headers: the first checks everything (format, bounds,
// crc sums, names) and writes nothing, so a bad archive leaves the target
// untouched; the second creates the entries. Cost is proportional to the
// number of entries (bodies are borrowed, not read), except that crc
// archives have every body byte summed once.
//
// Safety: names are normalized ("./", "/" and "." dropped); a ".." component
// is refused; a path never continues through a symlink and the walk never
// leaves the target directory's filesystem, so nothing lands outside it.

import {
  ATTR_GID, ATTR_MODE, ATTR_MTIME, ATTR_UID, Errno, NAME_MAX, PATH_MAX,
  S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, S_IPERM,
  Stat, VRef, Vnode, errnoName, vfsLog,
} from "../../kernel/vfs/index";
import { utf8Decode, utf8Escape } from "../../kernel/utf8";
import { CPIO_OK, CPIO_E_CRC, CpioHeader, cpioBodySum, cpioIsTrailer, cpioParse, cpioProblem } from "./header";

const WRITE_CHUNK: usize = 1 << 20;

/** The name bytes at (p, n) as a string, every byte kept (kernel/utf8.ts). */
function utf8(p: usize, n: usize): string {
  return utf8Decode(p, n);
}

class Loader {
  base: usize;
  len: usize;
  root: Vnode;
  h: CpioHeader = new CpioHeader();
  ref: VRef = new VRef();
  st: Stat = new Stat();
  /**
   * The entry's name as split(): the number of kept components, the last
   * one's byte range [lastAt, lastEnd), and where the one before it ends
   * (parentEnd; the parent directory is named by [nameAddr, parentEnd)).
   * No per-component storage: the work per entry is one scan of its name.
   */
  comps: i32 = 0;
  lastAt: usize = 0;
  lastEnd: usize = 0;
  parentEnd: usize = 0;
  compStart: StaticArray<usize> = new StaticArray<usize>(1);
  /** The current entry's name is known (error lines quote it). */
  named: bool = false;
  index: i32 = 0;
  /**
   * The parent directory of the last entry, and the raw name bytes that led
   * to it: consecutive entries of an archive mostly share a parent, which is
   * then not walked again. Forgotten whenever anything is removed.
   */
  lastDir: Vnode | null = null;
  lastDirAt: usize = 0;
  lastDirLen: usize = 0;
  /**
   * The last directory entry created, and its raw name: the next entry is
   * often inside it (a deep chain `a`, `a/b`, `a/b/c`...), which is then
   * found without walking from the root (a walk per entry made a chain of
   * N directories cost N^2 lookups).
   */
  madeDir: Vnode | null = null;
  madeDirAt: usize = 0;
  madeDirLen: usize = 0;
  /** Hard links of the current archive: "devmajor:devminor:ino" -> node. */
  links: Map<string, Vnode> = new Map<string, Vnode>();
  dirs: Array<Vnode> = new Array<Vnode>();
  dirTimes: Array<i64> = new Array<i64>();

  constructor(base: usize, len: usize, root: Vnode) {
    this.base = base;
    this.len = len;
    this.root = root;
  }

  /** The current entry's whole name (decoded for error lines only). */
  get name(): string {
    return this.named ? utf8(this.h.nameAddr, this.h.nameLen) : "";
  }

  /** Prints the error line for the current entry and returns `err`. */
  fail(problem: string, err: i32): i32 {
    let name = this.name;
    let who = name.length > 0 ? "\"" + utf8Escape(name) + "\"" : "entry #" + this.index.toString();
    vfsLog("cpio: error: " + who + ": " + problem + " at offset " + this.h.offset.toString());
    return err;
  }

  warn(problem: string): void {
    vfsLog("cpio: warning: \"" + utf8Escape(this.name) + "\": " + problem + " at offset " + this.h.offset.toString() + ", skipped");
  }

  /** Offset of the first non-NUL byte at or after `off` (padding between archives). */
  skipZeros(off: usize): usize {
    let p = this.base;
    while (off + 4 <= this.len && load<u32>(p + off) == 0) off += 4;
    while (off < this.len && load<u8>(p + off) == 0) off++;
    return off;
  }

  /**
   * Scans the entry name once: checks every component, counts the kept ones
   * ("" and "." are dropped) and records the last two (see `comps`).
   * Returns 0, 1 for the root itself (".", "/": nothing to create), or a
   * negative errno after the error line.
   */
  split(): i32 {
    this.comps = 0;
    let p = this.h.nameAddr;
    let e = p + this.h.nameLen;
    let i = p;
    while (i < e) {
      let j = i;
      while (j < e && load<u8>(j) != 0x2f) j++;
      let r = this.component(i, j - i);
      if (r < 0) return r;
      if (r > 0) {
        this.parentEnd = this.lastEnd;
        this.lastAt = i;
        this.lastEnd = j;
        this.comps++;
      }
      i = j + 1;
    }
    return this.comps == 0 ? 1 : 0;
  }

  /** Checks one component of `n` bytes at `p`: 1 to keep, 0 to skip ("" or "."), or -errno. */
  component(p: usize, n: usize): i32 {
    if (n == 0 || (n == 1 && load<u8>(p) == 0x2e)) return 0;
    if (n == 2 && load<u16>(p) == 0x2e2e) return this.fail("\"..\" component (would land outside the mount)", -Errno.EINVAL);
    // Names keep their bytes exactly (kernel/utf8.ts): the stored length is n.
    if (n > <usize>NAME_MAX) return this.fail("component longer than 255 bytes", -Errno.ENAMETOOLONG);
    return 1;
  }

  /** The last component of the current entry as a string. */
  lastName(): string {
    return utf8(this.lastAt, this.lastEnd - this.lastAt);
  }

  /** End of the component that starts at or after `i` (skipping "/", "" and "."), before `e`; its start in `startOut[0]`. */
  nextComp(i: usize, e: usize, startOut: StaticArray<usize>): usize {
    while (i < e) {
      let j = i;
      while (j < e && load<u8>(j) != 0x2f) j++;
      let n = j - i;
      if (n > 0 && !(n == 1 && load<u8>(i) == 0x2e)) { startOut[0] = i; return j; }
      i = j + 1;
    }
    startOut[0] = e;
    return e;
  }

  /** Checks the entry's type and body; writes nothing. */
  check(): i32 {
    let h = this.h;
    let t = h.mode & S_IFMT;
    // GNU cpio sums regular file bodies only (a symlink's check is 0).
    if (h.crc && t == S_IFREG && cpioBodySum(h) != h.check) return this.fail(cpioProblem(CPIO_E_CRC), -Errno.EINVAL);
    if (t == S_IFLNK) {
      if (h.filesize == 0) return this.fail("symlink with an empty target", -Errno.EINVAL);
      if (h.filesize >= <u32>PATH_MAX) return this.fail("symlink target longer than 4095 bytes", -Errno.ENAMETOOLONG);
    } else if (t != S_IFREG && t != S_IFDIR && t != S_IFCHR && t != S_IFBLK && t != S_IFIFO && t != S_IFSOCK) {
      return this.fail("unknown file type in mode " + h.mode.toString(8), -Errno.EINVAL);
    } else if (t == S_IFDIR && h.filesize != 0) {
      return this.fail("directory with a body", -Errno.EINVAL);
    }
    return 0;
  }

  /** An fs operation failed: error line with the errno name. */
  fsFail(r: i32): i32 {
    return this.fail(errnoName(r), r);
  }

  /** Walks (creating missing directories) to the parent of the entry; the parent in ref.node. */
  parentDir(): i32 {
    if (this.comps == 1) { this.ref.node = this.root; return 0; }
    // The raw bytes up to the end of the parent component name the parent.
    let at = this.h.nameAddr;
    let len = this.parentEnd - at;
    let cached = this.lastDir;
    if (cached !== null && len == this.lastDirLen && memory.compare(at, this.lastDirAt, len) == 0) {
      this.ref.node = cached;
      return 0;
    }
    let made = this.madeDir;
    if (made !== null && len == this.madeDirLen && memory.compare(at, this.madeDirAt, len) == 0) {
      this.remember(made, at, len);
      return 0;
    }
    let dir = this.root;
    let start = this.compStart;
    let i = at;
    while (i < this.parentEnd) {
      let j = this.nextComp(i, this.parentEnd, start);
      if (start[0] >= j) break;
      let c = utf8(start[0], j - start[0]);
      i = j + 1;
      let r = dir.lookup(c, this.ref);
      if (r == -Errno.ENOENT) r = dir.mkdir(c, 0o755, this.ref);
      if (r < 0) return this.fsFail(r);
      let next = changetype<Vnode>(this.ref.node);
      if (next.isLink()) return this.fail("path goes through a symlink", -Errno.ELOOP);
      if (!next.isDir()) return this.fail("parent is not a directory", -Errno.ENOTDIR);
      dir = next;
    }
    this.remember(dir, at, len);
    return 0;
  }

  /** Caches `dir` as the parent named by the `len` raw bytes at `at`; leaves it in ref.node. */
  remember(dir: Vnode, at: usize, len: usize): void {
    this.lastDir = dir;
    this.lastDirAt = at;
    this.lastDirLen = len;
    this.ref.node = dir;
  }

  /** Removes what `name` in `dir` holds, unless it is `keep` or a directory and `keepDir`. 1: kept. */
  clear(dir: Vnode, name: string, keepDir: bool): i32 {
    let r = dir.lookup(name, this.ref);
    if (r == -Errno.ENOENT) return 0;
    if (r < 0) return this.fsFail(r);
    let old = changetype<Vnode>(this.ref.node);
    if (old.isDir() && keepDir) return 1;
    this.lastDir = null; // what it named may be on the cached paths
    this.madeDir = null;
    if (old.isDir()) {
      r = dir.rmdir(name);
    } else {
      r = dir.unlink(name);
    }
    return r < 0 ? this.fsFail(r) : 0;
  }

  /** Sets mode, owner and mtime from the header. */
  attrs(node: Vnode, mtime: bool): i32 {
    let h = this.h;
    let st = this.st;
    st.mode = h.mode & S_IPERM;
    st.uid = h.uid;
    st.gid = h.gid;
    st.mtime = <i64>h.mtime;
    let mask = ATTR_UID | ATTR_GID | (node.isLink() ? 0 : ATTR_MODE) | (mtime ? ATTR_MTIME : 0);
    let r = node.setattr(st, mask);
    return r < 0 && r != -Errno.ENOSYS ? this.fsFail(r) : 0;
  }

  /** Gives `node` the entry's body: borrowed when the fs can, else written. */
  body(node: Vnode): i32 {
    let h = this.h;
    let r = node.borrow(h.dataAddr, <usize>h.filesize);
    if (r != -Errno.ENOSYS) return r < 0 ? this.fsFail(r) : 0;
    r = node.truncate(0);
    let done: usize = 0;
    let total = <usize>h.filesize;
    while (r >= 0 && done < total) {
      let n = total - done < WRITE_CHUNK ? total - done : WRITE_CHUNK;
      let w = node.write(<u64>done, h.dataAddr + done, n);
      if (w <= 0) r = w < 0 ? <i32>w : -Errno.EIO;
      done += n;
    }
    return r < 0 ? this.fsFail(r) : 0;
  }

  applyDir(dir: Vnode, name: string): i32 {
    let r = this.clear(dir, name, true);
    if (r < 0) return r;
    if (r == 1) r = dir.lookup(name, this.ref);
    else r = dir.mkdir(name, this.h.mode & S_IPERM, this.ref);
    if (r < 0) return this.fsFail(r);
    let node = changetype<Vnode>(this.ref.node);
    this.madeDir = node;
    this.madeDirAt = this.h.nameAddr;
    this.madeDirLen = this.lastEnd - this.h.nameAddr;
    this.dirs.push(node);
    this.dirTimes.push(<i64>this.h.mtime);
    return this.attrs(node, false);
  }

  applyFile(dir: Vnode, name: string): i32 {
    let h = this.h;
    let key = h.nlink > 1 ? h.devmajor.toString() + ":" + h.devminor.toString() + ":" + h.ino.toString() : "";
    if (key.length > 0 && this.links.has(key)) {
      let node = this.links.get(key);
      let r = dir.lookup(name, this.ref);
      if (r == 0 && this.ref.node === node) return h.filesize > 0 ? this.body(node) : 0;
      r = this.clear(dir, name, false);
      if (r < 0) return r;
      r = dir.link(name, node);
      if (r < 0) return this.fsFail(r);
      return h.filesize > 0 ? this.body(node) : 0;
    }
    let r = this.clear(dir, name, false);
    if (r < 0) return r;
    r = dir.create(name, h.mode & S_IPERM, this.ref);
    if (r < 0) return this.fsFail(r);
    let node = changetype<Vnode>(this.ref.node);
    if (key.length > 0) this.links.set(key, node);
    r = this.body(node);
    if (r < 0) return r;
    return this.attrs(node, true);
  }

  applyLink(dir: Vnode, name: string): i32 {
    let r = this.clear(dir, name, false);
    if (r < 0) return r;
    let target = utf8(this.h.dataAddr, <usize>this.h.filesize);
    r = dir.symlink(name, target, this.ref);
    if (r < 0) return this.fsFail(r);
    return this.attrs(changetype<Vnode>(this.ref.node), true);
  }

  /** Creates the current entry. */
  apply(): i32 {
    let t = this.h.mode & S_IFMT;
    if (t == S_IFCHR) { this.warn("character device"); return 0; }
    if (t == S_IFBLK) { this.warn("block device"); return 0; }
    if (t == S_IFIFO) { this.warn("FIFO"); return 0; }
    if (t == S_IFSOCK) { this.warn("socket"); return 0; }
    let r = this.parentDir();
    if (r < 0) return r;
    let dir = changetype<Vnode>(this.ref.node);
    let name = this.lastName();
    if (t == S_IFDIR) return this.applyDir(dir, name);
    if (t == S_IFLNK) return this.applyLink(dir, name);
    return this.applyFile(dir, name);
  }

  /** One entry that is not a trailer: check (pass 1) or create (pass 2). */
  entry(create: bool): i32 {
    this.named = true;
    let r = this.split();
    if (r < 0) return r;
    if (!create) return this.check();
    if (r == 1) return 0; // "." or "/": the target directory itself
    return this.apply();
  }

  /** One pass over the archive(s). Returns the number of entries, or -errno. */
  run(create: bool): i32 {
    let off: usize = 0;
    let inArchive = false;
    this.index = 0;
    while (true) {
      this.named = false;
      this.h.offset = off;
      if (!inArchive) {
        off = this.skipZeros(off);
        if (off >= this.len) break;
      } else if (off >= this.len) {
        this.h.offset = this.len;
        return this.fail("archive ends without TRAILER!!!", -Errno.EINVAL);
      }
      let r = cpioParse(this.base, this.len, off, this.h);
      if (r != CPIO_OK) return this.fail(cpioProblem(r), -Errno.EINVAL);
      inArchive = true;
      off = this.h.next;
      if (cpioIsTrailer(this.h)) {
        inArchive = false;
        this.links.clear();
        continue;
      }
      r = this.entry(create);
      if (r < 0) return r;
      this.index++;
    }
    return this.index;
  }

  /** Sets directory mtimes last (creating children changed them), as Linux's dir_utime. */
  finishDirs(): void {
    let st = this.st;
    for (let i = 0; i < this.dirs.length; i++) {
      st.mtime = this.dirTimes[i];
      this.dirs[i].setattr(st, ATTR_MTIME);
    }
  }
}

/**
 * Unpacks the CPIO archive(s) at (`base`, `len`) into directory `root`.
 * Regular file bodies are handed to Vnode.borrow: the memory must stay valid
 * and unchanged for as long as the files exist (an initrd does).
 * Returns the number of entries unpacked, or -Errno after one error line
 * naming the entry and its byte offset (on a format error nothing was
 * created). Device nodes, FIFOs and sockets are skipped with a warning line.
 */
export function cpioLoad(base: usize, len: usize, root: Vnode): i32 {
  if (!root.isDir()) return -Errno.ENOTDIR;
  let l = new Loader(base, len, root);
  let r = l.run(false);
  if (r < 0) return r;
  r = l.run(true);
  if (r >= 0) l.finishDirs();
  return r;
}
