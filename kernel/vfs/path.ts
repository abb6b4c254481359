// kernel/vfs/path.ts — path walk (namei): components, ".", "..", symlinks
// (at most MAXSYMLINKS per walk, then -ELOOP, as Linux's path_lookup) and
// mount points crossed both ways (mount.ts).
//
// Two entry points:
//   walk(start, path, follow, w)   the node a path names -> w.node
//   walkParent(start, path, w)     its parent directory -> w.node, the last
//                                  component -> w.name (may be "", "." or "..")

import { Errno } from "./errno";
import { NAME_MAX, PATH_MAX, Vnode, VRef } from "./vnode";
import { crossDown, parentOf, vfsRoot } from "./mount";

/** Symlinks followed in one walk before -ELOOP (Linux MAXSYMLINKS). */
export const MAXSYMLINKS: i32 = 40;

const SLASH: i32 = 0x2f;

/** State of one walk: its result and the symlinks followed so far. */
export class Walker {
  node: Vnode | null = null;
  /** walkParent: the last component. */
  name: string = "";
  /** walkParent: the path ended with "/" (the target must be a directory). */
  trailingSlash: bool = false;
  links: i32 = 0;
  ref: VRef = new VRef();

  reset(): Walker {
    this.node = null;
    this.name = "";
    this.trailingSlash = false;
    this.links = 0;
    return this;
  }
}

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
  if (path.length >= PATH_MAX && String.UTF8.byteLength(path) >= PATH_MAX) return -Errno.ENAMETOOLONG;
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

/** One step from directory `cur` by component `comp`; result in w.node. */
function step(cur: Vnode, comp: string, follow: bool, w: Walker): i32 {
  if (!cur.isDir()) return -Errno.ENOTDIR;
  if (comp == ".") { w.node = cur; return 0; }
  if (comp == "..") {
    let r = parentOf(cur, w.ref);
    if (r < 0) return r;
    w.node = w.ref.node;
    return 0;
  }
  if (comp.length > NAME_MAX / 3 && String.UTF8.byteLength(comp) > NAME_MAX) return -Errno.ENAMETOOLONG;
  let r = cur.lookup(comp, w.ref);
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
  let cur = startOf(start, path);
  if (cur === null) return -Errno.ENOENT;
  let n = path.length;
  let i = 0;
  while (true) {
    while (i < n && path.charCodeAt(i) == SLASH) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && path.charCodeAt(j) != SLASH) j++;
    let comp = path.substring(i, j);
    let k = j;
    while (k < n && path.charCodeAt(k) == SLASH) k++;
    let last = k >= n;
    let r = step(changetype<Vnode>(cur), comp, follow || !last || j < n, w);
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
 * directory in w.node, and puts the last component in w.name ("" for "/").
 * Trailing slashes are stripped and noted in w.trailingSlash.
 */
export function walkParent(start: Vnode | null, path: string, w: Walker): i32 {
  let r = checkPath(path);
  if (r < 0) return r;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) == SLASH) end--;
  let cut = end;
  while (cut > 0 && path.charCodeAt(cut - 1) != SLASH) cut--;
  let name = path.substring(cut, end);
  if (name.length > NAME_MAX / 3 && String.UTF8.byteLength(name) > NAME_MAX) return -Errno.ENAMETOOLONG;
  let dirPath = cut > 0 ? path.substring(0, cut) : path.charCodeAt(0) == SLASH ? "/" : ".";
  r = walk(start, dirPath, true, w.reset());
  if (r < 0) return r;
  if (!changetype<Vnode>(w.node).isDir()) return -Errno.ENOTDIR;
  w.name = name;
  w.trailingSlash = end < path.length;
  return 0;
}

/** Resolves a whole path from the current directory: 0 and w.node, or -Errno. */
export function lookupPath(path: string, follow: bool, w: Walker): i32 {
  let r = checkPath(path);
  if (r < 0) return r;
  return walk(null, path, follow, w.reset());
}
