// wasi/linux.ts — Linux x86-64 syscall numbers and flag values the layer uses
// (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/fcntl.h).

export const SYS_read = 0, SYS_write = 1, SYS_close = 3, SYS_fstat = 5, SYS_poll = 7, SYS_lseek = 8,
  SYS_pread64 = 17, SYS_pwrite64 = 18, SYS_readv = 19, SYS_writev = 20, SYS_sched_yield = 24,
  SYS_dup2 = 33, SYS_socket = 41, SYS_bind = 49, SYS_listen = 50, SYS_setsockopt = 54, SYS_sendmsg = 46, SYS_recvmsg = 47, SYS_shutdown = 48, SYS_getpid = 39, SYS_kill = 62, SYS_fcntl = 72,
  SYS_fsync = 74, SYS_fdatasync = 75, SYS_ftruncate = 77, SYS_getdents64 = 217, SYS_fadvise64 = 221,
  SYS_clock_gettime = 228, SYS_clock_getres = 229, SYS_clock_nanosleep = 230, SYS_exit_group = 231,
  SYS_openat = 257, SYS_mkdirat = 258, SYS_newfstatat = 262, SYS_unlinkat = 263, SYS_renameat = 264,
  SYS_linkat = 265, SYS_symlinkat = 266, SYS_readlinkat = 267, SYS_ppoll = 271, SYS_utimensat = 280,
  SYS_fallocate = 285, SYS_accept4 = 288, SYS_preadv = 295, SYS_pwritev = 296, SYS_getrandom = 318,
  SYS_openat2 = 437;

export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100,
  O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DSYNC = 0x1000, O_DIRECTORY = 0x10000,
  O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_SYNC = 0x101000, O_RSYNC = 0x101000, O_PATH = 0x200000;
export const RESOLVE_NO_MAGICLINKS = 2, RESOLVE_BENEATH = 8;
export const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400, AT_EMPTY_PATH = 0x1000;
export const F_GETFL = 3, F_SETFL = 4;
export const S_IFMT = 0xf000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xa000;
export const UTIME_NOW: i64 = (1 << 30) - 1, UTIME_OMIT: i64 = (1 << 30) - 2;

// struct stat (x86-64): st_dev @0, st_ino @8, st_nlink @16, st_mode @24 (u32), st_size @48,
// st_atim @72, st_mtim @88, st_ctim @104 (each { i64 sec; i64 nsec }); 144 bytes.
export const ST_SIZE = 144;
