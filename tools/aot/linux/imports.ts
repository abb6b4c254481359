// Import resolution for the Linux target: which imports it provides, with
// the spec's import matching (core spec 2.0 §4.5.4 "Import Subtyping": exact
// function and global types, limits with min >= and max <=).
//
//   functions  wasi_snapshot_preview1.* and spectest.print* (wasi.ts); env.abort
//              is compiled to the `abort` label (ABI.md)
//   globals    spectest.global_{i32,i64,f32,f64} = 666 / 666.6, immutable:
//              values handed to the compiler (AotOptions.importValues)
//   tables     spectest.table (10..20 funcref): the compiler gives the module
//              its own table of that type
//   memory     spectest.memory (1, 2 pages): the target's own linear memory
//              with those limits
//   host calls with `hostImports` (driver mode), any other function import
//              of a module other than spectest/wasi becomes a host-call stub
//              (hostcall.ts): the driver's peer runs it

import { type Module, type Limits, ValType, funcTypeOf } from '../../wasm/index.ts';
import { hostFunc } from './wasi.ts';
import type { HostImport } from './hostcall.ts';

export class LinuxTargetError extends Error {
  constructor(readonly code: 'unsupported' | 'invalid' | 'unlinkable', message: string) {
    super(`linux target [${code}]: ${message}`);
    this.name = 'LinuxTargetError';
  }
}

const HOST_GLOBALS: Record<string, { type: ValType; bits: bigint }> = {
  global_i32: { type: ValType.I32, bits: 666n },
  global_i64: { type: ValType.I64, bits: 666n },
  global_f32: { type: ValType.F32, bits: 0x4426a666n },          // 666.6f
  global_f64: { type: ValType.F64, bits: 0x4084d4cccccccccdn },  // 666.6
};
const HOST_MEMORY: Limits = { min: 1, max: 2 };
const HOST_TABLE: Limits = { min: 10, max: 20 };

const typeText = (t: { params: ValType[]; results: ValType[] }): string =>
  `(${t.params.map((v) => ValType[v]).join(', ')}) -> (${t.results.map((v) => ValType[v]).join(', ')})`;

/** The kind of item spectest exports under `name` (the spec interpreter's spectest module), if any. */
function spectestKind(name: string): string | undefined {
  if (/^print(_i32|_i64|_f32|_f64|_i32_f32|_f64_f64)?$/.test(name)) return 'func';
  if (Object.hasOwn(HOST_GLOBALS, name)) return 'global';
  return name === 'table' || name === 'memory' ? name : undefined;
}

const kindOf = (m: Module, what: string): string =>
  m.imports.find((i) => `${i.module}.${i.name}` === what)?.desc.kind ?? '?';

/** Does a provided `have` satisfy an import that asks for `want` (§4.5.4 limits matching)? */
function limitsMatch(have: Limits, want: Limits): boolean {
  if (have.min < want.min) return false;
  if (want.max === null) return true;
  return have.max !== null && have.max <= want.max;
}

/** What the module imports, resolved: the provided set `module.name` and the memory limits in effect. */
export interface ResolvedImports {
  provided: Set<string>;
  memory: Limits | null;
  /** Values of imported globals, by "module.name" (raw bits). */
  globalValues: Map<string, bigint>;
  hostCalls: HostImport[];
  /** Imports another instance of the same executable provides ("module.name"; multi.ts). */
  linked: Set<string>;
}

/** Checks every import against what the target provides (else one LinuxTargetError naming every unsupported import). */
export function linuxImports(
  m: Module, opts: { hostImports?: boolean; globalValues?: Map<string, bigint>; linked?: Set<string> } = {},
): ResolvedImports {
  const linked = opts.linked ?? new Set<string>();
  const provided = new Set<string>();
  const globalValues = new Map<string, bigint>();
  const hostCalls: HostImport[] = [];
  let memory: Limits | null = m.memories[0]?.limits ?? null;
  let funcIndex = 0;
  const problems: string[] = [];
  /** Records why import `what` cannot be provided; the caller skips it. */
  const refuse = (what: string, why = ''): null => {
    const [module, name] = [what.slice(0, what.indexOf('.')), what.slice(what.indexOf('.') + 1)];
    const has = module === 'spectest' ? spectestKind(name) : undefined;
    if (!why && has) why = `: type ${kindOf(m, what)}, the target provides a ${has}`;
    problems.push(`${what}${why}`);
    return null;
  };
  for (const imp of m.imports) {
    const what = `${imp.module}.${imp.name}`;
    const d = imp.desc;
    if (d.kind === 'func') {
      const ordinal = funcIndex++;
      if (linked.has(what)) continue;
      const got = funcTypeOf(m, ordinal);
      if (imp.module === 'env' && imp.name === 'abort') continue;
      const native = imp.module === 'spectest' || imp.module === 'wasi_snapshot_preview1';
      if (opts.hostImports && !native) {
        hostCalls.push({ module: imp.module, name: imp.name, ordinal, type: got });
        provided.add(what);
        continue;
      }
      const h = hostFunc(imp.module, imp.name);
      if (!h) { refuse(what); continue; }
      if (typeText(got) !== typeText(h.type)) { refuse(what, `: type ${typeText(got)}, the target provides ${typeText(h.type)}`); continue; }
    } else if (linked.has(what)) {
      continue;
    } else if (d.kind === 'global' && opts.globalValues?.has(what)) {
      if (d.global.mutable) { refuse(what, ': a mutable global cannot be given as a value'); continue; }
      globalValues.set(what, opts.globalValues.get(what)!);
    } else if (d.kind === 'global') {
      const h = imp.module === 'spectest' && Object.hasOwn(HOST_GLOBALS, imp.name) ? HOST_GLOBALS[imp.name]! : refuse(what);
      if (!h) continue;
      if (d.global.mutable || d.global.type !== h.type) {
        refuse(what, `: type ${d.global.mutable ? 'mut ' : ''}${ValType[d.global.type]}, the target provides ${ValType[h.type]}`);
        continue;
      }
      globalValues.set(what, h.bits);
    } else if (d.kind === 'memory') {
      if (imp.module !== 'spectest' || imp.name !== 'memory') { refuse(what); continue; }
      if (!limitsMatch(HOST_MEMORY, d.memory.limits)) {
        refuse(what, `: type memory ${d.memory.limits.min}..${d.memory.limits.max ?? ''}, the target provides memory 1..2`);
        continue;
      }
      memory = HOST_MEMORY;
    } else {
      if (imp.module !== 'spectest' || imp.name !== 'table') { refuse(what); continue; }
      if (d.table.elem !== ValType.FuncRef || !limitsMatch(HOST_TABLE, d.table.limits)) {
        refuse(what, `: type table ${d.table.limits.min}..${d.table.limits.max ?? ''} ${ValType[d.table.elem]}, the target provides table 10..20 FuncRef`);
        continue;
      }
    }
    provided.add(what);
  }
  if (problems.length === 1) throw new LinuxTargetError('unsupported', `unsupported import ${problems[0]}`);
  if (problems.length > 1) {
    throw new LinuxTargetError('unsupported', `${problems.length} unsupported imports: ${problems.join('; ')}`);
  }
  return { provided, memory, globalValues, hostCalls, linked };
}
