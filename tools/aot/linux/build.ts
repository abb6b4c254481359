// Assembles the Linux executable: runtime, compiled module, data area, ELF64.
// See index.ts for the map.

import { Assembler, R15, type Label } from '../../x86/index.ts';
import { decodeModule, funcTypeOf, funcName, numImportedFuncs, type Module, type Limits } from '../../wasm/index.ts';
import { writeElf64Exec } from '../../link/elf64.ts';
import { makeRt, type Rt, q, rip } from './emit.ts';
import { emitIo } from './io.ts';
import { emitStart, emitSignalHandler, emitFuncAt, emitFuncTable, emitMemoryGrow, type MemoryConfig } from './start.ts';
import { emitTrap, emitAbort, emitCommandMain, emitDriverMain, type DriverFunc, type DriverGlobal } from './main.ts';
import { emitHostFunc } from './wasi.ts';
import { compileModule } from '../module.ts';
import { WASI_MODULE, LAYER_PREFIX, LAYER_HOST_IMPORTS, wasiLayer, emitLayerHost } from './layer.ts';
import { emitHostCalls } from './hostcall.ts';
import { linuxImports, LinuxTargetError, type ResolvedImports } from './imports.ts';

export { linuxImports, LinuxTargetError } from './imports.ts';

/** Load address of the blob (code byte 0). */
export const LINUX_BASE = 0x400000;

export interface LinuxBuildOptions {
  mode: 'driver' | 'command';
  /** CPU features for the compiler (default: baseline x86-64 + SSE2, like the kernel target). */
  features?: CpuFeatures;
  /** Driver mode: function imports the target does not provide become host calls (hostcall.ts). */
  hostImports?: boolean;
  /** Values for imported immutable globals the target does not provide, by "module.name" (raw bits). */
  globalValues?: Map<string, bigint>;
  /** Out-of-bounds memory accesses: guard region + SIGSEGV (default) or explicit checks (tools/aot AotOptions.bounds). */
  bounds?: 'guard' | 'explicit';
}

/** CPU features beyond x86-64 baseline + SSE2 (tools/aot AotOptions.features). */
export interface CpuFeatures { sse41?: boolean; popcnt?: boolean; lzcnt?: boolean; bmi1?: boolean }

/** What the Linux target passes to the compiler (a subset of tools/aot AotOptions). */
export interface LinuxAotOptions {
  target: 'linux'; providedImports: Set<string>; importValues: Map<string, bigint>; features?: CpuFeatures;
  bounds?: 'guard' | 'explicit';
}

/** The runtime's view of a memory with `limits` whose cells the compiler emits at `cells`. */
export function memoryConfig(limits: Limits | null, cells: Label): MemoryConfig {
  if (!limits) return { minPages: 0, capPages: 0, cells };
  return { minPages: limits.min, capPages: Math.min(limits.max ?? 65536, 65536), cells };
}

/** Exported functions and globals in export order (the driver protocol's ordinals). */
function driverExports(m: Module, asm: Assembler): { funcs: DriverFunc[]; globals: DriverGlobal[] } {
  const funcs: DriverFunc[] = [], globals: DriverGlobal[] = [];
  for (const e of m.exports) {
    if (e.kind === 'func') {
      const t = funcTypeOf(m, e.index);
      funcs.push({ label: asm.sym(`export:${e.name}`), params: t.params, results: t.results });
    } else if (e.kind === 'global') {
      const l = asm.sym(`global:${e.index}`); // tools/aot: global i (full index space) lives at global:i
      globals.push({ label: asm.isBound(l) ? l : null });
    }
  }
  return { funcs, globals };
}

/** Compiles the module into `asm` (tools/aot compileModule, or a hand-written stand-in in runtime tests). */
export type CompileFn = (m: Module, asm: Assembler, opts: LinuxAotOptions) => { symbolNames?: Map<string, string> };

/** Builds a static ELF64 executable running `wasm` (see main.ts for the two modes), compiling with `compile`. */
export function buildWith(wasm: Uint8Array, opts: LinuxBuildOptions, compile: CompileFn): Uint8Array {
  const m = decodeModule(wasm);
  if (opts.hostImports && opts.mode !== 'driver') throw new LinuxTargetError('invalid', 'hostImports needs driver mode');
  const imports = linuxImports(m, { hostImports: opts.hostImports, globalValues: opts.globalValues });
  if (opts.mode === 'command' && !m.exports.some((e) => e.kind === 'func' && e.name === '_start')) {
    throw new LinuxTargetError('invalid', 'command mode needs an exported function _start (a WASI command)');
  }
  const asm = new Assembler({ bits: 64 });
  const rt = makeRt(asm, opts.mode);
  const mem = memoryConfig(imports.memory, asm.sym('mem_pages'));
  const layer = usesWasi(imports) ? wasiLayer().module : null;
  const mems = [mem];
  if (layer) mems.push(memoryConfig(layer.memories[0]?.limits ?? null, asm.sym(`${LAYER_PREFIX}mem_pages`)));
  emitRuntime(rt, mems, [m], [imports], true);
  const stats = compile(m, asm, {
    target: 'linux', providedImports: imports.provided, importValues: imports.globalValues, features: opts.features,
    bounds: opts.bounds,
  });
  const names = new Map(stats.symbolNames ?? []);
  const funcs = funcEntries(m, '', asm);
  asm.bind(rt.L('boot'));
  if (layer) {
    const l = compileLayer(rt, layer, imports.memory ? asm.sym('mem_pages') : null, opts);
    for (const [k, v] of l.names) names.set(k, v);
    funcs.push(...l.funcs);
  } else asm.i('jmp', rt.L('main'));
  if (opts.mode === 'command') emitCommandMain(rt, asm.sym('export:_start'));
  else {
    const { funcs, globals } = driverExports(m, asm);
    emitDriverMain(rt, funcs, globals);
  }
  emitFuncTable(rt, funcs);
  rt.data.emit();
  const code = asm.finish(LINUX_BASE);
  return writeElf64Exec({
    base: LINUX_BASE, code, bssSize: 0, entry: asm.offsetOf(asm.sym('_start')),
    symbols: elfSymbols(asm.symbols(), code.length, names),
  });
}

/** Does the module call any WASI function (then the WASI layer is linked in)? */
function usesWasi(imports: ResolvedImports): boolean {
  for (const p of imports.provided) if (p.startsWith(`${WASI_MODULE}.`)) return true;
  return false;
}

/** Function entries with names for the fault handler's table (emitFuncTable). */
function funcEntries(m: Module, prefix: string, asm: Assembler): { label: Label; name: string }[] {
  const nImp = numImportedFuncs(m);
  return m.funcs.map((_, k) => ({ label: asm.sym(`${prefix}func:${nImp + k}`), name: funcName(m, nImp + k) }));
}

/**
 * Compiles the WASI layer (layer.ts) into the blob at rt:boot: its host
 * functions, its code, then `call wasi.instantiate` (the layer's start-up:
 * options, preopens) and on to rt:main.
 */
function compileLayer(rt: Rt, layer: Module, appCells: Label | null, opts: LinuxBuildOptions) {
  const { asm } = rt;
  asm.i('call', asm.sym(`${LAYER_PREFIX}instantiate`));
  asm.i('mov', q(R15), rip(rt.L('mem_base')));   // the app's memory is the first one
  asm.i('jmp', rt.L('main'));
  const provided = new Set([...LAYER_HOST_IMPORTS.map((n) => `host.${n}`), 'env.abort']);
  emitLayerHost(rt, appCells, asm.sym(`${LAYER_PREFIX}mem_pages`));
  const stats = compileModule(layer, asm, {
    target: 'linux', providedImports: provided, importValues: new Map(), features: opts.features,
    instance: { prefix: LAYER_PREFIX, sigIds: new Map(), links: layer.imports.map(() => null) },
  });
  return { names: stats.symbolNames, funcs: funcEntries(layer, LAYER_PREFIX, asm) };
}

/** The runtime for one module (single build) or several instances (multi.ts): memories, host functions. */
export function emitRuntime(rt: Rt, mems: MemoryConfig[], ms: Module[], imports: ResolvedImports[], single: boolean): void {
  emitStart(rt, mems);
  emitIo(rt);
  emitSignalHandler(rt);
  emitFuncAt(rt);
  emitMemoryGrow(rt, single);
  emitTrap(rt);
  emitAbort(rt);
  const emitted = new Set<string>();
  ms.forEach((m, k) => {
    const imp = imports[k]!;
    for (const i of m.imports) {
      const key = `${i.module}.${i.name}`;
      const hostCall = imp.hostCalls.some((h) => h.module === i.module && h.name === i.name);
      if (i.desc.kind === 'func' && imp.provided.has(key) && !hostCall && !imp.linked.has(key) && !emitted.has(key)) {
        emitted.add(key);
        emitHostFunc(rt, i.module, i.name);
      }
    }
    emitHostCalls(rt, imp.hostCalls);
  });
}

/** Symbol sizes run to the next symbol; `func:N` takes its wasm name when the name section has one. */
export function elfSymbols(syms: { name: string; offset: number }[], end: number, names?: Map<string, string>) {
  return syms.map((s, k) => {
    let next = end;
    for (let j = k + 1; j < syms.length; j++) if (syms[j]!.offset > s.offset) { next = syms[j]!.offset; break; }
    const wasmName = names?.get(s.name);
    return { name: wasmName ? `${s.name}:${wasmName}` : s.name, offset: s.offset, size: next - s.offset };
  });
}

