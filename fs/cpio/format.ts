// fs/cpio/format.ts — THE definition of the CPIO "new ASCII" header, shared
// by the kernel loader (fs/cpio, AssemblyScript) and the host packer
// (tools/cpio, TypeScript). Plain constants only, so both compilers take it.
//
// Format: cpio(5) (libarchive), "New ASCII Format" and "New CRC Format";
// Linux Documentation/driver-api/early-userspace/buffer-format.rst.
//
//   offset  size  field       (every field: 8 ASCII hex digits, no 0x)
//   +------+----+------------+
//   |    0 |  6 | c_magic    |  "070701" newc, "070702" crc
//   |    6 |  8 | c_ino      |
//   |   14 |  8 | c_mode     |  S_IFMT type bits | permission bits
//   |   22 |  8 | c_uid      |
//   |   30 |  8 | c_gid      |
//   |   38 |  8 | c_nlink    |  > 1 for hard links (same dev+ino)
//   |   46 |  8 | c_mtime    |  seconds since the epoch
//   |   54 |  8 | c_filesize |  body bytes (a symlink's body is its target)
//   |   62 |  8 | c_devmajor |
//   |   70 |  8 | c_devminor |
//   |   78 |  8 | c_rdevmajor|  device nodes only
//   |   86 |  8 | c_rdevminor|
//   |   94 |  8 | c_namesize |  name bytes INCLUDING the trailing NUL
//   |  102 |  8 | c_check    |  crc, regular files: sum of body bytes mod 2^32; else 0
//   +------+----+------------+
//   |  110 |    | name + NUL, then NUL padding to a multiple of 4 (from the header start)
//   |      |    | body (c_filesize bytes), then NUL padding to a multiple of 4
//
// The archive ends with an entry named "TRAILER!!!"; several archives may be
// concatenated (Linux initramfs), with NUL padding between them.

export const CPIO_MAGIC_NEWC = "070701";
export const CPIO_MAGIC_CRC = "070702";
export const CPIO_TRAILER = "TRAILER!!!";
export const CPIO_HEADER_SIZE = 110;
export const CPIO_ALIGN = 4;
export const CPIO_FIELD_SIZE = 8;

export const CPIO_OFF_MAGIC = 0;
export const CPIO_OFF_INO = 6;
export const CPIO_OFF_MODE = 14;
export const CPIO_OFF_UID = 22;
export const CPIO_OFF_GID = 30;
export const CPIO_OFF_NLINK = 38;
export const CPIO_OFF_MTIME = 46;
export const CPIO_OFF_FILESIZE = 54;
export const CPIO_OFF_DEVMAJOR = 62;
export const CPIO_OFF_DEVMINOR = 70;
export const CPIO_OFF_RDEVMAJOR = 78;
export const CPIO_OFF_RDEVMINOR = 86;
export const CPIO_OFF_NAMESIZE = 94;
export const CPIO_OFF_CHECK = 102;

/** Longest name accepted, NUL included (Linux PATH_MAX, as its initramfs unpacker). */
export const CPIO_NAME_MAX = 4096;
