// images/httpd/path.ts — request-target to a path under the root, before any
// file is touched (RFC 9112 §3.2 origin-form, RFC 3986 §2.1 percent-encoding,
// §5.2.4 dot segments).
//
//   "/a/b%20c/?q=1"  -> segments ["a", "b c"], dirSlash = true
//   "/../etc/passwd" -> ESCAPE (403): ".." above the root
//   "/%2e%2e/x"      -> the same: dots and slashes are decoded first, then
//                       dot segments are removed, so no encoding hides one
//   "/a%00"          -> BAD (400): NUL; bad %XX; not origin-form
//
// Symlinks are the file layer's job (files.ts walks them under the root).

export const PATH_OK: i32 = 0;
export const PATH_BAD: i32 = -400;
export const PATH_ESCAPE: i32 = -403;

export class ReqPath {
  segs: string[] = [];
  /** The target's path ended in "/" (a directory was asked for). */
  dirSlash: bool = false;
  /** The raw path part (for a redirect's Location), without the query. */
  raw: string = "";
  /** The raw query, with its "?", or "". */
  query: string = "";
}

function hexVal(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  let l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Percent-decodes `s` into bytes; null on a bad escape or a decoded NUL. */
function pctDecode(s: string): Uint8Array | null {
  let src = String.UTF8.encode(s);
  let n = src.byteLength;
  let p = changetype<usize>(src);
  let out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    let c = <i32>load<u8>(p + <usize>i);
    if (c == 0x25) {
      if (i + 2 >= n) return null;
      let h = hexVal(<i32>load<u8>(p + <usize>(i + 1))), l = hexVal(<i32>load<u8>(p + <usize>(i + 2)));
      if (h < 0 || l < 0) return null;
      c = (h << 4) | l;
      i += 2;
    }
    if (c == 0) return null;
    out[o++] = <u8>c;
  }
  return out.subarray(0, o);
}

/** Fills `out` from a request-target; returns PATH_OK, PATH_BAD or PATH_ESCAPE. */
export function pathParse(target: string, out: ReqPath): i32 {
  let t = target;
  if (t.startsWith("http://") || t.startsWith("https://")) { // absolute-form (§3.2.2)
    let s = t.indexOf("/", t.indexOf("//") + 2);
    t = s < 0 ? "/" : t.substring(s);
  }
  if (!t.startsWith("/")) return PATH_BAD;
  let h = t.indexOf("#");
  if (h >= 0) t = t.substring(0, h);
  let q = t.indexOf("?");
  out.query = q >= 0 ? t.substring(q) : "";
  out.raw = q >= 0 ? t.substring(0, q) : t;
  let bytes = pctDecode(out.raw);
  if (bytes === null) return PATH_BAD;
  let segs = new Array<string>();
  let n = bytes.length;
  let i = 0;
  let lastWasDir = true;
  while (i < n) {
    while (i < n && bytes[i] == 0x2f) i++;
    if (i >= n) { lastWasDir = true; break; }
    let s = i;
    while (i < n && bytes[i] != 0x2f) i++;
    let len = i - s;
    lastWasDir = i < n;
    if (len == 1 && bytes[s] == 0x2e) { lastWasDir = true; continue; }
    if (len == 2 && bytes[s] == 0x2e && bytes[s + 1] == 0x2e) {
      if (segs.length == 0) return PATH_ESCAPE;
      segs.pop();
      lastWasDir = true;
      continue;
    }
    segs.push(String.UTF8.decodeUnsafe(bytes.dataStart + <usize>s, <usize>len));
  }
  out.segs = segs;
  out.dirSlash = lastWasDir;
  return PATH_OK;
}
