// Decoders of the known sections (WebAssembly core 2.0 §5.5.2-§5.5.13).
// Each reads its section's contents from a Reader bounded to the section and
// fills the Module; decode.ts checks order, sizes and counts around them.

import { Op } from './opcodes.ts';
import { Reader } from './reader.ts';
import { readConstExpr, readExpr } from './instrs.ts';
import type {
  ConstExpr, DataSegment, ElemMode, ElemSegment, Export, ExportKind, FuncType, Global, GlobalType,
  Import, ImportDesc, Instr, Limits, LocalDecl, MemType, Module, TableType, ValType,
} from './types.ts';

/** vec(B) (§5.1.3): a u32 count, then that many items. */
export function vec<T>(r: Reader, item: (r: Reader) => T): T[] {
  const n = r.u32();
  if (n > r.end - r.pos) r.fail('length out of bounds'); // every item takes >= 1 byte
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(item(r));
  return out;
}

/** §5.3.6 function types: 0x60 vec(valtype) vec(valtype). */
function funcType(r: Reader): FuncType {
  const at = r.pos;
  const tag = r.u8();
  if (tag !== 0x60) r.fail(`malformed function type: 0x${tag.toString(16)} (expected 0x60)`, at);
  const params = vec(r, (x) => x.valType());
  const results = vec(r, (x) => x.valType());
  return { params, results };
}

/** §5.3.7 limits: 0x00 min | 0x01 min max. */
function limits(r: Reader): Limits {
  const at = r.pos;
  const flag = r.u8();
  if (flag === 0) return { min: r.u32(), max: null };
  if (flag === 1) {
    const min = r.u32();
    return { min, max: r.u32() };
  }
  if (flag & 0x80) r.fail(`integer representation too long: limits flags 0x${flag.toString(16)}`, at);
  return r.fail(`integer too large: malformed limits flags 0x${flag.toString(16)}`, at);
}

function tableType(r: Reader): TableType {
  const elem = r.refType();
  return { elem, limits: limits(r) };
}

function memType(r: Reader): MemType {
  return { limits: limits(r) };
}

/** §5.3.10 global types: valtype, then 0x00 const | 0x01 var. */
function globalType(r: Reader): GlobalType {
  const type = r.valType();
  const at = r.pos;
  const mut = r.u8();
  if (mut > 1) r.fail(`malformed mutability 0x${mut.toString(16)}`, at);
  return { type, mutable: mut === 1 };
}

export function readTypeSec(r: Reader, m: Module): void {
  m.types = vec(r, funcType);
}

function importDesc(r: Reader): ImportDesc {
  const at = r.pos;
  const kind = r.u8();
  switch (kind) {
    case 0: return { kind: 'func', type: r.u32() };
    case 1: return { kind: 'table', table: tableType(r) };
    case 2: return { kind: 'memory', memory: memType(r) };
    case 3: return { kind: 'global', global: globalType(r) };
    default: return r.fail(`malformed import kind 0x${kind.toString(16)}`, at);
  }
}

export function readImportSec(r: Reader, m: Module): void {
  m.imports = vec(r, (x): Import => {
    const module = x.name();
    const name = x.name();
    return { module, name, desc: importDesc(x) };
  });
}

export function readFuncSec(r: Reader, m: Module): void {
  m.funcs = vec(r, (x) => x.u32());
}

export function readTableSec(r: Reader, m: Module): void {
  m.tables = vec(r, tableType);
}

export function readMemSec(r: Reader, m: Module): void {
  m.memories = vec(r, memType);
}

export function readGlobalSec(r: Reader, m: Module): void {
  m.globals = vec(r, (x): Global => {
    const type = globalType(x);
    return { type, init: readConstExpr(x) };
  });
}

const EXPORT_KINDS: ExportKind[] = ['func', 'table', 'memory', 'global'];

export function readExportSec(r: Reader, m: Module): void {
  m.exports = vec(r, (x): Export => {
    const name = x.name();
    const at = x.pos;
    const k = x.u8();
    const kind = EXPORT_KINDS[k];
    if (!kind) x.fail(`malformed export kind 0x${k.toString(16)}`, at);
    return { name, kind, index: x.u32() };
  });
}

export function readStartSec(r: Reader, m: Module): void {
  m.start = r.u32();
}

/** elemkind (§5.5.12): only 0x00 (funcref) exists. */
function elemKind(r: Reader): ValType {
  const at = r.pos;
  const k = r.u8();
  if (k !== 0) r.fail(`malformed element kind 0x${k.toString(16)}`, at);
  return 0x70 as ValType;
}

function funcIndexItems(r: Reader): ConstExpr[] {
  return vec(r, (x): ConstExpr => {
    const pos = x.pos;
    const ins: Instr = { op: Op.RefFunc, pos, a: x.u32() };
    return [ins];
  });
}

/** One element segment, all 8 encodings of §5.5.12 (flags bit 0: passive/declarative, bit 1: explicit table or declarative, bit 2: expressions). */
function elemSegment(r: Reader): ElemSegment {
  const at = r.pos;
  const flags = r.u32();
  if (flags > 7) r.fail(`malformed elements segment kind ${flags}`, at);
  const exprs = (flags & 4) !== 0;
  let mode: ElemMode;
  if ((flags & 1) === 0) {
    const table = (flags & 2) !== 0 ? r.u32() : 0;
    mode = { kind: 'active', table, offset: readConstExpr(r) };
  } else {
    mode = (flags & 2) !== 0 ? { kind: 'declarative' } : { kind: 'passive' };
  }
  // Flags 0 and 4 carry no element type: funcref is implied.
  const implicit = flags === 0 || flags === 4;
  const type = implicit ? (0x70 as ValType) : exprs ? r.refType() : elemKind(r);
  const items = exprs ? vec(r, readConstExpr) : funcIndexItems(r);
  return { type, mode, items };
}

export function readElemSec(r: Reader, m: Module): void {
  m.elems = vec(r, elemSegment);
}

export function readDataCountSec(r: Reader, m: Module): void {
  m.dataCount = r.u32();
}

/** One data segment (§5.5.14): 0 active mem 0 | 1 passive | 2 active explicit memory. */
function dataSegment(r: Reader): DataSegment {
  const at = r.pos;
  const flags = r.u32();
  if (flags === 1) return { mode: { kind: 'passive' }, bytes: r.take(r.u32()) };
  if (flags !== 0 && flags !== 2) r.fail(`malformed data segment kind ${flags}`, at);
  const memory = flags === 2 ? r.u32() : 0;
  const offset = readConstExpr(r);
  return { mode: { kind: 'active', memory, offset }, bytes: r.take(r.u32()) };
}

export function readDataSec(r: Reader, m: Module): void {
  m.datas = vec(r, dataSegment);
}

const MAX_LOCALS = 0xffffffff;

/** The local declarations of a code entry (§5.5.13), at most 2^32-1 locals in all. */
function localDecls(r: Reader): LocalDecl[] {
  const at = r.pos;
  const decls = vec(r, (x): LocalDecl => {
    const count = x.u32();
    return { count, type: x.valType() };
  });
  let total = 0;
  for (const d of decls) total += d.count;
  if (total > MAX_LOCALS) r.fail('too many locals', at);
  return decls;
}

/**
 * Code section (§5.5.13). Each entry's body is decoded once here to check
 * its syntax (so malformed bodies fail in decodeModule), then dropped;
 * decodeBody decodes it again on demand.
 */
export function readCodeSec(r: Reader, m: Module): void {
  const flags = { dataIndex: false };
  m.codes = vec(r, (x) => {
    const size = x.u32();
    const start = x.pos;
    if (size > x.end - start) x.fail('unexpected end of section or function: code entry size exceeds section');
    const end = start + size;
    const body = new Reader(x.bytes, start, end);
    body.endReason = 'unexpected end of section or function';
    const locals = localDecls(body);
    const bodyStart = body.pos;
    readExpr(body, null, flags);
    if (body.pos !== end) body.fail('section size mismatch: bytes after the final end of a function body');
    x.pos = end;
    return { locals, bodyStart, bodyEnd: end };
  });
  if (flags.dataIndex && m.dataCount === null) r.fail('data count section required (memory.init or data.drop used)');
}
