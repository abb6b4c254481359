// wasi/errno.ts — WASI preview1 errno values (witx `errno`) and the map from
// Linux's (include/uapi/asm-generic/errno*.h).

export const E_SUCCESS: i32 = 0, E_2BIG: i32 = 1, E_ACCES: i32 = 2, E_AGAIN: i32 = 6, E_BADF: i32 = 8,
  E_EXIST: i32 = 20, E_FAULT: i32 = 21, E_INVAL: i32 = 28, E_IO: i32 = 29, E_ISDIR: i32 = 31,
  E_LOOP: i32 = 32, E_NAMETOOLONG: i32 = 37, E_NOENT: i32 = 44, E_NOMEM: i32 = 48, E_NOSYS: i32 = 52,
  E_NOTDIR: i32 = 54, E_NOTEMPTY: i32 = 55, E_NOTSOCK: i32 = 57, E_NOTSUP: i32 = 58, E_PERM: i32 = 63,
  E_SPIPE: i32 = 70, E_XDEV: i32 = 75, E_NOTCAPABLE: i32 = 76, E_OVERFLOW: i32 = 61, E_MFILE: i32 = 33;

// Index: Linux errno 0..133; value: WASI errno (29 = io for the unmapped).
const MAP: StaticArray<u8> = [
  0, 63, 44, 71, 27, 29, 60, 1, 45, 8, 12, 6, 48, 2, 21, 29, 10, 20, 75, 43,
  54, 31, 28, 41, 33, 59, 74, 22, 51, 70, 69, 34, 64, 18, 68, 16, 37, 46, 52, 55,
  32, 29, 49, 24, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29,
  29, 29, 29, 29, 29, 29, 29, 47, 29, 29, 29, 65, 36, 29, 9, 61, 29, 29, 29, 29,
  29, 29, 29, 29, 25, 29, 29, 29, 57, 17, 35, 67, 50, 66, 58, 58, 29, 5, 3, 4,
  38, 40, 39, 13, 15, 42, 30, 53, 29, 29, 73, 14, 29, 23, 7, 26, 72, 29, 29, 29,
  29, 29, 19, 29, 29, 11, 29, 29, 29, 29, 62, 56, 29, 29,
];

/** WASI errno for a negative Linux result r (r < 0). */
export function errnoOf(r: i64): i32 {
  const e = <i32>-r;
  return e >= 0 && e < MAP.length ? <i32>MAP[e] : E_IO;
}
