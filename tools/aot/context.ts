// Module-wide facts every function compiler reads: function types with
// canonical signature ids, how each import is reached, globals, tables,
// memory and segment labels. Built once by module.ts.

import type { FuncType, Module, ValType } from '../wasm/types.ts';
import type { Assembler, Label } from '../x86/index.ts';
import type { Masm } from './masm.ts';
import type { AotPasses } from './plan.ts';
import type { CodeMap } from './srcmap.ts';

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
  /**
   * Linux target: how out-of-bounds memory accesses trap. 'guard' (default):
   * no check, the 8 GiB reservation faults; 'explicit': every access compares
   * its 64-bit end against the memory's byte size (ABI.md "Memory").
   */
  bounds?: 'guard' | 'explicit';
  /** Set when several instances share one blob (ABI.md "Several instances"). */
  instance?: InstanceOptions;
  /**
   * Code-speed passes to switch off or on (plan.ts; all on by default). The
   * environment variable ASUK_AOT_PASSES ("none", "-rotate,-unroll", ...)
   * applies first, these fields over it.
   */
  passes?: Partial<AotPasses>;
  /** Records code address -> Wasm offset for the functions it wants (srcmap.ts). */
  codeMap?: CodeMap;
  /**
   * Threads compiling a large module's chunks (module.ts, parallel.ts); default
   * ASUK_AOT_THREADS (a number or `cores`), else 1. The code does not depend on it.
   */
  threads?: number;
  /** Chunking of large modules (defaults in module.ts; for tests): minimum code bytes, bytes per chunk. */
  chunks?: { minModule: number; size: number };
}

/** One instance of several in one blob: its label prefix and how its imports resolve. */
export interface InstanceOptions {
  /** Prefix of every instance-local label (`<prefix>func:3`, `<prefix>instantiate`, ...). */
  prefix: string;
  /** Canonical signature ids shared by all instances of the blob (key: params->results). */
  sigIds: Map<string, number>;
  /** Per entry of m.imports: the exporter's item, or null when the target provides it. */
  links: (LinkedItem | null)[];
  /** r15 is this instance's base whenever its code runs (the target's entries and thunks keep it so): no reloads. */
  fixedBase?: boolean;
}

/** An exported item as another instance of the same blob imports it. */
export type LinkedItem =
  | { kind: 'func'; label: Label; type: FuncType }
  | { kind: 'global'; global: GlobalInfo }
  | { kind: 'table'; table: TableInfo }
  | { kind: 'memory'; memory: MemoryInfo };

/**
 * A linear memory's cells (Linux target), contiguous at `pages`:
 * u32 pages, u32 max pages, u64 base address, u64 byte size.
 */
export interface MemoryInfo { pages: Label; min: number; max: number | null }

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
  /** Immutable: the initial value's bits when constant (refs included: null = 0). */
  initBits?: bigint;
  /** Immutable global initialised by ref.func: the descriptor (a const expr may copy it). */
  refInit?: Label;
}

export interface TableInfo {
  /** u32 current size, u32 capacity, then capacity 8-byte entries (funcref: descriptor address or 0). */
  label: Label;
  data: Label;
  min: number;        // initial size
  max: number;        // maximum size (capacity)
  elem: ValType;
  /** Declared maximum (null: none), for import matching. */
  declaredMax?: number | null;
  /** Emitted by this instance (false/undefined: a linked exporter's). */
  owned?: boolean;
}

export interface ModCtx {
  m: Module;
  asm: Assembler;
  masm: Masm;
  opts: AotOptions;
  features: AotFeatures;
  kernel: boolean;
  /** The passes in effect (AotOptions.passes over ASUK_AOT_PASSES). */
  passes: AotPasses;
  /** Type of every function in the index space (imports first). */
  funcTypes: FuncType[];
  /** Canonical signature id of each type index (structurally equal types share one). */
  typeIds: number[];
  callees: Callee[];
  globals: GlobalInfo[];
  tables: TableInfo[];
  hasMemory: boolean;
  /** Several instances in one blob: r15 is loaded from memBase at entry and after every call. */
  multi: boolean;
  /** r15 is loaded from memBase at entry and after every call (multi, unless InstanceOptions.fixedBase). */
  reloadBase: boolean;
  /** Instance-local label: asm.sym(prefix + name). */
  sym(name: string): Label;
  /** Memory 0 as exporters see it (null: no memory). */
  memory: MemoryInfo | null;
  /** Item each import resolves to in a multi-instance blob (undefined entries: target-provided). */
  links: (LinkedItem | null)[];
  /** Memory 0's cells: u32 pages at memPages; Linux adds u32 max, u64 base (+8), u64 bytes (+16). */
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
