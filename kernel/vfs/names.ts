// kernel/vfs/names.ts — the POSIX-shaped calls on names: stat, lstat, mkdir,
// rmdir, unlink, rename, symlink, readlink, link, truncate, chdir, mount,
// umount. Each returns 0 (or a value) or a negative Errno.

import { Errno } from "./errno";
import { unmountRoot, mountOn, vfsRoot } from "./mount";
import { Walker, checkPath, cwdSet, lookupPath, setCwd, walkParent, walker, walker2 } from "./path";
import { ATTR_MODE, FileSystem, Stat, Vnode, VRef } from "./vnode";

/** Walks to the parent of `path`; the parent in w.node, the name in w.name. */
function parent(path: string, w: Walker): i32 {
  return walkParent(null, path, w);
}

/** Looks the last component up in `w.node` without following; the child in w.ref.node. */
function child(w: Walker): i32 {
  return w.lookupName();
}

function statNode(node: Vnode, st: Stat): i32 {
  let r = node.getattr(st);
  st.dev = node.fs.dev;
  return r;
}

/** stat(2): follows a final symlink. */
export function vfsStat(path: string, st: Stat): i32 {
  let w = walker();
  let r = lookupPath(path, true, w);
  return r < 0 ? r : statNode(changetype<Vnode>(w.node), st);
}

/** lstat(2): a final symlink is reported itself. */
export function vfsLstat(path: string, st: Stat): i32 {
  let w = walker();
  let r = lookupPath(path, false, w);
  return r < 0 ? r : statNode(changetype<Vnode>(w.node), st);
}

/** mkdir(2). */
export function vfsMkdir(path: string, mode: u32 = 0o755): i32 {
  let w = walker();
  let r = parent(path, w);
  if (r < 0) return r;
  if (w.nameEmpty() || w.nameIsDot()) return -Errno.EEXIST;
  return changetype<Vnode>(w.node).mkdir(w.name, mode & 0o7777, w.ref);
}

/** rmdir(2). A mount point or mount root is -EBUSY. */
export function vfsRmdir(path: string): i32 {
  let w = walker();
  let r = parent(path, w);
  if (r < 0) return r;
  if (w.nameEmpty()) return -Errno.EBUSY;
  if (w.nameIsDotDot()) return -Errno.ENOTEMPTY;
  if (w.nameIsDot()) return -Errno.EINVAL;
  r = child(w);
  if (r < 0) return r;
  let node = changetype<Vnode>(w.ref.node);
  if (!node.isDir()) return -Errno.ENOTDIR;
  if (node.coveredBy !== null) return -Errno.EBUSY;
  return changetype<Vnode>(w.node).rmdir(w.name);
}

/** unlink(2). A directory is -EISDIR. */
export function vfsUnlink(path: string): i32 {
  let w = walker();
  let r = parent(path, w);
  if (r < 0) return r;
  if (w.nameEmpty() || w.nameIsDot()) return -Errno.EISDIR;
  r = child(w);
  if (r < 0) return r;
  let node = changetype<Vnode>(w.ref.node);
  if (node.isDir()) return -Errno.EISDIR;
  if (w.trailingSlash) return -Errno.ENOTDIR;
  return changetype<Vnode>(w.node).unlink(w.name);
}

/** symlink(2): creates `path` pointing at `target` (stored verbatim). */
export function vfsSymlink(target: string, path: string): i32 {
  let r = checkPath(target);
  if (r < 0) return r;
  let w = walker();
  r = parent(path, w);
  if (r < 0) return r;
  if (w.nameEmpty() || w.nameIsDot() || w.trailingSlash) return -Errno.EEXIST;
  return changetype<Vnode>(w.node).symlink(w.name, target, w.ref);
}

/** readlink(2): the target in out.str. -EINVAL if `path` is not a symlink. */
export function vfsReadlink(path: string, out: VRef): i32 {
  let w = walker();
  let r = lookupPath(path, false, w);
  if (r < 0) return r;
  let node = changetype<Vnode>(w.node);
  if (!node.isLink()) return -Errno.EINVAL;
  return node.readlink(out);
}

/** link(2): a new name for `oldPath` (not followed if a symlink). */
export function vfsLink(oldPath: string, newPath: string): i32 {
  let w = walker();
  let r = lookupPath(oldPath, false, w);
  if (r < 0) return r;
  let node = changetype<Vnode>(w.node);
  if (node.isDir()) return -Errno.EPERM;
  r = parent(newPath, w);
  if (r < 0) return r;
  if (w.nameEmpty() || w.nameIsDot()) return -Errno.EEXIST;
  let dir = changetype<Vnode>(w.node);
  if (dir.fs !== node.fs) return -Errno.EXDEV;
  return dir.link(w.name, node);
}

/** rename(2): within one filesystem (-EXDEV otherwise); mount points are -EBUSY. */
export function vfsRename(oldPath: string, newPath: string): i32 {
  let wo = walker();
  let r = parent(oldPath, wo);
  if (r < 0) return r;
  let wn = walker2();
  r = parent(newPath, wn);
  if (r < 0) return r;
  if (wo.nameEmpty() || wo.nameIsDot() || wn.nameEmpty() || wn.nameIsDot()) return -Errno.EBUSY;
  r = child(wo);
  if (r < 0) return r;
  let src = changetype<Vnode>(wo.ref.node);
  if (src.coveredBy !== null) return -Errno.EBUSY;
  if ((wo.trailingSlash || wn.trailingSlash) && !src.isDir()) return -Errno.ENOTDIR;
  let odir = changetype<Vnode>(wo.node);
  let ndir = changetype<Vnode>(wn.node);
  if (odir.fs !== ndir.fs) return -Errno.EXDEV;
  r = child(wn);
  if (r == 0 && changetype<Vnode>(wn.ref.node).coveredBy !== null) return -Errno.EBUSY;
  return odir.rename(wo.name, ndir, wn.name);
}

/** truncate(2): follows symlinks; directories are -EISDIR. */
export function vfsTruncate(path: string, size: i64): i32 {
  if (size < 0) return -Errno.EINVAL;
  let w = walker();
  let r = lookupPath(path, true, w);
  if (r < 0) return r;
  let node = changetype<Vnode>(w.node);
  if (node.isDir()) return -Errno.EISDIR;
  if (!node.isReg()) return -Errno.EINVAL;
  return node.truncate(<u64>size);
}

/** chmod(2): sets the permission bits (07777) of what `path` names, following symlinks. */
export function vfsChmod(path: string, mode: u32): i32 {
  if (mode > 0o7777) return -Errno.EINVAL;
  let w = walker();
  let r = lookupPath(path, true, w);
  if (r < 0) return r;
  let st = new Stat();
  st.mode = mode;
  return changetype<Vnode>(w.node).setattr(st, ATTR_MODE);
}

/** chdir(2): relative paths start there afterwards. */
export function vfsChdir(path: string): i32 {
  let w = walker();
  let r = lookupPath(path, true, w);
  if (r < 0) return r;
  let node = changetype<Vnode>(w.node);
  if (!node.isDir()) return -Errno.ENOTDIR;
  setCwd(node);
  return 0;
}

/**
 * mount(2): attaches `fs` at directory `path`. The first mount must be "/";
 * a later mount on a mount point stacks on top of it.
 */
export function vfsMount(path: string, fs: FileSystem): i32 {
  let r = checkPath(path);
  if (r < 0) return r;
  if (vfsRoot() === null) {
    if (path != "/") return -Errno.ENOENT;
    return mountOn(fs, null, "/");
  }
  let w = walker();
  r = lookupPath(path, true, w);
  if (r < 0) return r;
  return mountOn(fs, changetype<Vnode>(w.node), path);
}

/** umount(2): `path` must name the root of a mount; -EBUSY while files are open in it or it holds the current directory. */
export function vfsUmount(path: string): i32 {
  let w = walker();
  let r = lookupPath(path, true, w);
  if (r < 0) return r;
  let node = changetype<Vnode>(w.node);
  let c = cwdSet();
  if (c !== null && c.fs === node.fs) return -Errno.EBUSY;
  return unmountRoot(node);
}

/**
 * Resolves `path` to its vnode in out.node (for kernel glue, e.g. unpacking
 * an initrd into a mounted directory). `follow`: follow a final symlink.
 */
export function vfsResolve(path: string, follow: bool, out: VRef): i32 {
  let w = walker();
  let r = lookupPath(path, follow, w);
  if (r < 0) return r;
  out.node = w.node;
  return 0;
}
