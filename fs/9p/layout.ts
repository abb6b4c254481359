// fs/9p/layout.ts — the 9P2000.L wire format in one place: message numbers,
// field layouts, flag values. Sources: the 9P2000.L protocol description
// (diod's protocol.md, Linux Documentation/filesystems/9p.rst and
// include/net/9p/9p.h) and Plan 9's intro(5)/version(5) for the 9P2000 base.
//
// Every integer is little-endian. A string name[s] is len[2] + UTF-8 bytes,
// no NUL. A qid is 13 bytes. Every message starts with a 7-byte header:
//
//   0        4      5        7
//   +--------+------+--------+------------------------------+
//   | size[4]| type | tag[2] | body ...                     |
//   +--------+------+--------+------------------------------+
//   size counts the whole message, itself included.
//
//   qid[13]:  type[1] version[4] path[8]
//
// Bodies (T = request, R = reply; R carries the same tag as its T):
//   Tversion  msize[4] version[s]            Rversion msize[4] version[s]
//   Tattach   fid[4] afid[4] uname[s] aname[s] n_uname[4]     Rattach qid[13]
//   Twalk     fid[4] newfid[4] nwname[2] nwname*(wname[s])    Rwalk nwqid[2] nwqid*(qid[13])
//   Tlopen    fid[4] flags[4]                Rlopen qid[13] iounit[4]
//   Tlcreate  fid[4] name[s] flags[4] mode[4] gid[4]          Rlcreate qid[13] iounit[4]
//   Tread     fid[4] offset[8] count[4]      Rread count[4] data[count]
//   Twrite    fid[4] offset[8] count[4] data[count]           Rwrite count[4]
//   Treaddir  fid[4] offset[8] count[4]      Rreaddir count[4] data[count]
//             data = entries: qid[13] offset[8] type[1] name[s]
//   Tgetattr  fid[4] request_mask[8]
//   Rgetattr  valid[8] qid[13] mode[4] uid[4] gid[4] nlink[8] rdev[8] size[8]
//             blksize[8] blocks[8] atime_sec[8] atime_nsec[8] mtime_sec[8]
//             mtime_nsec[8] ctime_sec[8] ctime_nsec[8] btime_sec[8]
//             btime_nsec[8] gen[8] data_version[8]
//   Tsetattr  fid[4] valid[4] mode[4] uid[4] gid[4] size[8] atime_sec[8]
//             atime_nsec[8] mtime_sec[8] mtime_nsec[8]    Rsetattr (empty)
//   Tmkdir    dfid[4] name[s] mode[4] gid[4] Rmkdir qid[13]
//   Tunlinkat dirfid[4] name[s] flags[4]     Runlinkat (empty)
//   Trenameat olddirfid[4] oldname[s] newdirfid[4] newname[s] Rrenameat (empty)
//   Tsymlink  fid[4] name[s] symtgt[s] gid[4]                 Rsymlink qid[13]
//   Treadlink fid[4]                         Rreadlink target[s]
//   Tlink     dfid[4] fid[4] name[s]         Rlink (empty)
//   Tfsync    fid[4] datasync[4]             Rfsync (empty)
//             (the protocol text lists fid only; Linux sends and QEMU's
//             v9fs_fsync reads "dd": fid, datasync)
//   Tstatfs   fid[4]
//   Rstatfs   type[4] bsize[4] blocks[8] bfree[8] bavail[8] files[8]
//             ffree[8] fsid[8] namelen[4]
//   Tclunk    fid[4]                         Rclunk (empty)
//   Rlerror   ecode[4]   (a Linux errno, the reply to any failed T-message)

// ---- header ----
export const P9_HDR: u32 = 7;
export const P9_OFF_SIZE: u32 = 0;
export const P9_OFF_TYPE: u32 = 4;
export const P9_OFF_TAG: u32 = 5;
export const P9_QID_SIZE: u32 = 13;
/** Header + fid/offset/count of Twrite (the largest I/O header): msize - this = most data per message (Linux P9_IOHDRSZ). */
export const P9_IOHDRSZ: u32 = 24;
/** Bytes before the data of an Rread / Rreaddir: header + count[4]. */
export const P9_RREAD_HDR: u32 = 11;
/** Bytes before the data of a Twrite: header + fid[4] offset[8] count[4]. */
export const P9_TWRITE_HDR: u32 = 23;
/** The fixed part of one Rreaddir entry: qid[13] offset[8] type[1] len[2]. */
export const P9_DIRENT_FIXED: u32 = 24;

/** Tag of Tversion (version(5)). */
export const P9_NOTAG: u16 = 0xffff;
/** "No fid" (afid of an unauthenticated Tattach). */
export const P9_NOFID: u32 = 0xffffffff;
/** "No uid" for n_uname (9P2000.u). */
export const P9_NONUNAME: u32 = 0xffffffff;
/** Most names one Twalk may carry (walk(5) MAXWELEM). */
export const P9_MAXWELEM: i32 = 16;
/** Smallest msize QEMU's server accepts (hw/9pfs P9_MIN_MSIZE). */
export const P9_MIN_MSIZE: u32 = 4096;
export const P9_VERSION_L: string = "9P2000.L";

// ---- message types (include/net/9p/9p.h enum p9_msg_t) ----
export const P9_RLERROR: u8 = 7;
export const P9_TSTATFS: u8 = 8;
export const P9_RSTATFS: u8 = 9;
export const P9_TLOPEN: u8 = 12;
export const P9_RLOPEN: u8 = 13;
export const P9_TLCREATE: u8 = 14;
export const P9_RLCREATE: u8 = 15;
export const P9_TSYMLINK: u8 = 16;
export const P9_RSYMLINK: u8 = 17;
export const P9_TREADLINK: u8 = 22;
export const P9_RREADLINK: u8 = 23;
export const P9_TGETATTR: u8 = 24;
export const P9_RGETATTR: u8 = 25;
export const P9_TSETATTR: u8 = 26;
export const P9_RSETATTR: u8 = 27;
export const P9_TREADDIR: u8 = 40;
export const P9_RREADDIR: u8 = 41;
export const P9_TFSYNC: u8 = 50;
export const P9_RFSYNC: u8 = 51;
export const P9_TLINK: u8 = 70;
export const P9_RLINK: u8 = 71;
export const P9_TMKDIR: u8 = 72;
export const P9_RMKDIR: u8 = 73;
export const P9_TRENAMEAT: u8 = 74;
export const P9_RRENAMEAT: u8 = 75;
export const P9_TUNLINKAT: u8 = 76;
export const P9_RUNLINKAT: u8 = 77;
export const P9_TVERSION: u8 = 100;
export const P9_RVERSION: u8 = 101;
export const P9_TATTACH: u8 = 104;
export const P9_RATTACH: u8 = 105;
export const P9_TWALK: u8 = 110;
export const P9_RWALK: u8 = 111;
export const P9_TREAD: u8 = 116;
export const P9_RREAD: u8 = 117;
export const P9_TWRITE: u8 = 118;
export const P9_RWRITE: u8 = 119;
export const P9_TCLUNK: u8 = 120;
export const P9_RCLUNK: u8 = 121;

// ---- qid.type bits (intro(5)) ----
export const P9_QTDIR: u8 = 0x80;
export const P9_QTSYMLINK: u8 = 0x02;
export const P9_QTFILE: u8 = 0x00;

// ---- Tlopen / Tlcreate flags: 9P2000.L P9_DOTL_* = Linux x86 open(2) values ----
export const P9_DOTL_RDONLY: u32 = 0o0;
export const P9_DOTL_WRONLY: u32 = 0o1;
export const P9_DOTL_RDWR: u32 = 0o2;
export const P9_DOTL_CREATE: u32 = 0o100;
export const P9_DOTL_EXCL: u32 = 0o200;
export const P9_DOTL_TRUNC: u32 = 0o1000;
export const P9_DOTL_APPEND: u32 = 0o2000;
export const P9_DOTL_DIRECTORY: u32 = 0o200000;
export const P9_DOTL_NOFOLLOW: u32 = 0o400000;

/** Tunlinkat flag: remove a directory (Linux AT_REMOVEDIR). */
export const P9_AT_REMOVEDIR: u32 = 0x200;

// ---- Tgetattr request_mask / Rgetattr valid (include/net/9p/9p.h P9_STATS_*) ----
export const P9_GETATTR_MODE: u64 = 0x1;
export const P9_GETATTR_NLINK: u64 = 0x2;
export const P9_GETATTR_UID: u64 = 0x4;
export const P9_GETATTR_GID: u64 = 0x8;
export const P9_GETATTR_RDEV: u64 = 0x10;
export const P9_GETATTR_ATIME: u64 = 0x20;
export const P9_GETATTR_MTIME: u64 = 0x40;
export const P9_GETATTR_CTIME: u64 = 0x80;
export const P9_GETATTR_INO: u64 = 0x100;
export const P9_GETATTR_SIZE: u64 = 0x200;
export const P9_GETATTR_BLOCKS: u64 = 0x400;
/** Everything struct stat has (P9_STATS_BASIC). */
export const P9_GETATTR_BASIC: u64 = 0x7ff;
export const P9_GETATTR_ALL: u64 = 0x3fff;

// ---- Tsetattr valid (include/net/9p/9p.h P9_ATTR_*) ----
export const P9_SETATTR_MODE: u32 = 0x1;
export const P9_SETATTR_UID: u32 = 0x2;
export const P9_SETATTR_GID: u32 = 0x4;
export const P9_SETATTR_SIZE: u32 = 0x8;
export const P9_SETATTR_ATIME: u32 = 0x10;
export const P9_SETATTR_MTIME: u32 = 0x20;
export const P9_SETATTR_CTIME: u32 = 0x40;
/** With ATIME/MTIME: use the given time, not the server's clock. */
export const P9_SETATTR_ATIME_SET: u32 = 0x80;
export const P9_SETATTR_MTIME_SET: u32 = 0x100;

// ---- fixed body sizes of replies (bytes after the header) ----
export const P9_RGETATTR_BODY: u32 = 153; // 8 + 13 + 3*4 + 15*8
export const P9_RSTATFS_BODY: u32 = 60; // 4+4 + 6*8 + 4
export const P9_RLOPEN_BODY: u32 = 17; // qid + iounit

// ---- why a reply was refused (P9Reply.fault); the call returns -EIO ----
export const P9_FAULT_NONE: i32 = 0;
/** Fewer than 7 bytes, or size[4] < 7. */
export const P9_FAULT_SHORT: i32 = 1;
/** size[4] larger than the bytes received / the buffer. */
export const P9_FAULT_SIZE: i32 = 2;
/** tag differs from the request's. */
export const P9_FAULT_TAG: i32 = 3;
/** type is neither the expected R-type nor Rlerror. */
export const P9_FAULT_TYPE: i32 = 4;
/** A field or string runs past size[4]. */
export const P9_FAULT_TRUNC: i32 = 5;
/** Bytes left over after the last field. */
export const P9_FAULT_TRAILING: i32 = 6;
/** A value no server may send (Rlerror 0 or > 4095, count > asked, too many qids). */
export const P9_FAULT_VALUE: i32 = 7;
