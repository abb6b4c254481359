// The spec test harness: runs the official WebAssembly suite
// (vendor/wasm-spec/*.wast) against tools/wasm (decoder/validator) and
// tools/aot through the Linux target (driver-mode executables).
//
//   convert   wast2json per file into a temp dir -> command list
//   plan      linking.ts: modules connected by imports from `register`ed
//             modules share one multi-instance driver; others get their own
//   run       assertions go through NativeInstance (test/aot/linux-runner.ts)
//   report    FileReport per file; formatReports() prints the table
//
// Counted: every assertion, `action` and `register`. Not counted (listed as
// excluded, with the reason): text-format assert_malformed/assert_invalid
// (module_type "text": those test the text parser, which we do not have).

import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { decodeModule, funcTypeOf } from '../../tools/wasm/index.ts';
import {
  NativeInstance, tmpPath, type Builder, type CallResult, type MultiBuilder, type NativeMember,
} from '../aot/linux-runner.ts';
import { planScript, originMax, limitsMatch, HOST_MODULES, type Plan, type Group, type Analysis } from './linking.ts';

/** The official suite (vendor/wasm-spec; test/wasm-spec.ts). */
import { SPEC_DIR } from '../wasm-spec.ts';
export { SPEC_DIR };

export interface Failure { line: number; reason: string }
export interface FileReport {
  file: string; passed: number; failed: number; excluded: number;
  failures: Failure[]; excludedReasons: Map<string, number>; ms: number;
}

interface Value { type: string; value?: string | string[] }
interface Action { type: 'invoke' | 'get'; module?: string; field: string; args?: Value[] }
interface Command {
  type: string; line: number; filename?: string; name?: string; as?: string; text?: string;
  module_type?: 'binary' | 'text'; action?: Action; expected?: Value[];
}

/** A module as the harness holds it: a running instance, or why there is none. */
type Slot = { inst: NativeMember } | { error: string };

export interface HarnessDeps {
  build: Builder;
  /** Several linked instances in one driver (tools/aot/linux buildLinuxMulti). */
  buildMulti?: MultiBuilder;
  /** Memory model of the Linux target (ASUK_BOUNDS=explicit|guard; default: the target's). */
  bounds?: 'guard' | 'explicit';
  /** tools/wasm validateModule when it exists. */
  validate?: (m: ReturnType<typeof decodeModule>) => void;
}

/** Loads the real builder (tools/aot/linux) and the validator if tools/wasm exports one. */
export async function loadDeps(): Promise<HarnessDeps> {
  const wasm = await import('../../tools/wasm/index.ts') as Record<string, unknown>;
  const validate = typeof wasm.validateModule === 'function' ? wasm.validateModule as HarnessDeps['validate'] : undefined;
  let build: Builder, buildMulti: MultiBuilder | undefined;
  try {
    const linux = await import('../../tools/aot/linux/index.ts');
    build = linux.buildLinuxExecutable;
    buildMulti = linux.buildLinuxMulti;
  } catch (e) {
    const why = `tools/aot not loadable: ${(e as Error).message.split('\n')[0]}`;
    build = () => { throw new Error(why); };
  }
  const b = process.env.ASUK_BOUNDS;
  const bounds = b === 'explicit' || b === 'guard' ? b : undefined;
  return { build, buildMulti, validate, bounds };
}

async function convert(file: string): Promise<{ dir: string; commands: Command[] }> {
  const dir = tmpPath(basename(file, '.wast'));
  const json = join(dir, 'out.json');
  await execa('mkdir', ['-p', dir]);
  await execa('wast2json', [file, '-o', json], { timeout: 60_000 });
  return { dir, commands: (JSON.parse(readFileSync(json, 'utf8')) as { commands: Command[] }).commands };
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);

/** Runs one .wast file. */
export async function runSpecFile(file: string, deps: HarnessDeps): Promise<FileReport> {
  const t0 = Date.now();
  const report: FileReport = {
    file: basename(file, '.wast'), passed: 0, failed: 0, excluded: 0, failures: [], excludedReasons: new Map(), ms: 0,
  };
  const { dir, commands } = await convert(file);
  const { plans, analysis } = planScript(commands, (f) => new Uint8Array(readFileSync(join(dir, f))));
  const named = new Map<string, Slot>();
  const all: NativeInstance[] = [];
  let current: Slot = { error: 'no module defined yet' };
  const ctx: Ctx = {
    dir, deps, named, all, registry: new Map(), plans, analysis, slots: new Map(), groups: new Map(), cmd: -1,
    get current() { return current; },
  };
  try {
    for (const [i, c] of commands.entries()) {
      ctx.cmd = i;
      if (c.type === 'module') {
        current = await startModule(ctx, c.filename!);
        if (c.name) named.set(c.name, current);
        continue;
      }
      if (c.module_type === 'text') {
        report.excluded++;
        const why = `${c.type} of text-format modules (no text parser)`;
        report.excludedReasons.set(why, (report.excludedReasons.get(why) ?? 0) + 1);
        continue;
      }
      let verdict: string | null;
      try { verdict = await runCommand(ctx, c); } catch (e) { verdict = `harness: ${firstLine(e)}`; }
      if (verdict === null) report.passed++;
      else { report.failed++; report.failures.push({ line: c.line, reason: verdict }); }
    }
  } finally {
    await Promise.all(all.map((i) => i.close()));
  }
  report.ms = Date.now() - t0;
  return report;
}

interface Ctx {
  dir: string; deps: HarnessDeps; named: Map<string, Slot>; all: NativeInstance[]; readonly current: Slot;
  /** Modules registered under an import name (`register`). */
  registry: Map<string, Slot>;
  plans: Map<number, Plan>; analysis: Analysis;
  /** Runtime slot of each module command, by command index. */
  slots: Map<number, Slot>;
  /** The driver of each multi-instance group (started at its first member). */
  groups: Map<Group, Promise<NativeInstance | string>>;
  /** Index of the command being run. */
  cmd: number;
}

/** Builds and starts the module of the current command, then instantiates it (the start function may trap). */
async function startModule(ctx: Ctx, filename: string): Promise<Slot> {
  const plan = ctx.plans.get(ctx.cmd) ?? { kind: 'solo' };
  const slot = plan.kind === 'unlinkable' ? { error: `unlinkable: ${plan.why}` }
    : plan.kind === 'member' ? await startMember(ctx, plan.group, plan.k)
    : await startSolo(ctx, filename);
  ctx.slots.set(ctx.cmd, slot);
  return slot;
}

async function startSolo(ctx: Ctx, filename: string): Promise<Slot> {
  const wasm = new Uint8Array(readFileSync(join(ctx.dir, filename)));
  let inst: NativeInstance;
  try {
    inst = await NativeInstance.start(wasm, { build: ctx.deps.build, timeoutMs: 10_000, bounds: ctx.deps.bounds });
  } catch (e) {
    const msg = firstLine(e);
    const imp = /unsupported import ([^ :]+)(: type)?/.exec(msg);
    if (imp) return { error: `unlinkable: ${imp[2] ? 'incompatible import type' : 'unknown import'} ${imp[1]} (${msg})` };
    return { error: `module did not build: ${msg}` };
  }
  ctx.all.push(inst);
  return instantiated(inst, await inst.instantiate().catch((e) => ({ trap: `driver failed: ${firstLine(e)}`, results: [] })));
}

function instantiated(inst: NativeMember, r: CallResult): Slot {
  return r.trap ? { error: `instantiation trapped: ${r.trap}` } : { inst };
}

/** Member k of a group: the group's driver (built at its first member), run-time import matching, instantiation. */
async function startMember(ctx: Ctx, group: Group, k: number): Promise<Slot> {
  let driver = ctx.groups.get(group);
  if (!driver) {
    const { buildMulti, bounds } = ctx.deps;
    driver = !buildMulti ? Promise.resolve('no multi-instance builder')
      : NativeInstance.startMulti(group.members.map((_, j) => ({ wasm: group.wasm[j]!, links: group.links[j]! })),
        { build: buildMulti, timeoutMs: 10_000, bounds })
        .then((d) => { ctx.all.push(d); return d; }, (e) => firstLine(e));
    ctx.groups.set(group, driver);
  }
  const d = await driver;
  if (typeof d === 'string') return { error: `module did not build: ${d}` };
  const why = await runtimeLinkCheck(ctx, group.members[k]!);
  if (why) return { error: `unlinkable: ${why}` };
  const inst = d.member(k);
  return instantiated(inst, await inst.instantiate().catch((e) => ({ trap: `driver failed: ${firstLine(e)}`, results: [] })));
}

/**
 * The run-time part of import matching (§4.5.4): each imported table or memory
 * is matched with its current size; an import from a module whose
 * instantiation failed does not link.
 */
async function runtimeLinkCheck(ctx: Ctx, occ: number): Promise<string | null> {
  const m = ctx.analysis.mods.get(occ)!;
  const links = ctx.analysis.links.get(occ)!;
  for (const imp of m.imports) {
    if (HOST_MODULES.has(imp.module)) continue;
    const what = `${imp.module}.${imp.name}`;
    const l = links.get(what)!;
    const slot = ctx.slots.get(l.occ);
    if (!slot || 'error' in slot) return `import ${what} from a module that failed: ${slot ? slot.error : 'not run'}`;
    if (imp.desc.kind !== 'table' && imp.desc.kind !== 'memory') continue;
    const cell = await slot.inst.getGlobal(l.name);
    if (cell.trap) return `reading the size of ${what}: ${cell.trap}`;
    const current = Number(cell.results[0]! & 0xffff_ffffn);
    const want = imp.desc.kind === 'table' ? imp.desc.table.limits : imp.desc.memory.limits;
    if (!limitsMatch(current, originMax(ctx.analysis, l.occ, l.name), want)) return `incompatible import type ${what}`;
  }
  return null;
}

/** Runs one command; returns null when it passed, else the reason it failed. */
async function runCommand(ctx: Ctx, c: Command): Promise<string | null> {
  switch (c.type) {
    case 'assert_return': return checkReturn(await act(ctx, c.action!), c.expected ?? []);
    case 'action': { const r = await act(ctx, c.action!); return r.trap ? r.trap.startsWith('!') ? r.trap.slice(2) : `trapped: ${r.trap}` : null; }
    case 'assert_trap':
    case 'assert_exhaustion': {
      const r = await act(ctx, c.action!);
      if (r.trap?.startsWith('!')) return r.trap.slice(2);
      if (!r.trap) return `expected trap "${c.text}", returned [${r.results.join(', ')}]`;
      return trapMatches(r.trap, c.text!) ? null : `expected trap "${c.text}", got "${r.trap}"`;
    }
    case 'assert_invalid':
    case 'assert_malformed': return rejects(ctx, c);
    case 'assert_uninstantiable': return uninstantiable(ctx, c);
    case 'assert_unlinkable': return unlinkable(ctx, c);
    case 'register': {
      const slot = c.name ? ctx.named.get(c.name) : ctx.current;
      if (!slot) return `register: unknown module ${c.name}`;
      ctx.registry.set(c.as!, slot);
      return 'error' in slot ? `register: ${slot.error}` : null;
    }
    default: return `unknown command ${c.type}`;
  }
}

/** Runs an action; harness-level problems come back as a pseudo-trap starting with "!". */
async function act(ctx: Ctx, a: Action): Promise<CallResult> {
  const slot = a.module ? ctx.named.get(a.module) ?? { error: `unknown module ${a.module}` } : ctx.current;
  if ('error' in slot) return { trap: `! ${slot.error}`, results: [] };
  try {
    if (a.type === 'get') return await slot.inst.getGlobal(a.field);
    const args = (a.args ?? []).map(argBits);
    return await slot.inst.invoke(a.field, args);
  } catch (e) {
    return { trap: `! ${firstLine(e)}`, results: [] };
  }
}

/**
 * Raw bits of an argument. References follow tools/aot's representation:
 * null = 0; a funcref is a descriptor address; the host's externref N is N + 1.
 */
function argBits(v: Value): bigint {
  if (v.type === 'externref' || v.type === 'funcref') {
    if (v.value === 'null') return 0n;
    if (v.type === 'externref' && typeof v.value === 'string') return BigInt(v.value) + 1n;
    throw new Error(`argument ${v.type} ${String(v.value)} cannot be passed`);
  }
  if (v.type !== 'i32' && v.type !== 'i64' && v.type !== 'f32' && v.type !== 'f64') {
    throw new Error(`argument of type ${v.type} is not supported (SIMD)`);
  }
  return BigInt(v.value as string);
}

function trapMatches(actual: string, expected: string): boolean {
  return actual === expected || expected.startsWith(actual) || actual.startsWith(expected);
}

/** Compares results bit-exactly; nan:canonical / nan:arithmetic per the spec (§4.3.3 NaN propagation). */
export function checkReturn(r: CallResult, expected: Value[]): string | null {
  if (r.trap) return r.trap.startsWith('!') ? r.trap.slice(2) : `trapped: ${r.trap}`;
  if (r.results.length !== expected.length) return `expected ${expected.length} results, got ${r.results.length}`;
  for (let k = 0; k < expected.length; k++) {
    const why = valueMismatch(expected[k]!, r.results[k]!);
    if (why) return expected.length > 1 ? `result ${k}: ${why}` : why;
  }
  return null;
}

function valueMismatch(e: Value, got: bigint): string | null {
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  if (e.type === 'externref' || e.type === 'funcref') return refMismatch(e, got);
  if (typeof e.value !== 'string') return `expected ${e.type} value is not supported`;
  if (e.value === 'nan:canonical' || e.value === 'nan:arithmetic') {
    const f32 = e.type === 'f32';
    const quiet = f32 ? 0x0040_0000n : 0x0008_0000_0000_0000n;
    const exp = f32 ? 0x7f80_0000n : 0x7ff0_0000_0000_0000n;
    const abs = got & (f32 ? 0x7fff_ffffn : 0x7fff_ffff_ffff_ffffn);
    const ok = e.value === 'nan:canonical' ? abs === (exp | quiet) : (abs & exp) === exp && (abs & quiet) !== 0n;
    return ok ? null : `expected ${e.value} ${e.type}, got ${hex(got)}`;
  }
  if (e.type !== 'i32' && e.type !== 'i64' && e.type !== 'f32' && e.type !== 'f64') {
    return `expected ${e.type} value is not supported (SIMD)`;
  }
  const want = BigInt(e.value);
  return want === got ? null : `expected ${e.type} ${hex(want)}, got ${hex(got)}`;
}

/** References: "null" = 0, externref N = N + 1, a funcref without a value = any non-null. */
function refMismatch(e: Value, got: bigint): string | null {
  const show = (v: bigint): string => (v === 0n ? 'null' : e.type === 'externref' ? `ref.extern ${v - 1n}` : `ref 0x${v.toString(16)}`);
  if (e.value === undefined) return got !== 0n ? null : `expected a non-null ${e.type}, got null`;
  const want = e.value === 'null' ? 0n : e.type === 'externref' ? BigInt(e.value as string) + 1n : null;
  if (want === null) return `expected ${e.type} ${String(e.value)} cannot be compared`;
  return want === got ? null : `expected ${show(want)}, got ${show(got)}`;
}

/** assert_invalid / assert_malformed (binary): the decoder or validator must reject the module. */
async function rejects(ctx: Ctx, c: Command): Promise<string | null> {
  const bytes = new Uint8Array(readFileSync(join(ctx.dir, c.filename!)));
  let m;
  try { m = decodeModule(bytes); } catch { return null; }
  if (!ctx.deps.validate) return c.type === 'assert_invalid' ? 'no validator yet' : `decoded a malformed module ("${c.text}")`;
  try { ctx.deps.validate(m); } catch { return null; }
  return `accepted a module that is ${c.type === 'assert_invalid' ? 'invalid' : 'malformed'} ("${c.text}")`;
}

/** assert_uninstantiable: instantiation (segments, start function) must trap. */
async function uninstantiable(ctx: Ctx, c: Command): Promise<string | null> {
  const slot = await startModule(ctx, c.filename!);
  if ('inst' in slot) return `instantiated; expected "${c.text}"`;
  if (slot.error.startsWith('instantiation trapped: ')) {
    const trap = slot.error.slice('instantiation trapped: '.length);
    return trapMatches(trap, c.text!) ? null : `expected "${c.text}", got "${trap}"`;
  }
  return slot.error;
}

/** assert_unlinkable: the import must be refused, for the reason the script names ("unknown import", "incompatible import type"). */
async function unlinkable(ctx: Ctx, c: Command): Promise<string | null> {
  const slot = await startModule(ctx, c.filename!);
  if ('inst' in slot) return `linked; expected "${c.text}"`;
  if (!slot.error.startsWith('unlinkable: ')) return slot.error;
  return slot.error.slice('unlinkable: '.length).startsWith(c.text!) ? null : `expected "${c.text}", got "${slot.error}"`;
}
