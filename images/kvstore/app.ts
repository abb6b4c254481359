// images/kvstore — an append-only key-value store whose log lives on a host
// volume (issue 6): what volumes are for, a value put in one boot is read in
// the next. Map:
//
//   app.ts     main: the command list, one function per command
//   store.ts   KvStore: load the log into a map, append + fsync, torn tail and damage
//   reader.ts  LogReader: the records of a log in memory, what damage cost
//   record.ts  the log format (LevelDB's: 32 KiB blocks, CRC-32C fragments)
//
// Commands (after `--`, `;`-separated, as images/shell splits them):
//   put K V...   store V (the rest of the words, joined by one space) under K; prints `ok`
//   get K        prints the value; `kvstore: get K: not found` when absent
//   del K        removes K (a tombstone record); prints `ok`, or not found
//   list         `K V` lines, keys sorted
// Kernel option `kvstore.log=PATH` names the log (default /data/kv.log), e.g.
//   asuk run -v ./data:/data kvstore -- put greeting hello world
// Exit status: 0, 1 when a key was not found (or a command is unknown),
// 2 when the log could not be read or written (or is in the old KVR1 format).

import { kernelArg } from "asuk";
import { println } from "asuk/kernel/index";
import { Errno } from "asuk/kernel/vfs/index";
import { shellCommands } from "../shell/parse";
import { mbCmdline, cstrLen } from "asuk/kernel/index";
import { KvStore } from "./store";

const DEFAULT_LOG = "/data/kv.log";
const NOT_FOUND = 1;
const IO_ERROR = 2;

/** Words from `i` on, joined by one space. */
function rest(w: string[], i: i32): string { return i < w.length ? w.slice(i).join(" ") : ""; }

function notFound(cmd: string, key: string): i32 {
  println("kvstore: " + cmd + " " + key + ": not found");
  return NOT_FOUND;
}

/** Sorts strings by UTF-16 code units (ASCII keys: bytewise). */
function sorted(keys: string[]): string[] {
  return keys.sort((a: string, b: string): i32 => (a < b ? -1 : a > b ? 1 : 0));
}

function cmdList(s: KvStore): i32 {
  let keys = sorted(s.map.keys());
  for (let i = 0; i < keys.length; i++) println(keys[i] + " " + s.map.get(keys[i]));
  return 0;
}

/** Runs one command; returns its status. */
function run(s: KvStore, w: string[]): i32 {
  let cmd = w[0];
  let key = w.length > 1 ? w[1] : "";
  if (cmd == "list" && w.length == 1) return cmdList(s);
  if (key.length == 0 || (cmd != "put" && w.length != 2)) {
    println("kvstore: usage: put K V | get K | del K | list (got '" + w.join(" ") + "')");
    return NOT_FOUND;
  }
  if (cmd == "get") {
    if (!s.map.has(key)) return notFound(cmd, key);
    println(s.map.get(key));
    return 0;
  }
  let r: i32;
  if (cmd == "put") r = s.put(key, rest(w, 2));
  else if (cmd == "del") r = s.del(key);
  else { println("kvstore: unknown command '" + cmd + "' (put, get, del, list)"); return NOT_FOUND; }
  if (r == -Errno.ENOENT && cmd == "del") return notFound(cmd, key);
  if (r < 0) return IO_ERROR;
  println("ok");
  return 0;
}

/** The raw multiboot command line ("" when absent). */
function rawCmdline(): string {
  let p = mbCmdline();
  return p != 0 ? String.UTF8.decodeUnsafe(p, cstrLen(p)) : "";
}

export function main(args: string[]): i32 {
  let opt = kernelArg("kvstore.log");
  let s = new KvStore(opt !== null ? <string>opt : DEFAULT_LOG);
  if (s.load() < 0) return IO_ERROR;
  let cmds = shellCommands(rawCmdline(), args);
  let status = 0;
  for (let i = 0; i < cmds.length; i++) {
    let r = run(s, cmds[i]);
    if (r > status) status = r;
    if (r == IO_ERROR) break;
  }
  s.close();
  return status;
}
