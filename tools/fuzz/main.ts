// tools/fuzz/main.ts — `npm run fuzz -- TARGET [--count N] [--seed S] [--case I] [--jobs J]`.
// Prints each failure with its repro command, then one tally line; exit 1
// when any case failed (panic, hang, escape, silent loss, ignored, mute).

import { TARGETS } from './index.ts';
import { runTarget, tallyLine } from './run.ts';

const USAGE = `usage: npm run fuzz -- ${Object.keys(TARGETS).join('|')} [--count N] [--seed S] [--case I] [--jobs J]`;

function parseArgs(argv: string[]): { target: string; count: number; seed: number; first: number; jobs?: number } {
  const [target, ...rest] = argv;
  if (!target || !(target in TARGETS)) throw new Error(`fuzz: unknown target '${target ?? ''}'; ${USAGE}`);
  const o = { target, count: 100, seed: 1, first: 0, jobs: undefined as number | undefined };
  for (let i = 0; i < rest.length; i += 2) {
    const v = Number(rest[i + 1]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`fuzz: ${rest[i]} wants a whole number, got '${rest[i + 1] ?? ''}'; ${USAGE}`);
    if (rest[i] === '--count') o.count = v;
    else if (rest[i] === '--seed') o.seed = v;
    else if (rest[i] === '--case') { o.first = v; o.count = 1; }
    else if (rest[i] === '--jobs') o.jobs = Math.max(1, v);
    else throw new Error(`fuzz: unknown option '${rest[i]}'; ${USAGE}`);
  }
  return o;
}

try {
  const o = parseArgs(process.argv.slice(2).filter((a) => a !== '--'));
  const t = await runTarget(TARGETS[o.target], { ...o, log: (l) => console.log(l) });
  console.log(tallyLine(t));
  process.exit(t.failures.length ? 1 : 0);
} catch (e) {
  console.error((e as Error).message.split('\n')[0]);
  process.exit(2);
}
