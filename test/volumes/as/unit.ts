// test/volumes/as/unit.ts — the pure parts of issue 6 for Node
// (test/volumes/unit.test.ts): the 9pfs fstab checks (kernel/rootfs/fstab.ts
// with fs/9pfs/options.ts as the 9pfs driver's check) and the kvstore record
// format (images/kvstore/record.ts).
import { BootModule, FstabEntry, fstabNumber, fstabParse, fstabRegister } from "../../../kernel/rootfs/index";
import { FileSystem } from "../../../kernel/vfs/index";
import { p9fsOptMsize, p9fsOptsProblem } from "../../../fs/9pfs/options";
import { ramfsFstabInit } from "../../../fs/ramfs/index";
import { cpioFstabInit } from "../../../fs/cpio/index";
import { OP_DEL, OP_PUT, recordAt, recordEncode } from "../../../images/kvstore/record";

export function alloc(n: usize): usize { return heap.alloc(n); }

// The drivers a 9p image links; the 9pfs one's check without its device side (no PCI under Node).
ramfsFstabInit();
cpioFstabInit();
function check9p(e: FstabEntry): string { return p9fsOptsProblem(e.opts); }
function openNone(e: FstabEntry, mods: BootModule[]): FileSystem | null { return null; }
fstabRegister("9pfs", check9p, openNone);

/** "! problem" or "dev|path|driver|flags|opts|ukopts|msize". */
export function fstab(text: string): string {
  let e = fstabParse(text);
  if (e.problem.length > 0) return "! " + e.problem;
  return [e.dev, e.path, e.driver, e.flags, e.opts, e.ukopts, p9fsOptMsize(e.opts).toString()].join("|");
}

export function number(s: string): string { return fstabNumber(s).toString(); }

/** The record for (put|del, key, value) as lowercase hex. */
export function encode(op: string, key: string, value: string): string {
  let b = recordEncode(op == "del" ? OP_DEL : OP_PUT, key, value);
  let p = changetype<usize>(b);
  let hex = "";
  for (let i = 0; i < b.byteLength; i++) {
    let x = load<u8>(p + <usize>i);
    hex += (x < 16 ? "0" : "") + (<u32>x).toString(16);
  }
  return hex;
}

/** Scans (p, n): "op key=value@end" per record, then "good=N". */
export function scan(p: usize, n: u32): string {
  let out = new Array<string>();
  let off: u64 = 0;
  while (true) {
    let r = recordAt(p, <u64>n, off);
    if (r === null) break;
    out.push((r.op == OP_PUT ? "put " : "del ") + r.key + "=" + r.value + "@" + r.end.toString());
    off = r.end;
  }
  out.push("good=" + off.toString());
  return out.join("\n");
}
