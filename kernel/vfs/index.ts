// kernel/vfs — the virtual filesystem: one interface every filesystem
// implements, one mount table, one path walk, one file table.
//
//   vnode.ts   the filesystem interface: FileSystem, Vnode (every op -ENOSYS
//              by default), Mount, Stat, DirEntry, S_IF* / DT_* constants
//   errno.ts   Errno (Linux numbers) and errnoName()
//   mount.ts   mount table; crossing mount points down and ".." up
//   path.ts    path walk: ".", "..", symlinks (40 then -ELOOP), trailing "/"
//   file.ts    descriptors -> open file descriptions; O_* / SEEK_* values
//   api.ts     calls on descriptors: open close read write pread pwrite lseek
//              fstat ftruncate fsync readdir
//   names.ts   calls on names: stat lstat mkdir rmdir unlink rename symlink
//              readlink link truncate chdir mount umount; vfsResolve (glue)
//   hooks.ts   the clock (mtime) and the sink of warning lines
//
// Callers: apps and kernel glue use api.ts/names.ts (vfs*); filesystems
// (fs/ramfs, fs/9pfs) subclass FileSystem and Vnode; the CPIO loader
// (fs/cpio) fills a filesystem through the Vnode operations.

export { Errno, errnoName } from "./errno";
export {
  FileSystem, Vnode, Mount, Stat, DirEntry, VRef, modeToDt,
  S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO, S_IPERM,
  DT_UNKNOWN, DT_DIR, DT_REG, DT_LNK,
  ATTR_MODE, ATTR_UID, ATTR_GID, ATTR_MTIME, NAME_MAX, PATH_MAX,
} from "./vnode";
export {
  O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND,
  O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, SEEK_SET, SEEK_CUR, SEEK_END,
} from "./file";
export {
  vfsOpen, vfsClose, vfsRead, vfsWrite, vfsPread, vfsPwrite, vfsLseek,
  vfsFstat, vfsFtruncate, vfsFsync, vfsReaddir,
} from "./api";
export {
  vfsStat, vfsLstat, vfsMkdir, vfsRmdir, vfsUnlink, vfsSymlink, vfsReadlink,
  vfsLink, vfsRename, vfsTruncate, vfsChmod, vfsChdir, vfsMount, vfsUmount, vfsResolve,
} from "./names";
export { vfsRoot, vfsMountCount, vfsMountAt } from "./mount";
export { MAXSYMLINKS } from "./path";
export { vfsSetClock, vfsNow, vfsSetLog, vfsLog } from "./hooks";
