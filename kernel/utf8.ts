// kernel/utf8.ts — names from outside (archive entries, host files, the
// command line) are untrusted bytes. One policy for every filesystem:
//
//   - the bytes are kept exactly (as Linux does). A valid UTF-8 sequence
//     (RFC 3629: shortest form, no surrogates, <= U+10FFFF) decodes to its
//     code point; every byte that is not part of one becomes the lone
//     surrogate U+DC00 + byte (U+DC80..U+DCFF, Python's "surrogateescape",
//     PEP 383). Encoding maps those back to the byte, so decode/encode is a
//     bijection: two different byte names never become one string, and no
//     name becomes empty. Comparing the strings compares the bytes.
//   - printing: utf8Escape(s) writes control bytes and invalid bytes as
//     `ls -b` does (`\n`, `\t`, `\033`, `\377`, `\\`), so a name can neither
//     forge an output line nor send a terminal escape sequence.
//
// Nothing here allocates beyond the returned string/buffer.

/** Length of the valid UTF-8 sequence at p[i] (1..4), or 0 when p[i] starts none. */
function seqLen(p: usize, i: usize, n: usize): i32 {
  let b = <u32>load<u8>(p + i);
  if (b < 0x80) return 1;
  if (b < 0xc2 || b > 0xf4) return 0;
  let len: i32 = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
  if (i + <usize>len > n) return 0;
  let b1 = <u32>load<u8>(p + i + 1);
  let lo: u32 = 0x80, hi: u32 = 0xbf;
  if (b == 0xe0) lo = 0xa0;
  else if (b == 0xed) hi = 0x9f;
  else if (b == 0xf0) lo = 0x90;
  else if (b == 0xf4) hi = 0x8f;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < len; k++) {
    let c = <u32>load<u8>(p + i + <usize>k);
    if ((c & 0xc0) != 0x80) return 0;
  }
  return len;
}

/** The code point of the valid sequence of `len` bytes at p. */
function seqDecode(p: usize, len: i32): u32 {
  let b = <u32>load<u8>(p);
  if (len == 1) return b;
  let cp = b & (0x7f >> len);
  for (let k = 1; k < len; k++) cp = (cp << 6) | (<u32>load<u8>(p + <usize>k) & 0x3f);
  return cp;
}

/** True when the n bytes at p are valid UTF-8. */
export function utf8Valid(p: usize, n: usize): bool {
  let i: usize = 0;
  while (i < n) {
    let l = seqLen(p, i, n);
    if (l == 0) return false;
    i += <usize>l;
  }
  return true;
}

/** Decodes n bytes at p, keeping every byte (file comment). */
export function utf8Decode(p: usize, n: usize): string {
  if (utf8Valid(p, n)) return String.UTF8.decodeUnsafe(p, n, false);
  // At most one UTF-16 unit per byte.
  let out = heap.alloc(n << 1);
  let o: usize = 0;
  let i: usize = 0;
  while (i < n) {
    let l = seqLen(p, i, n);
    if (l == 0) {
      store<u16>(out + (o++ << 1), <u16>(0xdc00 | <u32>load<u8>(p + i)));
      i++;
      continue;
    }
    let cp = seqDecode(p + i, l);
    i += <usize>l;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      store<u16>(out + (o++ << 1), <u16>(0xd800 | (cp >> 10)));
      store<u16>(out + (o++ << 1), <u16>(0xdc00 | (cp & 0x3ff)));
    } else {
      store<u16>(out + (o++ << 1), <u16>cp);
    }
  }
  let s = String.UTF16.decodeUnsafe(out, o << 1);
  heap.free(out);
  return s;
}

/**
 * The code point at s[i] for encoding: a surrogate pair's code point, an
 * escaped byte as -(byte) - 1, any other lone surrogate as U+FFFD.
 * `pair` receives 2 when two units were used.
 */
function unitAt(s: string, i: i32, pair: StaticArray<i32>): i32 {
  let c = <i32>s.charCodeAt(i);
  pair[0] = 1;
  if (c < 0xd800 || c >= 0xe000) return c;
  if (c < 0xdc00 && i + 1 < s.length) {
    let d = <i32>s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d < 0xe000) { pair[0] = 2; return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); }
  }
  if (c >= 0xdc80 && c <= 0xdcff) return -(c & 0xff) - 1;
  return 0xfffd;
}

const pairBuf = new StaticArray<i32>(1);

/** Bytes of code point (or escaped byte) `cp` as unitAt returns it. */
function cpBytes(cp: i32): i32 {
  if (cp < 0) return 1;
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** True when `s` holds a surrogate (a pair or an escaped byte). */
function hasSurrogate(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xe000) return true;
  }
  return false;
}

/** The encoded byte length of `s` (escaped bytes count one). */
export function utf8Length(s: string): i32 {
  if (!hasSurrogate(s)) return String.UTF8.byteLength(s);
  let n = 0;
  for (let i = 0; i < s.length; i += pairBuf[0]) n += cpBytes(unitAt(s, i, pairBuf));
  return n;
}

/** Writes `cp` (unitAt's form) at p; returns the bytes written. */
function putCp(p: usize, cp: i32): i32 {
  if (cp < 0) { store<u8>(p, <u8>(-cp - 1)); return 1; }
  if (cp < 0x80) { store<u8>(p, <u8>cp); return 1; }
  if (cp < 0x800) {
    store<u8>(p, <u8>(0xc0 | (cp >> 6)));
    store<u8>(p + 1, <u8>(0x80 | (cp & 0x3f)));
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(p, <u8>(0xe0 | (cp >> 12)));
    store<u8>(p + 1, <u8>(0x80 | ((cp >> 6) & 0x3f)));
    store<u8>(p + 2, <u8>(0x80 | (cp & 0x3f)));
    return 3;
  }
  store<u8>(p, <u8>(0xf0 | (cp >> 18)));
  store<u8>(p + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)));
  store<u8>(p + 2, <u8>(0x80 | ((cp >> 6) & 0x3f)));
  store<u8>(p + 3, <u8>(0x80 | (cp & 0x3f)));
  return 4;
}

/** Encodes `s` back to its bytes (escaped bytes become the byte again). */
export function utf8Encode(s: string): ArrayBuffer {
  if (!hasSurrogate(s)) return String.UTF8.encode(s);
  let buf = new ArrayBuffer(utf8Length(s));
  let p = changetype<usize>(buf);
  for (let i = 0; i < s.length; i += pairBuf[0]) p += <usize>putCp(p, unitAt(s, i, pairBuf));
  return buf;
}

/** Writes utf8Encode(s) at p (room for utf8Length(s) bytes); returns the byte count. */
export function utf8EncodeAt(s: string, p: usize): i32 {
  let start = p;
  for (let i = 0; i < s.length; i += pairBuf[0]) p += <usize>putCp(p, unitAt(s, i, pairBuf));
  return <i32>(p - start);
}

/** True when code unit c must be escaped for printing. */
function needsEscape(c: i32): bool {
  return c < 0x20 || c == 0x7f || c == 0x5c || (c >= 0x80 && c < 0xa0) || (c >= 0xd800 && c < 0xe000);
}

/** `\ooo` for byte b. */
function octal(b: i32): string {
  return "\\" + String.fromCharCode(0x30 + ((b >> 6) & 7)) + String.fromCharCode(0x30 + ((b >> 3) & 7)) +
    String.fromCharCode(0x30 + (b & 7));
}

/** The escape for code point cp (unitAt's form) that needsEscape flagged. */
function escapeOf(cp: i32): string {
  if (cp < 0) return octal(-cp - 1);
  if (cp == 0x5c) return "\\\\";
  if (cp == 0x0a) return "\\n";
  if (cp == 0x09) return "\\t";
  if (cp == 0x0d) return "\\r";
  if (cp == 0x07) return "\\a";
  if (cp == 0x08) return "\\b";
  if (cp == 0x0b) return "\\v";
  if (cp == 0x0c) return "\\f";
  if (cp < 0x80) return octal(cp);
  if (cp < 0xa0) return octal(0xc0 | (cp >> 6)) + octal(0x80 | (cp & 0x3f)); // C1 controls
  return String.fromCodePoint(cp);
}

/**
 * `s` made safe to print, as `ls -b` shows names: control characters (C0,
 * DEL, C1) and bytes that are not UTF-8 as `\n`, `\t`, `\033`, `\377`...,
 * a backslash as `\\`; everything else as is.
 */
export function utf8Escape(s: string): string {
  let i = 0;
  while (i < s.length && !needsEscape(<i32>s.charCodeAt(i))) i++;
  if (i == s.length) return s;
  let parts = new Array<string>();
  parts.push(s.substring(0, i));
  while (i < s.length) {
    let c = <i32>s.charCodeAt(i);
    if (!needsEscape(c)) { parts.push(String.fromCharCode(c)); i++; continue; }
    let cp = unitAt(s, i, pairBuf);
    i += pairBuf[0];
    parts.push(cp >= 0x10000 ? String.fromCodePoint(cp) : escapeOf(cp));
  }
  return parts.join("");
}
