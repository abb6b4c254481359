// bench/fs/report.ts — from runs to rows: which values make a row, medians,
// min–max, the asuk/Linux ratio, the table and the JSON record.
import { median, table } from '../host/index.ts';
import type { RunResult, System } from './run.ts';

/** One row of the table: how to get its value out of a run of config `config`. */
export interface RowDef {
  key: string;
  config: string;
  unit: 'ms' | 'MiB/s';
  value: (r: RunResult, s: System) => number;
}

export interface Stats { median: number; min: number; max: number; samples: number[] }
export interface Row {
  key: string; unit: string; asuk: Stats | null; linux: Stats | null;
  /** asuk / Linux of the medians. */
  ratio: number | null;
  /** How many times faster asuk is (>1: ahead; Linux/asuk for times, asuk/Linux for rates). */
  speedup: number | null;
}

const MiB = 1 << 20;
/** Linux intervals include one clock reading (init.sh's `clock-overhead`): subtract it. */
function interval(r: RunResult, s: System, name: string): number {
  const v = r.values[name]!;
  return s === 'linux' ? Math.max(0, v - (r.values['clock-overhead'] ?? 0)) : v;
}
const ms = (name: string) => (r: RunResult, s: System) => interval(r, s, name) / 1000;
const rate = (name: string, bytes: string) => (r: RunResult, s: System) =>
  r.values[bytes]! / MiB / (Math.max(1, interval(r, s, name)) / 1e6);

/** The rows: boots per initrd size, then the workload run's values. */
export function rowDefs(sizes: number[]): RowDef[] {
  const boots = ['none', ...sizes.map((n) => `${n}M`)].flatMap((b): RowDef[] => [
    { key: `boot ${b} wall`, config: `boot-${b}`, unit: 'ms', value: (r) => r.wallMs },
    { key: `boot ${b} in-guest`, config: `boot-${b}`, unit: 'ms', value: (r) => r.values['boot-guest']! / 1000 },
  ]);
  return [
    ...boots,
    { key: 'initrd stat every entry', config: 'work', unit: 'ms', value: ms('tree-stat') },
    { key: 'initrd read every file', config: 'work', unit: 'MiB/s', value: rate('tree-read', 'tree-bytes') },
    { key: '/tmp create+write 10k', config: 'work', unit: 'ms', value: ms('tmp-create') },
    { key: '/tmp read back 10k', config: 'work', unit: 'ms', value: ms('tmp-read') },
    { key: '/tmp delete 10k', config: 'work', unit: 'ms', value: ms('tmp-delete') },
    { key: '9p mount', config: 'work', unit: 'ms', value: ms('9p-mount') },
    { key: '9p seq read 64 MiB', config: 'work', unit: 'MiB/s', value: rate('9p-read', '9p-read-bytes') },
    { key: '9p seq write 64 MiB', config: 'work', unit: 'MiB/s', value: (r, s) => 64 / (Math.max(1, interval(r, s, '9p-write')) / 1e6) },
    { key: '9p list 10k entries', config: 'work', unit: 'ms', value: ms('9p-list') },
  ];
}

function stats(xs: number[]): Stats | null {
  if (!xs.length) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), samples: xs };
}

/** Builds the rows from every run, grouped by config and system. */
export function makeRows(defs: RowDef[], runs: Map<string, Record<System, RunResult[]>>): Row[] {
  return defs.map((d) => {
    const got = runs.get(d.config);
    const a = stats(got?.asuk.map((r) => d.value(r, 'asuk')) ?? []);
    const l = stats(got?.linux.map((r) => d.value(r, 'linux')) ?? []);
    const ratio = a && l && l.median > 0 ? a.median / l.median : null;
    const speedup = ratio === null || ratio === 0 ? null : d.unit === 'ms' ? 1 / ratio : ratio;
    return { key: d.key, unit: d.unit, asuk: a, linux: l, ratio, speedup };
  });
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const range = (s: Stats | null) => (s ? `${fmt(s.min)}–${fmt(s.max)}` : '—');
function verdict(x: number | null): string {
  if (x === null) return '—';
  return x >= 1 ? `asuk ${fmt(x)}x faster` : `asuk ${fmt(1 / x)}x slower`;
}

/** The plain-text table. `extra`: rows without runs (image size, build time), already formatted. */
export function formatTable(rows: Row[], extra: string[][]): string {
  const head = ['row', 'unit', 'asuk', 'asuk min–max', 'Linux', 'Linux min–max', 'asuk/Linux', ''];
  const body = rows.map((r) => [
    r.key, r.unit, r.asuk ? fmt(r.asuk.median) : '—', range(r.asuk), r.linux ? fmt(r.linux.median) : '—', range(r.linux),
    r.ratio === null ? '—' : r.ratio.toFixed(3), verdict(r.speedup),
  ]);
  return table([head, ...body, ...extra]);
}
