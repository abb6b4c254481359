// Where a benchmark run's JSON goes: bench/results/<kind>-<date>[-N].json,
// N one past the highest already there, so a run never overwrites another.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './asc.ts';

/** Writes `json` as the next result file of `kind` for today; returns its path. */
export function writeResult(kind: string, json: unknown): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const prefix = `${kind}-${date}`;
  let last = 0;
  for (const f of readdirSync(dir)) {
    const m = new RegExp(`^${prefix}(?:-(\\d+))?\\.json$`).exec(f);
    if (m) last = Math.max(last, m[1] ? Number(m[1]) : 1);
  }
  const file = join(dir, `${prefix}${last ? `-${last + 1}` : ''}.json`);
  writeFileSync(file, JSON.stringify(json, null, 1) + '\n');
  return file;
}
