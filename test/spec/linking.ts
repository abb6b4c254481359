// Static linking plan of a .wast script (core spec 2.0 §4.5.4 instantiation,
// import matching). Modules that import from a `register`ed module share its
// state, so every set of modules connected by such imports runs in one
// multi-instance driver (tools/aot/linux multi.ts); a module connected to
// none runs in a driver of its own.
//
//   planScript(commands, load)   -> Plan per module command (by command index)
//   linkLimits(...)              the run-time part of matching: a table's or
//                                memory's current size against the import's limits

import { decodeModule, funcTypeOf, globalTypeOf, type Module, type Limits } from '../../tools/wasm/index.ts';
import { linuxImports } from '../../tools/aot/linux/index.ts';

export const HOST_MODULES = new Set(['spectest', 'wasi_snapshot_preview1']);
/** spectest's table and memory maxima (imports.ts of the Linux target). */
const SPECTEST_MAX = { table: 20, memory: 2 };

export interface Group {
  /** Command indices of the members, in script order (member k = instance k). */
  members: number[];
  wasm: Uint8Array[];
  links: Map<string, { instance: number; name: string }>[];
}

export type Plan =
  | { kind: 'solo' }
  | { kind: 'member'; group: Group; k: number }
  | { kind: 'unlinkable'; why: string };

/** A statically linked import: the exporter's command index and export name. */
interface Link { occ: number; name: string }

interface Cmd { type: string; filename?: string; name?: string; as?: string; module_type?: string }

const MODULE_CMDS = new Set(['module', 'assert_uninstantiable', 'assert_unlinkable']);

/** Plans every binary module command of a script. `load` reads a module file's bytes. */
export function planScript(commands: Cmd[], load: (file: string) => Uint8Array): { plans: Map<number, Plan>; analysis: Analysis } {
  const a: Analysis = { mods: new Map(), links: new Map() };
  const why = new Map<number, string>();
  const registry = new Map<string, number>(), named = new Map<string, number>();
  const parent = new Map<number, number>();
  const find = (x: number): number => { while (parent.get(x)! !== x) x = parent.get(x)!; return x; };
  let current = -1;
  commands.forEach((c, i) => {
    if (c.type === 'register') {
      const occ = c.name ? named.get(c.name) : current;
      if (occ !== undefined && occ >= 0) registry.set(c.as!, occ);
      return;
    }
    if (!MODULE_CMDS.has(c.type) || c.module_type === 'text' || !c.filename) return;
    let m: Module;
    try { m = decodeModule(load(c.filename)); } catch { return; }
    a.mods.set(i, m);
    if (c.type === 'module') { current = i; if (c.name) named.set(c.name, i); }
    const links = new Map<string, Link>();
    const bad = analyseImports(a, m, registry, links);
    a.links.set(i, links);
    parent.set(i, i);
    if (bad) { why.set(i, bad); return; }
    for (const l of links.values()) parent.set(find(i), find(l.occ));
  });
  return { plans: groups(a, why, parent, find, load, commands), analysis: a };
}

export interface Analysis { mods: Map<number, Module>; links: Map<number, Map<string, Link>> }

/** Resolves imports against the registry; returns why the module cannot link, or null. */
function analyseImports(a: Analysis, m: Module, registry: Map<string, number>, links: Map<string, Link>): string | null {
  let fi = 0;
  for (const imp of m.imports) {
    const ordinal = imp.desc.kind === 'func' ? fi++ : -1;
    if (HOST_MODULES.has(imp.module)) continue;
    const what = `${imp.module}.${imp.name}`;
    const occ = registry.get(imp.module);
    const em = occ === undefined ? undefined : a.mods.get(occ);
    const e = em?.exports.find((x) => x.name === imp.name);
    if (!em || !e) return `unknown import ${what}`;
    if (e.kind !== imp.desc.kind) return `incompatible import type ${what} (${e.kind}, not ${imp.desc.kind})`;
    if (imp.desc.kind === 'func') {
      const have = funcTypeOf(em, e.index), want = funcTypeOf(m, ordinal);
      const same = (x: number[], y: number[]): boolean => x.length === y.length && x.every((v, k) => v === y[k]);
      if (!same(have.params, want.params) || !same(have.results, want.results)) return `incompatible import type ${what}`;
    } else if (imp.desc.kind === 'global') {
      const have = globalTypeOf(em, e.index)!;
      if (have.type !== imp.desc.global.type || have.mutable !== imp.desc.global.mutable) return `incompatible import type ${what}`;
    } else if (imp.desc.kind === 'table') {
      if (tableElem(em, e.index) !== imp.desc.table.elem) return `incompatible import type ${what}`;
    }
    links.set(what, { occ: occ!, name: imp.name });
  }
  try {
    linuxImports(m, { linked: new Set(links.keys()) });
  } catch (err) {
    const msg = (err as Error).message;
    const imp = /unsupported import ([^ :]+)(: type)?/.exec(msg);
    if (imp) return `${imp[2] ? 'incompatible import type' : 'unknown import'} ${imp[1]}`;
  }
  return null;
}

function tableElem(m: Module, index: number): number | undefined {
  const imported = m.imports.flatMap((i) => (i.desc.kind === 'table' ? [i.desc.table.elem] : []));
  return index < imported.length ? imported[index] : m.tables[index - imported.length]?.elem;
}

function groups(
  a: Analysis, why: Map<number, string>, parent: Map<number, number>, find: (x: number) => number,
  load: (file: string) => Uint8Array, commands: Cmd[],
): Map<number, Plan> {
  const byRoot = new Map<number, number[]>();
  for (const i of parent.keys()) {
    if (why.has(i)) continue;
    const r = find(i);
    byRoot.set(r, [...(byRoot.get(r) ?? []), i]);
  }
  const plans = new Map<number, Plan>();
  for (const [i, w] of why) plans.set(i, { kind: 'unlinkable', why: w });
  for (const members of byRoot.values()) {
    if (members.length === 1) { plans.set(members[0]!, { kind: 'solo' }); continue; }
    members.sort((x, y) => x - y);
    const index = new Map(members.map((occ, k) => [occ, k]));
    const group: Group = {
      members,
      wasm: members.map((occ) => load(commands[occ]!.filename!)),
      links: members.map((occ) => new Map([...a.links.get(occ)!].map(([key, l]) => [key, { instance: index.get(l.occ)!, name: l.name }]))),
    };
    members.forEach((occ, k) => plans.set(occ, { kind: 'member', group, k }));
  }
  return plans;
}

/** The declared maximum of the table or memory that `occ` exports as `name`, following re-exports. */
export function originMax(a: Analysis, occ: number, name: string): number | null {
  const m = a.mods.get(occ)!;
  const e = m.exports.find((x) => x.name === name)!;
  const kind = e.kind as 'table' | 'memory';
  const imports = m.imports.filter((i) => i.desc.kind === kind);
  if (e.index < imports.length) {
    const imp = imports[e.index]!;
    const l = a.links.get(occ)!.get(`${imp.module}.${imp.name}`);
    return l ? originMax(a, l.occ, l.name) : SPECTEST_MAX[kind];
  }
  const own = kind === 'table' ? m.tables[e.index - imports.length]!.limits : m.memories[e.index - imports.length]!.limits;
  return own.max;
}

/** §4.5.4 limits matching: the exporter's current size and declared max against the import's limits. */
export function limitsMatch(current: number, max: number | null, want: Limits): boolean {
  if (current < want.min) return false;
  if (want.max === null) return true;
  return max !== null && max <= want.max;
}

