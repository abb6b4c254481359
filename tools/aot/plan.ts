// plan: one pure analysis pass per function over the decoded instructions.
// It decides and emits nothing; func.ts emits by walking `steps` and the op
// visitors read the decisions at their own position:
//
//   structure   block nesting, which `br` goes back to which loop, whether an
//               if's then-arm is branched to (for `x && y`)
//   unroll      counted loops compiled once per trip (unroll.ts's shape)
//   rotate      loops with a `br` back edge: the header is re-emitted at every one
//   bitset      `c == K1 | c == K2 | ...` chains as one bit test
//   fuse        a compare's flags used by the next br_if / if / select
//   andIf       asc's `if (result i32) A else 0 end if` (`x && y`) as one if
//   orIf        `<cmp A> [local.tee x] <pure B> <cmp B> i32.or if` (`x || y`): a true A
//               jumps into the then-arm, B's compare branches to the else
//   setTarget   `<op>; local.set x` computes straight into x's register; a block or if whose one
//               result `local.set x` takes (`mergeLocal`) merges it there instead of in rax
//   callSaves   liveness of locals across calls: a pinned local that no path
//               from a call reads again is neither saved before nor reloaded after it
//   pinRdi      rdi joins the caller-saved pin registers (linear scan only) in a
//               function with no op that needs it fixed (bulk memory and table ops,
//               memory.grow; on the kernel the inline hw instructions); in a leaf that
//               has no op needing rcx or rdx either (variable shifts, div/rem), rcx, rdx
//               and rdi come before the callee-saved registers (`leafRegs`): a small
//               leaf called often (libc's memcpy) saves and restores none
//   kernelRbx   on the kernel, rbx is a pin register (linear scan only) in a function
//               without inline hw instructions (cpuid writes it); Linux always has it
//   regalloc    live ranges of locals (liveranges.ts) for pins.ts's linear scan:
//               locals with disjoint ranges share a register (off: whole-function
//               pins, `ASUK_AOT_PASSES=-regalloc`)
//   dup         `local.tee x; local.get x` (binaryen's dup) as one step: a register value
//               goes to x and stays on top for an op to consume in place, x's read under it
//   lea         `y + x * C` (`iN.const C; iN.mul; iN.add`, C = 3/5/9 times 1/2/4/8, or
//               `iN.const K; iN.shl; iN.add`, K = 1..3) as one or two lea; `x * 3/5/9` as one
//               (lea.ts): a lea has 1 cycle of latency where imul has 3
//   reuse       a read of a local that straight-line code writes before any other read
//               (`overwritten`) lets the op that consumes it compute in the local's register
//               (frame.ts popReg): `x = (x << 4) | d` is `shl x, 4; or x, d`
//   coldThen    an if's then-arm placed out of line (Assembler cold code, after the function's
//               body), the else-arm or what follows the if falling through, where static
//               prediction (the heuristics compilers use) says the then-arm is rarely taken:
//               in a loop, `if (x == K) A else B` with no loop in A (an equality with a constant
//               is predicted false), and any then-arm that ends in `unreachable` (asc's stack
//               check calling abort). The usual way through takes one branch fewer. Only
//               statement ifs (no params or results): a value if may be fused away (andIf).
//               In a loop, a value if whose then-arm is one `local.get` and whose else-arm is
//               longer (selectIf's `c ? a : costly b`, as cpio's hex digit) gets its else-arm
//               out of line instead (`coldElse`), when no if or br_if could fuse with its end
//   thread      after a character class test (bitset) that leaves the iteration, a short statement
//               and an if-else-if chain on the same character: the class's `c > maxK` branch goes
//               to a copy of the statement and on past the chain tests it makes false (thread.ts)
//   threadTail  with thread: the copy goes on with the rest of the chain and the loop's back edge
//               after it, so that path never jumps back into the chain (thread.ts)
//   latchCopy   a then-arm whose way on (past ends and else-arms) is the `br` back to a rotated loop
//               ends in a copy of the loop's header (`jcc body; jmp exit`), not in a jump to the
//               if's end that the back edge's copy follows: one taken branch fewer (`latches`)
//   wrap        (after pins, wrap.ts) the callee-saved registers saved at the start of the one
//               stretch of statements holding their locals' live ranges and restored at its end
//               and on each branch out of it, not at entry and return: a call that skips the
//               stretch pays neither
//   lazyLocals  (at emission, func.ts keepLazy) a `local.get` whose value is still on the operand
//               stack when a block, loop or if starts stays a read of the local, not a copy in
//               its spill slot made at the construct's entry, when nothing writes the local before
//               the construct around the get ends and (pinned over a live range) the local's range
//               reaches that end: the inlined comparator in kv's qsort reads its caller's locals
//   keepRegs    (at emission, func.ts keepReg) a value in a register under a block, loop or if keeps
//               the register through it when the construct's ops only take free registers (no call,
//               no op with a fixed register): cpio's `v << 4` under the hex digit's if
//   selectIf    (before planning, after inline; selectif.ts) a select whose second operand
//               costs two or more operations computes it only when chosen: `if`/`else`
//   inline      (before planning, inline.ts) direct calls to small leaf functions
//               are replaced by the callee's body, its locals the caller's
//   webs        (off by default; before planning, after inline; webs.ts) a local holding
//               unrelated values becomes one local per value (web of writes and the reads they reach)
//   steps       the emission order: positions, with unrolled bodies repeated
//               and loop headers replayed after their back edges
//
// Every transformation is a pass that AotPasses can switch off (AotOptions.passes,
// or ASUK_AOT_PASSES="-rotate,-unroll" / "none").

import { Op } from '../wasm/opcodes.ts';
import { ValType, type FuncType, type Instr } from '../wasm/types.ts';
import { planUnroll, type UnrollPlan } from './unroll.ts';
import { liveRanges, type LiveRanges } from './liveranges.ts';
import { scratchF64, scratchI32, scratchU8 } from './scratch.ts';
import type { WebFacts } from './webs.ts';
import { planThread, type ThreadPlan } from './thread.ts';

export interface AotPasses {
  rotate: boolean; unroll: boolean; bitset: boolean; fuse: boolean;
  andIf: boolean; orIf: boolean; setTarget: boolean; pins: boolean; callSaves: boolean; regalloc: boolean;
  pinRdi: boolean; kernelRbx: boolean; dup: boolean; inline: boolean; lea: boolean; webs: boolean; reuse: boolean;
  coldThen: boolean; selectIf: boolean; thread: boolean; threadTail: boolean; latchCopy: boolean; wrap: boolean;
  lazyLocals: boolean; keepRegs: boolean;
}
export const PASS_NAMES: (keyof AotPasses)[] = [
  'rotate', 'unroll', 'bitset', 'fuse', 'andIf', 'orIf', 'setTarget', 'pins', 'callSaves', 'regalloc', 'pinRdi', 'kernelRbx', 'dup',
  'inline', 'lea', 'webs', 'reuse', 'coldThen', 'selectIf', 'thread', 'threadTail', 'latchCopy', 'wrap',
  'lazyLocals', 'keepRegs',
];

/**
 * Passes that are off unless asked for (`+name`, `all`, AotOptions.passes). regalloc was
 * here while copy and matmul ran 1.16–1.18x slower with it; the cause was code layout, not
 * allocation (STATUS.md, round 6). webs is here: it costs about 9% of a large module's
 * compile and no bench/aot kernel ran measurably faster with it (STATUS.md, round 9).
 */
export const DEFAULT_OFF: ReadonlySet<keyof AotPasses> = new Set(['webs']);

/**
 * The passes in effect: all but DEFAULT_OFF on, then `spec` ("none", "all", or a comma list of
 * `-name` / `+name` / `name`), then `opts`. Throws on an unknown pass name.
 */
export function resolvePasses(opts: Partial<AotPasses> = {}, spec = ''): AotPasses {
  const p = Object.fromEntries(PASS_NAMES.map((n) => [n, !DEFAULT_OFF.has(n)])) as unknown as AotPasses;
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (raw === 'none' || raw === 'all') { for (const n of PASS_NAMES) p[n] = raw === 'all'; continue; }
    const on = !raw.startsWith('-');
    const name = raw.replace(/^[-+]/, '') as keyof AotPasses;
    if (!PASS_NAMES.includes(name)) throw new Error(`aot: unknown pass '${name}' in ASUK_AOT_PASSES (have ${PASS_NAMES.join(', ')}, none, all)`);
    p[name] = on;
  }
  return { ...p, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
}

/** What consumes the flags a compare leaves (at the compare's position). */
export const enum Fuse { None, BrIf, If, Select, AndIf, OrA, OrTee, OrIf }

export const enum MarkKind { Trip, Unrolled, Replay }
/** A step that is not an instruction: unroll trips, the counter's final value, a header replay. */
export type Mark =
  | { kind: MarkKind.Trip; local: number; value: number }
  | { kind: MarkKind.Unrolled; local: number; to: number; set: Instr }
  | { kind: MarkKind.Replay; end: number };

export interface BitSet { groups: number; mask: bigint }
export interface RotPlan { start: number; ifPc: number }

export interface FuncPlan {
  instrs: Instr[];
  /** Emission order: a position (>= 0) or mark -1 - k (marks[k]). */
  steps: number[];
  marks: Mark[];
  /** Positions emitted by an earlier op's lowering (fused), skipped when reachable. */
  absorbed: Uint8Array;
  fuse: Uint8Array;
  /** At an i32.and whose value only a fused branch/if/select reads: 1, or 2 through an i32.eqz (pass fuse). */
  andTest: Uint8Array;
  bitset: ReadonlyMap<number, BitSet>;
  /** Local written by the local.set/tee right after each position, or -1. */
  setAfter: Int32Array;
  rotations: ReadonlyMap<number, RotPlan>;
  unrolls: ReadonlyMap<number, UnrollPlan>;
  /** Last position of a `local.get` of each local, -1 when never read. */
  lastRead: Int32Array;
  /**
   * At each position: the first position a read may follow it at on some path
   * (the start of its outermost enclosing loop, else the next position). A
   * local whose lastRead is below it is dead there. All readers when callSaves is off.
   */
  readFrom: Int32Array;
  /** Live ranges of locals (pass regalloc, with pins), else null. */
  ranges: LiveRanges | null;
  /** Positions of an orIf's B operand: skipped when A is true (no zeroing of a local is placed there). */
  orB: Uint8Array;
  /** A leaf with no op that needs rdi, rcx or rdx fixed: they are pin registers before the callee-saved ones (pass pinRdi). */
  leafRegs: boolean;
  /** rdi may hold a local (pass pinRdi; no op here needs it fixed; hw instructions are checked by pins.ts). */
  pinRdi: boolean;
  /** At a `local.tee x` followed by `local.get x` (absorbed): pass dup. */
  dup: Uint8Array;
  /** At a `local.get x`: straight-line code writes x before reading it again (pass reuse). */
  overwritten: Uint8Array;
  /** At an `iN.const C` whose mul/shl (and add) it fuses (pass lea): leaFactor's code, else 0. */
  lea: Uint8Array;
  /** rbx may hold a local on the kernel too (pass kernelRbx) when no hw instruction is inlined here. */
  kernelRbx: boolean;
  /** At an `if`: its then-arm goes out of line (pass coldThen). */
  coldThen: Uint8Array;
  /** At a value `if`: its else-arm goes out of line (pass coldThen). */
  coldElse: Uint8Array;
  /** At a bitset chain's first i32.eq: where its `c > maxK` branch goes (pass thread). */
  threads: ReadonlyMap<number, ThreadPlan>;
  /**
   * A rotated loop's header if -> the thread (its eq) whose copy, tail and back edge included, is placed right
   * before the loop's body, so that it falls through into the next iteration (pass threadTail):
   * its class test is a statement of the loop's body and its chain ends in the back edge.
   */
  placed: ReadonlyMap<number, number>;
  /**
   * At an `else` (its then-arm's end): the `br` back to a rotated loop that control reaches next,
   * past `ends` ends (this if's included) and the else-arms of ifs it ends (pass latchCopy).
   */
  latches: ReadonlyMap<number, { br: number; ends: number }>;
  /** At a block or if with one result that `local.set/tee x` takes after its end (no br_table to it): x, else -1 (setTarget). */
  mergeLocal: Int32Array;
  /** At the last position of such a block's or arm's code (its else or end next): x, else -1 (setTarget). */
  mergeAfter: Int32Array;
  /** The block structure (structure()): at a block, loop or if, the position of its end, and of an if's else (-1: none); at an end or else, the construct's start. */
  endOf: Int32Array;
  elseOf: Int32Array;
  startOf: Int32Array;
  /**
   * At an op whose setAfter x comes through steps (chainSetTarget): bit 1, an add, sub or mul
   * step: it computes in x's register only when its left operand is x's; bit 2, a step reads a local.
   */
  chainOwn: Uint8Array;
}

const MAX_HEADER = 24;

/**
 * The plan's maps start as this one, empty and shared, and get a Map of their own with their first
 * entry (put): most functions have nothing in most of the six, and six fresh Maps per function
 * were 2% of a large module's garbage. FuncPlan types them ReadonlyMap: only plan.ts adds entries.
 */
const NONE: ReadonlyMap<number, never> = new Map<number, never>();

/** `m` with k -> v added: `m` itself, or a new Map when `m` is NONE. */
function put<V>(m: ReadonlyMap<number, V>, k: number, v: V): ReadonlyMap<number, V> {
  const out = m === NONE ? new Map<number, V>() : m as Map<number, V>;
  out.set(k, v);
  return out;
}

/** Placeholder of the structure arrays until structure() fills them. */
const EMPTY = new Int32Array(0);

export function planFunction(instrs: Instr[], localTypes: ValType[], nParams: number, types: FuncType[], passes: AotPasses,
  facts: WebFacts | null = null): FuncPlan {
  const n = instrs.length;
  const p: FuncPlan = {
    instrs, steps: [], marks: [], absorbed: scratchU8(n + 1), fuse: scratchU8(n), andTest: scratchU8(n),
    bitset: NONE, setAfter: scratchI32(n, -1), rotations: NONE, unrolls: NONE,
    lastRead: scratchI32(localTypes.length, -1), readFrom: scratchI32(n),
    ranges: null, orB: scratchU8(n), dup: scratchU8(n), lea: scratchU8(n), overwritten: scratchU8(n), pinRdi: false, leafRegs: false, kernelRbx: false,
    coldThen: scratchU8(n), coldElse: scratchU8(n), threads: NONE, placed: NONE, latches: NONE, mergeLocal: scratchI32(n, -1), mergeAfter: scratchI32(n, -1), chainOwn: scratchU8(n),
    endOf: EMPTY, elseOf: EMPTY, startOf: EMPTY,
  };
  const s = structure(p, passes.callSaves, passes.coldThen);
  p.endOf = s.endOf; p.elseOf = s.elseOf; p.startOf = s.startOf;
  for (const pc of s.loops) {
    const u = passes.unroll ? planUnroll(instrs, pc, localTypes) : null;
    if (u) { p.unrolls = put(p.unrolls, pc, u); continue; }
    const r = passes.rotate && s.brBack.has(pc) && loopWithoutParams(instrs[pc], types) ? rotation(instrs, pc) : null;
    if (r) { p.rotations = put(p.rotations, pc, r); p.coldThen[r.ifPc] = 0; }
  }
  planFlags(p, s, passes);
  if (passes.thread) planThreads(p, s, passes.threadTail);
  if (passes.latchCopy && p.rotations.size > 0) planLatches(p, s);
  const { rdi, leaf } = planPeepholes(p, passes, localTypes.length);
  for (let k = 0; k < s.valueEnds.length; k += 2) {
    const at = s.valueEnds[k], end = s.valueEnds[k + 1], x = p.setAfter[end], e = s.elseOf[at];
    p.mergeLocal[at] = x;
    p.mergeAfter[end - 1] = x;
    if (e >= 0) p.mergeAfter[e - 1] = x;
  }
  p.steps = planSteps(p, s.brLoop, n);
  if (passes.regalloc && passes.pins) p.ranges = planRanges(p, localTypes.length, nParams, facts);
  p.pinRdi = passes.pinRdi && p.ranges !== null && !rdi;
  p.leafRegs = p.pinRdi && leaf;
  p.kernelRbx = passes.kernelRbx && p.ranges !== null;
  return p;
}

/** Ops whose lowering puts an operand in rdi (memory.ts, tables.ts popBulk / memory.grow). */
function rdiFixed(op: Op): boolean {
  return op === Op.MemoryGrow || op === Op.MemoryCopy || op === Op.MemoryFill || op === Op.MemoryInit
    || op === Op.TableCopy || op === Op.TableInit;
}

/**
 * One forward scan for the passes that look at a position and the few after it: setTarget
 * (setAfter), dup, lea and reuse (overwritten). Returns whether an op needs rdi fixed (rdiFixed),
 * and whether the function is a leaf whose ops need neither rcx nor rdx (rcxRdxFixed).
 * Each scan over a large module's instructions costs about 1% of its compile, so they share one.
 */
function planPeepholes(p: FuncPlan, passes: AotPasses, nLocals: number): { rdi: boolean; leaf: boolean } {
  const { instrs } = p, n = instrs.length;
  const lastGet = passes.reuse ? scratchI32(nLocals, -1) : null, lastSeg = passes.reuse ? scratchI32(nLocals) : null;
  const height = passes.reuse ? scratchF64(n) : null;
  let seg = 0, rdi = false, leaf = true;
  for (let pc = 0; pc < n; pc++) {
    const ins = instrs[pc], op = ins.op;
    if (rdiFixed(op)) rdi = true;
    if (leaf && op < 0x100 && RCX_RDX[op] !== 0 && rcxRdxFixed(instrs, pc)) leaf = false;
    if (passes.setTarget && pc + 1 < n) {
      const next = instrs[pc + 1];
      if (next.op === Op.LocalSet || next.op === Op.LocalTee) { p.setAfter[pc] = next.a!; chainSetTarget(p, pc, next.a!); }
    }
    if (lastGet && lastSeg && height) seg = overwrittenAt(p, pc, lastGet, lastSeg, height, seg);
    if (passes.dup && op === Op.LocalTee) dupAt(p, pc);
    if (passes.lea && (op === Op.I32Const || op === Op.I64Const)) leaAt(p, pc);
  }
  return { rdi, leaf };
}

/** One-byte opcodes rcxRdxFixed looks at (calls, div/rem, shifts): a table, since it runs per instruction. */
const RCX_RDX = (() => {
  const t = new Uint8Array(0x100);
  for (const op of [Op.Call, Op.CallIndirect]) t[op] = 1;
  t.fill(1, Op.I32DivS, Op.I32RemU + 1); t.fill(1, Op.I64DivS, Op.I64RemU + 1);
  t.fill(1, Op.I32Shl, Op.I32Rotr + 1); t.fill(1, Op.I64Shl, Op.I64Rotr + 1);
  return t;
})();

/** Calls (their thunks and saves), and ops whose lowering puts an operand in rcx or rdx: div/rem, shifts by a non-constant. */
function rcxRdxFixed(instrs: Instr[], pc: number): boolean {
  const op = instrs[pc].op;
  if (op === Op.Call || op === Op.CallIndirect) return true;
  if ((op >= Op.I32DivS && op <= Op.I32RemU) || (op >= Op.I64DivS && op <= Op.I64RemU)) return true;
  const shift = (op >= Op.I32Shl && op <= Op.I32Rotr) || (op >= Op.I64Shl && op <= Op.I64Rotr);
  const prev = instrs[pc - 1]?.op;
  return shift && prev !== Op.I32Const && prev !== Op.I64Const;
}

/**
 * Steps `chainSetTarget` goes back through: 1 for ops with a constant that compute only in place,
 * in their left operand's register (`x << k` in x's register is `shl x, k`); 2 for add, sub and
 * mul, whose lea and `imul r, r/m, imm` compute into any register from anywhere already.
 */
const STEP = (() => {
  const t = new Uint8Array(0x100);
  t.fill(1, Op.I32And, Op.I32Rotr + 1); t.fill(1, Op.I64And, Op.I64Rotr + 1);
  t.fill(2, Op.I32Add, Op.I32Mul + 1); t.fill(2, Op.I64Add, Op.I64Mul + 1);
  return t;
})();

/** Ops that produce one value from what is below them or from nothing: loads, local/global reads, constants, numeric ops. */
const produces = (op: Op): boolean => op === Op.LocalGet || op === Op.LocalTee || op === Op.GlobalGet
  || (op >= Op.I32Load && op <= Op.I64Load32U) || (op >= Op.I32Const && op <= Op.I64Extend32S);

/**
 * setTarget through steps with a constant or a local: in `<op>; iN.const k | local.get y;
 * shl|and|xor…; local.set x` (`slot = id * K >> 16`, xorshift's `t = q << 13 ^ q`), <op>
 * computes into x's register too and the steps after it run there in place, where the first
 * would have moved its operand into x's register. Past an add, sub or mul step with a constant,
 * or an add with a local, only for an op whose left operand is x's register (chainOwn bit 1:
 * FNV's `h = (h ^ c) * P` is `xor h, c; imul h, h, P`): from any other register, the step's lea
 * or imul would have moved it for free. chainOwn bit 2: a step reads a local, which emission
 * checks is neither x nor in x's register (settarget.ts), both written first.
 */
function chainSetTarget(p: FuncPlan, pc: number, x: number): void {
  const { instrs } = p;
  let own = 0;
  for (let q = pc; q >= 2; q -= 2) {
    const op = instrs[q].op, k = instrs[q - 1];
    if (op >= 0x100 || STEP[op] === 0) return;
    if (p.absorbed[q] || p.absorbed[q - 1] || p.absorbed[q - 2] || !produces(instrs[q - 2].op)) return;
    if (k.op === Op.LocalGet) {
      if (k.a === x || op === Op.I32Add || op === Op.I64Add) return;      // lea x, [a + y] moves for free
      own |= 2;
    } else if (k.op === Op.I32Const || k.op === Op.I64Const) {
      const wide = k.op === Op.I64Const && (k.i64! < -0x80000000n || k.i64! > 0x7fffffffn);
      if (STEP[op] === 2 && !wide) own |= 1;           // a constant past imm32 is `op r, [pool]`: in place too
    } else return;
    p.setAfter[q - 2] = x;
    p.chainOwn[q - 2] = own;
  }
}

/** `local.tee x; local.get x` pairs (not an unrolled loop's counter, whose reads are constants). */
function dupAt(p: FuncPlan, pc: number): void {
  const a = p.instrs[pc], b = p.instrs[pc + 1];
  if (b?.op !== Op.LocalGet || a.a !== b.a || p.absorbed[pc] || p.absorbed[pc + 1]) return;
  if (unrolledCounter(p, a.a!, pc)) return;
  p.dup[pc] = 1; p.absorbed[pc + 1] = 1;
}

/**
 * Pass reuse: a `local.get x` whose next access of x in the same straight-line code (no block,
 * loop, if, else, end or branch in between) is a write, when by that write the value read
 * (or what an op computed from it in x's register) is off the stack or is what is written:
 * `x = (x << 4) | d`, not `(x << 4) | (x = load ...)` where the write would have to move the
 * shifted value out first. `seg` numbers the straight-line stretches; `height` is the stack
 * height after each position (relative to the stretch; NaN after an op of unknown effect, a
 * call); lastGet/lastSeg hold each local's last read not yet followed by an access. Returns
 * the stretch after position pc.
 */
function overwrittenAt(p: FuncPlan, pc: number, lastGet: Int32Array, lastSeg: Int32Array, height: Float64Array, seg: number): number {
  const ins = p.instrs[pc], op = ins.op;
  const before = pc > 0 ? height[pc - 1] : 0;    // a control op leaves 0: the stretch after it starts there
  if (op <= Op.Return) { height[pc] = 0; return seg + 1; }          // block .. return: control (opcodes 0x00-0x0f)
  height[pc] = before + stackEffect(op);
  if (op === Op.LocalGet) { lastGet[ins.a!] = pc; lastSeg[ins.a!] = seg; return seg; }
  if (op !== Op.LocalSet && op !== Op.LocalTee) return seg;
  const x = ins.a!, g = lastGet[x];
  lastGet[x] = -1;
  if (g < 0 || lastSeg[x] !== seg) return seg;
  const slot = height[g];                         // the read's value is the slot-th value of the stack
  let off = before <= slot;                       // the value written sits in the read's slot or below
  for (let q = g + 1; q < pc && !off; q++) if (height[q] < slot) off = true;   // the read's slot was popped
  if (off && !Number.isNaN(before)) p.overwritten[g] = 1;
  return seg;
}

/** Net stack effect of an op without control flow or calls; NaN when unknown here. */
function stackEffect(op: Op): number {
  return op < 0x100 ? EFFECT[op] : op >= Op.I32TruncSatF32S && op <= Op.I64TruncSatF64U ? 0 : Number.NaN;
}

/** stackEffect of the one-byte opcodes (a table: it runs for every instruction). */
const EFFECT = (() => {
  const e = new Float64Array(0x100).fill(Number.NaN);
  const set = (from: Op, to: Op, v: number): void => { e.fill(v, from, to + 1); };
  set(Op.LocalGet, Op.LocalGet, 1); set(Op.GlobalGet, Op.GlobalGet, 1); set(Op.I32Const, Op.F64Const, 1);
  set(Op.MemorySize, Op.MemorySize, 1); set(Op.RefNull, Op.RefNull, 1); set(Op.RefFunc, Op.RefFunc, 1);
  set(Op.LocalTee, Op.LocalTee, 0); set(Op.MemoryGrow, Op.MemoryGrow, 0); set(Op.RefIsNull, Op.RefIsNull, 0);
  set(Op.LocalSet, Op.LocalSet, -1); set(Op.GlobalSet, Op.GlobalSet, -1); set(Op.Drop, Op.Drop, -1);
  set(Op.Select, Op.SelectT, -2);
  set(Op.I32Load, Op.I64Load32U, 0); set(Op.I32Store, Op.I64Store32, -2);
  set(Op.I32Add, Op.F64Copysign, -1);                              // binary, then the unary ones inside
  set(Op.I32Eq, Op.F64Ge, -1); set(Op.I32Eqz, Op.I32Eqz, 0); set(Op.I64Eqz, Op.I64Eqz, 0);
  set(Op.I32Clz, Op.I32Popcnt, 0); set(Op.I64Clz, Op.I64Popcnt, 0);
  set(Op.F32Abs, Op.F32Sqrt, 0); set(Op.F64Abs, Op.F64Sqrt, 0);
  set(Op.I32WrapI64, Op.I64Extend32S, 0);
  return e;
})();

/**
 * Pass lea at an `iN.const`: `iN.const C; iN.mul; iN.add` and `iN.const K; iN.shl; iN.add` (all
 * one width) get LEA_ADD + the factor at the constant (it absorbs the two ops after it); a lone
 * `iN.mul` by 3, 5 or 9 gets the factor. lea.ts lowers them.
 */
function leaAt(p: FuncPlan, pc: number): void {
  const { instrs } = p;
  if (pc + 1 >= instrs.length) return;
  const c = instrs[pc], op = instrs[pc + 1].op;
  const w64 = c.op === Op.I64Const;
  if (p.absorbed[pc] || p.absorbed[pc + 1]) return;
  const shl = op === (w64 ? Op.I64Shl : Op.I32Shl);
  if (!shl && op !== (w64 ? Op.I64Mul : Op.I32Mul)) return;
  const big = w64 ? c.i64! : 0n;
  const v = !w64 ? c.a! : big >= 0n && big <= 72n ? Number(big) : -1;
  let factor = 0;
  if (shl && v >= 1 && v <= 3) factor = 1 << v;
  else if (!shl && v > 0 && v <= 72 && leaParts(v)) factor = v;
  if (factor === 0) return;
  const add = instrs[pc + 2];
  if (add?.op === (w64 ? Op.I64Add : Op.I32Add) && !p.absorbed[pc + 2]) {
    p.lea[pc] = LEA_ADD + factor;
    p.absorbed[pc + 1] = 1; p.absorbed[pc + 2] = 1;
  } else if (factor === 3 || factor === 5 || factor === 9) {
    p.lea[pc] = factor;
    p.absorbed[pc + 1] = 1;
  }
}

/** plan.lea: the add is fused too. */
export const LEA_ADD = 128;

/** C = m * 2^s with m in 1, 3, 5, 9 and s in 0..3 (one lea, or two): [m, s], else null. */
export function leaParts(c: number): [number, number] | null {
  for (const m of [1, 3, 5, 9]) {
    for (let s = 0; s <= 3; s++) if (m << s === c && c > 1) return [m, s];
  }
  return null;
}

/** liveranges.ts's ranges; a zero set before an absorbed or unrolled position is set at entry instead. */
function planRanges(p: FuncPlan, nLocals: number, nParams: number, facts: WebFacts | null): LiveRanges {
  const r = liveRanges(p.instrs, nLocals, nParams, facts);
  for (let x = 0; x < nLocals; x++) {
    const q = r.zeroAt[x];
    if (q < 0 || (!p.absorbed[q] && !p.unrolls.has(q) && !p.orB[q])) continue;
    r.zeroAt[x] = -1; r.entry[x] = 1; r.start[x] = 0;
  }
  return r;
}

interface Structure {
  /** At a `br`: the position of the loop it targets, else -1. */
  brLoop: Int32Array;
  /** Positions of the loops, and of those some `br` goes back to (a rotation replays its header there). */
  loops: number[];
  brBack: Set<number>;
  /** At an `else`: 1 when its if's then-arm is branched to. */
  thenTargeted: Uint8Array;
  /** At an `else`: the blockType of its if is `(result i32)`. */
  elseOfI32If: Uint8Array;
  /** At an `if`: the position of its `end`, and of its `else` (-1: none). */
  endOf: Int32Array;
  elseOf: Int32Array;
  /** At an `end`: the position of the construct it ends (-1: the function); at an `else`: of its if. */
  startOf: Int32Array;
  /** Positions of the ifs that have an else. */
  ifsWithElse: number[];
  /** Pairs (start, end) of the blocks and ifs with one result that no br_table targets. */
  valueEnds: number[];
}

/**
 * The block structure (Structure) and, in the same scan, pass callSaves's reads of locals by
 * position (p.lastRead, p.readFrom). Branches go forward except to an enclosing loop's start,
 * so every read reachable from position p is after p or inside p's outermost enclosing loop:
 * conservative and one pass.
 */
function structure(p: FuncPlan, callSaves: boolean, coldThen: boolean): Structure {
  const { instrs, lastRead, readFrom } = p;
  const n = instrs.length;
  const st: Structure = {
    brLoop: scratchI32(n, -1), thenTargeted: scratchU8(n), elseOfI32If: scratchU8(n), loops: [], brBack: new Set(),
    endOf: scratchI32(n, -1), elseOf: scratchI32(n, -1), startOf: scratchI32(n, -1), ifsWithElse: [], valueEnds: [],
  };
  // Per open construct k (0: the function, `top` the innermost), in scratch arrays (a construct
  // opens at most once per position): its position, whether a branch targets it, its loop start
  // (-1: not a loop), a loop opened inside it (since its else, for an if), an if whose else has
  // been seen, a br_table targets it. Six arrays pushed per function were 1 KB of garbage each.
  const openPc = scratchI32(n + 1), loopOf = scratchI32(n + 1);
  const targeted = scratchU8(n + 1), hasLoop = scratchU8(n + 1), inElse = scratchU8(n + 1), byTable = scratchU8(n + 1);
  let top = 0;
  openPc[0] = -1; loopOf[0] = -1;
  const open = (pc: number, loop: number): void => {
    top++;
    openPc[top] = pc; loopOf[top] = loop; targeted[top] = 0; hasLoop[top] = 0; inElse[top] = 0; byTable[top] = 0;
  };
  let outer = -1;                            // start of the outermost open loop
  const mark = (d: number): number => {
    const k = top - d;
    if (k < 0) return -1;
    targeted[k] = 1;
    return openPc[k];
  };
  for (let pc = 0; pc < n; pc++) {
    const ins = instrs[pc];
    readFrom[pc] = !callSaves ? 0 : outer >= 0 ? outer : pc + 1;
    switch (ins.op) {
      case Op.LocalGet: if (ins.a! < lastRead.length) lastRead[ins.a!] = pc; break;
      case Op.Block: case Op.If: open(pc, -1); break;
      case Op.Loop:
        hasLoop[top] = 1;
        open(pc, pc);
        st.loops.push(pc);
        if (outer < 0) outer = pc;
        break;
      case Op.Else: {
        const k = top, at = openPc[k];
        const bt = at >= 0 ? instrs[at].blockType : undefined;
        st.thenTargeted[pc] = targeted[k];
        st.elseOfI32If[pc] = bt?.kind === 'value' && bt.type === ValType.I32 ? 1 : 0;
        if (coldThen && bt?.kind === 'empty' && ((outer >= 0 && !hasLoop[k] && at >= 2 && eqConst(instrs, at - 1)) || instrs[pc - 1].op === Op.Unreachable)) {
          p.coldThen[at] = 1;
        }
        if (coldThen && outer >= 0 && bt?.kind === 'value' && pc === at + 2 && instrs[at + 1].op === Op.LocalGet) p.coldElse[at] = 1;
        if (hasLoop[k]) { hasLoop[k] = 0; hasLoop[k - 1] = 1; }
        inElse[k] = 1;
        if (at >= 0) { st.elseOf[at] = pc; st.ifsWithElse.push(at); }
        st.startOf[pc] = at;
        break;
      }
      case Op.End: {
        const k = top--, at = openPc[k];
        if (at >= 0) st.endOf[at] = pc;
        st.startOf[pc] = at;
        if (at >= 0 && p.coldElse[at] && (pc - st.elseOf[at] < 3 || instrs[pc + 1]?.op === Op.If || instrs[pc + 1]?.op === Op.BrIf)) p.coldElse[at] = 0;
        if (!byTable[k] && at >= 0 && instrs[at].op !== Op.Loop && instrs[at].blockType?.kind === 'value') st.valueEnds.push(at, pc);
        if (coldThen && !inElse[k] && at >= 0 && instrs[at].op === Op.If && instrs[at].blockType?.kind === 'empty'
          && instrs[pc - 1].op === Op.Unreachable) p.coldThen[at] = 1;
        if (hasLoop[k] && top >= 0) hasLoop[top] = 1;
        if (loopOf[k] === outer && outer >= 0) outer = -1;
        break;
      }
      case Op.Br: case Op.BrIf: {
        const t = mark(ins.a!);
        if (ins.op === Op.Br && t >= 0 && instrs[t].op === Op.Loop) { st.brLoop[pc] = t; st.brBack.add(t); }
        break;
      }
      case Op.BrTable: {
        const ts = ins.targets!;
        for (let j = 0; j <= ts.length; j++) {
          const d = j < ts.length ? ts[j] : ins.a!;
          if (mark(d) >= 0) byTable[top - d] = 1;
        }
        break;
      }
      default: break;
    }
  }
  return st;
}

/** At `eq`: an iN.eq of an operand and a constant (`x; const K; eq` or `const K; x; eq`). */
function eqConst(instrs: Instr[], eq: number): boolean {
  const op = instrs[eq].op;
  if (op !== Op.I32Eq && op !== Op.I64Eq) return false;
  const isConst = (o: Op): boolean => o === Op.I32Const || o === Op.I64Const;
  return isConst(instrs[eq - 1].op) || (eq >= 2 && isConst(instrs[eq - 2].op) && instrs[eq - 1].op === Op.LocalGet);
}

function loopWithoutParams(loop: Instr, types: FuncType[]): boolean {
  const bt = loop.blockType;
  if (!bt) return false;
  return bt.kind !== 'func' || (types[bt.index]?.params.length ?? 1) === 0;
}

/** Ops a rotated header may contain: no control flow, calls, stores or fixed-register ops. */
function headerOp(op: Op): boolean {
  if (op === Op.LocalGet || op === Op.LocalSet || op === Op.LocalTee || op === Op.GlobalGet) return true;
  if (op === Op.I32Const || op === Op.I64Const) return true;
  if (op >= Op.I32Load && op <= Op.I64Load32U) return true;
  if (op >= Op.I32Eqz && op <= Op.I64GeU) return true;
  if ((op >= Op.I32Add && op <= Op.I32Mul) || (op >= Op.I32And && op <= Op.I32Xor)) return true;
  if ((op >= Op.I64Add && op <= Op.I64Mul) || (op >= Op.I64And && op <= Op.I64Xor)) return true;
  return op === Op.I32WrapI64 || op === Op.I64ExtendI32S || op === Op.I64ExtendI32U;
}

/** rotate.ts's shape: `loop; <pure header -> i32>; if (empty) ...` (value ifs allowed inside the header). */
function rotation(instrs: Instr[], loopPc: number): RotPlan | null {
  const start = loopPc + 1;
  let depth = 0;
  for (let pc = start; pc < instrs.length && pc - start <= MAX_HEADER; pc++) {
    const ins = instrs[pc];
    if (ins.op === Op.If && depth === 0 && ins.blockType?.kind === 'empty') return pc === start ? null : { start, ifPc: pc };
    if (ins.op === Op.If) { if (ins.blockType?.kind !== 'value') return null; depth++; continue; }
    if (ins.op === Op.Else && depth > 0) continue;
    if (ins.op === Op.End && depth > 0) { depth--; continue; }
    if (!headerOp(ins.op)) return null;
  }
  return null;
}

/** Longest rotated header (positions before its if) that pass latchCopy copies. */
const LATCH_HEADER_MAX = 6;

/**
 * Pass latchCopy: for each statement if with an else whose then-arm's way on is a `br` back to a
 * rotated loop with a short header: past this if's end, more ends of constructs without results,
 * and else-arms (an if's else reached from its then-arm goes on to that if's end).
 */
function planLatches(p: FuncPlan, s: Structure): void {
  const { instrs } = p;
  for (const pc of s.ifsWithElse) {
    const e = s.elseOf[pc];
    if (instrs[pc].blockType?.kind !== 'empty') continue;
    let k = s.endOf[pc] + 1, ends = 1;
    for (;;) {
      const op = instrs[k]?.op;
      if (op === Op.End) {
        const at = s.startOf[k];
        if (at < 0 || instrs[at].blockType?.kind !== 'empty') break;
        ends++; k++;
      } else if (op === Op.Else) {
        k = s.endOf[s.startOf[k]];           // that if's end, which ends one more construct
      } else break;
    }
    const loop = instrs[k]?.op === Op.Br ? s.brLoop[k] : -1;
    const r = loop >= 0 ? p.rotations.get(loop) : undefined;
    if (r && r.ifPc - r.start <= LATCH_HEADER_MAX) p.latches = put(p.latches, e, { br: k, ends });
  }
}

/** Ops whose visitor leaves a condition in the flags and calls useFlags (intops.ts, floatops.ts). */
function flagOp(op: Op): boolean {
  return (op >= Op.I32Eqz && op <= Op.I64GeU) || (op >= Op.F32Lt && op <= Op.F32Ge) || (op >= Op.F64Lt && op <= Op.F64Ge);
}

/** Pass thread: for each bit test fused with an if, thread.ts's plan when its shape is there. */
function planThreads(p: FuncPlan, s: Structure, tail: boolean): void {
  for (const [eq, m] of p.bitset) {
    const at = eq + 4 * m.groups;
    if (p.fuse[at] !== Fuse.If || p.coldThen[at + 1] || [...p.rotations.values()].some((r) => r.ifPc === at + 1)) continue;
    const t = planThread(p.instrs, eq, maxBit(m.mask), at + 1, (pc) => s.endOf[pc], (pc) => s.elseOf[pc]);
    if (t) p.threads = put(p.threads, eq, t);
  }
  for (const [eq, t] of p.threads) {                  // a tail copy holds no other thread
    t.tail &&= tail && ![...p.threads.keys()].some((q) => q >= t.target && q <= t.chainEnd);
    const loop = t.tail && p.instrs[t.chainEnd + 1].op === Op.Br ? s.brLoop[t.chainEnd + 1] : -1;
    const r = loop >= 0 ? p.rotations.get(loop) : undefined;
    if (r && !p.placed.has(r.ifPc) && topLevel(p.instrs, r.ifPc, eq + 4 * p.bitset.get(eq)!.groups + 1)) p.placed = put(p.placed, r.ifPc, eq);
  }
}

/** The if at `ifPc` is a statement of the then-arm of the if at `outer` (no construct between). */
function topLevel(instrs: Instr[], outer: number, ifPc: number): boolean {
  let depth = 0;
  for (let k = outer + 1; k < ifPc; k++) {
    const op = instrs[k].op;
    if (op === Op.Block || op === Op.Loop || op === Op.If) depth++;
    else if (op === Op.End && --depth < 0) return false;
    else if (op === Op.Else && depth === 0) return false;
  }
  return depth === 0;
}

/** The highest set bit of a non-zero mask (a bit test's largest value). */
export function maxBit(mask: bigint): number { return mask.toString(2).length - 1; }

function planFlags(p: FuncPlan, s: Structure, passes: AotPasses): void {
  const { instrs } = p;
  for (let pc = 0; pc < instrs.length; pc++) {
    const op = instrs[pc].op;
    if (p.absorbed[pc]) continue;
    if (passes.bitset && op === Op.I32Eq) {
      const m = bitSetAt(p, pc);
      if (m) {
        p.bitset = put(p.bitset, pc, m);
        const end = pc + 4 * m.groups;
        p.absorbed.fill(1, pc + 1, end + 1);
        planFuse(p, s, passes, end);
        pc = end;
        continue;
      }
    }
    if (flagOp(op)) planFuse(p, s, passes, pc);
    else if (op === Op.I32And && passes.fuse) pc = planAndTest(p, s, passes, pc);
  }
}

/**
 * `x & y` read only by the branch, if or select after it, directly or through an i32.eqz:
 * lowered as `test x, y` (intops.ts andTest). Returns the last position it covers.
 */
function planAndTest(p: FuncPlan, s: Structure, passes: AotPasses, pc: number): number {
  const next = p.instrs[pc + 1];
  const eqz = next?.op === Op.I32Eqz;
  if (!flagsConsumer(p.instrs[eqz ? pc + 2 : pc + 1]?.op)) return pc;
  planFuse(p, s, passes, eqz ? pc + 1 : pc);       // a br_if, if or select: nothing else
  p.andTest[pc] = eqz ? 2 : 1;
  if (!eqz) return pc;
  p.absorbed[pc + 1] = 1;
  return pc + 1;
}

/** The ops a compare's flags go to directly (planFuse's first three kinds). */
function flagsConsumer(op: Op | undefined): boolean {
  return op === Op.BrIf || op === Op.If || op === Op.Select || op === Op.SelectT;
}

function planFuse(p: FuncPlan, s: Structure, passes: AotPasses, at: number): void {
  const next = p.instrs[at + 1];
  if (!next) return;
  let kind = Fuse.None, last = at + 1;
  if (passes.fuse && next.op === Op.BrIf) kind = Fuse.BrIf;
  else if (passes.fuse && next.op === Op.If) kind = Fuse.If;
  else if (passes.fuse && (next.op === Op.Select || next.op === Op.SelectT)) kind = Fuse.Select;
  else if (passes.andIf && next.op === Op.Else && andIfShape(p.instrs, s, at)) { kind = Fuse.AndIf; last = at + 4; }
  else if (passes.orIf && passes.fuse) { planOrIf(p, at); return; }
  if (kind === Fuse.None) return;
  p.fuse[at] = kind;
  p.absorbed.fill(1, at + 1, last + 1);
}

/** Longest B operand of an orIf (instructions between A's compare or tee and B's `i32.or`). */
const MAX_OR_B = 12;

/**
 * orIf at integer compare A (position `at`): `[local.tee x] B... i32.or if` where B pushes one
 * i32 through ops that neither trap nor write (skipping them when A is true changes nothing)
 * and ends in an integer compare, and the if takes no parameters and does not head a rotation.
 */
function planOrIf(p: FuncPlan, at: number): void {
  const { instrs } = p;
  if (!intCompare(instrs[at].op)) return;
  const tee = instrs[at + 1]?.op === Op.LocalTee;
  const from = tee ? at + 2 : at + 1;
  let h = 0;
  for (let q = from; q < instrs.length && q - from < MAX_OR_B; q++) {
    const op = instrs[q].op;
    const e = pureI(op);
    if (e === 0 || h < e >> 2) return;
    h += (e & 3) - 1;
    if (h !== 1 || !intCompare(op) || instrs[q + 1]?.op !== Op.I32Or) continue;
    const iff = instrs[q + 2];
    if (iff?.op !== Op.If || iff.blockType?.kind === 'func') return;
    for (const r of p.rotations.values()) if (r.ifPc === q + 2) return;
    p.fuse[at] = tee ? Fuse.OrTee : Fuse.OrA;
    if (tee) p.absorbed[at + 1] = 1;
    p.orB.fill(1, from, q + 1);
    p.fuse[q] = Fuse.OrIf;
    p.absorbed[q + 1] = 1; p.absorbed[q + 2] = 1;
    return;
  }
}

const intCompare = (op: Op): boolean => op >= Op.I32Eqz && op <= Op.I64GeU;

/**
 * An op B of an orIf may hold: 4 * (values it pops) + (net stack change + 1), or 0 when it may
 * trap, write or branch (or is not integer).
 */
function pureI(op: Op): number {
  if (op === Op.LocalGet || op === Op.GlobalGet || op === Op.I32Const || op === Op.I64Const) return 2;
  if (op === Op.I32Eqz || op === Op.I64Eqz || op === Op.I32WrapI64 || op === Op.I64ExtendI32S || op === Op.I64ExtendI32U) return 4 + 1;
  if ((op >= Op.I32Eq && op <= Op.I32GeU) || (op >= Op.I64Eq && op <= Op.I64GeU)) return 8;
  if (op === Op.I32Or) return 0;            // keeps bitset chains out of B
  if ((op >= Op.I32Add && op <= Op.I32Mul) || (op >= Op.I32And && op <= Op.I32Rotr)) return 8;
  if ((op >= Op.I64Add && op <= Op.I64Mul) || (op >= Op.I64And && op <= Op.I64Rotr)) return 8;
  return 0;
}

/** `<cmp> else i32.const 0 end if(empty)` closing an unbranched `if (result i32)`. */
function andIfShape(instrs: Instr[], s: Structure, at: number): boolean {
  const c0 = instrs[at + 2], end = instrs[at + 3], outer = instrs[at + 4];
  if (!s.elseOfI32If[at + 1] || s.thenTargeted[at + 1]) return false;
  if (c0?.op !== Op.I32Const || c0.a !== 0 || end?.op !== Op.End) return false;
  return outer?.op === Op.If && outer.blockType?.kind === 'empty';
}

/**
 * bitset.ts's chain at an i32.eq preceded by `local.get|tee c; i32.const K`:
 * `local.get c; i32.const K; i32.eq; i32.or` groups after it, every K in 0..62.
 * Not for the counter of an unrolled loop (its reads there are constants).
 */
function bitSetAt(p: FuncPlan, pc: number): BitSet | null {
  const { instrs } = p;
  const g0 = instrs[pc - 2], c0 = instrs[pc - 1];
  if (pc < 2 || (g0.op !== Op.LocalGet && g0.op !== Op.LocalTee) || c0.op !== Op.I32Const) return null;
  const local = g0.a!, k0 = c0.a! | 0;
  if (k0 < 0 || k0 > 62 || unrolledCounter(p, local, pc)) return null;
  let mask = 1n << BigInt(k0);
  let groups = 0;
  for (let q = pc + 1; q + 3 < instrs.length; q += 4) {
    const [g, c, e, o] = [instrs[q], instrs[q + 1], instrs[q + 2], instrs[q + 3]];
    if (g.op !== Op.LocalGet || g.a !== local || c.op !== Op.I32Const || e.op !== Op.I32Eq || o.op !== Op.I32Or) break;
    const k = c.a! | 0;
    if (k < 0 || k > 62) break;
    mask |= 1n << BigInt(k);
    groups++;
  }
  return groups >= 2 ? { groups, mask } : null;
}

function unrolledCounter(p: FuncPlan, local: number, pc: number): boolean {
  for (const u of p.unrolls.values()) if (u.local === local && pc >= u.bodyStart && pc < u.bodyEnd) return true;
  return false;
}

/**
 * The steps being built (addSteps), grown by doubling and kept from one function to the next:
 * pushing to a fresh array per function made ~4 KB of garbage each (its growth), the largest
 * allocation of a plan. planSteps copies them into an array of their length.
 */
let stepBuf = new Int32Array(1024);
let nSteps = 0;

function pushStep(v: number): void {
  if (nSteps === stepBuf.length) {
    const b = new Int32Array(stepBuf.length * 2);
    b.set(stepBuf);
    stepBuf = b;
  }
  stepBuf[nSteps++] = v;
}

/** The emission order of positions [0, n) (addSteps). */
function planSteps(p: FuncPlan, brLoop: Int32Array, n: number): number[] {
  nSteps = 0;
  addSteps(p, brLoop, 0, n);
  // made at its length (V8 makes a larger `new Array(n)` a slow dictionary: appended to then)
  const steps: number[] = nSteps <= 16384 ? new Array<number>(nSteps) : [];
  for (let k = 0; k < nSteps; k++) steps[k] = stepBuf[k];
  return steps;
}

/** Appends the emission order of [from, to): unrolled loops expanded, rotated headers replayed after each back edge. */
function addSteps(p: FuncPlan, brLoop: Int32Array, from: number, to: number): void {
  const mark = (m: Mark): void => { p.marks.push(m); pushStep(-p.marks.length); };
  for (let pc = from; pc < to; pc++) {
    const u = p.instrs[pc].op === Op.Loop ? p.unrolls.get(pc) : undefined;     // not a Map lookup at every position
    if (u) {
      for (let j = u.from; j < u.to; j++) {
        mark({ kind: MarkKind.Trip, local: u.local, value: j });
        addSteps(p, brLoop, u.bodyStart, u.bodyEnd);
      }
      const pos = p.instrs[u.bodyEnd + 3].pos;
      mark({ kind: MarkKind.Unrolled, local: u.local, to: u.to, set: { op: Op.LocalSet, pos, a: u.local } });
      pc = u.loopEnd;
      continue;
    }
    pushStep(pc);
    const r = brLoop[pc] >= 0 ? p.rotations.get(brLoop[pc]) : undefined;
    if (r) {
      const m: Mark = { kind: MarkKind.Replay, end: 0 };
      mark(m);
      addSteps(p, brLoop, r.start, r.ifPc + 1);
      m.end = nSteps;
    }
  }
}
