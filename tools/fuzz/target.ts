// tools/fuzz/target.ts — what a fuzz target is: a one-time preparation (the
// kernels, shared inputs) and a case runner that makes its input from the
// case's own PRNG, runs it with a hard timeout and classifies what happened.

import type { Outcome } from './classify.ts';
import type { Rng } from './rng.ts';

export interface CaseResult extends Outcome {
  /** A short description of the input (what the generator did). */
  what: string;
}

export interface Target<C = unknown> {
  name: string;
  /** Builds what every case shares (once per run). */
  prepare(): Promise<C>;
  /** Runs one case in its own scratch directory `work`. */
  run(ctx: C, rng: Rng, work: string): Promise<CaseResult>;
}
