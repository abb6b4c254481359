// images/httpd/request.ts — the HTTP/1.1 request head parser (RFC 9112 §2-§5,
// RFC 9110 fields). Input is untrusted bytes; the parser never reads past
// `len`, never allocates per byte, and answers every malformed head with the
// status to send:
//
//   request-line = method SP request-target SP HTTP-version CRLF (bare LF accepted, §2.2)
//   field-line   = field-name ":" OWS field-value OWS CRLF
//
//   > 0   a complete head of that many bytes; `req` is filled
//   0     incomplete: read more (the limits below are not yet reached)
//   < 0   -status: 400 malformed, 414 target too long, 431 head too large,
//         405 a method other than GET/HEAD (req.method says which), 505 version
//
// Fields used: Host (required in HTTP/1.1, §3.2), Connection, Range,
// If-Modified-Since, Content-Length and Transfer-Encoding (a request body
// is not supported: the connection closes after the answer).

/** The longest request-target accepted (bytes). */
export const MAX_TARGET: i32 = 2048;
/** The longest request head (request line + fields + blank line). */
export const MAX_HEAD: i32 = 8192;

export const METHOD_GET: i32 = 1;
export const METHOD_HEAD: i32 = 2;
export const METHOD_OTHER: i32 = 3;

export class HttpRequest {
  method: i32 = 0;
  target: string = "";
  /** HTTP/1.1 (true) or HTTP/1.0. */
  http11: bool = true;
  keepAlive: bool = true;
  hasHost: bool = false;
  /** The raw Range value, "" when absent. */
  range: string = "";
  /** The raw If-Modified-Since value, "" when absent. */
  ims: string = "";
  /** The request carries a body (Content-Length > 0 or Transfer-Encoding). */
  hasBody: bool = false;

  reset(): void {
    this.method = 0; this.target = ""; this.http11 = true; this.keepAlive = true;
    this.hasHost = false; this.range = ""; this.ims = ""; this.hasBody = false;
  }
}

/** RFC 9110 §5.6.2 tchar. */
function isTchar(c: u32): bool {
  if (c >= 0x30 && c <= 0x39) return true;
  let l = c | 0x20;
  if (l >= 0x61 && l <= 0x7a) return true;
  return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a || c == 0x2b || c == 0x2d || c == 0x2e
    || c == 0x5e || c == 0x5f || c == 0x60 || c == 0x7c || c == 0x7e;
}

/** Index of the first LF in [from, end), or -1. */
function findLf(p: usize, from: i32, end: i32): i32 {
  for (let i = from; i < end; i++) if (load<u8>(p + <usize>i) == 0x0a) return i;
  return -1;
}

/** End of the line content (before CR LF or LF). */
@inline function lineEnd(p: usize, lf: i32, start: i32): i32 {
  return lf > start && load<u8>(p + <usize>(lf - 1)) == 0x0d ? lf - 1 : lf;
}

/** ASCII case-insensitive compare of bytes [a, a+n) with lower-case `lit`. */
function eqLower(p: usize, a: i32, n: i32, lit: string): bool {
  if (n != lit.length) return false;
  for (let i = 0; i < n; i++) {
    let c = <u32>load<u8>(p + <usize>(a + i));
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c != <u32>lit.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether the comma-separated list [a, b) contains token `tok` (lower-case). */
function listHas(p: usize, a: i32, b: i32, tok: string): bool {
  let i = a;
  while (i < b) {
    while (i < b && (load<u8>(p + <usize>i) == 0x20 || load<u8>(p + <usize>i) == 0x09 || load<u8>(p + <usize>i) == 0x2c)) i++;
    let s = i;
    while (i < b && load<u8>(p + <usize>i) != 0x2c) i++;
    let e = i;
    while (e > s && (load<u8>(p + <usize>(e - 1)) == 0x20 || load<u8>(p + <usize>(e - 1)) == 0x09)) e--;
    if (eqLower(p, s, e - s, tok)) return true;
  }
  return false;
}

/** Parses the request line [0, end); returns 0 or -status. */
function parseRequestLine(p: usize, end: i32, req: HttpRequest): i32 {
  let i = 0;
  while (i < end && isTchar(<u32>load<u8>(p + <usize>i))) i++;
  if (i == 0 || i >= end || load<u8>(p + <usize>i) != 0x20) return -400;
  let m = i;
  if (m == 3 && load<u8>(p) == 0x47 && load<u8>(p, 1) == 0x45 && load<u8>(p, 2) == 0x54) req.method = METHOD_GET;
  else if (m == 4 && load<u32>(p) == 0x44414548) req.method = METHOD_HEAD; // "HEAD"
  else req.method = METHOD_OTHER;
  let t0 = i + 1;
  let t1 = t0;
  while (t1 < end && load<u8>(p + <usize>t1) != 0x20) {
    let c = load<u8>(p + <usize>t1);
    if (c <= 0x20 || c >= 0x7f) return -400;
    t1++;
  }
  if (t1 == t0 || t1 >= end) return -400;
  if (t1 - t0 > MAX_TARGET) return -414;
  let v = t1 + 1;
  if (end - v != 8) return -400;
  // "HTTP/1.x"
  if (load<u32>(p + <usize>v) != 0x50545448 || load<u8>(p + <usize>(v + 4)) != 0x2f) return -400;
  let major = load<u8>(p + <usize>(v + 5)), dot = load<u8>(p + <usize>(v + 6)), minor = load<u8>(p + <usize>(v + 7));
  if (dot != 0x2e || major < 0x30 || major > 0x39 || minor < 0x30 || minor > 0x39) return -400;
  if (major != 0x31) return -505;
  req.http11 = minor != 0x30;
  req.keepAlive = req.http11;
  req.target = String.UTF8.decodeUnsafe(p + <usize>t0, <usize>(t1 - t0));
  return 0;
}

/** Parses one field line [a, b); returns 0 or -400. */
function parseField(p: usize, a: i32, b: i32, req: HttpRequest): i32 {
  let c0 = load<u8>(p + <usize>a);
  if (c0 == 0x20 || c0 == 0x09) return -400; // obs-fold (RFC 9112 §5.2)
  let i = a;
  while (i < b && isTchar(<u32>load<u8>(p + <usize>i))) i++;
  if (i == a || i >= b || load<u8>(p + <usize>i) != 0x3a) return -400; // no whitespace before ':' (§5.1)
  let n0 = a, n = i - a;
  let v0 = i + 1, v1 = b;
  while (v0 < v1 && (load<u8>(p + <usize>v0) == 0x20 || load<u8>(p + <usize>v0) == 0x09)) v0++;
  while (v1 > v0 && (load<u8>(p + <usize>(v1 - 1)) == 0x20 || load<u8>(p + <usize>(v1 - 1)) == 0x09)) v1--;
  for (let k = v0; k < v1; k++) {
    let c = load<u8>(p + <usize>k);
    if ((c < 0x20 && c != 0x09) || c == 0x7f) return -400;
  }
  if (eqLower(p, n0, n, "host")) {
    if (req.hasHost) return -400; // §3.2: more than one Host
    req.hasHost = true;
  } else if (eqLower(p, n0, n, "connection")) {
    if (listHas(p, v0, v1, "close")) req.keepAlive = false;
    else if (listHas(p, v0, v1, "keep-alive")) req.keepAlive = true;
  } else if (eqLower(p, n0, n, "range")) {
    req.range = String.UTF8.decodeUnsafe(p + <usize>v0, <usize>(v1 - v0));
  } else if (eqLower(p, n0, n, "if-modified-since")) {
    req.ims = String.UTF8.decodeUnsafe(p + <usize>v0, <usize>(v1 - v0));
  } else if (eqLower(p, n0, n, "content-length")) {
    if (v1 == v0) return -400;
    for (let k = v0; k < v1; k++) {
      let c = load<u8>(p + <usize>k);
      if (c < 0x30 || c > 0x39) return -400;
      if (c != 0x30) req.hasBody = true;
    }
  } else if (eqLower(p, n0, n, "transfer-encoding")) {
    req.hasBody = true;
  }
  return 0;
}

/** Parses a request head from buf[0, len) (file comment). */
export function httpParse(buf: usize, len: i32, req: HttpRequest): i32 {
  req.reset();
  let start = 0;
  // RFC 9112 §2.2: ignore at least one empty line before the request-line
  while (start < len && start < 4 && (load<u8>(buf + <usize>start) == 0x0d || load<u8>(buf + <usize>start) == 0x0a)) start++;
  let lf = findLf(buf, start, len);
  if (lf < 0) {
    if (len - start > MAX_TARGET + 64) return -414;
    return len >= MAX_HEAD ? -431 : 0;
  }
  let r = parseRequestLine(buf + <usize>start, lineEnd(buf, lf, start) - start, req);
  if (r < 0) return r;
  let pos = lf + 1;
  while (true) {
    let l = findLf(buf, pos, len < MAX_HEAD ? len : MAX_HEAD);
    if (l < 0) return len >= MAX_HEAD ? -431 : 0;
    let e = lineEnd(buf, l, pos);
    if (e == pos) { pos = l + 1; break; }
    r = parseField(buf, pos, e, req);
    if (r < 0) return r;
    pos = l + 1;
  }
  if (req.http11 && !req.hasHost) return -400;
  if (req.method == METHOD_OTHER) return -405;
  return pos;
}
