// Imported functions the Linux target provides, as labels
// `import:<module>.<name>` called with the wasm ABI (tools/aot/ABI.md: the
// caller's argument area, so on entry parameter k is at [rsp + 8 + 8k];
// one i32 result in eax). Wasm addresses are offsets from r15.
//
//   wasi_snapshot_preview1 (every function of WASI preview 1): a thunk into
//     the WASI layer (layer.ts; the functions themselves are wasi/*.ts)
//   spectest (the spec test suite's host module): print* -> no-ops

import { type FuncType, ValType } from '../../wasm/index.ts';
import type { Rt } from './emit.ts';
import { WASI_MODULE, wasiLayer, emitWasiThunk } from './layer.ts';

const { I32, I64, F32, F64 } = ValType;
const sig = (params: ValType[], results: ValType[] = []): FuncType => ({ params, results });

interface HostFunc { type: FuncType; emit: (rt: Rt) => void }

const noop = (): void => {};
const SPECTEST: Record<string, HostFunc> = {
  print: { type: sig([]), emit: noop },
  print_i32: { type: sig([I32]), emit: noop },
  print_i64: { type: sig([I64]), emit: noop },
  print_f32: { type: sig([F32]), emit: noop },
  print_f64: { type: sig([F64]), emit: noop },
  print_i32_f32: { type: sig([I32, F32]), emit: noop },
  print_f64_f64: { type: sig([F64, F64]), emit: noop },
};

/** The host function `module.name`, or null when the target does not provide it. */
export function hostFunc(module: string, name: string): HostFunc | null {
  if (module === WASI_MODULE) {
    const type = wasiLayer().types.get(name);
    return type ? { type, emit: (rt) => emitWasiThunk(rt, name, type.params.length) } : null;
  }
  return module === 'spectest' && Object.hasOwn(SPECTEST, name) ? SPECTEST[name]! : null;
}

/** Emits `import:<module>.<name>` for one provided import. */
export function emitHostFunc(rt: Rt, module: string, name: string): void {
  const h = hostFunc(module, name)!;
  rt.asm.bind(rt.asm.sym(`import:${module}.${name}`));
  if (module === 'spectest') { rt.asm.i('ret'); return; }
  h.emit(rt);
}

