// Module-level compilation: builds the ModCtx (signatures, callees, globals,
// tables, segments), compiles every function (func.ts), the import wrappers
// and export thunks, `instantiate`, and the module's data (ABI.md).
//
// Blob layout emitted into the caller's assembler:
//   code:  defined functions, import wrappers, export thunks, instantiate
//   data:  stack_limit, mem_pages, mem_max_pages, globals, tables,
//          function descriptors, data/elem segments, names, constant pool

import { decodeBody, funcName, funcTypeOf, numImportedFuncs } from '../wasm/index.ts';
import { Op } from '../wasm/opcodes.ts';
import { ValType, type ConstExpr, type FuncType, type Instr, type Module } from '../wasm/types.ts';
import { imm, r32, r64, ripMem, type Assembler, type Label } from '../x86/index.ts';
import { AotError } from './errors.ts';
import { FuncCompiler } from './func.ts';
import { Masm, R15, RBP, RCX, RDI, RSI, RSP } from './masm.ts';
import { checkHwImport } from './hw.ts';
import { TrapKind } from './traps.ts';
import type { AotOptions, Callee, GlobalInfo, ModCtx, TableInfo } from './context.ts';
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
}

const MAX_TABLE = 1 << 22;

function sigKey(t: FuncType): string { return `${t.params.join(',')}->${t.results.join(',')}`; }

function mkCallees(m: Module, asm: Assembler, opts: AotOptions): Callee[] {
  const out: Callee[] = [];
  const provided = opts.providedImports ?? new Set<string>();
  let fi = 0;
  for (const imp of m.imports) {
    if (imp.desc.kind !== 'func') continue;
    const key = `${imp.module}.${imp.name}`;
    const t = funcTypeOf(m, fi++);
    if (key === 'env.abort') out.push({ kind: 'abort' });
    else if (opts.target === 'kernel' && imp.module === 'hw') {
      const err = checkHwImport(imp.name, t);
      if (err) throw new AotError('unsupported', `import ${key}: ${err}`);
      out.push({ kind: 'hw', name: imp.name });
    } else if (opts.target === 'linux' && (provided.has(key) || provided.has(`import:${key}`))) {
      out.push({ kind: 'import', label: asm.sym(`import:${key}`), module: imp.module, name: imp.name });
    } else {
      throw new AotError('unsupported', `import ${key} is not provided by the ${opts.target} target`);
    }
  }
  for (let k = 0; k < m.funcs.length; k++) out.push({ kind: 'local', label: asm.sym(`func:${fi + k}`) });
  return out;
}

/** Raw bits of imported global i (values the target supplies at compile time), or null. */
type GlobalValues = (i: number) => bigint | null;
let importedGlobalValue: GlobalValues = () => null;

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

function mkCtx(m: Module, asm: Assembler, opts: AotOptions): ModCtx {
  const imported: { bits: bigint; type: ValType; mutable: boolean }[] = [];
  for (const imp of m.imports) {
    if (imp.desc.kind !== 'global') continue;
    const bits = opts.importValues?.get(`${imp.module}.${imp.name}`);
    if (bits === undefined) throw new AotError('unsupported', `imported global ${imp.module}.${imp.name} has no value from the ${opts.target} target`);
    imported.push({ bits, type: imp.desc.global.type, mutable: imp.desc.global.mutable });
  }
  importedGlobalValue = (i) => imported[i]?.bits ?? null;
  const nImpG = imported.length;
  const nImp = numImportedFuncs(m);
  const funcTypes: FuncType[] = [];
  for (let i = 0; i < nImp + m.funcs.length; i++) funcTypes.push(funcTypeOf(m, i));
  const ids = new Map<string, number>();
  const typeIds = m.types.map((t) => {
    const k = sigKey(t);
    if (!ids.has(k)) ids.set(k, ids.size + 1);
    return ids.get(k)!;
  });
  const isRef = (t: ValType) => t === ValType.FuncRef || t === ValType.ExternRef;
  const globals: GlobalInfo[] = [
    ...imported.map((g, i) => ({
      type: g.type, mutable: g.mutable, label: asm.sym(`global:${i}`),
      constBits: g.mutable || isRef(g.type) ? null : g.bits,
    })),
    ...m.globals.map((g, k) => ({
      type: g.type.type, mutable: g.type.mutable, label: asm.sym(`global:${nImpG + k}`),
      constBits: g.type.mutable || isRef(g.type.type) ? null : constBitsOf(g.init),
    })),
  ];
  const tableTypes = [
    ...m.imports.flatMap((i) => (i.desc.kind === 'table' ? [i.desc.table] : [])),
    ...m.tables,
  ];
  const tables: TableInfo[] = tableTypes.map((t, k) => {
    if (t.limits.min > MAX_TABLE) throw new AotError('unsupported', `table ${k}: ${t.limits.min} entries is more than ${MAX_TABLE}`);
    const grow = opts.target === 'kernel' ? 0 : 1024;
    const max = Math.min(t.limits.max ?? t.limits.min + grow, MAX_TABLE, t.limits.min + Math.max(grow, 65536));
    return { label: asm.label(), data: asm.label(), min: t.limits.min, max: Math.max(max, t.limits.min), elem: t.elem };
  });
  const memTypes = [
    ...m.imports.flatMap((i) => (i.desc.kind === 'memory' ? [i.desc.memory] : [])),
    ...m.memories,
  ];
  const descs = new Map<number, Label>();
  const names = new Map<number, Label>();
  return {
    m, asm, masm: new Masm(asm), opts, features: opts.features ?? {}, kernel: opts.target === 'kernel',
    funcTypes, typeIds, callees: mkCallees(m, asm, opts), globals, tables,
    hasMemory: memTypes.length > 0,
    memPages: asm.sym('mem_pages'), memMaxPages: asm.sym('mem_max_pages'), stackLimit: asm.sym('stack_limit'),
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
    ...{ _descs: descs, _names: names, _memTypes: memTypes },
  } as ModCtx;
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
  const body: Instr[] = t.params.map((_, k) => ({ op: Op.LocalGet, pos: 0, a: k }));
  body.push({ op: Op.Call, pos: 0, a: i }, { op: Op.End, pos: 0 });
  return body;
}

function compileFunctions(ctx: ModCtx): void {
  const m = ctx.m;
  const nImp = numImportedFuncs(m);
  for (let i = 0; i < nImp; i++) {
    new FuncCompiler(ctx, i, ctx.funcTypes[i], [...ctx.funcTypes[i].params]).compile(importWrapper(ctx.funcTypes[i], i));
  }
  for (let k = 0; k < m.funcs.length; k++) {
    const i = nImp + k;
    const t = ctx.funcTypes[i];
    const fc = new FuncCompiler(ctx, i, t, localTypesOf(m, k, t));
    fc.compile(decodeBody(m, k));
  }
}

function emitExports(ctx: ModCtx): void {
  const asm = ctx.asm;
  for (const e of ctx.m.exports) {
    if (e.kind !== 'func') continue;
    asm.bind(asm.sym(`export:${e.name}`));
    asm.i('jmp', asm.sym(`func:${e.index}`));
  }
}

/** rep movsb of `bytes` from `src` (label, byte offset) to the address in rdi. */
function copyFrom(asm: Assembler, src: Label, bytes: number): void {
  asm.i('lea', r64(RSI), ripMem(src));
  asm.i('mov', r32(RCX), imm(bytes));
  asm.i('rep movsb');
}

/** `instantiate`: element segments, then data segments (spec 2.0 §4.5.4), then the start function. */
function emitInstantiate(ctx: ModCtx, nameLabel: Label): void {
  const asm = ctx.asm, m = ctx.m;
  const trapL = new Map<TrapKind, Label>();
  const trap = (k: TrapKind): Label => { if (!trapL.has(k)) trapL.set(k, asm.label()); return trapL.get(k)!; };
  asm.align(16);
  asm.bind(asm.sym('instantiate'));
  asm.i('push', r64(RBP));
  asm.i('mov', r64(RBP), r64(RSP));
  m.elems.forEach((e, k) => {
    if (e.mode.kind !== 'active') return;
    const off = offsetOf(e.mode.offset, `element segment ${k}`);
    const t = ctx.tables[e.mode.table];
    const end = off + e.items.length;
    asm.i('mov', r32(RCX), ripMem(t.label, 0, 32));
    asm.i('mov', r64(RDI), imm(end));
    asm.i('cmp', r64(RDI), r64(RCX));
    asm.i('ja', trap(TrapKind.TableOutOfBounds));
    if (e.items.length === 0 || end > t.max) return;          // empty, or the check above always traps
    asm.i('lea', r64(RDI), ripMem(t.data, off * 8));
    copyFrom(asm, ctx.elemLabels[k], e.items.length * 8);
  });
  m.datas.forEach((d, k) => {
    if (d.mode.kind !== 'active') return;
    const off = offsetOf(d.mode.offset, `data segment ${k}`) >>> 0;
    asm.i('mov', r32(RCX), ripMem(ctx.memPages, 0, 32));
    asm.i('shl', r64(RCX), imm(16));
    asm.i('mov', r64(RDI), imm(off + d.bytes.length));
    asm.i('cmp', r64(RDI), r64(RCX));
    asm.i('ja', trap(TrapKind.MemoryOutOfBounds));
    if (d.bytes.length === 0) return;
    asm.i('mov', r64(RDI), imm(off));
    if (!ctx.kernel) asm.i('add', r64(RDI), r64(R15));
    copyFrom(asm, ctx.dataLabels[k], d.bytes.length);
  });
  if (m.start !== null) asm.i('call', asm.sym(`func:${m.start}`));
  asm.i('pop', r64(RBP));
  asm.i('ret');
  for (const [k, l] of trapL) {
    asm.bind(l);
    asm.i('mov', r32(RDI), imm(k));
    asm.i('lea', r64(RSI), ripMem(nameLabel));
    asm.i('call', asm.sym('trap'));
  }
}

function cstring(asm: Assembler, s: string): void {
  asm.bytes(new TextEncoder().encode(s));
  asm.u8(0);
}

/** An 8-byte initial value: bits, or the address of a function descriptor. */
function emitRefOrBits(ctx: ModCtx, e: ConstExpr, what: string): void {
  const b = constBitsOf(e);
  if (b !== null) { ctx.asm.u64(b); return; }
  if (e.length === 1 && e[0].op === Op.RefFunc) { ctx.asm.addr64(ctx.funcDesc(e[0].a!)); return; }
  throw new AotError('unsupported', `${what}: constant expression ${e.map((i) => i.op).join(' ')}`);
}

function emitData(ctx: ModCtx, instName: Label): void {
  const asm = ctx.asm, m = ctx.m;
  const priv = ctx as unknown as { _descs: Map<number, Label>; _names: Map<number, Label>; _memTypes: { limits: { min: number; max: number | null } }[] };
  // Writable data starts on a page of its own: QEMU's TCG discards the
  // translated code of any 4 KiB page that is written to, so a global that
  // shares a page with hot code makes every write to it cost a retranslation.
  asm.align(4096, 0);
  asm.bind(ctx.stackLimit); asm.u64(0);
  const mt = priv._memTypes[0];
  asm.bind(ctx.memPages); asm.u32(mt ? mt.limits.min : 0);
  asm.bind(ctx.memMaxPages); asm.u32(mt ? Math.min(mt.limits.max ?? 65536, 65536) : 0);
  const nImpG = ctx.globals.length - m.globals.length;
  for (let i = 0; i < nImpG; i++) { asm.bind(ctx.globals[i].label); asm.u64(BigInt.asUintN(64, importedGlobalValue(i)!)); }
  m.globals.forEach((g, k) => { asm.bind(ctx.globals[nImpG + k].label); emitRefOrBits(ctx, g.init, `global ${nImpG + k}`); });
  m.elems.forEach((e, k) => {
    asm.align(8, 0);
    asm.bind(ctx.elemLabels[k]);
    e.items.forEach((it, j) => emitRefOrBits(ctx, it, `element ${j} of segment ${k}`));
    asm.bind(ctx.elemLens[k]);
    asm.u32(e.mode.kind === 'passive' ? e.items.length : 0);
  });
  ctx.tables.forEach((t) => {
    asm.align(8, 0);
    asm.bind(t.label); asm.u32(t.min); asm.u32(t.max);
    asm.bind(t.data); asm.bytes(new Uint8Array(t.max * 8));
  });
  for (const [i, l] of priv._descs) {
    asm.bind(l);
    asm.u32(ctx.typeIds[funcTypeIdx(m, i)]); asm.u32(0);
    asm.addr64(asm.sym(`func:${i}`));
  }
  m.datas.forEach((d, k) => {
    asm.bind(ctx.dataLabels[k]); asm.bytes(d.bytes);
    asm.align(4, 0);
    asm.bind(ctx.dataLens[k]); asm.u32(d.mode.kind === 'passive' ? d.bytes.length : 0);
  });
  for (const [i, l] of priv._names) { asm.bind(l); cstring(asm, ctx.funcName(i)); }
  asm.bind(instName); cstring(asm, 'instantiate');
  ctx.masm.emitPool();
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
  const ctx = mkCtx(m, asm, opts);
  compileFunctions(ctx);
  emitExports(ctx);
  const instName = asm.label();
  emitInstantiate(ctx, instName);
  const codeEnd = asm.pos;
  emitData(ctx, instName);
  const symbolNames = new Map<string, string>();
  for (let i = 0; i < ctx.funcTypes.length; i++) {
    symbolNames.set(`func:${i}`, ctx.funcName(i));
    symbolNames.set(`body:${i}`, `${ctx.funcName(i)}.body`);
  }
  return { functions: m.funcs.length, codeBytes: codeEnd - start, ms: performance.now() - t0, symbolNames };
}
