// Module validation (WebAssembly core 2.0 §3.4): the context C of a module,
// limits, constant expressions (§3.3.10), segments, start, exports, then
// every function body with the §A.3 algorithm (validate-body.ts).

import { decodeBody, funcName, numImportedFuncs, numImportedGlobals } from './decode.ts';
import { Op } from './opcodes.ts';
import { ValType } from './types.ts';
import type { ConstExpr, GlobalType, Limits, MemType, Module, TableType } from './types.ts';
import { BodyError, BodyValidator, type ValidationContext } from './validate-body.ts';

/** A module that decodes but is not valid. funcIndex is -1 for module-level errors. */
export class WasmValidateError extends Error {
  constructor(readonly funcIndex: number, readonly pos: number, readonly reason: string, where?: string) {
    super(`invalid wasm${where ? ` in ${where}` : ''} at byte ${pos} (0x${pos.toString(16)}): ${reason}`);
    this.name = 'WasmValidateError';
  }
}

function fail(reason: string, pos = 0): never {
  throw new WasmValidateError(-1, pos, reason);
}

const MAX_PAGES = 65536;

function checkLimits(l: Limits, max: number, tooBig: string): void {
  if (l.min > max || (l.max !== null && l.max > max)) fail(tooBig);
  if (l.max !== null && l.min > l.max) fail('size minimum must not be greater than maximum');
}

function checkTable(t: TableType): void {
  checkLimits(t.limits, 0xffffffff, 'table size must be at most 2^32-1');
}

function checkMemory(mt: MemType): void {
  checkLimits(mt.limits, MAX_PAGES, 'memory size must be at most 65536 pages (4GiB)');
}

/** Builds C (§3.4.10) from the imports and definitions; checks types of imports and functions. */
function buildContext(m: Module): ValidationContext {
  const c: ValidationContext = {
    types: m.types, funcs: [], tables: [], mems: [], globals: [],
    elems: m.elems.map((e) => e.type), datas: m.datas.length, refs: new Set(),
  };
  const typeIndex = (t: number): number => (t < m.types.length ? t : fail(`unknown type ${t}`));
  for (const imp of m.imports) {
    const d = imp.desc;
    if (d.kind === 'func') c.funcs.push(typeIndex(d.type));
    else if (d.kind === 'table') c.tables.push(d.table);
    else if (d.kind === 'memory') c.mems.push(d.memory);
    else c.globals.push(d.global);
  }
  for (const t of m.funcs) c.funcs.push(typeIndex(t));
  c.tables.push(...m.tables);
  c.mems.push(...m.memories);
  for (const g of m.globals) c.globals.push(g.type);
  c.tables.forEach(checkTable);
  c.mems.forEach(checkMemory);
  if (c.mems.length > 1) fail('multiple memories');
  collectRefs(m, c.refs);
  return c;
}

/** C.refs (§3.4.10): function indices occurring outside function bodies and the start function. */
function collectRefs(m: Module, refs: Set<number>): void {
  const scan = (e: ConstExpr) => { for (const i of e) if (i.op === Op.RefFunc) refs.add(i.a!); };
  for (const g of m.globals) scan(g.init);
  for (const e of m.elems) {
    e.items.forEach(scan);
    if (e.mode.kind === 'active') scan(e.mode.offset);
  }
  for (const d of m.datas) if (d.mode.kind === 'active') scan(d.mode.offset);
  for (const x of m.exports) if (x.kind === 'func') refs.add(x.index);
}

/**
 * A constant expression of type `expected` (§3.3.10). `globals` is C'.globals:
 * only imported globals are visible, and only immutable ones are constant.
 */
function checkConstExpr(e: ConstExpr, expected: ValType, c: ValidationContext, globals: GlobalType[]): void {
  const stack: ValType[] = [];
  for (const ins of e) {
    switch (ins.op) {
      case Op.I32Const: stack.push(ValType.I32); break;
      case Op.I64Const: stack.push(ValType.I64); break;
      case Op.F32Const: stack.push(ValType.F32); break;
      case Op.F64Const: stack.push(ValType.F64); break;
      case Op.RefNull: stack.push(ins.a as ValType); break;
      case Op.RefFunc:
        if (c.funcs[ins.a!] === undefined) fail(`unknown function ${ins.a}`, ins.pos);
        stack.push(ValType.FuncRef);
        break;
      case Op.GlobalGet: {
        const g = globals[ins.a!];
        if (!g) fail(`unknown global ${ins.a}`, ins.pos);
        if (g.mutable) fail('constant expression required', ins.pos);
        stack.push(g.type);
        break;
      }
      default: fail('constant expression required', ins.pos);
    }
  }
  if (stack.length !== 1 || stack[0] !== expected) {
    fail(`type mismatch: constant expression of type ${ValType[expected]} expected`, e[0]?.pos ?? 0);
  }
}

function checkSegments(m: Module, c: ValidationContext, cGlobals: GlobalType[]): void {
  for (const g of m.globals) checkConstExpr(g.init, g.type.type, c, cGlobals);
  for (const e of m.elems) {
    for (const item of e.items) checkConstExpr(item, e.type, c, cGlobals);
    if (e.mode.kind !== 'active') continue;
    const t = c.tables[e.mode.table];
    if (!t) fail(`unknown table ${e.mode.table}`);
    if (t.elem !== e.type) fail('type mismatch: element segment type differs from its table');
    checkConstExpr(e.mode.offset, ValType.I32, c, cGlobals);
  }
  for (const d of m.datas) {
    if (d.mode.kind !== 'active') continue;
    if (!c.mems[d.mode.memory]) fail(`unknown memory ${d.mode.memory}`);
    checkConstExpr(d.mode.offset, ValType.I32, c, cGlobals);
  }
}

function checkStartAndExports(m: Module, c: ValidationContext): void {
  if (m.start !== null) {
    const ti = c.funcs[m.start];
    if (ti === undefined) fail(`unknown function ${m.start}`);
    const t = c.types[ti]!;
    if (t.params.length !== 0 || t.results.length !== 0) fail('start function must have type [] -> []');
  }
  const names = new Set<string>();
  const spaces = { func: c.funcs, table: c.tables, memory: c.mems, global: c.globals };
  for (const x of m.exports) {
    if (names.has(x.name)) fail(`duplicate export name "${x.name}"`);
    names.add(x.name);
    if (x.index >= spaces[x.kind].length) fail(`unknown ${x.kind === 'func' ? 'function' : x.kind} ${x.index}`);
  }
}

function checkBodies(m: Module, c: ValidationContext): void {
  const v = new BodyValidator(c);
  const imported = numImportedFuncs(m);
  for (let i = 0; i < m.codes.length; i++) {
    const fi = imported + i;
    try {
      v.run(c.types[c.funcs[fi]!]!, m.codes[i]!.locals, decodeBody(m, i));
    } catch (e) {
      if (!(e instanceof BodyError)) throw e;
      throw new WasmValidateError(fi, e.pos, e.reason, funcName(m, fi));
    }
  }
}

/** Validates a decoded module (§3.4). Throws WasmValidateError on the first rule broken. */
export function validateModule(m: Module): void {
  const c = buildContext(m);
  const cGlobals = c.globals.slice(0, numImportedGlobals(m));
  checkSegments(m, c, cGlobals);
  checkStartAndExports(m, c);
  checkBodies(m, c);
}
