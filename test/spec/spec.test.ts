// The official WebAssembly spec suite as a regression test (test/spec/harness.ts).
//
//   npx vitest run test/spec                          all files, table printed
//   SPEC_FILES=i32,f32 npx vitest run test/spec       only those files
//   UPDATE_BASELINE=1 npx vitest run test/spec        record the passed counts
//   ASUK_BOUNDS=explicit npx vitest run test/spec     everything with explicit bounds checks
//
// A second test runs the files that touch linear memory with explicit bounds
// checks (AotOptions.bounds 'explicit'), so both memory models stay green.
//
// The test fails when a file passes fewer assertions than test/spec/baseline.json
// records for it. Files run two at a time (two cores).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it, expect } from 'vitest';
import { SPEC_DIR, loadDeps, runSpecFile, type FileReport } from './harness.ts';
import { formatReports, readBaseline, regressions, writeBaseline } from './report.ts';

function specFiles(): string[] {
  const only = process.env.SPEC_FILES?.split(',').map((s) => s.trim().replace(/\.wast$/, '')).filter(Boolean);
  const all = readdirSync(SPEC_DIR).filter((f) => f.endsWith('.wast')).map((f) => f.slice(0, -5)).sort();
  if (!only) return all.map((f) => join(SPEC_DIR, `${f}.wast`));
  const unknown = only.filter((f) => !all.includes(f));
  if (unknown.length) throw new Error(`SPEC_FILES names unknown files: ${unknown.join(', ')}`);
  return only.map((f) => join(SPEC_DIR, `${f}.wast`));
}

/** Runs `work` over `items`, `limit` at a time, keeping input order in the result. */
async function pool<T, R>(items: T[], limit: number, work: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) { const k = next++; out[k] = await work(items[k]!); }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Files whose assertions exercise linear-memory bounds (loads, stores, bulk ops, grow, segments). */
const MEMORY_FILES = [
  'address', 'align', 'bulk', 'data', 'endianness', 'float_memory', 'left-to-right', 'linking', 'load', 'memory',
  'memory_copy', 'memory_fill', 'memory_grow', 'memory_init', 'memory_redundancy', 'memory_size', 'memory_trap', 'store', 'traps',
];

it('passes the memory files with explicit bounds checks as well as the baseline', async () => {
  if (process.env.SPEC_FILES || process.env.ASUK_BOUNDS) return;       // the main test covers what was asked for
  const deps = { ...(await loadDeps()), bounds: 'explicit' as const };
  const reports = await pool(MEMORY_FILES.map((f) => join(SPEC_DIR, `${f}.wast`)), 2, (f) => runSpecFile(f, deps));
  expect(regressions(reports, readBaseline())).toEqual([]);
  expect(reports.reduce((n, r) => n + r.failed, 0)).toBe(0);
}, 10 * 60_000);

it('passes the spec suite at least as well as the baseline', async () => {
  const deps = await loadDeps();
  const files = specFiles();
  const reports: FileReport[] = await pool(files, 2, (f) => runSpecFile(f, deps));
  console.log(formatReports(reports));
  if (process.env.UPDATE_BASELINE) writeBaseline(reports);
  expect(regressions(reports, readBaseline())).toEqual([]);
}, 30 * 60_000);
