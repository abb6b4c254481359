// Module-wide facts every function compiler reads: function types with
// canonical signature ids, how each import is reached, globals, tables,
// memory and segment labels. Built once by module.ts.

import type { FuncType, Module, ValType } from '../wasm/types.ts';
import type { Assembler, Label } from '../x86/index.ts';
import type { Masm } from './masm.ts';

export interface AotFeatures { sse41?: boolean; popcnt?: boolean; lzcnt?: boolean; bmi1?: boolean }

export interface AotOptions {
  target: 'kernel' | 'linux';
  /** imports the target implements as labels `import:<module>.<name>` (entries "module.name"). */
  providedImports?: Set<string>;
  /**
   * Values of imported globals, "module.name" -> raw bits (i32/f32 in the low
   * 32 bits), fixed at compile time (e.g. the spec harness's `spectest` globals).
   * Imported memories and tables become the module's own, with the import's limits.
   */
  importValues?: Map<string, bigint>;
  /** CPU features usable beyond x86-64 baseline + SSE2. */
  features?: AotFeatures;
}

/** How a call to function index i is compiled. */
export type Callee =
  | { kind: 'local'; label: Label }
  | { kind: 'import'; label: Label; module: string; name: string }
  | { kind: 'hw'; name: string }
  | { kind: 'abort' };

export interface GlobalInfo {
  type: ValType;
  mutable: boolean;
  label: Label;
  /** Set when immutable and initialised by a numeric constant: folded at use. */
  constBits: bigint | null;
}

export interface TableInfo {
  /** u32 current size, u32 capacity, then capacity 8-byte entries (funcref: descriptor address or 0). */
  label: Label;
  data: Label;
  min: number;        // initial size
  max: number;        // maximum size (capacity)
  elem: ValType;
}

export interface ModCtx {
  m: Module;
  asm: Assembler;
  masm: Masm;
  opts: AotOptions;
  features: AotFeatures;
  kernel: boolean;
  /** Type of every function in the index space (imports first). */
  funcTypes: FuncType[];
  /** Canonical signature id of each type index (structurally equal types share one). */
  typeIds: number[];
  callees: Callee[];
  globals: GlobalInfo[];
  tables: TableInfo[];
  hasMemory: boolean;
  memPages: Label;
  memMaxPages: Label;
  stackLimit: Label;
  /** Function descriptors {u32 sig id, u32 0, u64 code address}: the funcref value of function i. */
  funcDesc(i: number): Label;
  dataLabels: Label[];     // bytes of data segment i
  dataLens: Label[];       // u32 current length (0 once dropped)
  elemLabels: Label[];     // 8-byte funcref items of element segment i
  elemLens: Label[];       // u32 current length (0 once dropped)
  funcNameLabel(i: number): Label;
  funcName(i: number): string;
}
