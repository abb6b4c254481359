// images/demo — the default image (`make run`): the mission in one screen.
// Its rootfs (images/demo/rootfs) is embedded in the kernel as an einitrd and
// mounted at / before main runs. The app lists the tree, reads the config,
// writes a file in /tmp and reads it back; any failure exits 1.

import { bootTimeUs, println } from "asuk/kernel/index";
import {
  DirEntry, O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY, Stat, S_IFDIR, S_IFMT,
  errnoName, vfsClose, vfsLstat, vfsOpen, vfsRead, vfsReaddir, vfsWrite,
} from "asuk/kernel/vfs/index";

let failed = false;

function fail(what: string, path: string, e: i64): void {
  println("error: " + what + ": " + path + ": " + errnoName(<i32>e));
  failed = true;
}

/** Prints the tree under `path`, one entry a line, directories first-come. */
function tree(path: string, depth: i32): void {
  let fd = vfsOpen(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) { fail("open", path, fd); return; }
  let de = new DirEntry();
  let names = new Array<string>();
  while (vfsReaddir(fd, de) > 0) names.push(de.name);
  vfsClose(fd);
  names.sort();
  let st = new Stat();
  for (let i = 0; i < names.length; i++) {
    let child = (path == "/" ? "" : path) + "/" + names[i];
    let r = vfsLstat(child, st);
    if (r < 0) { fail("stat", child, r); continue; }
    let dir = (st.mode & S_IFMT) == S_IFDIR;
    println("  ".repeat(depth + 1) + names[i] + (dir ? "/" : "  (" + st.size.toString() + " bytes)"));
    if (dir) tree(child, depth + 1);
  }
}

/** Reads a whole (small) file as UTF-8, or null after printing the error. */
function readFile(path: string): string | null {
  let fd = vfsOpen(path, O_RDONLY);
  if (fd < 0) { fail("open", path, fd); return null; }
  let buf = new ArrayBuffer(4096);
  let n = vfsRead(fd, changetype<usize>(buf), <usize>buf.byteLength);
  vfsClose(fd);
  if (n < 0) { fail("read", path, n); return null; }
  return String.UTF8.decodeUnsafe(changetype<usize>(buf), <usize>n);
}

function writeFile(path: string, text: string): void {
  let fd = vfsOpen(path, O_WRONLY | O_CREAT | O_TRUNC);
  if (fd < 0) { fail("open", path, fd); return; }
  let bytes = String.UTF8.encode(text);
  let n = vfsWrite(fd, changetype<usize>(bytes), <usize>bytes.byteLength);
  vfsClose(fd);
  if (n != bytes.byteLength) fail("write", path, n < 0 ? n : -5);
}

export function main(args: string[]): i32 {
  println("asuk demo: booted in " + bootTimeUs().toString() + " us, rootfs embedded in the image");
  println("/");
  tree("/", 0);
  let conf = readFile("/etc/demo.conf");
  if (conf !== null) {
    println("/etc/demo.conf says:");
    let lines = conf.split("\n");
    for (let i = 0; i < lines.length; i++) if (lines[i].length > 0 && !lines[i].startsWith("#")) println("  " + lines[i]);
  }
  let note = "written at boot by asuk (" + args.length.toString() + " args)";
  writeFile("/tmp/note.txt", note);
  let back = readFile("/tmp/note.txt");
  if (back !== null) println("/tmp/note.txt reads back: " + back + (back == note ? " (ok)" : " (MISMATCH)"));
  if (back != note) failed = true;
  println(failed ? "demo: failed" : "demo: all good, exiting 0");
  return failed ? 1 : 0;
}
