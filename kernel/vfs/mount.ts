// kernel/vfs/mount.ts — the mount table and the two ways a walk crosses it:
// down (a directory hidden by a mount becomes that mount's root) and up
// (".." at a mount's root continues from the directory it hides).
//
// Mounts stack: mounting on a directory that is already a mount point hides
// the mount that was there, and umount brings it back (as Linux does).

import { Errno } from "./errno";
import { FileSystem, Mount, Vnode, VRef } from "./vnode";

const mounts = new Array<Mount>();
let rootMount: Mount | null = null;
let nextDev: u64 = 1;


/** Returns `v`, or the root of the topmost mount stacked on it. */
export function crossDown(v: Vnode): Vnode {
  let m = v.coveredBy;
  while (m !== null) {
    v = m.root;
    m = v.coveredBy;
  }
  return v;
}

/** The root directory every absolute path starts from, or null before the first mount. */
export function vfsRoot(): Vnode | null {
  let m = rootMount;
  if (m === null) return null;
  return crossDown(m.root);
}

/** The mount whose filesystem is `fs`, or null. */
export function mountOf(fs: FileSystem): Mount | null {
  for (let i = 0; i < mounts.length; i++) {
    if (mounts[i].fs === fs) return mounts[i];
  }
  return null;
}

/**
 * The parent of directory `dir` across mounts: ".." at the global root is the
 * root; at a mount's root it is the parent of the hidden directory.
 * Returns 0 and the parent in `out.node`, or -Errno.
 */
export function parentOf(dir: Vnode, out: VRef): i32 {
  let top = vfsRoot();
  while (true) {
    if (dir === top) { out.node = dir; return 0; }
    let fs = dir.fs;
    if (fs.root !== dir) break;
    let m = mountOf(fs);
    if (m === null || m.covered === null) { out.node = dir; return 0; }
    dir = changetype<Vnode>(m.covered);
  }
  let r = dir.lookup("..", out);
  if (r < 0) return r;
  out.node = crossDown(changetype<Vnode>(out.node));
  return 0;
}

/**
 * Mounts `fs` on directory `at` (already crossed down; null: as "/", only
 * when nothing is mounted yet). Returns 0 or -Errno.
 */
export function mountOn(fs: FileSystem, at: Vnode | null, path: string): i32 {
  let root = fs.root;
  if (root === null || !root.isDir()) return -Errno.EINVAL;
  if (mountOf(fs) !== null) return -Errno.EBUSY;
  if (at === null) {
    if (rootMount !== null) return -Errno.EBUSY;
  } else {
    if (!at.isDir()) return -Errno.ENOTDIR;
    if (at.coveredBy !== null) return -Errno.EBUSY;
  }
  let m = new Mount(fs, root, at, path);
  fs.dev = nextDev++;
  mounts.push(m);
  if (at === null) rootMount = m;
  else at.coveredBy = m;
  return 0;
}

/** Unmounts the mount whose root is `root`. -EINVAL if it is not a mount root, -EBUSY if in use. */
export function unmountRoot(root: Vnode): i32 {
  let fs = root.fs;
  let m = mountOf(fs);
  if (m === null || m.root !== root) return -Errno.EINVAL;
  if (fs.openCount > 0) return -Errno.EBUSY;
  for (let i = 0; i < mounts.length; i++) {
    let c = mounts[i].covered;
    if (c !== null && c.fs === fs) return -Errno.EBUSY;
  }
  if (root.coveredBy !== null) return -Errno.EBUSY;
  let r = fs.unmount();
  if (r < 0) return r;
  let c = m.covered;
  if (c !== null) c.coveredBy = null;
  else rootMount = null;
  let i = mounts.indexOf(m);
  mounts.splice(i, 1);
  return 0;
}


/** Number of mounts, for listing (`mounts`). */
export function vfsMountCount(): i32 { return mounts.length; }
/** The i-th mount in mount order. */
export function vfsMountAt(i: i32): Mount { return mounts[i]; }
