// tools/fuzz/run.ts — runs N cases of a target from a seed, in parallel up to
// the core count, and tallies the classes. Each failure keeps its input in
// build/fuzz/work/ and carries the one command that reproduces it.

import { cpus } from 'node:os';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES, FAILURES, type Class } from './classify.ts';
import { FUZZ_DIR } from './images.ts';
import { pool } from './pool.ts';
import { Rng } from './rng.ts';
import type { CaseResult, Target } from './target.ts';

export interface RunOptions { seed: number; count: number; first?: number; jobs?: number; log?: (line: string) => void }

export interface Failure extends CaseResult { index: number; repro: string }

export interface Tally { target: string; seed: number; cases: number; counts: Record<Class, number>; failures: Failure[]; ms: number }

/** The command that runs case `index` of `target` under `seed` alone. */
export const reproCommand = (target: string, seed: number, index: number) => `npm run fuzz -- ${target} --seed ${seed} --case ${index}`;

/** Runs cases first..first+count-1 of `t`. */
export async function runTarget<C>(t: Target<C>, o: RunOptions): Promise<Tally> {
  const t0 = performance.now();
  const ctx = await t.prepare();
  const first = o.first ?? 0;
  const counts = Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<Class, number>;
  const failures: Failure[] = [];
  await pool(o.count, o.jobs ?? cpus().length, async (k) => {
    const index = first + k;
    const work = join(FUZZ_DIR, 'work', `${t.name}-${o.seed}-${index}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    let r: CaseResult;
    try {
      r = await t.run(ctx, new Rng(o.seed, index), work);
    } catch (e) {
      r = { cls: 'panic', why: `the harness threw: ${(e as Error).message.split('\n')[0]}`, what: '?' };
    }
    counts[r.cls]++;
    const done = CLASSES.reduce((n, c) => n + counts[c], 0);
    if (o.count >= 200 && done % 100 === 0) o.log?.(`... ${done}/${o.count}: ${CLASSES.map((c) => `${c} ${counts[c]}`).join(', ')}`);
    if (FAILURES.has(r.cls)) {
      const f = { ...r, index, repro: reproCommand(t.name, o.seed, index) };
      failures.push(f);
      o.log?.(`FAIL ${t.name} seed ${o.seed} case ${index} [${r.what}]: ${r.cls}: ${r.why}\n  repro: ${f.repro}  (input kept in ${work})`);
    } else {
      rmSync(work, { recursive: true, force: true });
      if (o.count === 1 || process.env.FUZZ_VERBOSE) o.log?.(`${t.name} seed ${o.seed} case ${index} [${r.what}]: ${r.cls}${r.why ? `: ${r.why}` : ''}`);
    }
  });
  failures.sort((a, b) => a.index - b.index);
  return { target: t.name, seed: o.seed, cases: o.count, counts, failures, ms: performance.now() - t0 };
}

/** One line: `fuzz cpio seed 1: 100 cases in 40 s: error 3, accepted 97, panic 0, ...`. */
export function tallyLine(t: Tally): string {
  const parts = CLASSES.map((c) => `${c} ${t.counts[c]}`).join(', ');
  return `fuzz ${t.target} seed ${t.seed}: ${t.cases} cases in ${(t.ms / 1000).toFixed(0)} s: ${parts}; failures ${t.failures.length}`;
}
