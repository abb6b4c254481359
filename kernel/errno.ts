// kernel/errno.ts — the one Errno enum (Linux x86-64 numbers,
// include/uapi/asm-generic/errno-base.h and errno.h) and their names.
//
// Every driver, VFS and filesystem call returns a negative Errno on failure
// (`-Errno.ENOENT`), a value >= 0 on success. Nothing here throws.

export enum Errno {
  EPERM = 1,
  ENOENT = 2,
  ESRCH = 3,
  EINTR = 4,
  EIO = 5,
  ENXIO = 6,
  E2BIG = 7,
  ENOEXEC = 8,
  EBADF = 9,
  ECHILD = 10,
  EAGAIN = 11,
  ENOMEM = 12,
  EACCES = 13,
  EFAULT = 14,
  EBUSY = 16,
  EEXIST = 17,
  EXDEV = 18,
  ENODEV = 19,
  ENOTDIR = 20,
  EISDIR = 21,
  EINVAL = 22,
  ENFILE = 23,
  EMFILE = 24,
  ENOTTY = 25,
  EFBIG = 27,
  ENOSPC = 28,
  ESPIPE = 29,
  EROFS = 30,
  EMLINK = 31,
  EPIPE = 32,
  ERANGE = 34,
  ENAMETOOLONG = 36,
  ENOSYS = 38,
  ENOTEMPTY = 39,
  ELOOP = 40,
  EOVERFLOW = 75,
  EILSEQ = 84,
  ENOTSUP = 95,
}

/**
 * Returns the symbolic name of an errno ("ENOENT"); accepts it negated too.
 * Unknown numbers give "E?". Does not allocate (returns static strings).
 */
export function errnoName(e: i32): string {
  if (e < 0) e = -e;
  switch (e) {
    case Errno.EPERM: return "EPERM";
    case Errno.ENOENT: return "ENOENT";
    case Errno.ESRCH: return "ESRCH";
    case Errno.EINTR: return "EINTR";
    case Errno.EIO: return "EIO";
    case Errno.ENXIO: return "ENXIO";
    case Errno.E2BIG: return "E2BIG";
    case Errno.ENOEXEC: return "ENOEXEC";
    case Errno.EBADF: return "EBADF";
    case Errno.ECHILD: return "ECHILD";
    case Errno.EAGAIN: return "EAGAIN";
    case Errno.ENOMEM: return "ENOMEM";
    case Errno.EACCES: return "EACCES";
    case Errno.EFAULT: return "EFAULT";
    case Errno.EBUSY: return "EBUSY";
    case Errno.EEXIST: return "EEXIST";
    case Errno.EXDEV: return "EXDEV";
    case Errno.ENODEV: return "ENODEV";
    case Errno.ENOTDIR: return "ENOTDIR";
    case Errno.EISDIR: return "EISDIR";
    case Errno.EINVAL: return "EINVAL";
    case Errno.ENFILE: return "ENFILE";
    case Errno.EMFILE: return "EMFILE";
    case Errno.ENOTTY: return "ENOTTY";
    case Errno.EFBIG: return "EFBIG";
    case Errno.ENOSPC: return "ENOSPC";
    case Errno.ESPIPE: return "ESPIPE";
    case Errno.EROFS: return "EROFS";
    case Errno.EMLINK: return "EMLINK";
    case Errno.EPIPE: return "EPIPE";
    case Errno.ERANGE: return "ERANGE";
    case Errno.ENAMETOOLONG: return "ENAMETOOLONG";
    case Errno.ENOSYS: return "ENOSYS";
    case Errno.ENOTEMPTY: return "ENOTEMPTY";
    case Errno.ELOOP: return "ELOOP";
    case Errno.EOVERFLOW: return "EOVERFLOW";
    case Errno.EILSEQ: return "EILSEQ";
    case Errno.ENOTSUP: return "ENOTSUP";
  }
  return "E?";
}
