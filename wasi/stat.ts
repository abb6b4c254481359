// wasi/stat.ts — Linux struct stat -> WASI filestat / filetype, and fd checks.
//
// filestat (64 bytes): dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24,
// size u64 @32, atim @40, mtim @48, ctim @56 (ns).

import { fdKind, fdBase, KIND_FREE } from './fd';
import { E_BADF, E_NOTCAPABLE, E_SUCCESS } from './errno';
import { S_IFMT } from './linux';

/** WASI filetype of a Linux st_mode: unknown 0, block 1, char 2, dir 3, regular 4, dgram 5, stream 6, symlink 7. */
export function filetypeOf(mode: u32): u8 {
  switch ((mode & S_IFMT) >> 12) {
    case 2: return 2;
    case 4: return 3;
    case 6: return 1;
    case 8: return 4;
    case 10: return 7;
    case 12: return 6;
    default: return 0;
  }
}

/** Fills the 64-byte filestat at dst from the struct stat at st. */
export function toFilestat(dst: usize, st: usize): void {
  memory.fill(dst, 0, 64);
  store<u64>(dst, load<u64>(st));
  store<u64>(dst, load<u64>(st, 8), 8);
  store<u8>(dst, filetypeOf(load<u32>(st, 24)), 16);
  store<u64>(dst, load<u64>(st, 16), 24);
  store<u64>(dst, load<u64>(st, 48), 32);
  for (let k = 0; k < 3; k++) {
    store<u64>(dst + 40 + 8 * k, load<u64>(st + 72 + 16 * k) * 1_000_000_000 + load<u64>(st + 80 + 16 * k));
  }
}

/** 0 when fd is open and holds every right in `need`; else EBADF or ENOTCAPABLE. */
export function checkFd(fd: i32, need: u64): i32 {
  if (fdKind(fd) == KIND_FREE) return E_BADF;
  return (fdBase(fd) & need) == need ? E_SUCCESS : E_NOTCAPABLE;
}
