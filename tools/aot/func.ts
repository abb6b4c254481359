// The per-function compiler: plans the body (plan.ts), then walks the plan's
// steps in order, keeping the operand stack in a Frame (frame.ts) and
// dispatching each op to its family's visitor (control.ts, intops.ts,
// floatops.ts, convert.ts, memory.ts, calls.ts, tables.ts), which register
// themselves with `on`. Only this walk moves through the body: a visitor that
// fuses the ops after it (as the plan decided) declares them with `absorb`.
// Emission order of one function:
//   entry `func:<i>` | body (label body) | out-of-line paths | trap stubs
// The entry (prologue + stack check + zeroed locals) falls through into the
// body. The frame size is only known once the body is compiled: the entry's
// `sub rsp, imm32` is overwritten then. Whether the entry checks the stack is
// predicted from the instructions (predictCalls); when the body turns out to
// need a check the entry lacks (a leaf with a frame over LEAF_FRAME, a call the
// prediction missed), a full entry is emitted after the trap stubs and the
// first one becomes a jump to it.

import { Op, opInfo } from '../wasm/opcodes.ts';
import { ValType, type FuncType, type Instr, type BlockType } from '../wasm/types.ts';
import { imm, mem, r32, r64, ripMem, type AluImmOp, type Label, type Mnemonic, type Operand } from '../x86/index.ts';
import { allocateRanges, choosePins, noReturn } from './pins.ts';
import { aotFail, AotError } from './errors.ts';
import { Frame, GPR_ORDER, K, cI32, isFloat, type FrameKeeper, type Val } from './frame.ts';
import type { ModCtx } from './context.ts';
import { CODE_ALIGN, R15, RAX, RBP, RCX, RDI, RSI, RSP, type Masm } from './masm.ts';
import { TrapKind } from './traps.ts';
import { CtrlKind, type Ctrl, type Rot } from './blocks.ts';
import { MarkKind, planFunction, type FuncPlan, type Mark } from './plan.ts';
import type { WebFacts } from './webs.ts';
import type { LiveRanges } from './liveranges.ts';
import type { CodeMap } from './srcmap.ts';
import { wrapStretch, type Wrap } from './wrap.ts';
import { regSafe, useOfGet, type UseTypes } from './lazy.ts';

export type Handler = (fc: FuncCompiler, ins: Instr) => void;
/** Largest frame (bytes) of a leaf function that skips the stack check (FuncCompiler.checkStack). */
const LEAF_FRAME = 1024;
/**
 * Alignment of a function's entry (its padding follows the previous function's code and never
 * runs): masm.ts CODE_ALIGN, so rotate.ts can put a loop at a 128-byte block's start. 16 put
 * matmul's loops 0x40 further from main's, 1.20x slower with the same code at the same offsets
 * mod 64 (STATUS.md round 8 (calls)); in rounds 9 and 10 its inner loop at 0x40 of a 128-byte
 * block ran 83 ms and at 0x00 71, the same code both times.
 */
const ENTRY_ALIGN = CODE_ALIGN;
/** The frame size the entry is emitted with (an imm32 form), overwritten once known (finishEntry). */
const FRAME_PLACEHOLDER = 0x10000;
/** `nop dword [rax + disp32]`: the 7 bytes of `sub rsp, imm32` when the frame is empty (Intel SDM NOP forms). */
const NOP7 = [0x0f, 0x1f, 0x80, 0, 0, 0, 0];
/** Ops whose 32-bit form sets ZF from its result (x86: add, sub, and, or, xor). */
const ZF_OPS: ReadonlySet<Mnemonic> = new Set<Mnemonic>(['add', 'sub', 'and', 'or', 'xor']);
/** ALU ops with the Assembler's typed forms (aluRR, aluRI: the same bytes without selecting a table row). */
const TYPED_ALU: ReadonlySet<Mnemonic> = new Set<Mnemonic>(['add', 'sub', 'and', 'or', 'xor', 'cmp']);
/** Op visitors by opcode (0xFC ops at 0x100 + sub-opcode). */
const handlers: (Handler | undefined)[] = new Array(0x120);
function handlerIndex(op: number): number { return op >= 0xfc00 ? 0x100 + (op & 0xff) : op; }
/** Registers the visitor of `ops` (each op family file, at load time). */
export function on(ops: Op[], h: Handler): void { for (const op of ops) handlers[handlerIndex(op)] = h; }

/** Pass wrap's stretch (wrap.ts) for the live ranges of the locals in callee-saved registers, or null. */
function wrapFor(f: Frame, plan: FuncPlan, ranges: LiveRanges): Wrap | null {
  if (f.saved.length === 0) return null;
  let lo = Infinity, hi = -1;
  for (const p of f.pinned) {
    if (!f.keeps(p)) continue;
    const x = p.local;
    if (ranges.entry[x] || ranges.start[x] < 0) return null;     // its value is set at entry
    lo = Math.min(lo, ranges.start[x], ranges.zeroAt[x] >= 0 ? ranges.zeroAt[x] : Infinity);
    hi = Math.max(hi, ranges.end[x]);
  }
  return hi < 0 ? null : wrapStretch(plan, lo, hi);
}

/** Positions before which pinned locals' registers are zeroed (ranges.zeroAt), with those locals. */
function zeroing(f: Frame, ranges: LiveRanges): Map<number, number[]> | null {
  let m: Map<number, number[]> | null = null;
  for (const p of f.pinned) {
    const q = ranges.zeroAt[p.local];
    if (q < 0) continue;
    m ??= new Map();
    const xs = m.get(q);
    if (xs) xs.push(p.local); else m.set(q, [p.local]);
  }
  return m;
}

/** Pass lazyLocals: instructions keepLazy scans after a local.get for its use. */
const LAZY_SCAN = 512;
/**
 * Pass keepRegs: how many of the stack's registers (frame.ts GPR_ORDER), not pinned or kept,
 * must stay for the construct's ops: the most one op holds at once (select: its condition and
 * both operands), so that spillOldest always has a value it may spill.
 */
const KEEP_FREE = 3;

export class FuncCompiler implements FrameKeeper, UseTypes {
  readonly frame: Frame;
  readonly masm: Masm;
  readonly ctrl: Ctrl[] = [];
  reachable = true;
  /** Nesting of blocks opened inside unreachable code (skipped). */
  deadDepth = 0;
  /** Position of the instruction being compiled (set by the walk only). */
  pc = 0;
  plan!: FuncPlan;
  maxOut = 0;
  /** Set while a rotated loop's header is replayed at a back edge (rotate.ts). */
  rotating: { rot: Rot; base: number } | null = null;
  /** A `br` to a rotated loop: its header replay (the plan's next step) emits the back edge. */
  pendingBackEdge: Ctrl | null = null;
  /** An orIf's then-arm, jumped to by a true A before B is compiled (control.ts). */
  orThen: Label | null = null;
  /** Last position a visitor fused into its own lowering, -1 when none is outstanding. */
  private absorbing = -1;
  /**
   * The GPR whose 32-bit value the flags' ZF describes (an add/sub/and/or/xor just wrote it),
   * valid while nothing was emitted after it (zfPos) and no op but local.tee, br_if, if or i32.eqz ran since.
   */
  zfReg = -1;
  zfPos = -1;
  /** The last global.set stored GPR `reg` to global `g`, ending at `pos` (only a global.get may follow). */
  setGlobal: { g: number; reg: number; pos: number } | null = null;
  /** Locals read as constants (the counter of a loop unroll.ts is unrolling). */
  readonly constLocals = new Map<number, number>();
  /** Trap stubs shared by the sites of one kind in one function's code: key kind | function << 4. */
  private traps = new Map<number, Label>();
  /** Pass inline: the function whose code each position is (inline.ts), null when nothing was inlined. */
  private owner: Int32Array | null = null;
  /** Pass wrap: the stretch whose start saves the callee-saved registers and whose end restores them, or null (entry and return). */
  private wrap: Wrap | null = null;
  /** In wrap's stretch: the control frames open at its start, whose labels are outside it; null outside the stretch. */
  private wrapOut: Set<Ctrl> | null = null;
  /** Pinned locals whose register is zeroed before a position (plan.ranges' zeroAt), by position. */
  private zeroing: Map<number, number[]> | null = null;
  /** With a code map: one trap stub per site, at the Wasm offset of its instruction. */
  private siteTraps: { kind: TrapKind; label: Label; pos: number; fn: number }[] = [];
  private late: (() => void)[] = [];
  private readonly codeMap: CodeMap | null;

  constructor(readonly ctx: ModCtx, readonly index: number, readonly type: FuncType, localTypes: ValType[]) {
    this.masm = ctx.masm;
    this.codeMap = ctx.opts.codeMap?.wants(index) ? ctx.opts.codeMap : null;
    this.frame = new Frame(ctx.masm, localTypes, type.params.length);
    if (ctx.passes.lazyLocals || ctx.passes.keepRegs) this.frame.keeper = this;
  }

  get asm() { return this.ctx.asm; }

  /** "func <name> op <name> at byte N" for error messages. */
  where(ins?: Instr): string {
    const base = `function ${this.index} (${this.ctx.funcName(this.index)})`;
    if (!ins) return base;
    return `${base}, ${opInfo(ins.op)?.name ?? ins.op} at byte ${ins.pos}`;
  }
  fail(code: 'unsupported' | 'invalid' | 'internal', ins: Instr, what: string): never {
    return aotFail(code, this.where(ins), what);
  }

  /** The label of a trap stub of `kind`, named after the function whose code is at pc (`site`), else this one. */
  trap(kind: TrapKind, site = true): Label {
    const fn = site && this.owner ? this.owner[this.pc] : this.index;
    if (this.codeMap && site) {
      const label = this.asm.label();
      this.siteTraps.push({ kind, label, pos: this.plan?.instrs[this.pc]?.pos ?? -1, fn });
      return label;
    }
    const key = kind | (fn << 4);
    let l = this.traps.get(key);
    if (!l) { l = this.asm.label(); this.traps.set(key, l); }
    return l;
  }
  /** Emits `mn r, src` (32 or 64 bits); after a 32-bit add/sub/and/or/xor ZF tells whether r is zero. */
  alu(mn: Mnemonic, size: 32 | 64, r: number, src: Operand): void {
    const typed = TYPED_ALU.has(mn);
    if (typed && src.k === 'r') this.asm.aluRR(mn as AluImmOp, size, r, src.n);
    else if (typed && src.k === 'i') this.asm.aluRI(mn as AluImmOp, size, r, src.v);
    else this.asm.i(mn, size === 64 ? r64(r) : r32(r), src);
    if (size === 32 && ZF_OPS.has(mn)) { this.zfReg = r; this.zfPos = this.asm.pos; }
  }
  /** Whether the flags' ZF already says if GPR r's 32-bit value is zero (see alu). */
  zfHolds(r: number): boolean { return this.zfReg === r && this.zfPos === this.asm.pos; }

  /** Queues code emitted after the body (slow paths); it must end with a jump. */
  outOfLine(emit: () => void): void { this.late.push(emit); }
  needOut(slots: number): void { if (slots > this.maxOut) this.maxOut = slots; }

  blockSig(bt: BlockType): FuncType {
    if (bt.kind === 'empty') return { params: [], results: [] };
    if (bt.kind === 'value') return { params: [], results: [bt.type] };
    const t = this.ctx.m.types[bt.index];
    if (!t) throw new AotError('invalid', `${this.where()}: block type index ${bt.index} out of range`);
    return t;
  }

  /** The instruction at position `pc` (the plan's positions). */
  at(pc: number): Instr { return this.plan.instrs[pc]; }
  /** A visitor compiled the planned instructions up to `last` with its own (plan.absorbed). */
  absorb(last: number): void { this.absorbing = last; }

  /**
   * Compiles `instrs`; `owner`: the function each position comes from (inline.ts), for trap names;
   * `facts`: webs.ts's liveness facts (pass webs).
   */
  compile(instrs: Instr[], owner: Int32Array | null = null, facts: WebFacts | null = null): void {
    const asm = this.asm;
    this.owner = owner;
    this.plan = planFunction(instrs, this.frame.localTypes, this.type.params.length, this.ctx.m.types, this.ctx.passes, facts);
    const ranges = this.plan.ranges;
    if (ranges) {
      const callees = this.ctx.callees;
      const hw = this.ctx.kernel && instrs.some((ins) => ins.op === Op.Call && callees[ins.a!]?.kind === 'hw');
      allocateRanges(this.frame, this.plan, ranges, this.ctx.kernel, hw);
      this.zeroing = zeroing(this.frame, ranges);
      this.wrap = this.ctx.passes.wrap ? wrapFor(this.frame, this.plan, ranges) : null;
    }
    else if (this.ctx.passes.pins) choosePins(this.frame, this.plan, this.ctx.kernel);
    const entry = this.emitEntry(this.predictCalls(instrs));
    const body = this.ctx.sym(`body:${this.index}`);
    asm.bind(body);
    this.ctrl.push({
      kind: CtrlKind.Func, params: [], results: this.type.results, base: 0,
      label: asm.label(), elseLabel: null, targeted: false, entry: null, hasElse: false, mergeReg: -1,
    });
    try {
      this.body(instrs);
    } catch (e) {
      if (e instanceof AotError) throw e;
      const ins = instrs[Math.min(this.pc, instrs.length - 1)];
      throw new AotError('internal', `${this.where(ins)}: ${(e as Error).message}`);
    }
    if (this.ctrl.length !== 0) throw new AotError('invalid', `${this.where()}: body ends without end`);
    if (asm.inCold) throw new AotError('internal', `${this.where()}: body ends in cold code`);
    asm.flushCold();
    this.codeMap?.mark(asm, -1);
    for (const emit of this.late) emit();
    this.emitTraps(entry.checked);
    this.finishEntry(entry, body);
    this.codeMap?.mark(asm, -1);
  }

  private body(instrs: Instr[]): void {
    this.run(0, this.plan.steps.length);
    if (this.absorbing >= 0) throw new Error(`fused instructions up to ${this.absorbing} were not in the plan`);
  }

  /** The step being compiled (run). */
  step = 0;
  /** Labels to bind before a position is first compiled (labelAt), while any are pending. */
  private readonly bindAt = new Map<number, Label>();

  /** A label bound where position `pc` is compiled next (a jump into straight-line code: plan thread). */
  labelAt(pc: number): Label {
    let l = this.bindAt.get(pc);
    if (!l) { l = this.asm.label(); this.bindAt.set(pc, l); }
    return l;
  }
  /** Drops labelAt's label for `pc`, never jumped to. */
  unbindAt(pc: number): void { this.bindAt.delete(pc); }

  /** Labels labelAt still has to bind. */
  get pendingLabels(): number { return this.bindAt.size; }
  /** Placed thread copies (control.ts placeThread): a bit test's eq -> the copy's start. */
  readonly placedThreads = new Map<number, Label>();

  /**
   * The steps of a thread's chain tail (pass threadTail), searched from step `s`: positions
   * `target` through `end`, then a `br` right after `end` with the header replay that follows
   * it (`replay`). Null when the plan does not lay them out so.
   */
  tailSteps(s: number, target: number, end: number): { from: number; to: number; replay: boolean } | null {
    const from = this.stepOf(target, s), last = from < 0 ? -1 : this.stepOf(end, from);
    if (last < 0) return null;
    const br = this.plan.instrs[end + 1]?.op === Op.Br && this.plan.steps[last + 1] === end + 1 ? last + 1 : -1;
    if (br < 0) return { from, to: last + 1, replay: false };
    const replayTo = this.replayEnd(br + 1);
    return { from, to: replayTo >= 0 ? replayTo : br + 1, replay: replayTo >= 0 };
  }

  /** When step `s` is a header replay's mark: the step after the replay, else -1. */
  replayEnd(s: number): number {
    const v = this.plan.steps[s];
    const m = v !== undefined && v < 0 ? this.plan.marks[-1 - v] : undefined;
    return m?.kind === MarkKind.Replay ? m.end : -1;
  }

  /** The first step at or after `s` that compiles position `pc`, or -1. */
  stepOf(pc: number, s: number): number {
    const steps = this.plan.steps;
    for (let k = s; k < steps.length; k++) if (steps[k] === pc) return k;
    return -1;
  }

  /** Compiles steps [from, to) again, elsewhere (plan thread's copy of a statement). */
  runSteps(from: number, to: number): void {
    const { step, pc, absorbing } = this;
    this.absorbing = -1;                          // a fusion in progress (the op that called us) is the main stream's
    this.run(from, to);
    if (this.absorbing >= 0) throw new Error(`fused instructions up to ${this.absorbing} were not in the copied steps`);
    this.step = step;
    this.pc = pc;
    this.absorbing = absorbing;
  }

  /** Compiles steps [from, to) of the plan. */
  private run(from: number, to: number): void {
    const { steps, marks, absorbed, instrs } = this.plan;
    for (let s = from; s < to; s++) {
      const v = steps[s];
      if (v < 0) { s = this.mark(marks[-1 - v], s); continue; }
      this.pc = v;
      this.step = s;
      if (v === this.wrap?.restore && this.wrapOut) this.leaveWrap();
      if (this.bindAt.size > 0 && this.reachable) this.bindPending(v);
      const ins = instrs[v];
      if (!this.reachable && !this.isStructural(ins.op)) continue;
      if (this.reachable && absorbed[v]) { this.consumeAbsorbed(v); continue; }
      if (this.absorbing >= 0) throw new Error(`the plan fused position ${this.absorbing} but ${v} is emitted`);
      if (v === this.wrap?.save && this.reachable) { this.saveSaved(); this.wrapOut = new Set(this.ctrl); }
      const zs = this.reachable ? this.zeroing?.get(v) : undefined;
      if (zs) this.zeroPins(zs);
      this.codeMap?.mark(this.asm, ins.pos);
      const h = handlers[handlerIndex(ins.op)];
      if (!h) this.fail('unsupported', ins, 'opcode not supported by the compiler');
      if (ins.op !== Op.LocalTee && ins.op !== Op.BrIf && ins.op !== Op.If && ins.op !== Op.I32Eqz) this.zfReg = -1;
      if (ins.op !== Op.GlobalGet) this.setGlobal = null;
      h(this, ins);
      if (this.ctrl.length === 0) break;
    }
  }

  /** Binds labelAt's label for position v: a merge point, so facts about the last instruction end. */
  private bindPending(v: number): void {
    const l = this.bindAt.get(v);
    if (!l) return;
    this.bindAt.delete(v);
    this.asm.bind(l);
    this.forgetLast();
  }

  /** Code may come here from elsewhere: what is known about the last instruction (flags, a global just set) ends. */
  private forgetLast(): void {
    this.zfReg = -1;
    this.setGlobal = null;
  }

  private consumeAbsorbed(v: number): void {
    if (this.absorbing < v) throw new Error(`position ${v} is fused in the plan but no visitor compiled it`);
    if (this.absorbing === v) this.absorbing = -1;
  }

  /** Handles a mark at step s; returns the last step it covered. */
  private mark(m: Mark, s: number): number {
    switch (m.kind) {
      case MarkKind.Trip: this.constLocals.set(m.local, m.value); return s;
      case MarkKind.Unrolled:
        this.constLocals.delete(m.local);
        if (this.reachable) { this.frame.push(cI32(m.to)); handlers[handlerIndex(Op.LocalSet)]!(this, m.set); }
        return s;
      case MarkKind.Replay: this.replayHeader(s + 1, m.end); return m.end - 1;
    }
  }

  /**
   * After a `br` to a rotated loop: compiles the loop header again from the
   * loop label's state (every value below the loop spilled or constant), ending
   * in a branch into the body or out of the loop (rotate.ts rotationJump).
   */
  private replayHeader(from: number, to: number): void {
    const c = this.pendingBackEdge;
    this.pendingBackEdge = null;
    if (!c) return;
    const f = this.frame, rot = c.rot!;
    const saved = { stack: f.stack, g: f.gprUsed, x: f.xmmUsed };
    f.stack = f.stack.slice(0, c.base).map((v) => ({ ...v }));
    f.resetRegsToStack();
    this.rotating = { rot, base: c.base };
    this.reachable = true;
    rot.emitted = false;
    try { this.run(from, to); } finally { this.rotating = null; }
    if (!rot.emitted) throw new Error('rotated loop header did not end at its if');
    f.stack = saved.stack; f.gprUsed = saved.g; f.xmmUsed = saved.x;
    this.reachable = false;
  }

  /** Sets the registers of pinned locals `xs` to zero (their value at entry), flags preserved. */
  private zeroPins(xs: number[]): void {
    const f = this.frame;
    for (const x of xs) {
      f.materializeLocal(x);
      const r = f.pinReg[x];
      if (f.localTypes[x] === ValType.F32 || f.localTypes[x] === ValType.F64) this.masm.xmmImm(true, r, 0n);
      else this.masm.movImm(64, r, 0n);
    }
  }

  private isStructural(op: Op): boolean {
    return op === Op.Block || op === Op.Loop || op === Op.If || op === Op.Else || op === Op.End;
  }

  /** Into (true) or out of the Assembler's cold code; facts about "the last instruction" end here. */
  switchCold(cold: boolean): void {
    if (cold) this.asm.beginCold(); else this.asm.endCold();
    this.forgetLast();
    this.codeMap?.mark(this.asm, this.plan.instrs[this.pc]?.pos ?? -1, true);
  }

  /** The epilogue after the function-level end label (results already in place). */
  emitReturn(): void {
    const f = this.frame;
    const n = this.type.results.length;
    if (n > 1) {
      for (let k = 0; k < n; k++) {
        const v: Val = { k: K.Slot, t: this.type.results[k], n: 0, b: 0n, p: -1 };
        f.storeTo(v, k, mem(RBP, 16 + 8 * k));
      }
    }
    if (!this.wrap) this.restoreSaved();
    this.asm.i('mov', r64(RSP), r64(RBP));
    this.asm.i('pop', r64(RBP));
    this.asm.i('ret');
  }

  /** The stack check's trap; null in a leaf with a small frame (checkStack). */
  private stackTrap: Label | null = null;

  /**
   * Whether the entry compares rsp with stack_limit. A leaf (it calls nothing that returns:
   * calls to abort and trap do not count)
   * whose frame is at most LEAF_FRAME bytes skips it: its caller passed the check, and the
   * leaf's frame comes out of the reserve below stack_limit (16 KiB kernel, 256 KiB Linux)
   * that only trap and abort use.
   */
  private checkStack(): boolean { return this.callsOut || this.frameBytes() > LEAF_FRAME; }

  private emitTraps(entryChecks: boolean): void {
    const asm = this.asm;
    if (entryChecks || this.checkStack()) this.stackTrap = this.trap(TrapKind.StackExhausted, false);
    const stubs = [...[...this.traps].map(([key, label]) => ({ kind: key & 15, label, pos: -1, fn: key >> 4 })), ...this.siteTraps];
    for (const { kind, label, pos, fn } of stubs) {
      asm.bind(label);
      this.codeMap?.mark(asm, pos);
      asm.movRI(32, RDI, kind);
      asm.lea(64, RSI, ripMem(this.ctx.funcNameLabel(fn)));
      asm.call(asm.sym('trap'));
    }
  }

  private frameBytes(): number {
    const slots = this.frame.saved.length + this.frame.nLocalSlots + this.frame.maxDepth + this.maxOut;
    return (slots * 8 + 15) & ~15;
  }

  /**
   * Whether the body calls code that returns (checkStack's callsOut), from its instructions:
   * calls but to env.abort and to hw instructions other than hw.backtrace, call_indirect,
   * memory.grow outside the kernel. Calls in unreachable code count too (a check too many).
   */
  private predictCalls(instrs: Instr[]): boolean {
    for (const ins of instrs) {
      if (ins.op === Op.CallIndirect || (ins.op === Op.MemoryGrow && !this.ctx.kernel)) return true;
      if (ins.op !== Op.Call) continue;
      const c = this.ctx.callees[ins.a!];
      if (!c || c.kind === 'local' || c.kind === 'import' || (c.kind === 'hw' && c.name === 'backtrace')) return true;
    }
    return false;
  }

  /**
   * The entry before the body: prologue with a frame size to fill in (finishEntry), the
   * stack check when `check`, saves, zeroed locals, pinned parameters; it falls through.
   */
  private emitEntry(check: boolean): { at: number; frameAt: number; checked: boolean } {
    const asm = this.asm;
    asm.align(ENTRY_ALIGN);
    const at = asm.pos;
    const self = this.ctx.callees[this.index];                // a defined function's own label, made with the callees (sym `func:N`)
    asm.bind(self.kind === 'local' ? self.label : this.ctx.sym(`func:${this.index}`));
    asm.i('push', r64(RBP));
    asm.i('mov', r64(RBP), r64(RSP));
    asm.i('sub', r64(RSP), imm(FRAME_PLACEHOLDER));
    const frameAt = asm.pos - 4;
    if (check) this.emitCheck(this.trap(TrapKind.StackExhausted, false));
    this.entryRest();
    return { at, frameAt, checked: check };
  }

  private emitCheck(trap: Label): void {
    this.asm.i('cmp', r64(RSP), ripMem(this.ctx.stackLimit, 0, 64));
    this.asm.jcc('b', trap);
  }

  /** Stores the callee-saved registers this function pins in their save slots (entry, or pass wrap's stretch start). */
  private saveSaved(): void { this.frame.saved.forEach((r, k) => this.asm.store(64, this.frame.savedMem(k), r)); }
  /** Loads them back (return, or pass wrap's stretch left). */
  private restoreSaved(): void { this.frame.saved.forEach((r, k) => this.asm.load(64, r, this.frame.savedMem(k))); }

  /** The end of wrap's stretch, falling through: values still reading its locals' registers move out, then the restore. */
  private leaveWrap(): void {
    this.wrapOut = null;
    if (!this.reachable) return;
    for (const p of this.frame.pinned) if (this.frame.keeps(p)) this.frame.materializeLocal(p.local);
    this.restoreSaved();
  }

  /** Whether a jump to `c`'s label leaves wrap's stretch. */
  private leavesWrap(c: Ctrl): boolean { return this.wrapOut?.has(c) === true; }

  /** Before a `br` or `return` jumps to `c`'s label (its values in place): out of wrap's stretch, the restore. */
  beforeJump(c: Ctrl): void { if (this.leavesWrap(c)) this.restoreSaved(); }

  /**
   * Where a conditional branch (br_if, br_table) to `c` goes: its label, or out of wrap's stretch, a
   * landing pad out of line that restores and jumps there.
   */
  exitLabel(c: Ctrl): Label {
    if (!this.leavesWrap(c)) return c.label;
    const pad = this.asm.label();
    this.outOfLine(() => { this.asm.bind(pad); this.restoreSaved(); this.asm.jmp(c.label); });
    return pad;
  }

  /** Saves of callee-saved registers, r15, zeroed locals, pinned parameters. */
  private entryRest(): void {
    if (!this.wrap) this.saveSaved();
    this.loadMemBase();
    this.zeroLocals();
    this.loadPins();
  }

  /**
   * Writes the frame size into the entry; when the body needs a stack check the entry lacks,
   * emits a full entry here (it jumps to body) and makes the first one a jump to it.
   */
  private finishEntry(e: { at: number; frameAt: number; checked: boolean }, body: Label): void {
    const asm = this.asm, n = this.frameBytes();
    if (n === 0) asm.overwrite(e.frameAt - 3, NOP7);          // no frame: the sub is a nop of its length
    else asm.overwrite(e.frameAt, [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]);
    if (!this.stackTrap || e.checked) return;
    asm.align(16);
    const late = asm.pos;
    asm.i('push', r64(RBP));
    asm.i('mov', r64(RBP), r64(RSP));
    asm.i('sub', r64(RSP), imm(n));
    this.emitCheck(this.stackTrap);
    this.entryRest();
    asm.jmp(body);
    const d = late - (e.at + 5);                 // jmp rel32 over the first entry's push
    asm.overwrite(e.at, [0xe9, d & 0xff, (d >>> 8) & 0xff, (d >>> 16) & 0xff, (d >>> 24) & 0xff]);
  }

  /**
   * Several instances in one blob: r15 is this instance's memory base, loaded
   * at entry and again after every call (a callee may belong to another instance).
   */
  loadMemBase(): void {
    if (this.ctx.reloadBase && this.ctx.hasMemory) this.asm.i('mov', r64(R15), ripMem(this.ctx.memPages, 8, 64));
  }

  /**
   * Whether local x may be read after the call being compiled (never when `unreachable` follows
   * it: pins.ts noReturn): a lazy
   * `local.get x` still on the operand stack, or a later read (plan.ts
   * liveness) inside x's live range (locals sharing x's register are outside
   * it) that is not after the call's result is set to x.
   */
  liveAfterCall(x: number): boolean {
    if (noReturn(this.plan.instrs, this.pc)) return false;
    if (this.frame.stack.some((v) => v.k === K.Local && v.n === x)) return true;
    if (this.ctx.passes.callSaves && this.setByNext(x)) return false;
    const r = this.plan.ranges;
    if (r && (this.pc < r.start[x] || this.pc > r.end[x])) return false;
    return this.plan.lastRead[x] >= this.plan.readFrom[this.pc];
  }

  /** Pass lazyLocals: by the position of a local.get asked about, its value's use when keepLazy may keep it, else -1. */
  private lazyUse: Map<number, number> | null = null;

  /**
   * Pass lazyLocals: whether the value a `local.get i` at position v.p pushed may stay a read of
   * local i where a block, loop or if starts with it on the stack (Frame.spillBelow), rather than
   * be copied to its spill slot there. The answer depends on v.p and the position asking, so
   * every place that asks about one value (the construct entries, split tests and orIf spills
   * between the get and the value's use, on every path) agrees, and the states that meet at a
   * label agree: when it is yes nothing moves the value; when it is no, the first place that asks
   * is on the one path from the get (straight-line code at the get's level) and spills it for all
   * paths after. Yes when, up to the value's use (lazy.ts useOfGet), which is after the position
   * asking:
   *   - nothing inside a construct writes local i (the write would move the value out first, on
   *     its path only);
   *   - a pinned i's live range reaches the use, so no other local gets i's register there and
   *     pass wrap's stretch holds it (linear scan shares a register between disjoint ranges only).
   * An op may push the Val it popped back (a tee of a local in a frame slot): past the use, the
   * position asking is not before it, and the answer is no.
   */
  keepLazy(v: Val): boolean {
    if (!this.ctx.passes.lazyLocals) return false;
    let use = this.lazyUse?.get(v.p);
    if (use === undefined) {
      use = useOfGet(this.plan.instrs, v.p, this, LAZY_SCAN);
      const ranges = this.plan.ranges;
      if (use >= 0 && ranges !== null && this.frame.pinReg[v.n] >= 0 && ranges.end[v.n] < use) use = -1;
      (this.lazyUse ??= new Map()).set(v.p, use);
    }
    return this.pc < use;
  }
  /** The position of the construct (without params) whose entry is spilling below it, else -1 (control.ts enterBlock). */
  entering = -1;
  /** Pass keepRegs: by a construct's position, whether regSafe says its code moves no register value. */
  private regSafeAt: Map<number, boolean> | null = null;

  /**
   * Pass keepRegs: whether a value in a register (not rax, which merges take, nor an xmm register)
   * under a construct's entry keeps its register through the construct instead of being stored
   * to its slot there and loaded back at its use. Decided at the first construct that starts
   * with it below (on the one path from where it was computed) and marked on the value (Val.p =
   * -(end + 2)): inside, every construct and test keeps it (keptReg), spillOldest passes it
   * over, and each merge marks its register in use again (Frame.resetRegsToStack). Yes when the
   * construct's code has only ops that take registers from the free ones (lazy.ts regSafe: no
   * call, no op with a fixed register) and at least KEEP_FREE other registers stay for it.
   */
  keepReg(v: Val): boolean {
    if (!this.ctx.passes.keepRegs) return false;
    if (this.keptReg(v)) return true;
    const at = this.entering, f = this.frame;
    if (at < 0 || isFloat(v.t) || v.n === RAX) return false;
    let safe = this.regSafeAt?.get(at);
    if (safe === undefined) {
      safe = regSafe(this.plan.instrs, at, this.plan.endOf[at]);
      (this.regSafeAt ??= new Map()).set(at, safe);
    }
    if (!safe) return false;
    let free = 0;
    for (const r of GPR_ORDER) if ((f.gprPinned & (1 << r)) === 0) free++;
    for (const w of f.stack) if (w === v || this.keptReg(w)) free--;
    if (free < KEEP_FREE) return false;
    v.p = -(this.plan.endOf[at] + 2);
    return true;
  }
  /** Pass keepRegs: a Reg entry that the construct around the position keeps (keepReg). */
  keptReg(v: Val): boolean { return v.k === K.Reg && v.p <= -2 && this.pc < -v.p - 2; }

  /** lazy.ts useOfGet's types (UseTypes): a called function's, a call_indirect's, a construct's. */
  calleeType(k: number): FuncType | undefined { return this.ctx.funcTypes[k]; }
  indirectType(k: number): FuncType | undefined { return this.ctx.m.types[k]; }
  constructType(ins: Instr): FuncType | null {
    const bt = ins.blockType!;
    return bt.kind === 'func' && !this.ctx.m.types[bt.index] ? null : this.blockSig(bt);
  }

  /** The instruction after the call being compiled overwrites local x with its result. */
  private setByNext(x: number): boolean {
    const next = this.plan.instrs[this.pc + 1];
    return next !== undefined && (next.op === Op.LocalSet || next.op === Op.LocalTee) && next.a === x;
  }

  /** Set when the body calls code that returns (beforeCall; hw.backtrace): not a leaf. */
  callsOut = false;

  /** Before a call: stores the written pinned locals it may still read. */
  beforeCall(): void {
    this.callsOut = true;
    this.frame.savePinned(this);
  }

  /** After a call returns: the pinned locals still read, and (several instances) r15. */
  afterCall(): void {
    this.frame.reloadPinned(this);
    this.loadMemBase();
  }

  /** Pinned parameters come from their argument slots; other pinned locals start at zero. */
  private loadPins(): void {
    const f = this.frame;
    for (const p of f.pinned) {
      if (p.local < f.nParams || !p.entry) continue;
      if (p.float) this.asm.xorps(p.reg, p.reg);
      else this.asm.i('xor', r32(p.reg), r32(p.reg));
    }
    f.reloadParams();
  }

  /**
   * Zeroes the frame slots of locals whose zero at entry may be read from the slot: not a
   * pinned local that is written (calls store it before they reload it) or kept in a
   * callee-saved register (its slot is never used), and, with live ranges, one whose range
   * says the value at entry may be read.
   */
  private zeroLocals(): void {
    const asm = this.asm, f = this.frame, r = this.plan.ranges;
    const pin = new Map(f.pinned.map((p) => [p.local, p]));
    const xs: number[] = [];
    for (let x = f.nParams; x < f.localTypes.length; x++) {
      const p = pin.get(x);
      if (p && (p.written || f.keeps(p))) continue;
      if (!p && r && (r.start[x] < 0 || (!r.entry[x] && r.zeroAt[x] < 0))) continue;
      xs.push(x);
    }
    if (xs.length === 0) return;
    if (xs.length <= 16) {
      asm.i('xor', r32(RAX), r32(RAX));
      for (const x of xs) asm.i('mov', f.localMem(x, 64), r64(RAX));
      return;
    }
    const L = f.nLocalSlots;
    asm.lea(64, RDI, f.localMem(f.localTypes.length - 1));
    asm.movRI(32, RCX, L);                    // L 8-byte slots (rep stosq: fast under TCG too)
    asm.i('xor', r32(RAX), r32(RAX));
    asm.i('rep stosq');
  }

}
