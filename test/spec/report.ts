// Spec-run reporting: the per-file table, failure lists, the baseline file.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { FileReport } from './harness.ts';

export const BASELINE_PATH = new URL('./baseline.json', import.meta.url).pathname;

/** passed-assertion counts per file that a run must not fall below. */
export interface Baseline { passed: Record<string, number> }

export function readBaseline(): Baseline {
  if (!existsSync(BASELINE_PATH)) return { passed: {} };
  return JSON.parse(readFileSync(BASELINE_PATH, 'utf8')) as Baseline;
}

/** Writes the run's counts (merged over the existing baseline for files not run). */
export function writeBaseline(reports: FileReport[]): void {
  const b = readBaseline();
  for (const r of reports) b.passed[r.file] = r.passed;
  const sorted = Object.fromEntries(Object.entries(b.passed).sort(([x], [y]) => x.localeCompare(y)));
  writeFileSync(BASELINE_PATH, JSON.stringify({ passed: sorted }, null, 2) + '\n');
}

/** Files whose passed count fell below the baseline. */
export function regressions(reports: FileReport[], b: Baseline): string[] {
  return reports
    .filter((r) => r.passed < (b.passed[r.file] ?? 0))
    .map((r) => `${r.file}: ${r.passed} passed, baseline ${b.passed[r.file]}`);
}

/** The table, then failures by file:line (at most `perFile` per file), then the commonest reasons. */
export function formatReports(reports: FileReport[], perFile = 4): string {
  const rows = [...reports].sort((a, b) => a.file.localeCompare(b.file));
  const out: string[] = [];
  const w = Math.max(4, ...rows.map((r) => r.file.length));
  out.push(`${'file'.padEnd(w)}  passed  failed   total  excluded     ms`);
  let p = 0, f = 0, x = 0;
  for (const r of rows) {
    p += r.passed; f += r.failed; x += r.excluded;
    out.push(`${r.file.padEnd(w)}  ${pad(r.passed)}  ${pad(r.failed)}  ${pad(r.passed + r.failed)}  ${pad(r.excluded, 8)}  ${pad(r.ms, 5)}`);
  }
  out.push(`${'TOTAL'.padEnd(w)}  ${pad(p)}  ${pad(f)}  ${pad(p + f)}  ${pad(x, 8)}`);
  out.push('', 'failures (first per file):');
  for (const r of rows) {
    for (const fl of r.failures.slice(0, perFile)) out.push(`  ${r.file}.wast:${fl.line}: ${fl.reason}`);
    if (r.failures.length > perFile) out.push(`  ${r.file}.wast: ... ${r.failures.length - perFile} more`);
  }
  out.push('', 'commonest failure reasons:');
  for (const [reason, n] of topReasons(rows, 15)) out.push(`  ${pad(n, 6)}  ${reason}`);
  const excl = new Map<string, number>();
  for (const r of rows) for (const [why, n] of r.excludedReasons) excl.set(why, (excl.get(why) ?? 0) + n);
  if (excl.size) out.push('', 'excluded:', ...[...excl].map(([why, n]) => `  ${pad(n, 6)}  ${why}`));
  return out.join('\n');
}

const pad = (n: number, width = 6): string => String(n).padStart(width);

/** Reasons with numbers/hex stripped so that similar failures group together. */
function topReasons(rows: FileReport[], n: number): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of rows) {
    for (const f of r.failures) {
      const key = f.reason.replace(/0x[0-9a-f]+/g, 'N').replace(/\b\d+\b/g, 'N').slice(0, 140);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, n);
}
