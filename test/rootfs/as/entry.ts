// test/rootfs/as/entry.ts — exports the pure parts of kernel/rootfs and
// images/shell to Node (test/rootfs/unit.test.ts): SHA-256, fstab parsing,
// the mount plan (default, locked, order) and the shell's command splitting.
import { sha256Hex, sha256Reset, sha256Update } from "../../../images/shell/sha256";
import { shellArgStart, shellSplit } from "../../../images/shell/parse";
import { BootModule, FstabEntry, fstabParse, fstabRegister, rootfsPlan } from "../../../kernel/rootfs/index";
import { FileSystem } from "../../../kernel/vfs/index";
import { ramfsFstabInit } from "../../../fs/ramfs/index";
import { cpioFstabInit } from "../../../fs/cpio/index";
import { p9fsOptsProblem } from "../../../fs/9pfs/options";
import { utf8Decode, utf8Encode, utf8Escape, utf8Length } from "../../../kernel/utf8";

export function alloc(n: usize): usize { return heap.alloc(n); }

// The drivers a files image links (the 9pfs one without its device side: no PCI under Node).
function check9p(e: FstabEntry): string { return p9fsOptsProblem(e.opts); }
function openNone(e: FstabEntry, mods: BootModule[]): FileSystem | null { return null; }
ramfsFstabInit();
cpioFstabInit();
fstabRegister("9pfs", check9p, openNone);

/** SHA-256 of (p, n) fed in pieces of `chunk` bytes. */
export function sha(p: usize, n: usize, chunk: usize): string {
  sha256Reset();
  for (let off: usize = 0; off < n; off += chunk) sha256Update(p + off, n - off < chunk ? n - off : chunk);
  return sha256Hex();
}

/** "problem" or "dev|path|driver|flags|opts|ukopts|mkmp". */
export function fstab(text: string): string {
  let e = fstabParse(text);
  if (e.problem.length > 0) return "! " + e.problem;
  return [e.dev, e.path, e.driver, e.flags, e.opts, e.ukopts, e.mkmp ? "mkmp" : ""].join("|");
}

/**
 * The plan for modules described as `;`-separated "initrd" / "initrd ARG" /
 * "embedded" / "embedded locked" and an fstab value ("-" for none).
 * Returns "dev:path:driver[:mkmp]" lines.
 */
export function plan(fstabValue: string, mods: string): string {
  let list = new Array<BootModule>();
  let specs = mods.length > 0 ? mods.split(";") : new Array<string>();
  let n = 0;
  for (let i = 0; i < specs.length; i++) {
    let m = new BootModule();
    let s = specs[i];
    if (s.startsWith("embedded")) {
      m.dev = "embedded"; m.embedded = true; m.locked = s == "embedded locked";
    } else {
      m.dev = "initrd" + (n++).toString();
      m.arg = s.length > 7 ? s.substring(7) : "";
    }
    list.push(m);
  }
  let entries = rootfsPlan(fstabValue == "-" ? null : fstabValue, list);
  let out = new Array<string>();
  for (let i = 0; i < entries.length; i++) {
    let e = entries[i];
    out.push(e.dev + ":" + e.path + ":" + e.driver + (e.mkmp ? ":mkmp" : ""));
  }
  return out.join("\n");
}

/** Commands of the raw command line, words joined by "|", commands by "\n". */
export function split(raw: string): string {
  let at = shellArgStart(raw);
  if (at < 0) return "(no --)";
  let cmds = shellSplit(raw.substring(at));
  let out = new Array<string>();
  for (let i = 0; i < cmds.length; i++) out.push(cmds[i].join("|"));
  return out.join("\n");
}

/** 1 when the n bytes at p survive decode -> encode exactly and utf8Length agrees; else 0. */
export function utf8RoundTrip(p: usize, n: usize): i32 {
  let s = utf8Decode(p, n);
  let b = utf8Encode(s);
  if (<usize>b.byteLength != n || utf8Length(s) != <i32>n) return 0;
  return memory.compare(changetype<usize>(b), p, n) == 0 ? 1 : 0;
}

/** The decoded name of the n bytes at p (to compare with Node's decoder, and for distinctness). */
export function utf8Name(p: usize, n: usize): string { return utf8Decode(p, n); }

/** The name of the n bytes at p as printed (utf8Escape). */
export function utf8Shown(p: usize, n: usize): string { return utf8Escape(utf8Decode(p, n)); }
