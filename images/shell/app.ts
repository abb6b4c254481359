// images/shell — the app every filesystem test drives (issue 4). Map:
//
//   app.ts     main: the command list, one function per command, error lines
//   parse.ts   the command list from the kernel command line (`;`, quotes)
//   find.ts    find / ls walks, the `TYPE MODE SIZE SHA256 PATH[ -> TARGET]` lines
//   sha256.ts  SHA-256 (FIPS 180-4) over raw memory
//
// Commands (after `--` on the kernel command line, separated by `;`):
//   ls PATH, cat PATH, stat PATH (type= d l f p s c b), find PATH, write PATH TEXT, append PATH TEXT,
//   mkdir PATH, rm PATH, rmdir PATH, mv A B, ln -s TARGET PATH, ln A B,
//   chmod MODE PATH (octal), seekwrite PATH OFF TEXT, seekread PATH OFF LEN
//   (lseek then write/read: holes past the end read as zeros, shown as `.`),
//   mounts, echo TEXT, uptime (`boot: N us` from stub entry to main, `now: N us`)
// TEXT is the rest of the command's words joined by one space; write/append
// store it without a newline. cat prints a file as is, plus a newline when it
// does not end with one. A failing command prints `error: CMD: PATH: ENAME`
// and the exit status is then 1 (the other commands still run), else 0.
// Names are printed escaped (kernel utf8Escape, as `ls -b`: `\n`, `\033`, `\377`).

import { bootTimeUs, cstrLen, mbCmdline, uptimeUs, utf8Decode, utf8Encode, utf8Escape } from "asuk/kernel/index";
import { rootfsSourceOf } from "asuk/kernel/rootfs/index";
import { printBytes as outBytes, println as outLine } from "asuk/kernel/index";
import { O_APPEND, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, SEEK_SET, Stat, errnoName } from "asuk/files";
import {
  Errno, S_IFDIR, S_IFLNK, S_IFMT, vfsClose, vfsLink, vfsLstat, vfsMkdir, vfsMountAt, vfsMountCount, vfsOpen, vfsRead,
  vfsChmod, vfsLseek, vfsRename, vfsRmdir, vfsSymlink, vfsUnlink, vfsWrite,
} from "asuk/kernel/vfs/index";
import { shellCommands } from "./parse";
import { READ_CHUNK, failPath, findLines, listDir, modeOctal, readBuffer, sortNames, typeLetter } from "./find";

const err = new StaticArray<i32>(1);

/** Prints `error: CMD: PATH: ENAME`; returns 1. */
function fail(cmd: string, path: string, e: i32): i32 {
  outLine("error: " + cmd + ": " + utf8Escape(path) + ": " + errnoName(e));
  return 1;
}

/** Word `i` of `w`, or "" when missing. */
function arg(w: string[], i: i32): string { return i < w.length ? w[i] : ""; }

/** Words from `i` on, joined by one space. */
function rest(w: string[], i: i32): string { return i < w.length ? w.slice(i).join(" ") : ""; }

function cmdLs(path: string): i32 {
  let st = new Stat();
  let r = vfsLstat(path, st);
  if (r < 0) return fail("ls", path, r);
  if ((st.mode & S_IFMT) != S_IFDIR) { outLine(utf8Escape(path)); return 0; }
  let names = listDir(path, err);
  if (names === null) return fail("ls", failPath, err[0]);
  let sorted = sortNames(names);
  for (let i = 0; i < sorted.length; i++) outLine(utf8Escape(sorted[i]));
  return 0;
}

function cmdCat(path: string): i32 {
  let fd = vfsOpen(path, O_RDONLY);
  if (fd < 0) return fail("cat", path, fd);
  let buf = readBuffer();
  let last: u8 = 0x0a;
  while (true) {
    let n = vfsRead(fd, buf, READ_CHUNK);
    if (n < 0) { vfsClose(fd); return fail("cat", path, <i32>n); }
    if (n == 0) break;
    outBytes(buf, <usize>n);
    last = load<u8>(buf + <usize>n - 1);
  }
  vfsClose(fd);
  if (last != 0x0a) outLine("");
  return 0;
}

function cmdStat(path: string): i32 {
  let st = new Stat();
  let r = vfsLstat(path, st);
  if (r < 0) return fail("stat", path, r);
  outLine(utf8Escape(path) + ": type=" + typeLetter(st.mode) + " mode=" + modeOctal(st.mode) + " size=" + st.size.toString() +
    " nlink=" + st.nlink.toString() + " ino=" + st.ino.toString() + " uid=" + st.uid.toString() +
    " gid=" + st.gid.toString() + " mtime=" + st.mtime.toString() + " dev=" + st.dev.toString());
  return 0;
}

function cmdFind(path: string): i32 {
  let lines = findLines(path, err);
  if (lines === null) return fail("find", failPath, err[0]);
  for (let i = 0; i < lines.length; i++) outLine(lines[i]);
  return 0;
}

/** write (flags O_TRUNC) and append (O_APPEND). */
function cmdWrite(cmd: string, path: string, text: string, flags: i32): i32 {
  let fd = vfsOpen(path, O_WRONLY | O_CREAT | flags, 0o644);
  if (fd < 0) return fail(cmd, path, fd);
  let bytes = utf8Encode(text);
  let n = vfsWrite(fd, changetype<usize>(bytes), <usize>bytes.byteLength);
  vfsClose(fd);
  if (n < 0) return fail(cmd, path, <i32>n);
  if (n != bytes.byteLength) return fail(cmd, path, -Errno.EIO);
  return 0;
}

function cmdMounts(): i32 {
  for (let i = 0; i < vfsMountCount(); i++) {
    let m = vfsMountAt(i);
    let src = rootfsSourceOf(m.fs);
    let dev = src !== null ? src.dev : "-";
    let driver = src !== null ? src.driver : "-";
    outLine(utf8Escape(dev) + " " + utf8Escape(m.path) + " " + m.fs.name + " " + driver);
  }
  return 0;
}

/** `r` < 0: the error line for `cmd` on `path`; 0 otherwise. */
function check(cmd: string, path: string, r: i32): i32 { return r < 0 ? fail(cmd, path, r) : 0; }

function cmdLn(w: string[]): i32 {
  if (arg(w, 1) == "-s") {
    if (w.length != 4) return fail("ln", arg(w, 3), -Errno.EINVAL);
    return check("ln", w[3], vfsSymlink(w[2], w[3]));
  }
  if (w.length != 3) return fail("ln", arg(w, 2), -Errno.EINVAL);
  return check("ln", w[2], vfsLink(w[1], w[2]));
}

/** A decimal argument, or -1 when it is not one. */
function decimal(s: string): i64 {
  if (s.length == 0 || s.length > 12) return -1;
  let v: i64 = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + <i64>(c - 0x30);
  }
  return v;
}

/** `seekwrite PATH OFF TEXT` / `seekread PATH OFF LEN`: lseek(SEEK_SET), then one write or read. */
function cmdSeek(w: string[]): i32 {
  let cmd = w[0], path = arg(w, 1), off = decimal(arg(w, 2));
  if (off < 0 || w.length < 4) return fail(cmd, path, -Errno.EINVAL);
  let writing = cmd == "seekwrite";
  let fd = vfsOpen(path, writing ? O_RDWR | O_CREAT : O_RDONLY);
  if (fd < 0) return fail(cmd, path, fd);
  let r = vfsLseek(fd, off, SEEK_SET);
  if (r == off && writing) {
    let bytes = utf8Encode(rest(w, 3));
    r = vfsWrite(fd, changetype<usize>(bytes), <usize>bytes.byteLength);
  } else if (r == off) {
    let len = decimal(w[3]);
    if (len < 0 || len > 4096) { vfsClose(fd); return fail(cmd, path, -Errno.EINVAL); }
    let buf = new Uint8Array(<i32>len);
    r = vfsRead(fd, buf.dataStart, <usize>len);
    let s = "";
    for (let i = 0; i < <i32>r; i++) s += buf[i] == 0 ? "." : String.fromCharCode(buf[i]);
    if (r >= 0) outLine(s);
  }
  vfsClose(fd);
  return r < 0 ? fail(cmd, path, <i32>r) : 0;
}

/** `chmod MODE PATH`, MODE in octal (e.g. 0640). */
function cmdChmod(w: string[]): i32 {
  if (w.length != 3) return fail("chmod", arg(w, 2).length > 0 ? w[2] : "-", -Errno.EINVAL);
  let mode: u32 = 0;
  for (let i = 0; i < w[1].length; i++) {
    let c = w[1].charCodeAt(i);
    if (c < 0x30 || c > 0x37 || i >= 5) return fail("chmod", w[2], -Errno.EINVAL);
    mode = mode * 8 + <u32>(c - 0x30);
  }
  return check("chmod", w[2], vfsChmod(w[2], mode));
}

/** Runs one command; returns 0 or 1. */
function run(w: string[]): i32 {
  let cmd = w[0];
  let p = arg(w, 1);
  let needsPath = cmd != "mounts" && cmd != "echo" && cmd != "ln" && cmd != "chmod" && cmd != "ls" && cmd != "find" && cmd != "uptime";
  if (needsPath && p.length == 0) return fail(cmd, "-", -Errno.EINVAL);
  if (cmd == "ls") return cmdLs(p.length > 0 ? p : "/");
  if (cmd == "cat") return cmdCat(p);
  if (cmd == "stat") return cmdStat(p);
  if (cmd == "find") return cmdFind(p.length > 0 ? p : "/");
  if (cmd == "write") return cmdWrite(cmd, p, rest(w, 2), O_TRUNC);
  if (cmd == "append") return cmdWrite(cmd, p, rest(w, 2), O_APPEND);
  if (cmd == "mkdir") return check(cmd, p, vfsMkdir(p, 0o755));
  if (cmd == "rm") return check(cmd, p, vfsUnlink(p));
  if (cmd == "rmdir") return check(cmd, p, vfsRmdir(p));
  if (cmd == "mv") return w.length != 3 ? fail(cmd, p, -Errno.EINVAL) : check(cmd, p, vfsRename(p, w[2]));
  if (cmd == "ln") return cmdLn(w);
  if (cmd == "chmod") return cmdChmod(w);
  if (cmd == "seekwrite" || cmd == "seekread") return cmdSeek(w);
  if (cmd == "mounts") return cmdMounts();
  if (cmd == "echo") { outLine(rest(w, 1)); return 0; }
  if (cmd == "uptime") { outLine("boot: " + bootTimeUs().toString() + " us, now: " + uptimeUs().toString() + " us"); return 0; }
  return fail(cmd, p.length > 0 ? p : "-", -Errno.ENOSYS);
}

/** The raw multiboot command line ("" when absent). */
function rawCmdline(): string {
  let p = mbCmdline();
  return p != 0 ? utf8Decode(p, cstrLen(p)) : "";
}

export function main(args: string[]): i32 {
  let cmds = shellCommands(rawCmdline(), args);
  let status = 0;
  for (let i = 0; i < cmds.length; i++) {
    if (run(cmds[i]) != 0) status = 1;
  }
  return status;
}
