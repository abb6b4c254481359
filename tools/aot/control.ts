// Structured control flow: block, loop, if/else, end, br, br_if, br_table,
// return, unreachable, plus select/drop/nop.
//
// Merge convention (the same for every label): a label of arity 1 receives
// its value in rax (integers, references) or xmm0 (floats); any other arity
// receives its values in the spill slots base..base+n-1. On entry to a block
// every value below it is spilled (or constant), so all paths that reach a
// label agree on the stack below its base without further moves.

import { Op } from '../wasm/opcodes.ts';
import { ValType, type Instr } from '../wasm/types.ts';
import { imm, r8, r32, memIdx, ripMem, type Label } from '../x86/index.ts';
import { K, isFloat, regVal, sizeOf, type Val } from './frame.ts';
import { on, type FuncCompiler } from './func.ts';
import { CODE_ALIGN, RAX, SCRATCH, gpr } from './masm.ts';
import { TrapKind } from './traps.ts';
import { finishResultPin, setTargetPin } from './settarget.ts';
import { noteRotationIf, rotationJump } from './rotate.ts';
import { CtrlKind, negate, type Cond, type Ctrl, type Rot } from './blocks.ts';
import { Fuse } from './plan.ts';
import type { ThreadPlan } from './thread.ts';

function labelTypes(c: Ctrl): ValType[] { return c.kind === CtrlKind.Loop ? c.params : c.results; }

/**
 * Emits moves of the top values into the merge location of `types` at `base` (one value: `reg`
 * when >= 0, a pinned local's register, see mergePin); state unchanged.
 */
export function emitMerge(fc: FuncCompiler, types: ValType[], base: number, reg = -1): void {
  const f = fc.frame;
  const n = types.length;
  if (n === 0) return;
  const top = f.stack.length;
  if (n === 1) { f.loadTo(f.stack[top - 1], top - 1, reg >= 0 ? reg : isFloat(types[0]) ? 0 : RAX); return; }
  for (let k = 0; k < n; k++) {
    const d = top - n + k;
    const v = f.stack[d];
    if (v.k === K.Slot && d === base + k) continue;
    f.storeTo(v, d, f.slotMem(base + k, sizeOf(v.t)));
  }
}

/** Resets the compile-time state to "values of `types` in their merge location at `base`". */
export function setMergeState(fc: FuncCompiler, types: ValType[], base: number): void {
  const f = fc.frame;
  f.stack.length = base;
  f.resetRegsToStack();                             // a Reg entry below base: kept through the construct (keepRegs)
  if (types.length === 1) { f.pushReg(types[0], isFloat(types[0]) ? 0 : RAX); return; }
  for (const t of types) f.push({ k: K.Slot, t, n: 0, b: 0n, p: -1 });
}

/** Spills everything below the top `params` values and puts them in their merge location. */
function enterBlock(fc: FuncCompiler, params: ValType[], at: number): number {
  const f = fc.frame;
  const base = f.stack.length - params.length;
  fc.entering = params.length === 0 ? at : -1;
  try { f.spillBelow(base, true); } finally { fc.entering = -1; }
  emitMerge(fc, params, base);
  setMergeState(fc, params, base);
  return base;
}

/**
 * Pass setTarget at a block or if with one result that `local.set/tee x` takes after its end
 * (plan mergeLocal): sets c.mergeLocal to x and c.mergeReg to x's register, where every way in
 * merges the result, or -1. After enterBlock nothing below reads it; inside, the move is the last
 * thing before the end label.
 */
function mergePin(fc: FuncCompiler, pc: number, c: Ctrl): void {
  const x = fc.plan.mergeLocal[pc], f = fc.frame;
  c.mergeLocal = x;
  if (x < 0 || c.results.length !== 1 || f.localTypes[x] !== c.results[0]) return;
  const r = f.pinReg[x];
  if (r >= 0 && !f.anyReadsPin(r, c.results[0])) c.mergeReg = r;
}

function pushCtrl(fc: FuncCompiler, kind: CtrlKind, ins: Instr, label: Label): Ctrl {
  const sig = fc.blockSig(ins.blockType!);
  const c: Ctrl = {
    kind, params: sig.params, results: sig.results, base: 0, label,
    elseLabel: null, targeted: false, entry: null, hasElse: false, mergeReg: -1,
  };
  fc.ctrl.push(c);
  return c;
}

/** Sets the flags from the popped i32 condition; returns the condition meaning "true". */
export function condFromTop(fc: FuncCompiler): Cond {
  const f = fc.frame;
  const v = f.popRead();
  if (!fc.zfHolds(v.r)) fc.asm.aluRR('test', 32, v.r, v.r);   // else the op that computed it set ZF
  f.release(v);
  return 'ne';
}

/** Where a branch to relative depth `depth` goes. */
function target(fc: FuncCompiler, depth: number, ins: Instr): Ctrl {
  const c = fc.ctrl[fc.ctrl.length - 1 - depth];
  if (!c) fc.fail('invalid', ins, `branch depth ${depth} out of range`);
  return c;
}

/** Emits an unconditional branch to `c` (moves + jmp), or to `to` (a landing pad that then jumps to c). */
function branchTo(fc: FuncCompiler, c: Ctrl, to?: Label): void {
  emitMerge(fc, labelTypes(c), c.base, c.mergeReg);
  c.targeted = true;
  if (to === undefined) { fc.beforeJump(c); to = c.label; }     // `to`: a landing pad of pass wrap's, decided earlier
  fc.asm.jmp(to);
}

/**
 * br_if / fused compare-and-branch: flags hold `cond`; state unchanged on fall-through.
 * `falseTo` (splitTest): an earlier branch that already decided "false" goes there.
 */
export function branchIf(fc: FuncCompiler, cond: Cond, depth: number, ins: Instr, falseTo?: Label): void {
  const c = target(fc, depth, ins);
  c.targeted = true;
  const types = labelTypes(c);
  if (types.length === 0) {
    fc.asm.jcc(cond, fc.exitLabel(c));
    if (falseTo) fc.asm.bind(falseTo);
    return;
  }
  if (falseTo) throw new Error('split test before a br_if with values');
  const skip = fc.asm.label();
  fc.asm.jcc(negate(cond), skip);
  branchTo(fc, c);
  fc.asm.bind(skip);
}

/** The `if` at position `ifPc` (alone or fused): flags hold `cond` (moves below keep flags). */
export function beginIf(fc: FuncCompiler, cond: Cond, ins: Instr, ifPc: number, elseLabel?: Label): void {
  const rot = fc.rotating;
  if (rot && ifPc === rot.rot.ifPc) { rotationJump(fc, rot.rot, cond, rot.base, elseLabel); return; }
  const c = pushCtrl(fc, CtrlKind.If, ins, fc.asm.label());
  c.elseLabel = elseLabel ?? fc.asm.label();
  c.base = enterBlock(fc, c.params, ifPc);
  mergePin(fc, ifPc, c);
  const then = fc.plan.coldThen[ifPc] && !fc.asm.inCold ? fc.asm.label() : null;   // pass coldThen
  c.coldElse = fc.plan.coldElse[ifPc] === 1 && !fc.asm.inCold;
  if (then) fc.asm.jcc(cond, then);
  else fc.asm.jcc(negate(cond), c.elseLabel);
  c.entry = fc.frame.stack.map((v) => ({ ...v }));
  if (then) {
    c.cold = true;
    fc.switchCold(true);
    fc.asm.bind(then);
  } else noteRotationIf(fc, c, ifPc, (rot) => placeThread(fc, rot));
}

function restoreEntry(fc: FuncCompiler, c: Ctrl): void { restoreStack(fc, c.entry!); }

/** The operand stack `saved` (copied) back in place, its registers marked in use. */
function restoreStack(fc: FuncCompiler, saved: Val[]): void {
  const f = fc.frame;
  f.stack = saved.map((v) => ({ ...v }));
  f.resetRegsToStack();
}

function opBlock(fc: FuncCompiler, ins: Instr): void {
  if (!fc.reachable) { fc.deadDepth++; return; }
  const c = pushCtrl(fc, CtrlKind.Block, ins, fc.asm.label());
  c.base = enterBlock(fc, c.params, fc.pc);
  mergePin(fc, fc.pc, c);
}

function opLoop(fc: FuncCompiler, ins: Instr): void {
  if (!fc.reachable) { fc.deadDepth++; return; }
  const c = pushCtrl(fc, CtrlKind.Loop, ins, fc.asm.label());
  c.base = enterBlock(fc, c.params, fc.pc);
  const r = fc.plan.rotations.get(fc.pc);
  if (!r) fc.masm.alignCode(16);                  // a rotated loop's back edges go to its body, aligned there
  fc.asm.bind(c.label);
  if (r) c.rot = { start: r.start, ifPc: r.ifPc, body: null, exit: null, emitted: false };
}

function opIf(fc: FuncCompiler, ins: Instr): void {
  if (!fc.reachable) { fc.deadDepth++; return; }
  beginIf(fc, condFromTop(fc), ins, fc.pc);
}

function opElse(fc: FuncCompiler, ins: Instr): void {
  if (fc.deadDepth > 0) return;
  const c = fc.ctrl[fc.ctrl.length - 1];
  if (!c || c.kind !== CtrlKind.If) fc.fail('invalid', ins, 'else without if');
  if (c.coldElse) {                            // the then-arm falls into the end; the else-arm is cold
    if (fc.reachable) { emitMerge(fc, c.results, c.base, c.mergeReg); c.targeted = true; }
    fc.switchCold(true);
  } else if (fc.reachable && !emitLatch(fc)) branchTo(fc, c);
  c.hasElse = true;
  if (c.cold) fc.switchCold(false);           // the else-arm follows the jump to the then-arm
  fc.asm.bind(c.elseLabel!);
  restoreEntry(fc, c);
  fc.reachable = true;
}

function opEnd(fc: FuncCompiler, ins: Instr): void {
  if (fc.deadDepth > 0) { fc.deadDepth--; return; }
  const c = fc.ctrl.pop();
  if (!c) fc.fail('invalid', ins, 'end without block');
  if (c.kind === CtrlKind.Loop) return;               // falls through with its current state
  if (c.cold && !c.hasElse) {                         // the plan took one that ends in unreachable
    if (fc.reachable) throw new Error('cold then-arm without else reaches its end');
    fc.switchCold(false);
  }
  if (c.coldElse && c.hasElse) {                      // back from the cold else-arm to the end
    if (fc.reachable) { branchTo(fc, c); fc.reachable = false; }
    fc.switchCold(false);
  }
  const asm = fc.asm;
  const joins = c.targeted || c.kind === CtrlKind.Func || (c.kind === CtrlKind.If && !c.hasElse);
  if (joins) {
    if (fc.reachable) emitMerge(fc, c.results, c.base, c.mergeReg);
    if (c.kind === CtrlKind.If && !c.hasElse) asm.bind(c.elseLabel!);
    asm.bind(c.label);
    if (c.mergeReg >= 0) {                            // the value of the local set next (settarget.ts)
      fc.frame.stack.length = c.base;
      fc.frame.resetRegsToStack();
      finishResultPin(fc, c.results[0]);
    } else setMergeState(fc, c.results, c.base);
    fc.reachable = true;
  } else {
    asm.bind(c.label);
  }
  if (c.kind === CtrlKind.Func) {
    if (fc.reachable) fc.emitReturn();
    fc.reachable = false;
  }
  if (c.thread) emitThread(fc, c.thread);
}

/**
 * Pass thread, at the end of the class test's if (the statement boundary both ways share): the
 * `c > maxK` branch lands on a copy of the statement S after the if, in cold code, which jumps
 * on to the first chain test that may hold. When S's steps do not follow here as planned, the
 * branch lands here instead, as it would unthreaded.
 */
function emitThread(fc: FuncCompiler, t: NonNullable<Ctrl['thread']>): void {
  const f = fc.frame, { sFrom, sTo } = t.plan;
  const first = fc.step + 1;
  let planned = fc.reachable;
  for (let k = 0; planned && k < sTo - sFrom; k++) planned = fc.plan.steps[first + k] === sFrom + k;
  if (!planned) { fc.asm.bind(t.to); fc.unbindAt(t.plan.target); return; }
  const saved = f.stack.map((v) => ({ ...v }));
  fc.switchCold(true);
  fc.asm.bind(t.to);
  emitS(fc, t.plan, first);
  if (fc.reachable && !(t.plan.tail && emitTail(fc, t.plan, first + (sTo - sFrom)))) fc.asm.jmp(t.target);
  fc.switchCold(false);
  restoreStack(fc, saved);
  fc.reachable = true;
}

/** The thread's copy of S from step `first`, then what the skipped tests tee set to 0 (their value for c > maxK). */
function emitS(fc: FuncCompiler, plan: ThreadPlan, first: number): void {
  const f = fc.frame;
  fc.runSteps(first, first + (plan.sTo - plan.sFrom));
  for (const x of plan.zeroed) {
    const r = f.pinReg[x];
    fc.asm.i('mov', r >= 0 ? r32(r) : f.localMem(x, 32), imm(0));
  }
}

/**
 * Pass threadTail, after the cold copy of S: the chain from the thread's target to its end compiled
 * again here, inside the else-arms of the skipped tests' ifs (frames without code: the copy only
 * closes them), and the back edge after it. The copy then goes where the chain's end goes.
 * False (nothing emitted) when the plan's steps or the frame do not allow it.
 */
function emitTail(fc: FuncCompiler, plan: ThreadPlan, s: number): boolean {
  const range = fc.tailSteps(s, plan.target, plan.chainEnd);
  if (!range || fc.frame.stack.length !== 0 || fc.pendingLabels !== 1) return false;
  fc.unbindAt(plan.target);
  runTail(fc, plan, range.from, range.to);
  if (fc.reachable) fc.asm.jmp(fc.labelAt(plan.chainEnd + 1));
  return true;
}

/** Steps [from, to) of a chain tail, inside frames standing for the skipped tests' ifs (their else-arms). */
function runTail(fc: FuncCompiler, plan: ThreadPlan, from: number, to: number): void {
  const depth = fc.ctrl.length;
  for (let k = 0; k < plan.skipped.length; k++) {
    fc.ctrl.push({ kind: CtrlKind.If, params: [], results: [], base: 0, label: fc.asm.label(), elseLabel: null,
      targeted: false, entry: [], hasElse: true, mergeReg: -1 });
  }
  fc.runSteps(from, to);
  if (fc.ctrl.length !== depth || fc.deadDepth !== 0) throw new Error('threaded chain copy left its blocks open');
}

/**
 * Pass threadTail, while a rotated loop's first header is compiled, before its body (plan.placed):
 * the loop's thread copy (S, the chain's tail and the back edge as `j!cond exit`) goes right before
 * the body, so the `c > maxK` path falls into the next iteration without a taken branch, as gcc
 * lays it out. The body is where a statement of the loop starts with the same frame state
 * (locals in their places, nothing on the stack), so the copy compiles the same here as at the
 * class test's end. The copy is compiled in cold code, then placed after int3 padding so that it
 * ends on the body's 128-byte boundary; the first header jumps over it. False: not placed.
 */
function placeThread(fc: FuncCompiler, rot: Rot): boolean {
  const eq = fc.plan.placed.get(rot.ifPc), t = eq === undefined ? undefined : fc.plan.threads.get(eq);
  const f = fc.frame, asm = fc.asm;
  if (!t || eq === undefined || asm.inCold || f.stack.length !== 0 || fc.pendingLabels !== 0) return false;
  const first = fc.stepOf(t.sFrom, fc.step);
  const range = first < 0 ? null : fc.tailSteps(first + (t.sTo - t.sFrom), t.target, t.chainEnd);
  if (!range?.replay) return false;
  for (let k = 1; k < t.sTo - t.sFrom; k++) if (fc.plan.steps[first + k] !== t.sFrom + k) return false;
  const saved = f.stack.map((v) => ({ ...v }));
  asm.jmp(rot.body!);
  fc.switchCold(true);
  const mark = asm.coldMark(), to = asm.label();
  asm.bind(to);
  emitS(fc, t, first);
  rot.fallInto = true;
  try { runTail(fc, t, range.from, range.to); } finally { rot.fallInto = false; }
  fc.switchCold(false);
  fc.masm.padBefore(CODE_ALIGN, asm.coldSizeFrom(mark));
  asm.flushColdFrom(mark);
  restoreStack(fc, saved);
  fc.reachable = true;
  fc.placedThreads.set(eq, to);
  return true;
}

/**
 * Pass latchCopy, at the end of a then-arm (plan.latches): the `br` back to the rotated loop that
 * control reaches next, compiled here with the header replay after it, with the frames it is
 * outside of set aside. False (nothing emitted): the plan's steps do not lay it out so.
 */
function emitLatch(fc: FuncCompiler): boolean {
  const l = fc.plan.latches.get(fc.pc);
  const s = l ? fc.stepOf(l.br, fc.step) : -1;
  const to = s >= 0 ? fc.replayEnd(s + 1) : -1;
  if (!l || to < 0 || fc.pendingLabels !== 0) return false;
  const outside = fc.ctrl.splice(fc.ctrl.length - l.ends, l.ends);
  try { fc.runSteps(s, to); } finally { fc.ctrl.push(...outside); }
  if (fc.reachable) throw new Error('copied back edge fell through');
  return true;
}

function opBr(fc: FuncCompiler, ins: Instr): void {
  const c = target(fc, ins.a!, ins);
  if (c.kind === CtrlKind.Loop && c.rot?.body) fc.pendingBackEdge = c;   // the plan replays its header next
  else branchTo(fc, c);
  fc.reachable = false;
}

function opBrIf(fc: FuncCompiler, ins: Instr): void {
  branchIf(fc, condFromTop(fc), ins.a!, ins);
}

function opReturn(fc: FuncCompiler): void {
  branchTo(fc, fc.ctrl[0]);
  fc.reachable = false;
}

/** br_table: bounds-checked jump table; arity-1 values move to rax/xmm0 once, others per target. */
function opBrTable(fc: FuncCompiler, ins: Instr): void {
  const f = fc.frame, asm = fc.asm;
  const idx = f.popReg();
  const all = [...ins.targets!, ins.a!].map((d) => target(fc, d, ins));
  const types = labelTypes(all[0]);
  let ir = idx.n;
  if (types.length === 1) {
    if (ir === RAX && !isFloat(types[0])) { asm.i('mov', r32(SCRATCH), r32(ir)); ir = SCRATCH; }
    emitMerge(fc, types, 0);
  }
  const dests: Label[] = all.map((c) => {
    c.targeted = true;
    if (types.length <= 1) return fc.exitLabel(c);
    const tramp = asm.label();
    const saved = f.stack.map((v) => ({ ...v }));
    const exit = fc.exitLabel(c);               // out of pass wrap's stretch: c's label after a restore
    fc.outOfLine(() => {
      const now = f.stack;
      f.stack = saved;
      asm.bind(tramp);
      branchTo(fc, c, exit);
      f.stack = now;
    });
    return tramp;
  });
  const n = ins.targets!.length;
  asm.i('cmp', r32(ir), imm(n));
  asm.jcc('ae', dests[n]);
  const table = asm.label();
  const base = ir === SCRATCH ? f.allocGpr(1 << RAX) : SCRATCH;
  asm.lea(64, base, ripMem(table));
  asm.i('jmp', memIdx(base, ir, 8, 0, 64));
  if (base !== SCRATCH) f.freeGpr(base);
  fc.outOfLine(() => {
    asm.align(8, 0);
    asm.bind(table);
    for (let i = 0; i < n; i++) asm.addr64(dests[i]);
  });
  f.free(idx);
  fc.reachable = false;
}

function opUnreachable(fc: FuncCompiler): void {
  fc.asm.jmp(fc.trap(TrapKind.Unreachable));
  fc.reachable = false;
}

function opDrop(fc: FuncCompiler): void { fc.frame.free(fc.frame.pop()); }

/** select / typed select: cond ? a : b. */
function opSelect(fc: FuncCompiler): void {
  selectOnFlags(fc, condFromTop(fc));             // a pinned condition is tested in place, not copied first
}

/** Completes a select whose condition is in the flags as `cond` (true picks the first value). */
export function selectOnFlags(fc: FuncCompiler, cond: Cond): void {
  const f = fc.frame, asm = fc.asm;
  const db = f.stack.length - 1;
  const b = f.pop();
  const a = f.popReg();
  if (isFloat(a.t)) {
    const skip = asm.label();
    asm.jcc(cond, skip);
    f.loadTo(b, db, a.n);
    asm.bind(skip);
  } else {
    const size = sizeOf(a.t);
    let src;
    if (b.k === K.Reg) src = gpr(size, b.n);
    else if (b.k === K.Const) { f.loadTo(b, db, SCRATCH); src = gpr(size, SCRATCH); }
    else src = f.memOf(b, db);
    asm.i(`cmov${negate(cond)}`, gpr(size, a.n), src);
  }
  f.free(b);
  f.push(regVal(a.t, a.n));
}

/**
 * `if (result i32) A else (i32.const 0) end  if` -- asc's `x && y` as an if
 * condition (plan.ts andIf) -- with A's compare at `at` in the flags: the
 * outer if starts here and shares the inner if's else label, so a false x or
 * a false y both go straight to the outer else (both see the inner if's entry
 * state: the stack below its base, spilled, and nothing above).
 */
function andIf(fc: FuncCompiler, cond: Cond, at: number): void {
  const c = fc.ctrl[fc.ctrl.length - 1];
  if (!c || c.kind !== CtrlKind.If || c.hasElse || c.targeted || fc.frame.stack.length !== c.base) {
    throw new Error('planned `x && y` if does not close an unbranched if');
  }
  fc.ctrl.pop();
  fc.absorb(at + 4);
  beginIf(fc, cond, fc.at(at + 4), at + 4, c.elseLabel!);
}

/**
 * `A [local.tee x] B i32.or if` (plan.ts orIf), at A's compare: A's boolean goes to x first when
 * teed, the stack below is spilled as the if's entry will have it (B neither writes nor touches
 * it, so the then-arm sees the same state either way), and a true A jumps into the then-arm.
 */
function orA(fc: FuncCompiler, cond: Cond, at: number, tee: boolean): void {
  const f = fc.frame, asm = fc.asm;
  if (tee) {
    const x = fc.at(at + 1).a!;
    const pr = setTargetPin(fc);
    const r = pr >= 0 ? pr : f.allocGpr();
    asm.i(`set${cond}`, r8(r));
    asm.i('movzx', r32(r), r8(r));
    if (pr < 0) {
      f.materializeLocal(x);
      if (f.pinReg[x] >= 0) asm.i('mov', r32(f.pinReg[x]), r32(r));
      else asm.i('mov', f.localMem(x, 32), r32(r));
      f.freeGpr(r);
    }
    fc.absorb(at + 1);
  }
  f.spillBelow(f.stack.length, true);
  fc.orThen = asm.label();
  asm.jcc(cond, fc.orThen);
}

/** B's compare of an orIf: the if starts here (a false B goes to its else) and a true A lands in its then-arm. */
function orIf(fc: FuncCompiler, cond: Cond, at: number): void {
  const t = fc.orThen;
  if (!t) throw new Error('planned `x || y` if without its first operand');
  fc.orThen = null;
  fc.absorb(at + 2);
  beginIf(fc, cond, fc.at(at + 2), at + 2);
  fc.asm.bind(t);
}

/**
 * Whether the compare at `at` may be a split test: two branches, the first of which goes to
 * the false way alone (bitset.ts). Its consumer must be an if without params or a br_if to a
 * label without values, and the stack below spilled first (splitTest) so that both branches
 * leave the state the if's entry or the br_if's fall-through has.
 */
export function canSplitTest(fc: FuncCompiler, at: number): boolean {
  const kind = fc.plan.fuse[at] as Fuse;
  const ins = fc.at(at + 1);
  if (kind === Fuse.If) return fc.blockSig(ins.blockType!).params.length === 0;
  if (kind === Fuse.BrIf) {
    const c = fc.ctrl[fc.ctrl.length - 1 - ins.a!];
    return c !== undefined && labelTypes(c).length === 0;
  }
  return false;
}

/** Before a split test's first branch (its `operands` on top): the stack below spilled as the if's entry will have it. */
export function splitTest(fc: FuncCompiler, operands: number): Label {
  fc.frame.spillBelow(fc.frame.stack.length - operands, true);
  return fc.asm.label();
}

/**
 * A compare at position `at` left its result in the flags as `cond`: fuse it
 * with the following br_if / if / select as the plan decided, or materialise
 * 0/1 into a fresh i32 register.
 */
export function useFlags(fc: FuncCompiler, cond: Cond, at = fc.pc, falseTo?: Label): void {
  const kind = fc.plan.fuse[at] as Fuse;
  if (falseTo && kind !== Fuse.If && kind !== Fuse.BrIf) throw new Error('split test before a consumer other than if / br_if');
  if (kind !== Fuse.None && kind < Fuse.AndIf) fc.absorb(at + 1);
  switch (kind) {
    case Fuse.OrA: orA(fc, cond, at, false); return;
    case Fuse.OrTee: orA(fc, cond, at, true); return;
    case Fuse.OrIf: orIf(fc, cond, at); return;
    case Fuse.BrIf: branchIf(fc, cond, fc.at(at + 1).a!, fc.at(at + 1), falseTo); return;
    case Fuse.If: beginIf(fc, cond, fc.at(at + 1), at + 1, falseTo); return;
    case Fuse.Select: selectOnFlags(fc, cond); return;
    case Fuse.AndIf: andIf(fc, cond, at); return;
    default: break;
  }
  const pr = at === fc.pc ? setTargetPin(fc) : -1;      // the boolean straight into the pinned local it is set to
  const r = pr >= 0 ? pr : fc.frame.allocGpr();
  fc.asm.i(`set${cond}`, r8(r));
  fc.asm.i('movzx', r32(r), r8(r));
  if (pr >= 0) finishResultPin(fc, ValType.I32);
  else fc.frame.push(regVal(ValType.I32, r));
}

on([Op.Block], opBlock);
on([Op.Loop], opLoop);
on([Op.If], opIf);
on([Op.Else], opElse);
on([Op.End], opEnd);
on([Op.Br], opBr);
on([Op.BrIf], opBrIf);
on([Op.BrTable], opBrTable);
on([Op.Return], opReturn);
on([Op.Unreachable], opUnreachable);
on([Op.Nop], () => {});
on([Op.Drop], opDrop);
on([Op.Select, Op.SelectT], opSelect);
