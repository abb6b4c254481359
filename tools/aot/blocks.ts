// Control-frame types shared by the driver (func.ts) and the control ops
// (control.ts, rotate.ts): a leaf module, so neither imports the other's code.

import type { ValType } from '../wasm/types.ts';
import type { Label } from '../x86/index.ts';
import type { Val } from './frame.ts';
import type { ThreadPlan } from './thread.ts';

export const enum CtrlKind { Block, Loop, If, Func }

/** A rotated loop's labels (rotate.ts), filled while its first header is compiled. */
export interface Rot {
  /** First header instruction and the `if` that ends the header (from the plan). */
  start: number;
  ifPc: number;
  /** Bound at the start of the if's then-arm (null until compiled: no rotation). */
  body: Label | null;
  /** The if's else label: where a false header condition goes. */
  exit: Label | null;
  emitted: boolean;
  /** Replaying the header into code the body follows (a placed thread copy): `j!cond exit`, falling into the body. */
  fallInto?: boolean;
}

export interface Ctrl {
  kind: CtrlKind;
  params: ValType[];
  results: ValType[];
  /** Stack height below the block's parameters. */
  base: number;
  /** Branch target: the end (block, if, func) or the start (loop). */
  label: Label;
  elseLabel: Label | null;
  targeted: boolean;
  /** Operand stack at the start of the then-arm (if), to restart the else-arm from. */
  entry: Val[] | null;
  hasElse: boolean;
  /** One result merged in this pinned local's register, not rax/xmm0 (control.ts mergePin), else -1; the local. */
  mergeReg: number;
  mergeLocal?: number;
  /** An if whose then-arm is cold code (plan coldThen): the else-arm returns to the main stream. */
  cold?: boolean;
  /** A value if whose else-arm is cold code (plan coldElse): the then-arm falls into the end. */
  coldElse?: boolean;
  /** A bit test's `c > maxK` branch to thread at this if's end (plan thread, bitset.ts). */
  thread?: { to: Label; plan: ThreadPlan; target: Label };
  /** Loop rotation state (rotate.ts), loops the plan rotates only. */
  rot?: Rot;
}

/** x86 condition codes and their negations. */
/** A condition code (tools/x86/direct.ts): what a flags-setting op leaves for jcc, setcc and cmovcc. */
import type { Cond } from '../x86/index.ts';
export type { Cond };
const NEG: Record<Cond, Cond> = {
  e: 'ne', ne: 'e', l: 'ge', ge: 'l', le: 'g', g: 'le', b: 'ae', ae: 'b', be: 'a', a: 'be',
  s: 'ns', ns: 's', p: 'np', np: 'p', o: 'no', no: 'o',
};
export function negate(c: Cond): Cond { return NEG[c]; }
