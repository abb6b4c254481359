// The decoded form of a WebAssembly module: what tools/wasm produces and
// tools/aot consumes. Index spaces follow the spec: imported functions,
// tables, memories and globals come first, then the module's own.

import type { Op } from './opcodes.ts';

export enum ValType {
  I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b,
  FuncRef = 0x70, ExternRef = 0x6f,
}

export interface FuncType { params: ValType[]; results: ValType[] }

/** A block's type: empty, one result, or a function type index (multi-value). */
export type BlockType =
  | { kind: 'empty' }
  | { kind: 'value'; type: ValType }
  | { kind: 'func'; index: number };

export interface Limits { min: number; max: number | null }
export interface TableType { elem: ValType; limits: Limits }
export interface MemType { limits: Limits }
export interface GlobalType { type: ValType; mutable: boolean }

export type ImportDesc =
  | { kind: 'func'; type: number }
  | { kind: 'table'; table: TableType }
  | { kind: 'memory'; memory: MemType }
  | { kind: 'global'; global: GlobalType };
export interface Import { module: string; name: string; desc: ImportDesc }

export type ExportKind = 'func' | 'table' | 'memory' | 'global';
export interface Export { name: string; kind: ExportKind; index: number }

/** A constant expression (global init, segment offset, element item), as instructions without the final `end`. */
export type ConstExpr = Instr[];

export interface Global { type: GlobalType; init: ConstExpr }

export type ElemMode =
  | { kind: 'active'; table: number; offset: ConstExpr }
  | { kind: 'passive' }
  | { kind: 'declarative' };
/** An element segment; every item is a const expr (ref.func i / ref.null t / global.get). */
export interface ElemSegment { type: ValType; mode: ElemMode; items: ConstExpr[] }

export type DataMode = { kind: 'active'; memory: number; offset: ConstExpr } | { kind: 'passive' };
export interface DataSegment { mode: DataMode; bytes: Uint8Array }

export interface LocalDecl { count: number; type: ValType }
/** A function body: its locals and the byte range of its instructions (up to and including the final `end`). */
export interface Code { locals: LocalDecl[]; bodyStart: number; bodyEnd: number }

export interface Names {
  module: string | null;
  functions: Map<number, string>;
  locals: Map<number, Map<number, string>>;
  globals: Map<number, string>;
}

export interface CustomSection { name: string; start: number; end: number }

export interface Module {
  bytes: Uint8Array;             // the whole binary; Code offsets point into it
  types: FuncType[];
  imports: Import[];
  funcs: number[];               // type index of each defined function
  tables: TableType[];           // defined tables (imports are in `imports`)
  memories: MemType[];           // defined memories
  globals: Global[];             // defined globals
  exports: Export[];
  start: number | null;
  elems: ElemSegment[];
  dataCount: number | null;
  codes: Code[];                 // one per defined function, same order as `funcs`
  datas: DataSegment[];
  names: Names;
  customs: CustomSection[];
}

/**
 * One decoded instruction. `op` is an Op; which immediate fields are set
 * depends on opInfo(op).imm (see opcodes.ts). `pos` is the byte offset of
 * the opcode in Module.bytes, for error messages.
 */
export interface Instr {
  op: Op;
  pos: number;
  a?: number;
  b?: number;
  i64?: bigint;
  blockType?: BlockType;
  targets?: number[];
  types?: ValType[];
}

/** An error in the binary, with the byte offset where decoding stopped. */
export class WasmDecodeError extends Error {
  constructor(readonly offset: number, readonly reason: string) {
    super(`malformed wasm at byte ${offset} (0x${offset.toString(16)}): ${reason}`);
    this.name = 'WasmDecodeError';
  }
}
