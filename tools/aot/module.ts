// Module-level compilation: builds the ModCtx (signatures, callees, globals,
// tables, segments), compiles every function (func.ts), the import wrappers
// and export thunks, `instantiate`, and the module's data (ABI.md).
//
// Blob layout emitted into the caller's assembler:
//   code:  defined functions, import wrappers, export thunks, instantiate
//   data:  stack_limit, mem_pages, mem_max_pages, globals, tables,
//          function descriptors, data/elem segments, names, constant pool

import { decodeBodyReuse, funcName, funcTypeOf, numImportedFuncs, type InstrPool } from '../wasm/index.ts';
import { inlineCalls } from './inline.ts';
import { splitWebs } from './webs.ts';
import { branchSelects } from './selectif.ts';
import { Op } from '../wasm/opcodes.ts';
import { ValType, type ConstExpr, type FuncType, type Instr, type Module } from '../wasm/types.ts';
import { Assembler, imm, mem, memIdx, r32, r64, ripMem, type AsmChunk, type Label } from '../x86/index.ts';
import { AotError } from './errors.ts';
import { FuncCompiler } from './func.ts';
import { CODE_ALIGN, Masm, R15, R8, R9, RAX, RBP, RCX, RDI, RDX, RSI, RSP } from './masm.ts';
import { checkHwImport } from './hw.ts';
import { kernelImportTarget } from './kernel-imports.ts';
import { TrapKind } from './traps.ts';
import { resolvePasses } from './plan.ts';
import { scratchReset } from './scratch.ts';
import { runChunks, threadCount } from './parallel.ts';
import type { AotOptions, Callee, GlobalInfo, LinkedItem, MemoryInfo, ModCtx, TableInfo } from './context.ts';
import './control.ts';
import './intops.ts';
import './floatops.ts';
import './convert.ts';
import './memory.ts';
import './calls.ts';
import './tables.ts';

export interface AotStats {
  functions: number;
  codeBytes: number;
  ms: number;
  /** label name (`func:<i>`) -> wasm function name (name section, else `func[i]`). */
  symbolNames: Map<string, string>;
  /** Exports as items another instance of the same blob can link to (AotOptions.instance). */
  exports: Map<string, LinkedItem>;
  /**
   * Kernel target: every compiled function's code labels and NUL-terminated name
   * (the trap name strings, one per function), in code order, and the end of
   * the code; what the linker's backtrace table is made of (ABI.md "Traps").
   */
  backtrace?: BacktraceFuncs;
}

/** Code labels (several per function: its body may come before its entry) with their name labels. */
export interface BacktraceFuncs { functions: { code: Label; name: Label }[]; codeEnd: Label }


const MAX_TABLE = 1 << 22;

function sigKey(t: FuncType): string { return `${t.params.join(',')}->${t.results.join(',')}`; }

function mkCallees(m: Module, asm: Assembler, opts: AotOptions, sym: (n: string) => Label, links: (LinkedItem | null)[]): Callee[] {
  const out: Callee[] = [];
  const provided = opts.providedImports ?? new Set<string>();
  let fi = 0;
  m.imports.forEach((imp, j) => {
    if (imp.desc.kind !== 'func') return;
    const key = `${imp.module}.${imp.name}`;
    const t = funcTypeOf(m, fi++);
    const link = links[j];
    if (link?.kind === 'func') out.push({ kind: 'import', label: link.label, module: imp.module, name: imp.name });
    else if (key === 'env.abort') out.push({ kind: 'abort' });
    else if (opts.target === 'kernel' && kernelImportTarget(m, key) !== null) {
      out.push({ kind: 'local', label: sym(`func:${kernelImportTarget(m, key)}`) });
    } else if (opts.target === 'kernel' && imp.module === 'hw') {
      const err = checkHwImport(imp.name, t);
      if (err) throw new AotError('unsupported', `import ${key}: ${err}`);
      out.push({ kind: 'hw', name: imp.name });
    } else if (provided.has(key) || provided.has(`import:${key}`)) { // kernel: glue labels (tools/image/wasm-glue.ts)
      out.push({ kind: 'import', label: asm.sym(`import:${key}`), module: imp.module, name: imp.name });
    } else {
      throw new AotError('unsupported', `import ${key} is not provided by the ${opts.target} target`);
    }
  });
  for (let k = 0; k < m.funcs.length; k++) out.push({ kind: 'local', label: sym(`func:${fi + k}`) });
  return out;
}

/** Raw bits of imported global i (values the target supplies at compile time, or a linked exporter's constant), or null. */
type GlobalValues = (i: number) => bigint | null;
let importedGlobalValue: GlobalValues = () => null;
/** The descriptor an imported immutable funcref global was initialised with (linked exporter), if any. */
let importedGlobalRef: (i: number) => Label | undefined = () => undefined;

/** Evaluates a numeric constant expression to raw bits, or null (ref.func / not constant). */
function constBitsOf(e: ConstExpr): bigint | null {
  if (e.length !== 1) return null;
  const i = e[0];
  switch (i.op) {
    case Op.GlobalGet: return importedGlobalValue(i.a!);
    case Op.I32Const: return BigInt.asUintN(32, BigInt(i.a!));
    case Op.F32Const: return BigInt(i.a! >>> 0);
    case Op.I64Const: case Op.F64Const: return BigInt.asUintN(64, i.i64!);
    case Op.RefNull: return 0n;
    default: return null;
  }
}

/** The i32 offset of an active segment (const expr), or throws 'unsupported'. */
function offsetOf(e: ConstExpr, what: string): number {
  const b = constBitsOf(e);
  if (b === null) throw new AotError('unsupported', `${what}: offset expression is not i32.const`);
  return Number(b);
}

const isRef = (t: ValType) => t === ValType.FuncRef || t === ValType.ExternRef;

/** Imported globals: linked ones are the exporter's GlobalInfo; others get a slot with the target's value. */
function importedGlobals(m: Module, opts: AotOptions, sym: (n: string) => Label, links: (LinkedItem | null)[]): GlobalInfo[] {
  const out: GlobalInfo[] = [];
  m.imports.forEach((imp, j) => {
    if (imp.desc.kind !== 'global') return;
    const link = links[j];
    if (link?.kind === 'global') { out.push(link.global); return; }
    const bits = opts.importValues?.get(`${imp.module}.${imp.name}`);
    if (bits === undefined) throw new AotError('unsupported', `imported global ${imp.module}.${imp.name} has no value from the ${opts.target} target`);
    const g = imp.desc.global;
    out.push({ type: g.type, mutable: g.mutable, label: sym(`global:${out.length}`), constBits: g.mutable || isRef(g.type) ? null : bits, initBits: bits });
  });
  return out;
}

function mkTables(m: Module, opts: AotOptions, asm: Assembler, links: (LinkedItem | null)[]): TableInfo[] {
  const out: TableInfo[] = [];
  m.imports.forEach((imp, j) => {
    if (imp.desc.kind !== 'table') return;
    const link = links[j];
    out.push(link?.kind === 'table' ? link.table : ownTable(imp.desc.table, out.length, opts, asm));
  });
  for (const t of m.tables) out.push(ownTable(t, out.length, opts, asm));
  return out;
}

function ownTable(t: { limits: { min: number; max: number | null }; elem: ValType }, k: number, opts: AotOptions, asm: Assembler): TableInfo {
  if (t.limits.min > MAX_TABLE) throw new AotError('unsupported', `table ${k}: ${t.limits.min} entries is more than ${MAX_TABLE}`);
  const grow = opts.target === 'kernel' ? 0 : 1024;
  const max = Math.min(t.limits.max ?? t.limits.min + grow, MAX_TABLE, t.limits.min + Math.max(grow, 65536));
  return {
    label: asm.label(), data: asm.label(), min: t.limits.min, max: Math.max(max, t.limits.min), elem: t.elem,
    declaredMax: t.limits.max, owned: true,
  };
}

/** Memory 0: a linked exporter's, or this instance's own cells. */
function mkMemory(m: Module, sym: (n: string) => Label, links: (LinkedItem | null)[]): { info: MemoryInfo | null; owned: boolean } {
  const j = m.imports.findIndex((i) => i.desc.kind === 'memory');
  const link = j >= 0 ? links[j] : null;
  if (link?.kind === 'memory') return { info: link.memory, owned: false };
  const t = j >= 0 && m.imports[j].desc.kind === 'memory' ? m.imports[j].desc.memory : m.memories[0];
  if (!t) return { info: { pages: sym('mem_pages'), min: 0, max: 0 }, owned: true };
  return { info: { pages: sym('mem_pages'), min: t.limits.min, max: t.limits.max }, owned: true };
}

function mkCtx(m: Module, asm: Assembler, opts: AotOptions): ModCtx {
  const inst = opts.instance;
  const prefix = inst?.prefix ?? '';
  const sym = (n: string): Label => asm.sym(prefix + n);
  const links = inst?.links ?? [];
  const imported = importedGlobals(m, opts, sym, links);
  importedGlobalValue = (i) => imported[i] ? imported[i].initBits ?? imported[i].constBits : null;
  importedGlobalRef = (i) => imported[i]?.refInit;
  const nImpG = imported.length;
  const nImp = numImportedFuncs(m);
  const funcTypes: FuncType[] = [];
  for (let i = 0; i < nImp + m.funcs.length; i++) funcTypes.push(funcTypeOf(m, i));
  const ids = inst?.sigIds ?? new Map<string, number>();
  const typeIds = m.types.map((t) => {
    const k = sigKey(t);
    if (!ids.has(k)) ids.set(k, ids.size + 1);
    return ids.get(k)!;
  });
  const globals: GlobalInfo[] = [
    ...imported,
    ...m.globals.map((g, k) => ({
      type: g.type.type, mutable: g.type.mutable, label: sym(`global:${nImpG + k}`),
      constBits: g.type.mutable || isRef(g.type.type) ? null : constBitsOf(g.init),
      initBits: g.type.mutable ? undefined : constBitsOf(g.init) ?? undefined,
    })),
  ];
  const memTypes = [
    ...m.imports.flatMap((i) => (i.desc.kind === 'memory' ? [i.desc.memory] : [])),
    ...m.memories,
  ];
  const mem = mkMemory(m, sym, links);
  const descs = new Map<number, Label>();
  const names = new Map<number, Label>();
  const ctx = {
    m, asm, masm: new Masm(asm), opts, features: opts.features ?? {}, kernel: opts.target === 'kernel',
    passes: resolvePasses(opts.passes, process.env.ASUK_AOT_PASSES),
    funcTypes, typeIds, callees: mkCallees(m, asm, opts, sym, links), globals, tables: mkTables(m, opts, asm, links),
    hasMemory: memTypes.length > 0, multi: !!inst, reloadBase: !!inst && !inst.fixedBase, sym, memory: memTypes.length > 0 ? mem.info : null, links,
    memPages: mem.info!.pages, memMaxPages: mem.owned ? sym('mem_max_pages') : mem.info!.pages,
    stackLimit: asm.sym('stack_limit'),
    funcDesc(i: number): Label {
      let l = descs.get(i);
      if (!l) { l = asm.label(); descs.set(i, l); }
      return l;
    },
    dataLabels: m.datas.map(() => asm.label()), dataLens: m.datas.map(() => asm.label()),
    elemLabels: m.elems.map(() => asm.label()), elemLens: m.elems.map(() => asm.label()),
    funcNameLabel(i: number): Label {
      let l = names.get(i);
      if (!l) { l = asm.label(); names.set(i, l); }
      return l;
    },
    funcName: (i: number) => funcName(m, i),
    // private to this file: emitted with the data
    ...{ _descs: descs, _names: names, _memTypes: memTypes, _memOwned: mem.owned },
  } as ModCtx;
  m.globals.forEach((g, k) => {
    const e = g.init;
    if (!g.type.mutable && e.length === 1 && e[0].op === Op.RefFunc) ctx.globals[nImpG + k].refInit = ctx.funcDesc(e[0].a!);
  });
  return ctx;
}

function localTypesOf(m: Module, defined: number, t: FuncType): ValType[] {
  const out = [...t.params];
  let total = out.length;
  for (const d of m.codes[defined].locals) {
    total += d.count;
    if (total > 50000) throw new AotError('unsupported', `function ${defined}: more than 50000 locals`);
    for (let k = 0; k < d.count; k++) out.push(d.type);
  }
  return out;
}

/** A wrapper with the wasm ABI around import `i`: local.get 0..n-1; call i; end. */
function importWrapper(t: FuncType, i: number): Instr[] {
  const ins = (op: Op, a?: number): Instr => ({ op, pos: 0, a, b: undefined, i64: undefined, blockType: undefined, targets: undefined, types: undefined });
  const body: Instr[] = t.params.map((_, k) => ins(Op.LocalGet, k));
  body.push(ins(Op.Call, i), ins(Op.End));
  return body;
}

function compileFunctions(ctx: ModCtx): void {
  const m = ctx.m;
  const nImp = numImportedFuncs(m);
  for (let i = 0; i < nImp; i++) {
    scratchReset();                  // the previous function's plan arrays are dead (scratch.ts)
    new FuncCompiler(ctx, i, ctx.funcTypes[i], [...ctx.funcTypes[i].params]).compile(importWrapper(ctx.funcTypes[i], i));
  }
  const bounds = chunkBounds(m, ctx.opts);
  if (bounds === null) {
    for (let k = 0; k < m.funcs.length; k++) compileDefined(ctx, k);
    return;
  }
  const job = { wasm: m.bytes, opts: chunkOpts(ctx.opts), bounds };
  // in place, each chunk starts CODE_ALIGN-aligned as a chunk compiled apart does
  const inPlace = (c: number): void => {
    ctx.asm.align(CODE_ALIGN);
    for (let k = bounds[c]; k < bounds[c + 1]; k++) compileDefined(ctx, k);
  };
  const ran = runChunks(bounds.length - 1, threadCount(ctx.opts), job,
    (c) => compileChunk(m, ctx.opts, bounds[c], bounds[c + 1]), (r) => mergeChunk(ctx, r), inPlace);
  if (!ran) for (let c = 0; c + 1 < bounds.length; c++) inPlace(c);      // one thread
}

/** The instruction objects of the body being compiled, reused by the next (nothing keeps a body's instructions past its compile). */
const BODY: InstrPool = { pool: [], out: [] };

function compileDefined(ctx: ModCtx, k: number): void {
  const nImp = numImportedFuncs(ctx.m), i = nImp + k;
  const t = ctx.funcTypes[i];
  scratchReset();
  const body = decodeBodyReuse(ctx.m, k, BODY);   // one object shape per instruction (tools/wasm/instrs.ts)
  const locals = localTypesOf(ctx.m, k, t);
  const f = ctx.passes.inline
    ? inlineCalls(ctx.m, ctx.funcTypes, i, body, locals, (j) => localTypesOf(ctx.m, j, ctx.funcTypes[nImp + j]), ctx.kernel)
    : { instrs: body, localTypes: locals, owner: null };
  const g = ctx.passes.selectIf ? branchSelects(f.instrs, f.localTypes, f.owner) : f;
  const facts = ctx.passes.webs ? splitWebs(g.instrs, g.localTypes) : null;
  new FuncCompiler(ctx, i, t, g.localTypes).compile(g.instrs, g.owner, facts);
}

// ---- chunks: large modules compile on several threads (parallel.ts) ----
//
// The defined functions split into chunks of about CHUNK_BYTES of Wasm code,
// by the module alone (never by the thread count: the code is the same on
// every machine). Each chunk starts CODE_ALIGN-aligned, so code compiled into an
// assembler of its own (a worker's, from byte 0) has the same bytes as in
// place; the chunk's labels shared with the module (named ones, the context's
// data labels, function descriptors and names, pool constants) are merged
// into the module's by what they stand for, in function order.

const CHUNK_MIN_MODULE = 256 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** Defined-function index where each chunk starts, then the count; null: one piece. */
function chunkBounds(m: Module, opts: AotOptions): number[] | null {
  if (opts.codeMap || opts.instance) return null;
  const min = opts.chunks?.minModule ?? CHUNK_MIN_MODULE, size = opts.chunks?.size ?? CHUNK_BYTES;
  let total = 0;
  for (const c of m.codes) total += c.bodyEnd - c.bodyStart;
  if (total < min || m.codes.length < 2) return null;
  const out = [0];
  let acc = 0;
  for (let k = 0; k < m.codes.length; k++) {
    if (acc >= size) { out.push(k); acc = 0; }
    acc += m.codes[k].bodyEnd - m.codes[k].bodyStart;
  }
  out.push(m.codes.length);
  return out;
}

/** The options a worker needs (structured-clone safe: no codeMap, no instance). */
function chunkOpts(o: AotOptions): AotOptions {
  return { target: o.target, providedImports: o.providedImports, importValues: o.importValues, features: o.features, bounds: o.bounds, passes: o.passes };
}

/** A chunk's code and the module-level labels it refers to, by chunk label id. */
export interface ChunkResult extends AsmChunk {
  /** ids of the context's anonymous data labels (ctxDataLabels order). */
  ctxAnon: number[];
  /** (function index, id) pairs of function descriptors and of name strings, in first-use order. */
  descs: number[];
  fnames: number[];
  /** pool constants in first-use order. */
  pool: { lo: bigint; hi: bigint; id: number }[];
}

/** The context's anonymous labels made by mkCtx, in a fixed order. */
function ctxDataLabels(ctx: ModCtx): Label[] {
  return [...ctx.tables.flatMap((t) => [t.label, t.data]), ...ctx.dataLabels, ...ctx.dataLens, ...ctx.elemLabels, ...ctx.elemLens];
}

/**
 * Room in `asm` for the code of defined functions [from, to): ~2.4-2.8 bytes of x86, ~0.14 fixups
 * and ~0.09 labels per byte of Wasm (bench/aot's modules and synth).
 */
function reserveFor(asm: Assembler, m: Module, from: number, to: number): void {
  let wasm = 0;
  for (let k = from; k < to; k++) wasm += m.codes[k].bodyEnd - m.codes[k].bodyStart;
  asm.reserve(3 * wasm, Math.ceil(wasm / 6), Math.ceil(wasm / 10));
}

/** Compiles defined functions [from, to) of `m` into an assembler of their own (a worker calls this). */
export function compileChunk(m: Module, opts: AotOptions, from: number, to: number): ChunkResult {
  const saved = [importedGlobalValue, importedGlobalRef] as const;
  try {
    const asm = new Assembler({ bits: 64 });
    reserveFor(asm, m, from, to);
    const ctx = mkCtx(m, asm, opts);
    for (let k = from; k < to; k++) compileDefined(ctx, k);
    const priv = ctx as unknown as { _descs: Map<number, Label>; _names: Map<number, Label> };
    const pairs = (mp: Map<number, Label>): number[] => [...mp].flatMap(([i, l]) => [i, l.id]);
    return {
      ...asm._chunk(), ctxAnon: ctxDataLabels(ctx).map((l) => l.id), descs: pairs(priv._descs), fnames: pairs(priv._names),
      pool: ctx.masm.poolEntries().map((e) => ({ lo: e.lo, hi: e.hi, id: e.label.id })),
    };
  } finally {
    [importedGlobalValue, importedGlobalRef] = saved;      // the module's own context stays in effect
  }
}

/** Appends chunk `r` to the module, mapping its labels to the module's. */
function mergeChunk(ctx: ModCtx, r: ChunkResult): void {
  const asm = ctx.asm;
  const labels: (Label | undefined)[] = new Array(r.labelOff.length);
  for (let j = 0; j < r.names.length; j++) labels[r.nameIds[j]] = asm.sym(r.names[j]);
  const mine = ctxDataLabels(ctx);
  r.ctxAnon.forEach((id, j) => { labels[id] = mine[j]; });
  for (let j = 0; j < r.descs.length; j += 2) labels[r.descs[j + 1]] = ctx.funcDesc(r.descs[j]);
  for (let j = 0; j < r.fnames.length; j += 2) labels[r.fnames[j + 1]] = ctx.funcNameLabel(r.fnames[j]);
  for (const e of r.pool) labels[e.id] = ctx.masm.constant(e.lo, e.hi).label!;
  asm.align(CODE_ALIGN);
  asm._append(r, (id) => labels[id] ??= asm.label());
}

function emitExports(ctx: ModCtx): void {
  const asm = ctx.asm;
  for (const e of ctx.m.exports) {
    if (e.kind !== 'func') continue;
    asm.bind(ctx.sym(`export:${e.name}`));
    asm.jmp(ctx.sym(`func:${e.index}`));
  }
}

/** rep movsb of `bytes` from `src` (label, byte offset) to the address in rdi. */
function copyFrom(asm: Assembler, src: Label, bytes: number): void {
  asm.lea(64, RSI, ripMem(src));
  asm.movRI(32, RCX, bytes);
  asm.i('rep movsb');
}

/**
 * Kernel target: the active data segments as few copies as possible. asc emits
 * one segment per static object, and `instantiate` is the first code the boot
 * runs (under TCG every distinct instruction costs translation): segments in
 * increasing, non-overlapping order with gaps of at most 256 bytes become one
 * run, the gaps zero (the kernel's memory is zero before instantiate and
 * nothing else writes there). One bounds check per run: a trap before any of
 * its copies instead of after the earlier ones, which no kernel can observe
 * (its memory is its own; the Linux target keeps the per-segment order).
 */
function kernelDataRuns(m: Module): { off: number; bytes: Uint8Array }[] {
  const runs: { off: number; end: number; parts: Uint8Array[] }[] = [];
  let cur: { off: number; end: number; parts: Uint8Array[] } | null = null;
  m.datas.forEach((d, k) => {
    if (d.mode.kind !== 'active') return;
    const off = offsetOf(d.mode.offset, `data segment ${k}`) >>> 0;
    if (cur !== null && off >= cur.end && off - cur.end <= 256) {
      if (off > cur.end) cur.parts.push(new Uint8Array(off - cur.end));
      cur.parts.push(d.bytes);
      cur.end = off + d.bytes.length;
    } else {
      cur = { off, end: off + d.bytes.length, parts: [d.bytes] };
      runs.push(cur);
    }
  });
  return runs.map((r) => {
    const bytes = new Uint8Array(r.end - r.off);
    let o = 0;
    for (const p of r.parts) { bytes.set(p, o); o += p.length; }
    return { off: r.off, bytes };
  });
}

/** One active data segment (Linux) or run of them (kernel) that `instantiate` copies: memory offset, length, source bytes. */
interface DataCopy { off: number; len: number; src: Label }

/** The active data segments as copies, in segment order, and the kernel's run bytes behind their labels. */
function dataCopies(ctx: ModCtx): { copies: DataCopy[]; runs: Uint8Array[] } {
  if (ctx.kernel) {
    const runs = kernelDataRuns(ctx.m);
    return { copies: runs.map((r, i) => ({ off: r.off, len: r.bytes.length, src: ctx.sym(`data_run:${i}`) })), runs: runs.map((r) => r.bytes) };
  }
  const copies = ctx.m.datas.flatMap((d, k) => d.mode.kind !== 'active' ? []
    : [{ off: offsetOf(d.mode.offset, `data segment ${k}`) >>> 0, len: d.bytes.length, src: ctx.dataLabels[k] }]);
  return { copies, runs: [] };
}

/**
 * `instantiate`: element segments, then data segments (spec 2.0 §4.5.4), then
 * the start function. The data segments are one loop over a table of
 * (u32 offset, u32 length, u64 source) that emitData places (`table`): each
 * entry is bounds-checked against the memory's size before its bytes are
 * copied, so a trap leaves the earlier segments written and no later one.
 */
function emitInstantiate(ctx: ModCtx, nameLabel: Label, copies: DataCopy[], table: Label): void {
  const asm = ctx.asm, m = ctx.m;
  const trapL = new Map<TrapKind, Label>();
  const trap = (k: TrapKind): Label => { if (!trapL.has(k)) trapL.set(k, asm.label()); return trapL.get(k)!; };
  asm.align(16);
  asm.bind(ctx.sym('instantiate'));
  asm.i('push', r64(RBP));
  asm.i('mov', r64(RBP), r64(RSP));
  if (ctx.reloadBase && ctx.hasMemory) asm.i('mov', r64(R15), ripMem(ctx.memPages, 8, 64));
  m.elems.forEach((e, k) => {
    if (e.mode.kind !== 'active') return;
    const off = offsetOf(e.mode.offset, `element segment ${k}`);
    const t = ctx.tables[e.mode.table];
    const end = off + e.items.length;
    asm.i('mov', r32(RCX), ripMem(t.label, 0, 32));
    asm.i('mov', r64(RDI), imm(end));
    asm.i('cmp', r64(RDI), r64(RCX));
    asm.jcc('a', trap(TrapKind.TableOutOfBounds));
    if (e.items.length === 0 || end > t.max) return;          // empty, or the check above always traps
    asm.lea(64, RDI, ripMem(t.data, off * 8));
    copyFrom(asm, ctx.elemLabels[k], e.items.length * 8);
  });
  if (copies.length > 0) {
    // rax = memory bytes (no grow before the start function), rdx = entry, r8 = table end
    const loop = asm.label(), test = asm.label();
    asm.i('mov', r32(RAX), ripMem(ctx.memPages, 0, 32));
    asm.i('shl', r64(RAX), imm(16));
    asm.lea(64, RDX, ripMem(table));
    asm.lea(64, R8, ripMem(table, copies.length * 16));
    asm.jmp(test);
    asm.bind(loop);
    asm.i('mov', r32(RDI), mem(RDX, 0, 32));
    asm.i('mov', r32(RCX), mem(RDX, 4, 32));
    asm.lea(64, R9, memIdx(RDI, RCX, 1));
    asm.i('cmp', r64(R9), r64(RAX));
    asm.jcc('a', trap(TrapKind.MemoryOutOfBounds));
    if (!ctx.kernel) asm.i('add', r64(RDI), r64(R15));
    asm.i('mov', r64(RSI), mem(RDX, 8, 64));
    asm.i('rep movsb');
    asm.i('add', r64(RDX), imm(16));
    asm.bind(test);
    asm.i('cmp', r64(RDX), r64(R8));
    asm.jcc('b', loop);
  }
  if (m.start !== null) asm.call(ctx.sym(`func:${m.start}`));
  asm.i('pop', r64(RBP));
  asm.i('ret');
  for (const [k, l] of trapL) {
    asm.bind(l);
    asm.movRI(32, RDI, k);
    asm.lea(64, RSI, ripMem(nameLabel));
    asm.call(asm.sym('trap'));
  }
}

const UTF8 = new TextEncoder();

function cstring(asm: Assembler, s: string): void {
  asm.bytes(UTF8.encode(s));
  asm.u8(0);
}

/** An 8-byte initial value: bits, or the address of a function descriptor. `what` names it in an error. */
function emitRefOrBits(ctx: ModCtx, e: ConstExpr, what: () => string): void {
  const b = constBitsOf(e);
  if (b !== null) { ctx.asm.u64(b); return; }
  if (e.length === 1 && e[0].op === Op.RefFunc) { ctx.asm.addr64(ctx.funcDesc(e[0].a!)); return; }
  const ref = e.length === 1 && e[0].op === Op.GlobalGet ? importedGlobalRef(e[0].a!) : undefined;
  if (ref) { ctx.asm.addr64(ref); return; }
  throw new AotError('unsupported', `${what()}: constant expression ${e.map((i) => i.op).join(' ')}`);
}

function emitData(ctx: ModCtx, instName: Label, data: { copies: DataCopy[]; runs: Uint8Array[] }, table: Label): void {
  const asm = ctx.asm, m = ctx.m;
  const priv = ctx as unknown as {
    _descs: Map<number, Label>; _names: Map<number, Label>; _memTypes: { limits: { min: number; max: number | null } }[]; _memOwned: boolean;
  };
  // Writable data starts on a page of its own: QEMU's TCG discards the
  // translated code of any 4 KiB page that is written to, so a global that
  // shares a page with hot code makes every write to it cost a retranslation.
  asm.align(4096, 0);
  if (!asm.isBound(ctx.stackLimit)) { asm.bind(ctx.stackLimit); asm.u64(0); }      // one per blob (several instances share it)
  if (priv._memOwned) emitMemoryCells(ctx, priv._memTypes[0]?.limits);
  const nImpG = ctx.globals.length - m.globals.length;
  const linked = new Set(ctx.links.filter((l) => l !== null).map((l) => l.kind === 'global' ? l.global : l.kind === 'table' ? l.table : l));
  for (let i = 0; i < nImpG; i++) {
    if (linked.has(ctx.globals[i])) continue;
    asm.bind(ctx.globals[i].label); asm.u64(BigInt.asUintN(64, importedGlobalValue(i)!));
  }
  m.globals.forEach((g, k) => { asm.bind(ctx.globals[nImpG + k].label); emitRefOrBits(ctx, g.init, () => `global ${nImpG + k}`); });
  m.elems.forEach((e, k) => {
    asm.align(8, 0);
    asm.bind(ctx.elemLabels[k]);
    e.items.forEach((it, j) => emitRefOrBits(ctx, it, () => `element ${j} of segment ${k}`));
    asm.bind(ctx.elemLens[k]);
    asm.u32(e.mode.kind === 'passive' ? e.items.length : 0);
  });
  ctx.tables.forEach((t) => {
    if (linked.has(t)) return;
    asm.align(8, 0);
    asm.bind(t.label); asm.u32(t.min); asm.u32(t.max);
    asm.bind(t.data); asm.bytes(new Uint8Array(t.max * 8));
  });
  for (const [i, l] of priv._descs) {
    asm.bind(l);
    asm.u32(ctx.typeIds[funcTypeIdx(m, i)]); asm.u32(0);
    asm.addr64(ctx.sym(`func:${i}`));
  }
  data.runs.forEach((bytes, i) => { asm.bind(data.copies[i].src); asm.bytes(bytes); });
  m.datas.forEach((d, k) => {
    asm.bind(ctx.dataLabels[k]);
    if (!(ctx.kernel && d.mode.kind === 'active')) asm.bytes(d.bytes); // kernel: active bytes live in the runs
    asm.align(4, 0);
    asm.bind(ctx.dataLens[k]); asm.u32(d.mode.kind === 'passive' ? d.bytes.length : 0);
  });
  asm.align(8, 0);
  asm.bind(table);
  for (const c of data.copies) { asm.u32(c.off); asm.u32(c.len); asm.addr64(c.src); }
  for (const [i, l] of priv._names) { asm.bind(l); cstring(asm, ctx.funcName(i)); }
  asm.bind(instName); cstring(asm, 'instantiate');
  ctx.masm.emitPool();
}

/**
 * Memory 0's cells (ABI.md "Memory"): u32 pages, u32 max pages; the Linux
 * target adds u64 base and u64 byte size, which its runtime fills at start-up.
 */
function emitMemoryCells(ctx: ModCtx, limits: { min: number; max: number | null } | undefined): void {
  const asm = ctx.asm;
  asm.align(8, 0);
  asm.bind(ctx.memPages); asm.u32(limits ? limits.min : 0);
  asm.bind(ctx.memMaxPages); asm.u32(limits ? Math.min(limits.max ?? 65536, 65536) : 0);
  if (ctx.kernel) return;
  asm.u64(0n);
  asm.u64(BigInt(limits ? limits.min : 0) * 65536n);
}

/** What other instances of a blob may import from this one, by export name. */
function exportedItems(ctx: ModCtx): Map<string, LinkedItem> {
  const out = new Map<string, LinkedItem>();
  for (const e of ctx.m.exports) {
    if (e.kind === 'func') out.set(e.name, { kind: 'func', label: ctx.sym(`func:${e.index}`), type: ctx.funcTypes[e.index] });
    else if (e.kind === 'global') out.set(e.name, { kind: 'global', global: ctx.globals[e.index] });
    else if (e.kind === 'table') out.set(e.name, { kind: 'table', table: ctx.tables[e.index] });
    else if (ctx.memory) out.set(e.name, { kind: 'memory', memory: ctx.memory });
  }
  return out;
}

function funcTypeIdx(m: Module, i: number): number {
  let fi = 0;
  for (const imp of m.imports) {
    if (imp.desc.kind !== 'func') continue;
    if (fi++ === i) return imp.desc.type;
  }
  return m.funcs[i - fi];
}

/** Compiles module `m` into `asm` for `opts.target` (ABI.md). Throws AotError. */
export function compileModule(m: Module, asm: Assembler, opts: AotOptions): AotStats {
  const t0 = performance.now();
  const start = asm.pos;
  reserveFor(asm, m, 0, m.codes.length);
  const ctx = mkCtx(m, asm, opts);
  compileFunctions(ctx);
  emitExports(ctx);
  const instName = asm.label(), table = asm.label();
  const data = dataCopies(ctx);
  emitInstantiate(ctx, instName, data.copies, table);
  const codeEnd = asm.pos;
  const endLabel = asm.label();
  asm.bind(endLabel);
  const functions = ctx.kernel ? functionEntries(ctx, instName) : undefined;
  emitData(ctx, instName, data, table);
  const symbolNames = new Map<string, string>();
  const prefix = opts.instance?.prefix ?? '';
  for (let i = 0; i < ctx.funcTypes.length; i++) {
    symbolNames.set(`${prefix}func:${i}`, ctx.funcName(i));
    symbolNames.set(`${prefix}body:${i}`, `${ctx.funcName(i)}.body`);
  }
  return {
    functions: m.funcs.length, codeBytes: codeEnd - start, ms: performance.now() - t0, symbolNames, exports: exportedItems(ctx),
    backtrace: functions ? { functions, codeEnd: endLabel } : undefined,
  };
}

/** (code label, name label) of every defined function (entry and body) and of `instantiate`; names are emitted with the data. */
function functionEntries(ctx: ModCtx, instName: Label): { code: Label; name: Label }[] {
  const out: { code: Label; name: Label }[] = [];
  for (let i = numImportedFuncs(ctx.m); i < ctx.funcTypes.length; i++) {
    const name = ctx.funcNameLabel(i);
    out.push({ code: ctx.sym(`func:${i}`), name }, { code: ctx.sym(`body:${i}`), name });
  }
  out.push({ code: ctx.sym('instantiate'), name: instName });
  return out;
}
