// Differential testing helper: run the same exports with the same arguments
// natively (tools/aot through the Linux target) and in Node's WebAssembly,
// and compare bit-exactly (NaN results: both must be NaN; traps: both must
// trap). Arguments and results are raw bits as bigints.

import { ValType, decodeModule, funcTypeOf } from '../../tools/wasm/index.ts';
import { NativeInstance } from './linux-runner.ts';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';
import type { CpuFeatures } from '../../tools/aot/linux/build.ts';

export interface Mismatch { name: string; args: bigint[]; native: string; node: string }

const dv = new DataView(new ArrayBuffer(8));
function toJs(t: ValType, bits: bigint): number | bigint {
  switch (t) {
    case ValType.I32: return Number(BigInt.asIntN(32, bits));
    case ValType.I64: return BigInt.asIntN(64, bits);
    case ValType.F32: dv.setUint32(0, Number(bits & 0xffffffffn), true); return dv.getFloat32(0, true);
    default: dv.setBigUint64(0, BigInt.asUintN(64, bits), true); return dv.getFloat64(0, true);
  }
}
function fromJs(t: ValType, v: unknown): bigint {
  switch (t) {
    case ValType.I32: return BigInt((v as number) >>> 0);
    case ValType.I64: return BigInt.asUintN(64, v as bigint);
    case ValType.F32: dv.setFloat32(0, v as number, true); return BigInt(dv.getUint32(0, true));
    default: dv.setFloat64(0, v as number, true); return dv.getBigUint64(0, true);
  }
}
function isNan(t: ValType, b: bigint): boolean {
  if (t === ValType.F32) return (b & 0x7f800000n) === 0x7f800000n && (b & 0x7fffffn) !== 0n;
  if (t === ValType.F64) return (b & 0x7ff0000000000000n) === 0x7ff0000000000000n && (b & 0xfffffffffffffn) !== 0n;
  return false;
}
function isSNan(t: ValType, b: bigint): boolean {
  if (!isNan(t, b)) return false;
  return t === ValType.F32 ? (b & 0x400000n) === 0n : (b & 0x8000000000000n) === 0n;
}
const hex = (b: bigint[]): string => b.map((x) => `0x${x.toString(16)}`).join(',');

/** Runs every (export, args) pair both ways; returns the mismatches. */
export async function differential(
  wasm: Uint8Array, calls: { name: string; args: bigint[][] }[], features?: CpuFeatures,
): Promise<{ mismatches: Mismatch[]; count: number }> {
  const m = decodeModule(wasm);
  const instance = (await WebAssembly.instantiate(wasm as BufferSource, {}) as unknown as { instance: WebAssembly.Instance }).instance;
  const build = features ? (w: Uint8Array, o: { mode: 'driver' | 'command' }) => buildLinuxExecutable(w, { ...o, features }) : undefined;
  const native = await NativeInstance.start(wasm, { build });
  const mismatches: Mismatch[] = [];
  let count = 0;
  try {
    for (const c of calls) {
      const e = m.exports.find((x) => x.name === c.name && x.kind === 'func');
      if (!e) throw new Error(`no export ${c.name}`);
      const t = funcTypeOf(m, e.index);
      const fn = instance.exports[c.name] as (...a: unknown[]) => unknown;
      for (const args of c.args) {
        count++;
        let want: string;
        let wantBits: bigint[] = [];
        try {
          const r = fn(...args.map((a, k) => toJs(t.params[k], a)));
          const rs = t.results.length === 0 ? [] : t.results.length === 1 ? [r] : (r as unknown[]);
          wantBits = rs.map((v, k) => fromJs(t.results[k], v));
          want = hex(wantBits);
        } catch (err) {
          want = `trap`;
          void err;
        }
        const got = await native.invoke(c.name, args);
        // JS quiets a signaling NaN argument on its way into Node's wasm: bit-exact results are not comparable.
        if (args.some((a, k) => isSNan(t.params[k], a)) && !got.trap && want !== 'trap') continue;
        const gotText = got.trap ? 'trap' : hex(got.results);
        if (gotText === want) continue;
        if (!got.trap && want !== 'trap' && got.results.every((b, k) => b === wantBits[k] || (isNan(t.results[k], b) && isNan(t.results[k], wantBits[k])))) continue;
        mismatches.push({ name: c.name, args, native: got.trap ? `trap ${got.trap}` : gotText, node: want });
      }
    }
  } finally {
    await native.close();
  }
  return { mismatches, count };
}

export const I32_EDGES = [0n, 1n, 0xffffffffn, 2n, 0x7fffffffn, 0x80000000n, 31n, 32n, 33n, 0x12345678n, 0xffffff85n, 0x80000001n, 7n];
export const I64_EDGES = [
  0n, 1n, 0xffffffffffffffffn, 2n, 0x7fffffffffffffffn, 0x8000000000000000n, 63n, 64n, 65n,
  0x123456789abcdef0n, 0xffffffffffffcfc7n, 0x80000000n, 0xffffffffn, 0x8000000000000001n,
];
function f32(v: number): bigint { dv.setFloat32(0, v, true); return BigInt(dv.getUint32(0, true)); }
function f64(v: number): bigint { dv.setFloat64(0, v, true); return dv.getBigUint64(0, true); }
const FLOATS = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999997, Infinity, -Infinity, NaN, 3.4e38, 1e-45, 1e-310,
  2 ** 31, -(2 ** 31), 2 ** 31 - 0.5, -(2 ** 31) - 0.5, -(2 ** 31) - 1, 2 ** 32, 2 ** 32 - 1, 4294967040, 2 ** 63, -(2 ** 63),
  2 ** 64, 2 ** 52 + 0.5, 2 ** 53, -(2 ** 52) - 0.5, 1e300, -7.25, 123456.789,
];
export const F32_EDGES = [...FLOATS.map(f32), 0x7fa00000n /* sNaN */, 0xffc00000n];
export const F64_EDGES = [...FLOATS.map(f64), 0x7ff4000000000000n /* sNaN */, 0xfff8000000000000n];
export function edges(t: ValType): bigint[] {
  return t === ValType.I32 ? I32_EDGES : t === ValType.I64 ? I64_EDGES : t === ValType.F32 ? F32_EDGES : F64_EDGES;
}
/** Every combination of edge values for the parameter types. */
export function combos(params: ValType[]): bigint[][] {
  let out: bigint[][] = [[]];
  for (const p of params) out = out.flatMap((pre) => edges(p).map((v) => [...pre, v]));
  return out;
}
