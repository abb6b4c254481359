// @ts-nocheck — AssemblyScript source (compiled by asc in test/diff), not checked by tsc.
// GC pressure: millions of bytes of short-lived objects (lists, strings,
// arrays) with a long-lived structure that must survive every collection
// intact; explicit __collect() calls in between.
import { println } from "../../../bench/lib/wasi";

class Node { constructor(public v: i32, public next: Node | null) {} }
class Tree {
  left: Tree | null = null; right: Tree | null = null;
  constructor(public key: i32, public label: string) {}
}

function insert(t: Tree | null, key: i32): Tree {
  if (!t) return new Tree(key, "n" + key.toString());
  if (key < t.key) t.left = insert(t.left, key); else if (key > t.key) t.right = insert(t.right, key);
  return t;
}
function sumTree(t: Tree | null): i64 {
  if (!t) return 0;
  return <i64>t.key + <i64>t.label.length + sumTree(t.left) + sumTree(t.right);
}
function depth(t: Tree | null): i32 { return t ? 1 + max(depth(t.left), depth(t.right)) : 0; }

function churn(round: i32): i64 {
  let head: Node | null = null;
  for (let k = 0; k < 2000; k++) head = new Node(k ^ round, head);
  let s: i64 = 0;
  let p = head;
  while (p) { s += p.v; p = p.next; }
  const strs = new Array<string>();
  for (let k = 0; k < 200; k++) strs.push("item-" + k.toString() + "-" + round.toString());
  s += strs.join("").length;
  const arrs = new Array<Float64Array>();
  for (let k = 0; k < 20; k++) { const a = new Float64Array(64 + k); a[k] = <f64>round; arrs.push(a); }
  for (let k = 0; k < arrs.length; k++) s += <i64>arrs[k][k] + arrs[k].length;
  return s;
}

function main(): void {
  let root: Tree | null = null;
  let x: u32 = 12345;
  for (let k = 0; k < 3000; k++) { x = x * 1103515245 + 12345; root = insert(root, <i32>(x >> 12) % 100000); }
  const before = sumTree(root);
  let acc: i64 = 0;
  for (let round = 0; round < 300; round++) {
    acc += churn(round);
    if (round % 50 == 49) {
      __collect();
      println("round " + round.toString() + " acc=" + acc.toString() + " tree=" + (sumTree(root) == before ? "intact" : "CORRUPT"));
    }
  }
  const keep = new Map<i32, string>();
  for (let k = 0; k < 20000; k++) {
    keep.set(k % 5000, "v" + k.toString());
    if (k % 3 == 0) keep.delete((k * 7) % 5000);
  }
  __collect();
  let ks: i64 = 0;
  const vals = keep.values();
  for (let k = 0; k < vals.length; k++) ks += vals[k].length;
  println("map " + keep.size.toString() + " " + ks.toString() + " depth=" + depth(root).toString() + " sum=" + before.toString());
  println("done");
}
main();
