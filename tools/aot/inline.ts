// Inlining (pass `inline`): a direct call to a small leaf function (no calls
// of its own but on a path ending in `unreachable`, at most one result) is
// replaced by the callee's body before the caller is planned. The callee's
// locals become new caller locals; the call's arguments are popped into its
// parameter locals (local.set, last first), except that an argument that is a
// caller's `local.get y` is y itself for reads of a parameter the callee never
// writes, or writes first in its straight-line start (argLocals); its other locals are zeroed unless every path writes them
// before reading them (straightLineWrites); the body becomes a block of the
// callee's result type whose end is the callee's end, and each `return` a `br`
// to that block. Branch depths inside the body are unchanged: the block
// stands where the function level was.
//
// Traps inside an inlined body name the callee (FuncCompiler.trap reads
// `owner`): the Linux target's report names it. The kernel prints a
// backtrace, one line per frame, and an inlined callee has no frame: there
// only callees that can neither trap nor fault are inlined (mayTrap), so
// every backtrace still names every function. The stack check is the caller's.

import { Op } from '../wasm/opcodes.ts';
import { decodeBody, numImportedFuncs } from '../wasm/index.ts';
import { ValType, type BlockType, type FuncType, type Instr, type Module } from '../wasm/types.ts';

/** Largest callee (decoded instructions, its final `end` included) inlined at a call site. */
export const INLINE_MAX = 96;
/** Largest number of instructions inlining may add to one caller. */
const GROWTH_MAX = 4096;
/** Callee bodies of at most this many bytes are decoded to be looked at. */
const BYTES_MAX = INLINE_MAX * 6;

export interface Inlined {
  instrs: Instr[];
  localTypes: ValType[];
  /** At each position: the function whose code it is (the caller, or an inlined callee). */
  owner: Int32Array | null;
}

/**
 * splitAt[p]: where parameter p is first written, when that is in the body's straight-line
 * start (reads before it see the argument, the rest a local of its own); NEVER when it is
 * never written, MIXED when it is first written later (then it is always a local of its own).
 */
interface Leaf { body: Instr[]; locals: ValType[]; type: FuncType; splitAt: Int32Array }
const NEVER = 0x7fffffff, MIXED = -1;

/** Per module: defined function index -> its body when inlinable, else null. */
const leaves = new WeakMap<Module, Map<number, Leaf | null>>();

/**
 * Inlines the calls to small leaf functions in `instrs` (the body of function `self`).
 * `localTypesOf(k)` gives defined function k's locals (params first).
 */
export function inlineCalls(m: Module, funcTypes: FuncType[], self: number, instrs: Instr[], localTypes: ValType[],
  localTypesOf: (k: number) => ValType[], kernel: boolean): Inlined {
  const nImp = numImportedFuncs(m);
  let out: Instr[] | null = null;
  let owner: number[] | null = null;
  let types: ValType[] = localTypes;          // copied at the first inlined call
  let growth = 0;
  for (let pc = 0; pc < instrs.length; pc++) {
    const ins = instrs[pc];
    const leaf = ins.op === Op.Call && ins.a! >= nImp && ins.a !== self ? leafOf(m, funcTypes, ins.a!, nImp, localTypesOf, kernel) : null;
    if (!leaf || growth + leaf.body.length > GROWTH_MAX) {
      if (out) { out.push(ins); owner!.push(self); }
      continue;
    }
    if (!out) { out = instrs.slice(0, pc); owner = new Array<number>(pc).fill(self); types = [...localTypes]; }
    const subst = argLocals(out, owner!, self, leaf);
    const code = expand(ins, leaf, types.length, subst);
    growth += code.length;
    for (const t of leaf.locals) types.push(t);
    for (const c of code) { out.push(c); owner!.push(ins.a!); }
  }
  if (!out) return { instrs, localTypes, owner: null };
  return { instrs: out, localTypes: types, owner: Int32Array.from(owner!) };
}

function leafOf(m: Module, funcTypes: FuncType[], f: number, nImp: number, localTypesOf: (k: number) => ValType[],
  kernel: boolean): Leaf | null {
  let cache = leaves.get(m);
  if (!cache) { cache = new Map(); leaves.set(m, cache); }
  const key = 2 * f + (kernel ? 1 : 0);
  let leaf = cache.get(key);
  if (leaf === undefined) {
    leaf = inlinable(m, funcTypes[f], f - nImp, localTypesOf, kernel);
    cache.set(key, leaf);
  }
  return leaf;
}

function inlinable(m: Module, type: FuncType | undefined, k: number, localTypesOf: (k: number) => ValType[],
  kernel: boolean): Leaf | null {
  const code = m.codes[k];
  if (!type || !code || type.results.length > 1 || code.bodyEnd - code.bodyStart > BYTES_MAX) return null;
  const body = decodeBody(m, k);
  if (body.length > INLINE_MAX) return null;
  for (let q = 0; q < body.length; q++) {
    const op = body[q].op;
    if (!inlineOp(op, body[q + 1]?.op) || (kernel && mayTrap(op))) return null;
  }
  const locals = localTypesOf(k);
  if (locals.length > 64) return null;
  return { body, locals, type, splitAt: paramSplits(body, type.params.length) };
}

/**
 * Ops an inlined body may contain: anything but calls, except a call followed by `unreachable`
 * (a cold path that does not come back: asc's stack overflow check calling abort).
 */
function inlineOp(op: Op, next: Op | undefined): boolean {
  return op !== Op.CallIndirect && (op !== Op.Call || next === Op.Unreachable);
}

/**
 * Ops that may trap or fault (kernel: a page fault on any memory access): unreachable, calls, memory
 * and table accesses, bulk memory and table ops, integer division, float-to-integer truncation.
 */
function mayTrap(op: Op): boolean {
  if (op === Op.Unreachable || op === Op.Call || op === Op.TableGet || op === Op.TableSet) return true;
  if (op >= Op.I32Load && op <= Op.I64Store32) return true;
  if (op >= Op.I32DivS && op <= Op.I32RemU) return true;
  if (op >= Op.I64DivS && op <= Op.I64RemU) return true;
  if (op >= Op.I32TruncF32S && op <= Op.I64TruncF64U && op !== Op.I64ExtendI32S && op !== Op.I64ExtendI32U) return true;
  return op === Op.MemoryInit || op === Op.MemoryCopy || op === Op.MemoryFill
    || op === Op.TableInit || op === Op.TableCopy || op === Op.TableFill;
}

/** Leaf.splitAt of each parameter of `body`. */
function paramSplits(body: Instr[], nParams: number): Int32Array {
  const at = new Int32Array(nParams).fill(NEVER);
  let straight = true;
  for (let k = 0; k < body.length; k++) {
    const ins = body[k], op = ins.op;
    if (breaksStraightLine(op)) straight = false;
    if ((op === Op.LocalSet || op === Op.LocalTee) && ins.a! < nParams && at[ins.a!] === NEVER) at[ins.a!] = straight ? k : MIXED;
  }
  return at;
}

/**
 * Arguments that are a caller's `local.get y` right before the call (a trailing run of them)
 * for parameters that are not MIXED: the body reads y itself up to the parameter's first
 * write. Those local.gets are taken off `out`; returns the caller local per parameter, -1
 * for the parameters still set.
 */
function argLocals(out: Instr[], owner: number[], self: number, leaf: Leaf): Int32Array {
  const n = leaf.type.params.length;
  const subst = new Int32Array(n).fill(-1);
  let k = 0;
  for (; k < n; k++) {
    const p = n - 1 - k, ins = out[out.length - 1 - k];
    if (!ins || ins.op !== Op.LocalGet || owner[owner.length - 1 - k] !== self || leaf.splitAt[p] === MIXED) break;
    subst[p] = ins.a!;
  }
  out.length -= k;
  owner.length -= k;
  return subst;
}

/** The instructions standing for `call` of `leaf`, its locals renumbered from `base`. */
function expand(call: Instr, leaf: Leaf, base: number, subst: Int32Array): Instr[] {
  const { body, locals, type } = leaf;
  const nParams = type.params.length;
  const out: Instr[] = [];
  const at = (op: Op, a?: number, blockType?: BlockType): Instr => copy(call, op, a, call.i64, blockType);
  const local = (x: number, k: number): number => (x < nParams && subst[x] >= 0 && k < leaf.splitAt[x] ? subst[x] : base + x);
  for (let p = nParams - 1; p >= 0; p--) if (subst[p] < 0) out.push(at(Op.LocalSet, base + p));
  const written = straightLineWrites(body, nParams, locals.length);
  for (let x = nParams; x < locals.length; x++) {
    if (written[x]) continue;
    out.push(zero(call, locals[x]), at(Op.LocalSet, base + x));
  }
  const bt: BlockType = type.results.length === 0 ? { kind: 'empty' } : { kind: 'value', type: type.results[0] };
  out.push(at(Op.Block, undefined, bt));
  let depth = 0;
  for (let k = 0; k < body.length; k++) {
    const ins = body[k];
    switch (ins.op) {
      case Op.LocalGet: case Op.LocalSet: case Op.LocalTee: out.push(copy(ins, ins.op, local(ins.a!, k))); continue;
      case Op.Return: out.push(copy(ins, Op.Br, depth)); continue;
      case Op.Block: case Op.Loop: case Op.If: depth++; break;
      case Op.End: depth--; break;
      default: break;
    }
    out.push(copy(ins, ins.op, ins.a));
  }
  return out;
}

/** The constant 0 of a local's type (locals start at zero). */
function zero(like: Instr, t: ValType): Instr {
  switch (t) {
    case ValType.I32: return copy(like, Op.I32Const, 0);
    case ValType.I64: return copy(like, Op.I64Const, undefined, 0n);
    case ValType.F32: return copy(like, Op.F32Const, 0);
    case ValType.F64: return copy(like, Op.F64Const, undefined, 0n);
    default: return copy(like, Op.RefNull, t);
  }
}

/**
 * Locals certainly written before any read: writes in the straight-line code
 * before the first branch, if, loop or return (blocks and their ends do not
 * break it), of locals not read before. The others are zeroed at the call.
 */
function straightLineWrites(body: Instr[], nParams: number, n: number): Uint8Array {
  const w = new Uint8Array(n);
  const read = new Uint8Array(n);
  for (const ins of body) {
    const op = ins.op;
    if (op === Op.LocalGet) { read[ins.a!] = 1; continue; }
    if (op === Op.LocalSet || op === Op.LocalTee) { if (!read[ins.a!] && ins.a! >= nParams) w[ins.a!] = 1; continue; }
    if (breaksStraightLine(op)) break;
  }
  return w;
}

/** Control flow that ends a body's straight-line start (blocks and their ends do not). */
function breaksStraightLine(op: Op): boolean {
  return op === Op.Br || op === Op.BrIf || op === Op.BrTable || op === Op.If || op === Op.Else || op === Op.Loop
    || op === Op.Return || op === Op.Unreachable;
}

/**
 * `src` with op, a (and i64, blockType) replaced, built as the decoder builds
 * an instruction (tools/wasm/instrs.ts: all eight fields, in its order): one
 * object shape for every instruction, so the compiler's reads of `op` and `a`
 * stay monomorphic (a spread copy has another shape, and made planning and
 * emission of every function with an inlined call ~2x slower).
 */
function copy(src: Instr, op: Op, a: number | undefined, i64 = src.i64, blockType = src.blockType): Instr {
  return { op, pos: src.pos, a, b: src.b, i64, blockType, targets: src.targets, types: src.types };
}
