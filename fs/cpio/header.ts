// fs/cpio/header.ts — reads one CPIO header out of an archive in memory,
// checking every length against the end of the archive before it is used
// (no read past the end, whatever the input). Layout: format.ts.

import {
  CPIO_ALIGN, CPIO_FIELD_SIZE, CPIO_HEADER_SIZE, CPIO_NAME_MAX,
  CPIO_OFF_CHECK, CPIO_OFF_DEVMAJOR, CPIO_OFF_DEVMINOR, CPIO_OFF_FILESIZE, CPIO_OFF_GID,
  CPIO_OFF_INO, CPIO_OFF_MODE, CPIO_OFF_MTIME, CPIO_OFF_NAMESIZE, CPIO_OFF_NLINK,
  CPIO_OFF_RDEVMAJOR, CPIO_OFF_RDEVMINOR, CPIO_OFF_UID,
} from "./format";

// Why a header is refused (cpioProblem gives the words).
export const CPIO_OK: i32 = 0;
export const CPIO_E_TRUNC_HEADER: i32 = 1;
export const CPIO_E_MAGIC: i32 = 2;
export const CPIO_E_FIELD: i32 = 3;
export const CPIO_E_NAMESIZE: i32 = 4;
export const CPIO_E_NAME_PAST_END: i32 = 5;
export const CPIO_E_NAME_NUL: i32 = 6;
export const CPIO_E_BODY_PAST_END: i32 = 7;
export const CPIO_E_CRC: i32 = 8;
export const CPIO_E_ALIGN: i32 = 9;

/** The words for a CPIO_E_* code, as the error line prints them. */
export function cpioProblem(code: i32): string {
  switch (code) {
    case CPIO_E_TRUNC_HEADER: return "truncated header";
    case CPIO_E_MAGIC: return "wrong magic (not 070701 newc or 070702 crc)";
    case CPIO_E_FIELD: return "header field is not 8 hex digits";
    case CPIO_E_NAMESIZE: return "name size out of range";
    case CPIO_E_NAME_PAST_END: return "name runs past the end of the archive";
    case CPIO_E_NAME_NUL: return "name is not NUL-terminated";
    case CPIO_E_BODY_PAST_END: return "file size runs past the end of the archive";
    case CPIO_E_CRC: return "crc checksum mismatch";
    case CPIO_E_ALIGN: return "header not on a 4-byte boundary (broken padding)";
  }
  return "bad entry";
}

/** One parsed header; addresses are absolute, offsets relative to the archive start. */
export class CpioHeader {
  offset: usize = 0;
  crc: bool = false;
  ino: u32 = 0;
  mode: u32 = 0;
  uid: u32 = 0;
  gid: u32 = 0;
  nlink: u32 = 0;
  mtime: u32 = 0;
  filesize: u32 = 0;
  devmajor: u32 = 0;
  devminor: u32 = 0;
  rdevmajor: u32 = 0;
  rdevminor: u32 = 0;
  namesize: u32 = 0;
  check: u32 = 0;
  /** The name's bytes, up to (not including) the first NUL. */
  nameAddr: usize = 0;
  nameLen: usize = 0;
  dataAddr: usize = 0;
  /** Offset of the next header (may be past the end when the archive ends here). */
  next: usize = 0;
}

@inline function align4(x: usize): usize {
  return (x + <usize>(CPIO_ALIGN - 1)) & ~<usize>(CPIO_ALIGN - 1);
}

/** Value of one hex digit, or -1. */
@inline function hexDigit(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  let l = c | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

/** The 8-hex-digit field at `p`, or -1 if a character is not a hex digit. */
function hexField(p: usize): i64 {
  let v: i64 = 0;
  for (let i = 0; i < CPIO_FIELD_SIZE; i++) {
    let d = hexDigit(<u32>load<u8>(p + <usize>i));
    if (d < 0) return -1;
    v = (v << 4) | <i64>d;
  }
  return v;
}

/** Whether the first `n` (<= 6) bytes at `p` agree with "070701" or "070702". */
function magicPrefix(p: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) {
    let c = <u32>load<u8>(p + i);
    let want: u32 = (i & 1) != 0 ? 0x37 : 0x30; // "07070"
    if (i == 5) { if (c != 0x31 && c != 0x32) return false; }
    else if (c != want) return false;
  }
  return true;
}

/** Reads the 13 numeric fields; false if one is not hex. */
function readFields(p: usize, h: CpioHeader): bool {
  let bad = false;
  let v = hexField(p + CPIO_OFF_INO); bad = bad || v < 0; h.ino = <u32>v;
  v = hexField(p + CPIO_OFF_MODE); bad = bad || v < 0; h.mode = <u32>v;
  v = hexField(p + CPIO_OFF_UID); bad = bad || v < 0; h.uid = <u32>v;
  v = hexField(p + CPIO_OFF_GID); bad = bad || v < 0; h.gid = <u32>v;
  v = hexField(p + CPIO_OFF_NLINK); bad = bad || v < 0; h.nlink = <u32>v;
  v = hexField(p + CPIO_OFF_MTIME); bad = bad || v < 0; h.mtime = <u32>v;
  v = hexField(p + CPIO_OFF_FILESIZE); bad = bad || v < 0; h.filesize = <u32>v;
  v = hexField(p + CPIO_OFF_DEVMAJOR); bad = bad || v < 0; h.devmajor = <u32>v;
  v = hexField(p + CPIO_OFF_DEVMINOR); bad = bad || v < 0; h.devminor = <u32>v;
  v = hexField(p + CPIO_OFF_RDEVMAJOR); bad = bad || v < 0; h.rdevmajor = <u32>v;
  v = hexField(p + CPIO_OFF_RDEVMINOR); bad = bad || v < 0; h.rdevminor = <u32>v;
  v = hexField(p + CPIO_OFF_NAMESIZE); bad = bad || v < 0; h.namesize = <u32>v;
  v = hexField(p + CPIO_OFF_CHECK); bad = bad || v < 0; h.check = <u32>v;
  return !bad;
}

/**
 * Parses the header at `off` of the archive (`base`, `len`) into `h`.
 * Returns CPIO_OK or a CPIO_E_* code; nothing past base+len is ever read.
 */
export function cpioParse(base: usize, len: usize, off: usize, h: CpioHeader): i32 {
  h.offset = off;
  if (off > len) return CPIO_E_TRUNC_HEADER;
  let p = base + off;
  let have = len - off;
  if (!magicPrefix(p, have < 6 ? have : 6)) return CPIO_E_MAGIC;
  if (have < <usize>CPIO_HEADER_SIZE) return CPIO_E_TRUNC_HEADER;
  if ((off & <usize>(CPIO_ALIGN - 1)) != 0) return CPIO_E_ALIGN;
  h.crc = load<u8>(p + 5) == 0x32;
  if (!readFields(p, h)) return CPIO_E_FIELD;
  if (h.namesize == 0 || h.namesize > <u32>CPIO_NAME_MAX) return CPIO_E_NAMESIZE;
  let nameOff = off + <usize>CPIO_HEADER_SIZE;
  if (len - nameOff < <usize>h.namesize) return CPIO_E_NAME_PAST_END;
  h.nameAddr = base + nameOff;
  if (load<u8>(h.nameAddr + <usize>h.namesize - 1) != 0) return CPIO_E_NAME_NUL;
  let n: usize = 0;
  while (load<u8>(h.nameAddr + n) != 0) n++;
  h.nameLen = n;
  let dataOff = align4(nameOff + <usize>h.namesize);
  if (dataOff > len || len - dataOff < <usize>h.filesize) return CPIO_E_BODY_PAST_END;
  h.dataAddr = base + dataOff;
  h.next = align4(dataOff + <usize>h.filesize);
  return CPIO_OK;
}

/** Sum of the body bytes mod 2^32 (the crc format's "checksum"). */
export function cpioBodySum(h: CpioHeader): u32 {
  let s: u32 = 0;
  let p = h.dataAddr;
  let end = p + <usize>h.filesize;
  for (; p < end; p++) s += <u32>load<u8>(p);
  return s;
}

/** Whether the entry is "TRAILER!!!". */
export function cpioIsTrailer(h: CpioHeader): bool {
  if (h.nameLen != 10) return false;
  let p = h.nameAddr;
  // "TRAILER!!!" = 54 52 41 49 4c 45 52 21 21 21
  return load<u64>(p) == 0x2152454c49415254 && load<u16>(p + 8) == 0x2121;
}
