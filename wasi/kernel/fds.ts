// wasi/kernel/fds.ts — the descriptor table of the kernel's Linux-call shim
// (sys.ts) and path resolution beneath a directory (openat2's
// RESOLVE_BENEATH, done here over the VFS: `..` above the start, an absolute
// symlink, or a chain that leaves it is -EXDEV, as Linux answers).
//
// A descriptor is a resolved absolute path and, unless it was opened O_PATH,
// a VFS descriptor. Directories read by getdents64 keep an entry index (the
// cookie: 0 ".", 1 "..", then the VFS's entries), re-opened to seek back.
// 0, 1, 2 are the console.

import { Errno, Stat, VRef, vfsLstat, vfsReadlink, S_IFMT, S_IFLNK } from "../../kernel/vfs/index";

export const SHIM_FD_MAX: i32 = 1024;
export const O_PATH: i32 = 0x200000;

export class ShimFd {
  path: string = "/";
  vfd: i32 = -1;            // -1: O_PATH (path only) or the console
  flags: i32 = 0;
  console: bool = false;
  follow: bool = true;      // O_PATH opened without O_NOFOLLOW
  dirIndex: u64 = 0;        // getdents64 position (cookie)
  sock: bool = false;       // a socket (sock.ts): `net` is its net/ handle once listening or connected
  net: i32 = -1;
  port: i32 = 0;            // bind()'s port, until listen()
  refs: i32 = 1;            // descriptors sharing this socket (dup2): the handle closes with the last
}

/** Pseudo call numbers of sockCall (not Linux's): bring the network up, drain at exit, close a socket descriptor, readv/writev. */
export const SOCK_START: i32 = -1, SOCK_DRAIN: i32 = -2, SOCK_CLOSE: i32 = -3, SOCK_RW: i32 = -4;

/** The socket calls of sock.ts: `(nr, a, b, c, d)` like wasiSys; -ENOSYS until an image with a network installs them (net.ts). */
export type SockCall = (nr: i32, a: i64, b: i64, c: i64, d: i64) => i64;
function noSockets(nr: i32, a: i64, b: i64, c: i64, d: i64): i64 { return -Errno.ENOSYS; }
let sockCallFn: SockCall = noSockets;
let sockLinked = false;

export function sockInstall(f: SockCall): void { sockCallFn = f; sockLinked = true; }
/** Whether the image has a network (wasi/kernel/net.ts was linked and installed). */
export function sockHave(): bool { return sockLinked; }
export function sockCall(nr: i32, a: i64, b: i64, c: i64, d: i64): i64 { return sockCallFn(nr, a, b, c, d); }

const table = new StaticArray<ShimFd | null>(SHIM_FD_MAX);

/** Sets up 0, 1, 2 as the console. */
export function fdsInit(): void {
  for (let fd = 0; fd < 3; fd++) {
    let f = new ShimFd();
    f.console = true;
    f.flags = fd == 0 ? 0 : 1;
    table[fd] = f;
  }
}

export function fdGetShim(fd: i64): ShimFd | null {
  if (fd < 0 || fd >= <i64>SHIM_FD_MAX) return null;
  return table[<i32>fd];
}

/** The lowest free descriptor holding f, or -EMFILE. */
export function fdAdd(f: ShimFd): i32 {
  for (let fd = 0; fd < SHIM_FD_MAX; fd++) if (table[fd] === null) { table[fd] = f; return fd; }
  return -Errno.EMFILE;
}

export function fdPut(fd: i32, f: ShimFd | null): void { table[fd] = f; }

/** Result of resolveBeneath: the absolute path (when it returns 0). */
export let resolved: string = "/";

function joinPath(parts: string[]): string {
  if (parts.length == 0) return "/";
  let s = "";
  for (let k = 0; k < parts.length; k++) s += "/" + parts[k];
  return s;
}

function splitInto(path: string, out: string[]): void {
  let parts = path.split("/");
  for (let k = parts.length - 1; k >= 0; k--) out.push(parts[k]); // a stack: first component last
}

const st = new Stat();
const link = new VRef();

/**
 * Resolves `rel` beneath directory `base` (absolute). `beneath`: escaping
 * `base` is -EXDEV (else `..` stops at `/`). `followLast`: a symlink as the
 * last component is followed. Returns 0 (path in `resolved`) or -Errno.
 */
export function resolveBeneath(base: string, rel: string, beneath: bool, followLast: bool): i32 {
  if (rel.length == 0) return -Errno.ENOENT;
  let startDepth = 0;
  let parts = new Array<string>();
  if (rel.charCodeAt(0) == 0x2f) {
    if (beneath) return -Errno.EXDEV;
  } else {
    let b = base.split("/");
    for (let k = 0; k < b.length; k++) if (b[k].length > 0) parts.push(b[k]);
    startDepth = parts.length;
  }
  let todo = new Array<string>();
  splitInto(rel, todo);
  let links = 0;
  while (todo.length > 0) {
    let c = todo.pop();
    if (c.length == 0 || c == ".") continue;
    if (c == "..") {
      if (parts.length <= startDepth && beneath) return -Errno.EXDEV;
      if (parts.length > 0) parts.pop();
      continue;
    }
    parts.push(c);
    let last = true;
    for (let k = 0; k < todo.length; k++) if (todo[k].length > 0 && todo[k] != ".") { last = false; break; }
    if (last && !followLast) break;
    let r = vfsLstat(joinPath(parts), st);
    if (r < 0) {
      if (last && r == -Errno.ENOENT) break;
      return r;
    }
    if ((st.mode & S_IFMT) != S_IFLNK) continue;
    if (++links > 40) return -Errno.ELOOP;
    r = vfsReadlink(joinPath(parts), link);
    if (r < 0) return r;
    parts.pop();
    let target = link.str;
    if (target.length > 0 && target.charCodeAt(0) == 0x2f) {
      if (beneath) return -Errno.EXDEV;
      parts.length = 0;
      startDepth = 0;
    }
    splitInto(target, todo);
  }
  // A trailing slash (or "/.") keeps its meaning: the result must be a directory.
  let tail = rel.charCodeAt(rel.length - 1) == 0x2f || rel.endsWith("/.") || rel == ".";
  resolved = joinPath(parts) + (tail && parts.length > 0 ? "/" : "");
  return 0;
}
