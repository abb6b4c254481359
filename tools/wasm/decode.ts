// Module decoding (WebAssembly core 2.0 §5.5): preamble, the section loop with
// its order/size checks, the cross-section count checks, and index-space
// helpers over the decoded Module.

import { Reader } from './reader.ts';
import { readExpr, readExprReuse, type InstrPool } from './instrs.ts';
import { emptyNames, readNameSection } from './names.ts';
import {
  readCodeSec, readDataCountSec, readDataSec, readElemSec, readExportSec, readFuncSec,
  readGlobalSec, readImportSec, readMemSec, readStartSec, readTableSec, readTypeSec,
} from './sections.ts';
import { WasmDecodeError } from './types.ts';
import type { FuncType, GlobalType, Instr, MemType, Module, TableType } from './types.ts';

type SectionReader = (r: Reader, m: Module) => void;

/** Known section ids (§5.5.2) with their decoder and their rank in the required order. */
const SECTIONS = new Map<number, { rank: number; name: string; read: SectionReader }>([
  [1, { rank: 1, name: 'type', read: readTypeSec }],
  [2, { rank: 2, name: 'import', read: readImportSec }],
  [3, { rank: 3, name: 'function', read: readFuncSec }],
  [4, { rank: 4, name: 'table', read: readTableSec }],
  [5, { rank: 5, name: 'memory', read: readMemSec }],
  [6, { rank: 6, name: 'global', read: readGlobalSec }],
  [7, { rank: 7, name: 'export', read: readExportSec }],
  [8, { rank: 8, name: 'start', read: readStartSec }],
  [9, { rank: 9, name: 'element', read: readElemSec }],
  [12, { rank: 10, name: 'data count', read: readDataCountSec }],
  [10, { rank: 11, name: 'code', read: readCodeSec }],
  [11, { rank: 12, name: 'data', read: readDataSec }],
]);

function emptyModule(bytes: Uint8Array): Module {
  return {
    bytes, types: [], imports: [], funcs: [], tables: [], memories: [], globals: [], exports: [],
    start: null, elems: [], dataCount: null, codes: [], datas: [], names: emptyNames(), customs: [],
  };
}

/** §5.5.16 preamble: magic `\0asm`, version 1. */
function readPreamble(r: Reader): void {
  const b = r.bytes;
  const magic = [0, 0x61, 0x73, 0x6d];
  for (let i = 0; i < 4; i++) {
    if (i >= r.end) r.fail('unexpected end: truncated magic header', i);
    if (b[i] !== magic[i]) r.fail('magic header not detected', 0);
  }
  if (r.end < 8) r.fail('unexpected end: no version after the magic', r.end);
  if (b[4] !== 1 || b[5] !== 0 || b[6] !== 0 || b[7] !== 0) r.fail('unknown binary version', 4);
  r.pos = 8;
}

function readCustom(sub: Reader, m: Module): void {
  const name = sub.name();
  m.customs.push({ name, start: sub.pos, end: sub.end });
  if (name === 'name') readNameSection(sub.bytes, sub.pos, sub.end, m.names);
  sub.pos = sub.end;
}

/** Reads one section at r.pos; returns the rank of a known section, 0 for custom. */
function readSection(r: Reader, m: Module, lastRank: number): number {
  const idAt = r.pos;
  const id = r.u8();
  const size = r.u32();
  if (size > r.end - r.pos) r.fail(`length out of bounds: section ${id} of ${size} bytes runs past the module`, idAt);
  const sub = new Reader(r.bytes, r.pos, r.pos + size);
  sub.endReason = 'unexpected end of section or function';
  let rank = 0;
  if (id === 0) {
    readCustom(sub, m);
  } else {
    const sec = SECTIONS.get(id);
    if (!sec) r.fail(`malformed section id ${id}`, idAt);
    if (sec.rank <= lastRank) {
      r.fail(`unexpected content after last section: ${sec.name} section duplicated or out of order`, idAt);
    }
    sec.read(sub, m);
    rank = sec.rank;
  }
  if (sub.pos !== sub.end) sub.fail(`section size mismatch: ${sub.end - sub.pos} bytes left in section ${id}`);
  r.pos = sub.end;
  return rank;
}

/** Decodes a whole module, checking the syntax of every function body. Throws WasmDecodeError. */
export function decodeModule(bytes: Uint8Array): Module {
  const m = emptyModule(bytes);
  const r = new Reader(bytes, 0, bytes.length);
  let sectionAt = 0;
  try {
    readPreamble(r);
    let lastRank = 0;
    let sawFunc = false;
    let sawCode = false;
    while (!r.atEnd()) {
      sectionAt = r.pos;
      const id = bytes[r.pos];
      lastRank = Math.max(lastRank, readSection(r, m, lastRank));
      if (id === 3) sawFunc = true;
      if (id === 10) sawCode = true;
    }
    checkCounts(r, m, sawFunc || sawCode);
  } catch (e) {
    if (e instanceof WasmDecodeError) throw e;
    throw new WasmDecodeError(sectionAt, `internal: decoder failed in the section at this offset: ${String(e)}`);
  }
  return m;
}

function checkCounts(r: Reader, m: Module, sawFuncOrCode: boolean): void {
  if (sawFuncOrCode && m.funcs.length !== m.codes.length) {
    r.fail(`function and code section have inconsistent lengths (${m.funcs.length} vs ${m.codes.length})`);
  }
  if (m.dataCount !== null && m.dataCount !== m.datas.length) {
    r.fail(`data count and data section have inconsistent lengths (${m.dataCount} vs ${m.datas.length})`);
  }
}

/**
 * Decodes the body of defined function `funcIndex` (0-based in m.codes).
 * Returns its instructions including the final `end`; positions are offsets in m.bytes.
 */
export function decodeBody(m: Module, funcIndex: number): Instr[] {
  const code = m.codes[funcIndex];
  if (!code) throw new WasmDecodeError(0, `unknown function: no code entry ${funcIndex}`);
  const r = new Reader(m.bytes, code.bodyStart, code.bodyEnd);
  r.endReason = 'unexpected end of section or function';
  const out: Instr[] = [];
  readExpr(r, out);
  return out;
}

/**
 * decodeBody into the reused objects of `pool` (instrs.ts InstrPool): the
 * result and its instructions are overwritten by the next call with the same
 * pool, so the caller must keep no reference to them past its use.
 */
export function decodeBodyReuse(m: Module, funcIndex: number, pool: InstrPool): Instr[] {
  const code = m.codes[funcIndex];
  if (!code) throw new WasmDecodeError(0, `unknown function: no code entry ${funcIndex}`);
  const r = new Reader(m.bytes, code.bodyStart, code.bodyEnd);
  r.endReason = 'unexpected end of section or function';
  return readExprReuse(r, pool);
}

/** The index spaces of a module (§2.5.1), computed once per Module object. */
interface Spaces {
  funcTypes: number[];
  tables: TableType[];
  memories: MemType[];
  globals: GlobalType[];
  importedFuncs: number;
  importedTables: number;
  importedMemories: number;
  importedGlobals: number;
}

const spacesCache = new WeakMap<Module, Spaces>();

function spaces(m: Module): Spaces {
  let s = spacesCache.get(m);
  if (s) return s;
  const funcTypes: number[] = [];
  const tables: TableType[] = [];
  const memories: MemType[] = [];
  const globals: GlobalType[] = [];
  for (const imp of m.imports) {
    const d = imp.desc;
    if (d.kind === 'func') funcTypes.push(d.type);
    else if (d.kind === 'table') tables.push(d.table);
    else if (d.kind === 'memory') memories.push(d.memory);
    else globals.push(d.global);
  }
  s = {
    funcTypes, tables, memories, globals,
    importedFuncs: funcTypes.length, importedTables: tables.length,
    importedMemories: memories.length, importedGlobals: globals.length,
  };
  funcTypes.push(...m.funcs);
  tables.push(...m.tables);
  memories.push(...m.memories);
  for (const g of m.globals) globals.push(g.type);
  spacesCache.set(m, s);
  return s;
}

export function numImportedFuncs(m: Module): number { return spaces(m).importedFuncs; }
export function numImportedTables(m: Module): number { return spaces(m).importedTables; }
export function numImportedMemories(m: Module): number { return spaces(m).importedMemories; }
export function numImportedGlobals(m: Module): number { return spaces(m).importedGlobals; }

/** Total sizes of the index spaces (imports + definitions). */
export function numFuncs(m: Module): number { return spaces(m).funcTypes.length; }
export function numTables(m: Module): number { return spaces(m).tables.length; }
export function numMemories(m: Module): number { return spaces(m).memories.length; }
export function numGlobals(m: Module): number { return spaces(m).globals.length; }

/** Type index of function `funcIndex` (full index space), or undefined if there is none. */
export function funcTypeIndexOf(m: Module, funcIndex: number): number | undefined {
  return spaces(m).funcTypes[funcIndex];
}

/** The type of function `funcIndex` in the full function index space (imports first). */
export function funcTypeOf(m: Module, funcIndex: number): FuncType {
  const t = spaces(m).funcTypes[funcIndex];
  if (t === undefined) throw new WasmDecodeError(0, `unknown function ${funcIndex}`);
  const ft = m.types[t];
  if (!ft) throw new WasmDecodeError(0, `unknown type ${t} (of function ${funcIndex})`);
  return ft;
}

/** Table / memory / global types in their full index spaces; undefined when out of range. */
export function tableTypeOf(m: Module, index: number): TableType | undefined { return spaces(m).tables[index]; }
export function memTypeOf(m: Module, index: number): MemType | undefined { return spaces(m).memories[index]; }
export function globalTypeOf(m: Module, index: number): GlobalType | undefined { return spaces(m).globals[index]; }

/** The function's name from the name section, else `func[N]` (N in the full index space). */
export function funcName(m: Module, funcIndex: number): string {
  return m.names.functions.get(funcIndex) ?? `func[${funcIndex}]`;
}
