// images/httpd/range.ts — one byte range (RFC 9110 §14.1.2, §14.2):
//   "bytes=A-B"  A..B (B clipped to size - 1)   "bytes=A-"  A..end
//   "bytes=-N"   the last N bytes
// Several ranges, other units or a malformed value: the Range field is
// ignored and the whole file sent (§14.2 allows that). A range that starts
// at or past the end is unsatisfiable: 416.

export const RANGE_NONE: i32 = 0;
export const RANGE_OK: i32 = 1;
export const RANGE_UNSATISFIABLE: i32 = 2;

export class ByteRange {
  first: u64 = 0;
  /** Inclusive. */
  last: u64 = 0;
}

function digits(s: string, a: i32, b: i32): i64 {
  if (a >= b || b - a > 18) return -1;
  let v: i64 = 0;
  for (let i = a; i < b; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + <i64>(c - 0x30);
  }
  return v;
}

/** Decides the range of a `size`-byte file that `value` asks for; fills `out` when RANGE_OK. */
export function rangeParse(value: string, size: u64, out: ByteRange): i32 {
  if (value.length == 0 || !value.startsWith("bytes=")) return RANGE_NONE;
  let v = value.substring(6).trim();
  if (v.indexOf(",") >= 0) return RANGE_NONE;
  let dash = v.indexOf("-");
  if (dash < 0) return RANGE_NONE;
  if (dash == 0) {
    let n = digits(v, 1, v.length);
    if (n < 0) return RANGE_NONE;
    if (n == 0 || size == 0) return RANGE_UNSATISFIABLE;
    out.first = <u64>n >= size ? 0 : size - <u64>n;
    out.last = size - 1;
    return RANGE_OK;
  }
  let a = digits(v, 0, dash);
  if (a < 0) return RANGE_NONE;
  let b: i64 = dash + 1 == v.length ? -2 : digits(v, dash + 1, v.length);
  if (b == -1 || (b >= 0 && b < a)) return RANGE_NONE;
  if (<u64>a >= size) return RANGE_UNSATISFIABLE;
  out.first = <u64>a;
  out.last = b < 0 || <u64>b >= size ? size - 1 : <u64>b;
  return RANGE_OK;
}
