// @ts-nocheck — AssemblyScript source (compiled by asc), not checked by tsc.
// Matrix multiply, f64, 128x128 (i-k-j order, row-major in linear memory).
import { runKernel, xorshift } from "../../lib/kernel";

const M: i32 = 128;
const A = new StaticArray<f64>(M * M), B = new StaticArray<f64>(M * M), C = new StaticArray<f64>(M * M);
let s: u32 = 3;
for (let k = 0; k < M * M; k++) {
  s = xorshift(s); unchecked(A[k] = <f64>(s & 0xffff) / 65536.0 - 0.5);
  s = xorshift(s); unchecked(B[k] = <f64>(s & 0xffff) / 65536.0 - 0.5);
}

function matmul(): void {
  const a = changetype<usize>(A), b = changetype<usize>(B), c = changetype<usize>(C);
  for (let i = 0; i < M; i++) {
    const ci = c + <usize>(i * M * 8);
    for (let j = 0; j < M; j++) store<f64>(ci + <usize>(j * 8), 0.0);
    for (let k = 0; k < M; k++) {
      const aik = load<f64>(a + <usize>((i * M + k) * 8));
      const bk = b + <usize>(k * M * 8);
      for (let j = 0; j < M; j++) {
        const p = ci + <usize>(j * 8);
        store<f64>(p, load<f64>(p) + aik * load<f64>(bk + <usize>(j * 8)));
      }
    }
  }
}

function run(iters: i32): u64 {
  let acc = 0.0;
  for (let i = 0; i < iters; i++) {
    matmul();
    unchecked(A[i & (M * M - 1)] = unchecked(C[(i * 7) & (M * M - 1)]) * 0.5); // feed back: no loop hoisting
    acc += unchecked(C[(i * 131) & (M * M - 1)]);
  }
  return reinterpret<u64>(acc);
}

runKernel("matmul", 85, run);
