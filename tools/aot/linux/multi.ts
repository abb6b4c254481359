// Several module instances in one driver-mode executable (tools/aot/ABI.md
// "Several instances"), so that instances share memories, tables and globals
// by address, as the spec's `register` + imports need (core spec 2.0 §4.5.4).
//
// Instance k is compiled with label prefix `i<k>.`; an import that an earlier
// instance provides is linked to that instance's item (the compiler aliases
// the exporter's labels: tables, memory cells, global slots, function entries).
// Signature ids are shared, so call_indirect across instances checks types.
//
// Driver protocol (main.ts) over the whole executable: request 4 with ordinal
// k runs instance k's `instantiate`; requests 1 (invoke) and 2 (read an 8-byte
// cell) take flat ordinals: instance 0's exported functions in export order,
// then instance 1's, ...; cells likewise over exported globals (the slot),
// tables (u32 size, u32 capacity) and memories (u32 pages, u32 max pages).

import { Assembler } from '../../x86/index.ts';
import { decodeModule, funcTypeOf, funcName, numImportedFuncs, type Module } from '../../wasm/index.ts';
import { writeElf64Exec } from '../../link/elf64.ts';
import { compileModule } from '../module.ts';
import type { LinkedItem } from '../context.ts';
import { makeRt } from './emit.ts';
import { emitFuncTable, type MemoryConfig } from './start.ts';
import { emitDriverMain, type DriverFunc, type DriverGlobal } from './main.ts';
import { linuxImports, LinuxTargetError, type ResolvedImports } from './imports.ts';
import { LINUX_BASE, emitRuntime, memoryConfig, elfSymbols, type CpuFeatures } from './build.ts';

/** One instance of a multi-instance executable. */
export interface LinkedInstance {
  wasm: Uint8Array;
  /** Imports an earlier instance provides: "module.name" -> (instance index, export name). */
  links: Map<string, { instance: number; name: string }>;
}

export interface MultiBuildOptions { features?: CpuFeatures; bounds?: 'guard' | 'explicit' }

const sameTypes = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, k) => v === b[k]);

/** Checks that `link` matches what import `what` asks for (kind and type; limits are the caller's, they change at run time). */
function checkLink(what: string, want: Module['imports'][number]['desc'], have: LinkedItem | undefined): LinkedItem {
  if (!have) throw new LinuxTargetError('unlinkable', `unknown import ${what}`);
  const bad = (): never => { throw new LinuxTargetError('unlinkable', `incompatible import type ${what}`); };
  if (have.kind !== want.kind) bad();
  if (want.kind === 'global' && have.kind === 'global') {
    if (have.global.type !== want.global.type || have.global.mutable !== want.global.mutable) bad();
  } else if (want.kind === 'table' && have.kind === 'table') {
    if (have.table.elem !== want.table.elem) bad();
  }
  return have;
}

/** Builds one driver executable running `instances` in order of index (imports may only name earlier ones). */
export function buildLinuxMulti(instances: LinkedInstance[], opts: MultiBuildOptions = {}): Uint8Array {
  const mods = instances.map((x) => decodeModule(x.wasm));
  const resolved: ResolvedImports[] = mods.map((m, k) => linuxImports(m, { linked: new Set(instances[k]!.links.keys()) }));
  const asm = new Assembler({ bits: 64 });
  const rt = makeRt(asm, 'driver');
  const mems: MemoryConfig[] = [];
  resolved.forEach((r, k) => { if (r.memory) mems.push(memoryConfig(r.memory, asm.sym(`i${k}.mem_pages`))); });
  if (resolved.some((r) => [...r.provided].some((p) => p.startsWith('wasi_snapshot_preview1.')))) {
    throw new LinuxTargetError('unsupported', 'WASI imports in a multi-instance executable (link WASI commands one at a time)');
  }
  emitRuntime(rt, mems, mods, resolved, false);
  asm.bind(rt.L('boot'));
  asm.i('jmp', rt.L('main'));
  const sigIds = new Map<string, number>();
  const exports: Map<string, LinkedItem>[] = [];
  const names = new Map<string, string>();
  const funcs: DriverFunc[] = [], cells: DriverGlobal[] = [];
  mods.forEach((m, k) => {
    const links = linksOf(m, instances[k]!, exports, k);
    const stats = compileModule(m, asm, {
      target: 'linux', providedImports: resolved[k]!.provided, importValues: resolved[k]!.globalValues,
      features: opts.features, bounds: opts.bounds, instance: { prefix: `i${k}.`, sigIds, links },
    });
    exports.push(stats.exports);
    for (const [l, n] of stats.symbolNames) names.set(l, n);
    for (const e of m.exports) {
      const item = stats.exports.get(e.name)!;
      if (item.kind === 'func') funcs.push({ label: asm.sym(`i${k}.export:${e.name}`), params: item.type.params, results: item.type.results });
      else if (item.kind === 'global') cells.push({ label: item.global.label });
      else if (item.kind === 'table') cells.push({ label: item.table.label });
      else cells.push({ label: item.memory.pages });
    }
  });
  emitDriverMain(rt, funcs, cells, mods.map((_, k) => asm.sym(`i${k}.instantiate`)));
  emitFuncTable(rt, mods.flatMap((m, k) => {
    const nImp = numImportedFuncs(m);
    return m.funcs.map((_, j) => ({ label: asm.sym(`i${k}.func:${nImp + j}`), name: funcName(m, nImp + j) }));
  }));
  rt.data.emit();
  const code = asm.finish(LINUX_BASE);
  return writeElf64Exec({
    base: LINUX_BASE, code, bssSize: 0, entry: asm.offsetOf(asm.sym('_start')),
    symbols: elfSymbols(asm.symbols(), code.length, names),
  });
}

/** The LinkedItem of every import of instance k that an earlier instance provides (null: the target's). */
function linksOf(m: Module, inst: LinkedInstance, exports: Map<string, LinkedItem>[], k: number): (LinkedItem | null)[] {
  return m.imports.map((imp) => {
    const what = `${imp.module}.${imp.name}`;
    const to = inst.links.get(what);
    if (!to) return null;
    if (to.instance >= k) throw new LinuxTargetError('invalid', `instance ${k}: import ${what} names instance ${to.instance}, not an earlier one`);
    const item = checkLink(what, imp.desc, exports[to.instance]!.get(to.name));
    if (imp.desc.kind === 'func' && item.kind === 'func') {
      const want = funcTypeOf(m, m.imports.slice(0, m.imports.indexOf(imp)).filter((i) => i.desc.kind === 'func').length);
      if (!sameTypes(want.params, item.type.params) || !sameTypes(want.results, item.type.results)) {
        throw new LinuxTargetError('unlinkable', `incompatible import type ${what}`);
      }
    }
    return item;
  });
}
