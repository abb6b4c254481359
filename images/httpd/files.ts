// images/httpd/files.ts — a request path to a file under the root, walked one
// name at a time with lstat so that a symlink is followed only while it
// stays inside the root (POSIX path resolution, done here instead of in the
// VFS so the root is a wall):
//
//   link target absolute: allowed when it is the root or below it
//   link target relative: its names are walked from the link's folder, and
//                         ".." may not climb above the root
//   more than 40 links: refused (as the VFS's ELOOP)
//
// Nothing is cached: every request stats the names again, so a file changed
// on a 9p volume is served as it is now.

import { Errno, S_IFLNK, S_IFMT, Stat, VRef, vfsLstat, vfsReadlink, vfsStat } from "asuk/kernel/vfs/index";

export const MAX_LINKS: i32 = 40;

/** What a request resolved to: a path without symlinks, and its stat. */
export class Resolved {
  path: string = "";
  st: Stat = new Stat();
}

function joinPath(root: string, names: string[]): string {
  let s = root == "/" ? "" : root;
  for (let i = 0; i < names.length; i++) s += "/" + names[i];
  return s.length == 0 ? "/" : s;
}

function splitNames(t: string): string[] {
  let out = new Array<string>();
  let parts = t.split("/");
  for (let i = 0; i < parts.length; i++) if (parts[i].length > 0) out.push(parts[i]);
  return out;
}

/** -404 for names that are not there, -403 for a walk that would leave the root or loop, else 0. */
function errStatus(e: i32): i32 { return e == -Errno.ENOENT || e == -Errno.ENOTDIR || e == -Errno.ENAMETOOLONG ? -404 : -403; }

/**
 * Resolves `names` (already free of "." and "..", see path.ts) under `root`
 * (an absolute path without a trailing slash, or "/"). Returns 0 and fills
 * `out`, or -404 / -403.
 */
export function resolveUnder(root: string, names: string[], out: Resolved): i32 {
  let pending = names.slice(0);
  pending.reverse(); // a stack: the next name is at the end
  let cur = new Array<string>();
  let links = 0;
  let st = out.st;
  let ref = new VRef();
  while (pending.length > 0) {
    let c = pending.pop();
    if (c.length == 0 || c == ".") continue;
    if (c == "..") {
      if (cur.length == 0) return -403;
      cur.pop();
      continue;
    }
    let p = joinPath(root, cur) + "/" + c;
    if (cur.length == 0 && root == "/") p = "/" + c;
    let r = vfsLstat(p, st);
    if (r < 0) return errStatus(r);
    if ((st.mode & S_IFMT) != S_IFLNK) { cur.push(c); continue; }
    if (++links > MAX_LINKS) return -403;
    r = vfsReadlink(p, ref);
    if (r < 0) return errStatus(r);
    let t = ref.str;
    if (t.startsWith("/")) {
      if (root != "/" && t != root && !t.startsWith(root + "/")) return -403;
      cur = new Array<string>();
      t = root == "/" ? t : t.substring(root.length);
    }
    let more = splitNames(t);
    for (let i = more.length - 1; i >= 0; i--) pending.push(more[i]);
  }
  out.path = joinPath(root, cur);
  let r = vfsStat(out.path, st);
  return r < 0 ? errStatus(r) : 0;
}
