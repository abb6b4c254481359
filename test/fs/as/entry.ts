// test/fs/as/entry.ts — AssemblyScript test entry: exports the VFS, ramfs
// and the CPIO loader to the vitest side (test/fs/harness.ts), strings as
// AssemblyScript string pointers, memory as raw addresses.
import {
  DirEntry, Stat, VRef, Vnode, vfsSetLog, vfsSetClock,
  vfsOpen, vfsClose, vfsRead, vfsWrite, vfsPread, vfsPwrite, vfsLseek, vfsFstat, vfsFtruncate,
  vfsFsync, vfsReaddir, vfsStat, vfsLstat, vfsMkdir, vfsRmdir, vfsUnlink, vfsSymlink, vfsReadlink,
  vfsLink, vfsRename, vfsTruncate, vfsChdir, vfsMount, vfsUmount, vfsMountCount, vfsMountAt, errnoName,
  vfsResolve,
} from "../../../kernel/vfs/index";
import { RamFs, ramfsSetFreeMemory } from "../../../fs/ramfs/index";
import { cpioLoad } from "../../../fs/cpio/index";
import "../../../kernel/panic";

// @ts-ignore: decorator
@external("env", "log") declare function jsLog(s: string): void;
// @ts-ignore: decorator
@external("env", "now") declare function jsNow(): i64;

function logLine(s: string): void { jsLog(s); }
function clock(): i64 { return jsNow(); }
vfsSetLog(logLine);
vfsSetClock(clock);

const ref = new VRef();
let freeLimit: u64 = 0;
function limitedFree(): u64 {
  let used = <u64>memory.size() << 16;
  return used >= freeLimit ? 0 : freeLimit - used;
}
/** Pretends the machine has `bytes` of memory in total (0: back to the default hook). */
export function setMemoryTotal(bytes: u64): void {
  freeLimit = bytes;
  ramfsSetFreeMemory(limitedFree);
}

export function alloc(n: usize): usize { return heap.alloc(n); }
export function free(p: usize): void { heap.free(p); }

/** A new ramfs (`limit` bytes of owned data, 0: none) mounted at `path`. */
export function mountRam(path: string, limit: u64): i32 { return vfsMount(path, new RamFs(limit)); }
export function umount(path: string): i32 { return vfsUmount(path); }
export function mountCount(): i32 { return vfsMountCount(); }
export function mountPath(i: i32): string { return vfsMountAt(i).path; }

/** Unpacks (addr, len) into a new ramfs, then mounts it at `path` if that worked. */
export function cpioMount(addr: usize, len: usize, path: string, limit: u64): i32 {
  let fs = new RamFs(limit);
  let r = cpioLoad(addr, len, changetype<Vnode>(fs.root));
  if (r < 0) return r;
  let m = vfsMount(path, fs);
  return m < 0 ? m : r;
}

/** Unpacks (addr, len) into the existing directory `path`. */
export function cpioInto(addr: usize, len: usize, path: string): i32 {
  let r = vfsResolve(path, true, ref);
  if (r < 0) return r;
  return cpioLoad(addr, len, changetype<Vnode>(ref.node));
}

export function open(path: string, flags: i32, mode: u32): i32 { return vfsOpen(path, flags, mode); }
export function close(fd: i32): i32 { return vfsClose(fd); }
export function read(fd: i32, buf: usize, len: usize): i64 { return vfsRead(fd, buf, len); }
export function write(fd: i32, buf: usize, len: usize): i64 { return vfsWrite(fd, buf, len); }
export function pread(fd: i32, buf: usize, len: usize, off: i64): i64 { return vfsPread(fd, buf, len, off); }
export function pwrite(fd: i32, buf: usize, len: usize, off: i64): i64 { return vfsPwrite(fd, buf, len, off); }
export function lseek(fd: i32, off: i64, whence: i32): i64 { return vfsLseek(fd, off, whence); }
export function ftruncate(fd: i32, size: i64): i32 { return vfsFtruncate(fd, size); }
export function fsync(fd: i32): i32 { return vfsFsync(fd); }
export function mkdir(path: string, mode: u32): i32 { return vfsMkdir(path, mode); }
export function rmdir(path: string): i32 { return vfsRmdir(path); }
export function unlink(path: string): i32 { return vfsUnlink(path); }
export function symlink(target: string, path: string): i32 { return vfsSymlink(target, path); }
export function link(a: string, b: string): i32 { return vfsLink(a, b); }
export function rename(a: string, b: string): i32 { return vfsRename(a, b); }
export function truncate(path: string, size: i64): i32 { return vfsTruncate(path, size); }
export function chdir(path: string): i32 { return vfsChdir(path); }
export function ename(e: i32): string { return errnoName(e); }

export function readlink(path: string): i32 { return vfsReadlink(path, ref); }
export function refStr(): string { return ref.str; }

const de = new DirEntry();
export function readdir(fd: i32): i32 { return vfsReaddir(fd, de); }
export function direntName(): string { return de.name; }
export function direntType(): i32 { return de.type; }
export function direntIno(): u64 { return de.ino; }

const st = new Stat();
function statOut(r: i32, out: usize): i32 {
  if (r < 0) return r;
  store<u32>(out, st.mode);
  store<u32>(out + 4, st.nlink);
  store<u32>(out + 8, st.uid);
  store<u32>(out + 12, st.gid);
  store<u64>(out + 16, st.size);
  store<u64>(out + 24, st.ino);
  store<i64>(out + 32, st.mtime);
  store<u64>(out + 40, st.dev);
  return r;
}
/** stat/lstat into 48 bytes at `out`: mode nlink uid gid (u32) size ino mtime dev (u64). */
export function stat(path: string, follow: bool, out: usize): i32 {
  return statOut(follow ? vfsStat(path, st) : vfsLstat(path, st), out);
}
export function fstat(fd: i32, out: usize): i32 { return statOut(vfsFstat(fd, st), out); }
