// Range threading (pass `thread`, planned after bitset and fuse): a character
// class test that leaves the loop iteration when it holds, then a short
// statement, then an if-else-if chain on the same character:
//
//   if (c == 32 | c == 10 | c == 44 | c == 58) { ...; continue }    (bitset.ts, split)
//   tokens++                                                        (S)
//   if (c == 34) A else if (c == 45 | c - 48 < 10) B else if (c == 116 | c == 110) C else D
//
// The bit test's first branch (`cmp c, 58; ja`) already knows c > 58, so every
// chain test whose values are all <= 58 is false there. That branch goes to a
// copy of S (cold code) and on to the first chain test that may hold, as gcc's
// jump threading does (it duplicates S too). In parse this is half the tokens
// (brackets and letters) skipping three compares; 7% of the kernel's time when
// done by hand in its compiled code.
//
// Pass threadTail goes further, as gcc does: the copy goes on with the chain itself, from the
// first test that may hold to the chain's end and the loop's back edge after it, so the
// `c > maxK` path never jumps back into the main stream. A bracket in parse then takes 2
// taken branches (the `ja` and the back edge) where the plain thread takes 4; 9% of parse's
// time when done by hand in its compiled code.
//
// The conditions recognised are asc's: `local.get c; iN.const K; iN.eq`,
// `local.get c; i32.const L; i32.sub; i32.const N; i32.lt_u` (L <= c < L + N),
// and `i32.or`s of them. S is straight-line local and numeric code that does
// not write c.

import { Op } from '../wasm/opcodes.ts';
import { NUMERIC_SIGS } from '../wasm/validate-sigs.ts';
import type { Instr } from '../wasm/types.ts';
import { isLeaf, mayTrap } from './selectif.ts';

/**
 * At a bitset chain's first i32.eq: S's positions [sFrom, sTo), the chain test the `ja` goes to,
 * and the locals the skipped tests tee (binaryen keeps `neg = c == 45` that way): 0 there.
 */
export interface ThreadPlan {
  sFrom: number; sTo: number; target: number; zeroed: number[];
  /** The chain's first if's `end` (pass threadTail), and the ifs of the skipped tests, outer first. */
  chainEnd: number; skipped: number[];
  /** Copy the chain from `target` to `chainEnd` too (pass threadTail; no loop, at most TAIL_MAX positions). */
  tail: boolean;
}

/** Longest S copied. */
const S_MAX = 12;
/** Longest chain tail copied (positions from `target` to `chainEnd`). */
const TAIL_MAX = 48;

/**
 * The thread for the bit test whose chain starts at `eq` (the class's values <= maxK) and whose
 * fused `if` is at `ifPc`, or null. `endOf(ifPc)` is the position of an if's `end`, `elseOf` of its
 * `else` (-1: none).
 */
export function planThread(instrs: Instr[], eq: number, maxK: number, ifPc: number,
  endOf: (pc: number) => number, elseOf: (pc: number) => number): ThreadPlan | null {
  const c = instrs[eq - 2]?.op === Op.LocalGet || instrs[eq - 2]?.op === Op.LocalTee ? instrs[eq - 2].a! : -1;
  if (c < 0 || instrs[ifPc].blockType?.kind !== 'empty' || elseOf(ifPc) >= 0) return null;
  const end = endOf(ifPc);
  if (!leaves(instrs[end - 1].op)) return null;                 // the class's arm never falls through
  // S: straight-line, stack-neutral statements up to the first chain condition
  let h = 0, s1 = -1;
  for (let k = end + 1; k <= end + 1 + S_MAX && k < instrs.length; k++) {
    if (h === 0 && condition(instrs, k, c) !== null) { s1 = k; break; }
    const ins = instrs[k], d = straightLine(ins, c);
    if (d === null) return null;
    h += d;
  }
  if (s1 < 0) return null;
  // the chain: each if's else-arm starts with the next condition
  const zeroed: number[] = [], skipped: number[] = [];
  for (let k = s1; ;) {
    const cond = condition(instrs, k, c);
    if (!cond) return null;
    if (cond.ranges.some(([, hi]) => hi > maxK)) {
      if (k === s1) return null;
      const chainEnd = endOf(skipped[0]);
      return { sFrom: end + 1, sTo: s1, target: k, zeroed, chainEnd, skipped, tail: tailCopyable(instrs, k, chainEnd, skipped) };
    }
    zeroed.push(...cond.tees);
    skipped.push(cond.ifPc);
    const e = elseOf(cond.ifPc);
    if (e < 0) return null;
    k = e + 1;
  }
}

/** The chain from `target` to `chainEnd` can be compiled again: short, no loop, skipped ifs without results. */
function tailCopyable(instrs: Instr[], target: number, chainEnd: number, skipped: number[]): boolean {
  if (chainEnd - target > TAIL_MAX || skipped.some((pc) => instrs[pc].blockType?.kind !== 'empty')) return false;
  for (let k = target; k <= chainEnd; k++) if (instrs[k].op === Op.Loop) return false;
  return true;
}

/** Ops after which code does not fall through. */
const leaves = (op: Op): boolean => op === Op.Br || op === Op.BrTable || op === Op.Return || op === Op.Unreachable;

/** Stack effect of an op S may contain (locals other than c, constants, numeric ops that do not trap), else null. */
function straightLine(ins: Instr, c: number): number | null {
  const op = ins.op;
  if (isLeaf(op)) return 1;
  if (op === Op.LocalSet) return ins.a === c ? null : -1;
  if (op === Op.LocalTee) return ins.a === c ? null : 0;
  const sig = NUMERIC_SIGS.get(op);
  return !sig || mayTrap(op) ? null : 1 - sig.params.length;
}

/**
 * The condition of an `if` (without params) starting at `k`: `i32.or`s of `c == K` and `L <= c < L + N`
 * (unsigned, as the values c is compared with), any of them teed to a local other than c, up to
 * the if. Its ranges [lo, hi], the teed locals and the if's position.
 */
export function condition(instrs: Instr[], k: number, c: number): { ranges: [number, number][]; tees: number[]; ifPc: number } | null {
  const stack: [number, number][][] = [];
  const tees: number[] = [];
  for (; k < instrs.length; ) {
    const op = instrs[k].op;
    if (op === Op.If) {
      if (stack.length !== 1 || instrs[k].blockType?.kind === 'func') return null;      // no params: an else-arm starts with an empty stack
      return { ranges: stack[0], tees, ifPc: k };
    }
    if (op === Op.LocalTee) {
      if (stack.length === 0 || instrs[k].a === c) return null;
      tees.push(instrs[k].a!);
      k++;
      continue;
    }
    if (op === Op.I32Or) {
      if (stack.length < 2) return null;
      const b = stack.pop()!, a = stack.pop()!;
      stack.push([...a, ...b]);
      k++;
      continue;
    }
    if (op !== Op.LocalGet || instrs[k].a !== c || instrs[k + 1]?.op !== Op.I32Const) return null;
    const v = instrs[k + 1].a! >>> 0, next = instrs[k + 2]?.op;
    if (next === Op.I32Eq) { stack.push([[v, v]]); k += 3; continue; }
    const n = instrs[k + 3]?.a;
    if (next === Op.I32Sub && instrs[k + 3]?.op === Op.I32Const && instrs[k + 4]?.op === Op.I32LtU && n !== undefined && n > 0
      && v + n - 1 <= 0xffffffff) {
      stack.push([[v, v + n - 1]]);
      k += 5;
      continue;
    }
    return null;
  }
  return null;
}
