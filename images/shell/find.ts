// images/shell/find.ts — `find PATH` and `ls PATH` over kernel/vfs.
//
// find prints one line per entry under PATH (PATH itself included), sorted
// bytewise by the UTF-8 path (issue 4):
//
//   TYPE MODE SIZE SHA256 PATH[ -> TARGET]
//
// TYPE d/f/l (p FIFO, s socket, c/b devices); MODE the permission bits as 4 octal digits; SIZE the byte size
// (`-` for directories, the target's UTF-8 length for symlinks); SHA256 the
// hex digest of a file's content (`-` for directories and symlinks).
// PATH and TARGET are printed escaped (kernel utf8Escape, as `ls -b`): a name
// cannot forge a line or reach the terminal as an escape sequence.
// The walk keeps its own stack (no recursion): any depth the filesystem
// holds is walked in bounded kernel stack.
// Errors: the first failing call's errno, with the path it failed on.

import {
  DirEntry, O_DIRECTORY, O_RDONLY, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK,
  Stat, VRef,
  vfsClose, vfsLstat, vfsOpen, vfsRead, vfsReaddir, vfsReadlink,
} from "asuk/kernel/vfs/index";
import { utf8Encode, utf8Escape, utf8Length } from "asuk/kernel/index";
import { sha256Hex, sha256Reset, sha256Update } from "./sha256";

const CHUNK: usize = 1 << 16;
let chunk: usize = 0;

/** A scratch buffer for file reads (allocated once). */
export function readBuffer(): usize {
  if (chunk == 0) chunk = heap.alloc(CHUNK);
  return chunk;
}
/** Bytes in readBuffer(). */
export const READ_CHUNK: usize = CHUNK;

/** The failing path of the last error (set by the functions below). */
export let failPath: string = "";

/** One output line with its sort key. */
class Line {
  key: ArrayBuffer;
  text: string;
  constructor(path: string, text: string) {
    this.key = utf8Encode(path);
    this.text = text;
  }
}

function byBytes(a: Line, b: Line): i32 {
  let la = a.key.byteLength, lb = b.key.byteLength;
  let n = la < lb ? la : lb;
  let c = memory.compare(changetype<usize>(a.key), changetype<usize>(b.key), <usize>n);
  return c != 0 ? c : la - lb;
}

/** `dir` + "/" + `name` without doubling the slash. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : dir + "/" + name;
}

/** Permission bits as 4 octal digits. */
export function modeOctal(mode: u32): string {
  let s = (mode & 0o7777).toString(8);
  while (s.length < 4) s = "0" + s;
  return s;
}

/** SHA-256 of the file at `path` (hex), or "" after setting failPath; `err` receives the errno. */
export function fileDigest(path: string, err: StaticArray<i32>): string {
  let fd = vfsOpen(path, O_RDONLY);
  if (fd < 0) { failPath = path; err[0] = fd; return ""; }
  let buf = readBuffer();
  sha256Reset();
  while (true) {
    let n = vfsRead(fd, buf, CHUNK);
    if (n < 0) { vfsClose(fd); failPath = path; err[0] = <i32>n; return ""; }
    if (n == 0) break;
    sha256Update(buf, <usize>n);
  }
  vfsClose(fd);
  return sha256Hex();
}

/** The names in directory `path` (unsorted), or null with err[0] set. */
export function listDir(path: string, err: StaticArray<i32>): string[] | null {
  let fd = vfsOpen(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) { failPath = path; err[0] = fd; return null; }
  let out = new Array<string>();
  let de = new DirEntry();
  while (true) {
    let r = vfsReaddir(fd, de);
    if (r < 0) { vfsClose(fd); failPath = path; err[0] = r; return null; }
    if (r == 0) break;
    out.push(de.name);
  }
  vfsClose(fd);
  return out;
}

/** The type letter of a mode: d l f, p (FIFO), s (socket), c b (devices), ? (unknown). */
export function typeLetter(mode: u32): string {
  let t = mode & S_IFMT;
  if (t == S_IFDIR) return "d";
  if (t == S_IFLNK) return "l";
  if (t == S_IFREG) return "f";
  if (t == S_IFIFO) return "p";
  if (t == S_IFSOCK) return "s";
  if (t == S_IFCHR) return "c";
  if (t == S_IFBLK) return "b";
  return "?";
}

/** The find line for `path` with stat `st`, or "" with err[0] set. */
function describe(path: string, st: Stat, err: StaticArray<i32>): string {
  let t = st.mode & S_IFMT;
  let mode = modeOctal(st.mode);
  let shown = utf8Escape(path);
  if (t == S_IFDIR) return "d " + mode + " - - " + shown;
  if (t == S_IFLNK) {
    let ref = new VRef();
    let r = vfsReadlink(path, ref);
    if (r < 0) { failPath = path; err[0] = r; return ""; }
    let len = utf8Length(ref.str);
    return "l " + mode + " " + len.toString() + " - " + shown + " -> " + utf8Escape(ref.str);
  }
  if (t != S_IFREG) return typeLetter(st.mode) + " " + mode + " " + st.size.toString() + " - " + shown;
  let hex = fileDigest(path, err);
  if (hex.length == 0) return "";
  return "f " + mode + " " + st.size.toString() + " " + hex + " " + shown;
}

/**
 * Appends the lines of `top` and everything under it to `out`, depth first
 * with an explicit stack of paths still to visit. 0 or -errno (failPath set).
 */
function walk(top: string, out: Line[], err: StaticArray<i32>): i32 {
  let todo = new Array<string>();
  todo.push(top);
  let st = new Stat();
  while (todo.length > 0) {
    let path = todo.pop();
    let r = vfsLstat(path, st);
    if (r < 0) { failPath = path; return r; }
    let text = describe(path, st, err);
    if (text.length == 0) return err[0];
    out.push(new Line(path, text));
    if ((st.mode & S_IFMT) != S_IFDIR) continue;
    let names = listDir(path, err);
    if (names === null) return err[0];
    for (let i = names.length - 1; i >= 0; i--) todo.push(joinPath(path, names[i]));
  }
  return 0;
}

/** The sorted find lines for `path`, or null with err[0] set and failPath. */
export function findLines(path: string, err: StaticArray<i32>): string[] | null {
  let lines = new Array<Line>();
  let r = walk(path, lines, err);
  if (r < 0) { err[0] = r; return null; }
  lines.sort(byBytes);
  let out = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = lines[i].text;
  return out;
}

/** `names` sorted bytewise by their bytes (the strings as they are, not escaped). */
export function sortNames(names: string[]): string[] {
  let lines = new Array<Line>();
  for (let i = 0; i < names.length; i++) lines.push(new Line(names[i], names[i]));
  lines.sort(byBytes);
  let out = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = lines[i].text;
  return out;
}
