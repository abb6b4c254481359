// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// Sorting: an own quicksort (median of three, insertion sort below 16) on
// 200k i32 and 200k f64, refilled from a generator every iteration.
import { runKernel, xorshift } from "../../lib/kernel";

const N: i32 = 200000;
const ai = new StaticArray<i32>(N), af = new StaticArray<f64>(N);

function qsortI(a: StaticArray<i32>, lo: i32, hi: i32): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    let x = unchecked(a[lo]), y = unchecked(a[mid]), z = unchecked(a[hi]);
    const pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    let i = lo, j = hi;
    while (i <= j) {
      while (unchecked(a[i]) < pivot) i++;
      while (unchecked(a[j]) > pivot) j--;
      if (i <= j) { const t = unchecked(a[i]); unchecked(a[i] = a[j]); unchecked(a[j] = t); i++; j--; }
    }
    if (j - lo < hi - i) { qsortI(a, lo, j); lo = i; } else { qsortI(a, i, hi); hi = j; }
  }
  for (let k = lo + 1; k <= hi; k++) {
    const v = unchecked(a[k]); let m = k - 1;
    while (m >= lo && unchecked(a[m]) > v) { unchecked(a[m + 1] = a[m]); m--; }
    unchecked(a[m + 1] = v);
  }
}

function qsortF(a: StaticArray<f64>, lo: i32, hi: i32): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    let x = unchecked(a[lo]), y = unchecked(a[mid]), z = unchecked(a[hi]);
    const pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    let i = lo, j = hi;
    while (i <= j) {
      while (unchecked(a[i]) < pivot) i++;
      while (unchecked(a[j]) > pivot) j--;
      if (i <= j) { const t = unchecked(a[i]); unchecked(a[i] = a[j]); unchecked(a[j] = t); i++; j--; }
    }
    if (j - lo < hi - i) { qsortF(a, lo, j); lo = i; } else { qsortF(a, i, hi); hi = j; }
  }
  for (let k = lo + 1; k <= hi; k++) {
    const v = unchecked(a[k]); let m = k - 1;
    while (m >= lo && unchecked(a[m]) > v) { unchecked(a[m + 1] = a[m]); m--; }
    unchecked(a[m + 1] = v);
  }
}

function run(iters: i32): u64 {
  let acc: u64 = 0, s: u32 = 99;
  for (let i = 0; i < iters; i++) {
    for (let k = 0; k < N; k++) {
      s = xorshift(s); unchecked(ai[k] = <i32>s);
      unchecked(af[k] = <f64>(s >> 1) * 1.0e-3 - 1.0e6);
    }
    qsortI(ai, 0, N - 1);
    qsortF(af, 0, N - 1);
    for (let k = 0; k < N; k += 1013) acc = acc * 31 + <u64>unchecked(ai[k]) + <u64>(<i64>unchecked(af[k]));
  }
  return acc;
}

runKernel("sort", 3, run);
