// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// CPIO newc walk over an in-memory archive (the initrd format the kernel
// unpacks): 1500 entries built at start; each iteration parses every header
// (13 eight-digit hex fields after the "070701" magic, 110 bytes), hashes the
// name, sums the data bytes' first/last words, until "TRAILER!!!".
import { runKernel, xorshift } from "../../lib/kernel";

const ENTRIES = 1500;
const HDR = 110;
const cap = 4 * 1024 * 1024;
const arc = new Uint8Array(cap);
let used = 0;

function putHex(v: u32): void {
  for (let k = 7; k >= 0; k--) {
    const d = (v >> (<u32>k * 4)) & 15;
    unchecked(arc[used++] = <u8>(d < 10 ? 48 + d : 97 + d - 10));
  }
}
function align4(): void { while (used & 3) unchecked(arc[used++] = 0); }

function putEntry(name: string, mode: u32, size: u32, seed: u32): void {
  const nm = String.UTF8.encode(name, true);
  const magic = "070701";
  for (let k = 0; k < 6; k++) unchecked(arc[used++] = <u8>magic.charCodeAt(k));
  const fields: u32[] = [<u32>used, mode, 0, 0, 1, 1700000000, size, 0, 0, 0, 0, <u32>nm.byteLength, 0];
  for (let k = 0; k < 13; k++) putHex(fields[k]);
  memory.copy(arc.dataStart + <usize>used, changetype<usize>(nm), <usize>nm.byteLength);
  used += nm.byteLength; align4();
  let s = seed | 1;
  for (let k: u32 = 0; k < size; k++) { s = xorshift(s); unchecked(arc[used++] = <u8>s); }
  align4();
}

let seed: u32 = 4242;
for (let e = 0; e < ENTRIES; e++) {
  seed = xorshift(seed);
  const dir = e % 10 == 0;
  putEntry("usr/share/data/dir" + (e % 37).toString() + "/file-" + e.toString() + ".bin",
    dir ? 0o40755 : 0o100644, dir ? 0 : seed % 1500 + 1, seed);
}
putEntry("TRAILER!!!", 0, 0, 0);

// @ts-ignore: decorator
@inline function hexDigit(c: u32): u32 { return c <= 57 ? c - 48 : (c | 32) - 87; }

function hex8(p: usize): u32 {
  let v: u32 = 0;
  for (let k: usize = 0; k < 8; k++) v = (v << 4) | hexDigit(load<u8>(p + k));
  return v;
}

function isTrailer(p: usize, n: u32): bool {
  const t = "TRAILER!!!";
  if (n != 11) return false;
  for (let k = 0; k < 10; k++) if (<i32>load<u8>(p + <usize>k) != t.charCodeAt(k)) return false;
  return true;
}

function walk(base: usize, len: u32): u64 {
  let off: u32 = 0, files: u64 = 0, bytes: u64 = 0, h: u32 = 0x811c9dc5;
  while (off + HDR <= len) {
    const p = base + <usize>off;
    if (load<u32>(p) != 0x37303730 || load<u16>(p, 4) != 0x3130) return 0xdead; // "0707" "01"
    const mode = hex8(p + 14), size = hex8(p + 54), namesize = hex8(p + 94);
    const name = p + HDR;
    if (isTrailer(name, namesize)) break;
    for (let k: u32 = 0; k + 1 < namesize; k++) { h ^= load<u8>(name + <usize>k); h *= 0x01000193; }
    let data = (off + HDR + namesize + 3) & ~3;
    if ((mode & 0o170000) == 0o100000) {
      files++; bytes += size;
      if (size >= 4) bytes += load<u32>(base + <usize>data) ^ load<u32>(base + <usize>(data + size - 4));
    }
    off = (data + size + 3) & ~3;
  }
  return files * 1000000007 + bytes + <u64>h;
}

function run(iters: i32): u64 {
  let acc: u64 = 0;
  for (let i = 0; i < iters; i++) acc = acc * 3 + walk(arc.dataStart, <u32>used);
  return acc;
}

runKernel("cpio", 640, run);
