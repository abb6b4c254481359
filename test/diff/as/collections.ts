// @ts-nocheck — AssemblyScript source (compiled by asc in test/diff), not checked by tsc.
// Maps, sets, arrays (push/splice/sort/map/filter/reduce), typed arrays.
import { println } from "../../../bench/lib/wasi";

function lcg(x: u32): u32 { return x * 1103515245 + 12345; }

function maps(): void {
  const m = new Map<string, i32>();
  let x: u32 = 1;
  for (let k = 0; k < 3000; k++) {
    x = lcg(x);
    const key = "k" + (x % 997).toString();
    m.set(key, m.has(key) ? m.get(key) + 1 : 1);
  }
  let del = 0;
  for (let k = 0; k < 997; k += 3) if (m.delete("k" + k.toString())) del++;
  const keys = m.keys();
  keys.sort();
  let sum = 0;
  for (let k = 0; k < keys.length; k++) sum += m.get(keys[k]) * (k + 1);
  println("map size=" + m.size.toString() + " deleted=" + del.toString() + " first=" + keys[0] + " last=" + keys[keys.length - 1] + " sum=" + sum.toString());
  const im = new Map<i64, f64>();
  for (let k: i64 = -500; k < 500; k++) im.set(k * 1000000007, <f64>k / 3.0);
  println("imap size=" + im.size.toString() + " get=" + im.get(-499 * 1000000007).toString() + " has=" + (im.has(7) ? "y" : "n"));
}

function sets(): void {
  const s = new Set<i32>();
  let x: u32 = 7;
  for (let k = 0; k < 5000; k++) { x = lcg(x); s.add(<i32>(x >> 20)); }
  const v = s.values();
  v.sort((a, b) => a - b);
  println("set size=" + s.size.toString() + " min=" + v[0].toString() + " max=" + v[v.length - 1].toString() + " median=" + v[v.length >> 1].toString());
  const ss = new Set<string>();
  for (let k = 0; k < 100; k++) ss.add((k % 37).toString());
  println("sset size=" + ss.size.toString() + " has 36=" + (ss.has("36") ? "y" : "n") + " has 37=" + (ss.has("37") ? "y" : "n"));
}

function arrays(): void {
  const a = new Array<i32>();
  for (let k = 0; k < 50; k++) a.push((k * 37) % 101 - 50);
  a.splice(10, 5);
  a.unshift(999);
  const popped = a.pop(), shifted = a.shift();
  const sorted = a.slice();
  sorted.sort((p, q) => p - q);
  println("arr " + a.length.toString() + " popped=" + popped.toString() + " shifted=" + shifted.toString() + " sorted=" + sorted.slice(0, 8).join(","));
  const sq = a.map<i32>((v) => v * v).filter((v) => v % 2 == 0);
  println("map/filter " + sq.length.toString() + " reduce=" + sq.reduce<i64>((acc, v) => acc + <i64>v, 0).toString()
    + " idx=" + a.indexOf(sorted[3]).toString() + " includes=" + (a.includes(12) ? "y" : "n") + " rev=" + a.reverse().slice(0, 4).join(","));
  const fs: f64[] = [3.5, -1.25, 1e10, 0.1, -0.0, 2.0];
  fs.sort();
  println("f64 sorted " + fs.join(";"));
  const nested = new Array<Array<string>>();
  for (let k = 0; k < 5; k++) { const row = new Array<string>(); for (let j = 0; j <= k; j++) row.push(j.toString()); nested.push(row); }
  println("nested " + nested.map<string>((r) => r.join("")).join("/"));
}

function typed(): void {
  const ia = new Int32Array(1000);
  let x: u32 = 3;
  for (let k = 0; k < ia.length; k++) { x = lcg(x); ia[k] = <i32>x; }
  ia.sort();
  println("i32a " + ia[0].toString() + " " + ia[500].toString() + " " + ia[999].toString());
  const fa = new Float64Array(300);
  for (let k = 0; k < fa.length; k++) fa[k] = Math.sin(<f64>k) * 100.0;
  fa.sort();
  println("f64a " + fa[0].toString() + " " + fa[150].toString() + " " + fa[299].toString());
  const u8 = new Uint8Array(16);
  u8.fill(200, 2, 10);
  for (let k = 0; k < 16; k++) u8[k] += <u8>(k * 20);
  const sub = u8.subarray(4, 12);
  println("u8 " + u8.join(",") + " sub=" + sub.join(",") + " u16=" + new Uint16Array(3).fill(65535).join(","));
  const dv = new DataView(u8.buffer);
  println("dv " + dv.getUint32(0, true).toString() + " " + dv.getInt16(5, false).toString() + " " + dv.getFloat32(8).toString());
}

function main(): void {
  maps(); sets(); arrays(); typed();
  println("done");
}
main();
