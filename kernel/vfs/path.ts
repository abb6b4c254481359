// kernel/vfs/path.ts — path walk (namei): components, ".", "..", symlinks
// (at most MAXSYMLINKS per walk, then -ELOOP, as Linux's path_lookup) and
// mount points crossed both ways (mount.ts).
//
// Two entry points:
//   walk(start, path, follow, w)   the node a path names -> w.node
//   walkParent(start, path, w)     its parent directory -> w.node, the last
//                                  component -> w.name (may be "", "." or "..")

import { Errno } from "./errno";
import { utf8Length } from "../utf8";
import { NAME_MAX, PATH_MAX, Vnode, VRef } from "./vnode";
import { crossDown, parentOf, vfsRoot } from "./mount";

/** Symlinks followed in one walk before -ELOOP (Linux MAXSYMLINKS). */
export const MAXSYMLINKS: i32 = 40;

const SLASH: i32 = 0x2f;

/** State of one walk: its result and the symlinks followed so far. */
export class Walker {
  node: Vnode | null = null;
  /** walkParent: the path ended with "/" (the target must be a directory). */
  trailingSlash: bool = false;
  links: i32 = 0;
  ref: VRef = new VRef();
  /** walkParent: the last component is path[nameStart, nameEnd) (cut out only when `name` is read). */
  path: string = "";
  nameStart: i32 = 0;
  nameEnd: i32 = 0;
  private nameStr: string | null = null;

  reset(): Walker {
    this.node = null;
    this.trailingSlash = false;
    this.links = 0;
    this.path = "";
    this.nameStart = 0;
    this.nameEnd = 0;
    this.nameStr = null;
    return this;
  }

  /** walkParent: the last component as a string (may be "", "." or ".."). */
  get name(): string {
    let s = this.nameStr;
    if (s === null) this.nameStr = s = this.path.substring(this.nameStart, this.nameEnd);
    return s;
  }

  /** walkParent: the last component is empty (the path was "/"). */
  @inline nameEmpty(): bool { return this.nameEnd == this.nameStart; }

  /** walkParent: the last component is "." or "..". */
  nameIsDot(): bool { return dotsAt(this.path, this.nameStart, this.nameEnd) != 0; }

  /** walkParent: the last component is "..". */
  nameIsDotDot(): bool { return dotsAt(this.path, this.nameStart, this.nameEnd) == 2; }

  /** walkParent: looks the last component (not empty, ".", "..") up in w.node; the child in ref.node. */
  lookupName(): i32 {
    return changetype<Vnode>(this.node).lookupIn(this.path, this.nameStart, this.nameEnd, this.ref);
  }
}

const DOT: i32 = 0x2e;

/** 1 if path[i, j) is ".", 2 if "..", else 0. */
function dotsAt(path: string, i: i32, j: i32): i32 {
  let n = j - i;
  if (n == 0 || n > 2 || path.charCodeAt(i) != DOT) return 0;
  if (n == 1) return 1;
  return path.charCodeAt(i + 1) == DOT ? 2 : 0;
}

// The walks of the vfs* calls: no call runs inside another (filesystems do
// not call back into the VFS during an operation), so one Walker per role is
// reused instead of allocating one per call.
const W0 = new Walker();
const W1 = new Walker();

/** The reusable walker of a vfs* call (reset). */
export function walker(): Walker { return W0.reset(); }
/** A second reusable walker for calls that walk two paths (rename). */
export function walker2(): Walker { return W1.reset(); }

let cwd: Vnode | null = null;

/** The current directory (the root until vfsChdir). */
export function vfsCwd(): Vnode | null {
  let c = cwd;
  return c !== null ? c : vfsRoot();
}
/** The directory set by vfsChdir, or null (the root). */
export function cwdSet(): Vnode | null { return cwd; }
/** Sets the current directory (caller checked it is a directory). */
export function setCwd(v: Vnode | null): void { cwd = v; }

/** Checks the length limits of a path: 0 or -ENOENT / -ENAMETOOLONG. */
export function checkPath(path: string): i32 {
  if (path.length == 0) return -Errno.ENOENT;
  if (path.length >= PATH_MAX && utf8Length(path) >= PATH_MAX) return -Errno.ENAMETOOLONG;
  return 0;
}

function startOf(start: Vnode | null, path: string): Vnode | null {
  if (path.charCodeAt(0) == SLASH) return vfsRoot();
  return start !== null ? start : vfsCwd();
}

/** Follows symlink `link` found in directory `dir`; the target lands in w.node. */
function followLink(dir: Vnode, link: Vnode, w: Walker): i32 {
  if (++w.links > MAXSYMLINKS) return -Errno.ELOOP;
  let r = link.readlink(w.ref);
  if (r < 0) return r;
  let target = w.ref.str;
  r = checkPath(target);
  if (r < 0) return r;
  return walk(dir, target, true, w);
}

/** One step from directory `cur` by component path[i, j); result in w.node. */
function step(cur: Vnode, path: string, i: i32, j: i32, follow: bool, w: Walker): i32 {
  if (!cur.isDir()) return -Errno.ENOTDIR;
  let dots = dotsAt(path, i, j);
  if (dots == 1) { w.node = cur; return 0; }
  if (dots == 2) {
    let r = parentOf(cur, w.ref);
    if (r < 0) return r;
    w.node = w.ref.node;
    return 0;
  }
  if (j - i > NAME_MAX / 3 && utf8Length(path.substring(i, j)) > NAME_MAX) return -Errno.ENAMETOOLONG;
  let r = cur.lookupIn(path, i, j, w.ref);
  if (r < 0) return r;
  let next = crossDown(changetype<Vnode>(w.ref.node));
  if (follow && next.isLink()) return followLink(cur, next, w);
  w.node = next;
  return 0;
}

/**
 * Resolves `path` from `start` (null: the current directory; ignored for an
 * absolute path). `follow`: a symlink as the last component is followed
 * (always followed when the path ends with "/"). Returns 0 with the node in
 * w.node, or -Errno.
 */
export function walk(start: Vnode | null, path: string, follow: bool, w: Walker): i32 {
  return walkPrefix(start, path, path.length, follow, w);
}

/** walk() of the first `n` characters of `path` (components compared in place, never cut out). */
function walkPrefix(start: Vnode | null, path: string, n: i32, follow: bool, w: Walker): i32 {
  let cur = startOf(start, path);
  if (cur === null) return -Errno.ENOENT;
  let i = 0;
  while (true) {
    while (i < n && path.charCodeAt(i) == SLASH) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && path.charCodeAt(j) != SLASH) j++;
    let k = j;
    while (k < n && path.charCodeAt(k) == SLASH) k++;
    let last = k >= n;
    let r = step(changetype<Vnode>(cur), path, i, j, follow || !last || j < n, w);
    if (r < 0) return r;
    cur = w.node;
    i = j;
  }
  if (n > 0 && path.charCodeAt(n - 1) == SLASH && !changetype<Vnode>(cur).isDir()) return -Errno.ENOTDIR;
  w.node = cur;
  return 0;
}

/**
 * Resolves all but the last component of `path` (following symlinks) to a
 * directory in w.node; the last component is path[w.nameStart, w.nameEnd)
 * (w.name; empty for "/", may be "." or ".."). Trailing slashes are stripped
 * and noted in w.trailingSlash.
 */
export function walkParent(start: Vnode | null, path: string, w: Walker): i32 {
  let r = checkPath(path);
  if (r < 0) return r;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) == SLASH) end--;
  let cut = end;
  while (cut > 0 && path.charCodeAt(cut - 1) != SLASH) cut--;
  if (end - cut > NAME_MAX / 3 && utf8Length(path.substring(cut, end)) > NAME_MAX) return -Errno.ENAMETOOLONG;
  // The directory part path[0, cut) ends with "/" (or is empty: "/" for an
  // absolute path, "." for a relative one; startOf picks either).
  r = walkPrefix(start, path, cut, true, w.reset());
  if (r < 0) return r;
  if (!changetype<Vnode>(w.node).isDir()) return -Errno.ENOTDIR;
  w.path = path;
  w.nameStart = cut;
  w.nameEnd = end;
  w.trailingSlash = end < path.length;
  return 0;
}

/** Resolves a whole path from the current directory: 0 and w.node, or -Errno. */
export function lookupPath(path: string, follow: bool, w: Walker): i32 {
  let r = checkPath(path);
  if (r < 0) return r;
  return walk(null, path, follow, w.reset());
}
