// bench/fs — asuk against a Linux guest doing the same filesystem work
// (issue 8): the same QEMU, machine (-M pc), memory and accelerator, the two
// systems booted alternately, several rounds, medians and ratios.
//
//   setup.sh    installs the peer (linux-image-amd64, busybox-static) as root
//   linux.ts    the peer: Debian's kernel + a busybox initramfs built here
//   init.sh     the peer's /init: the workloads as busybox commands
//   newc.ts     in-memory CPIO newc archives (data trees, the initramfs)
//   data.ts     initrd trees (1/64/256 MiB, same shape), the 9p share
//   run.ts      one boot of one system, its `bench` lines parsed and checked
//   report.ts   rows, medians, min–max, ratios, the table
//   index.ts    runFsBench: prepare, alternate, rows (the library the CLI and test use)
//   main.ts     the CLI: prints the table, writes bench/results/fs-<date>.json
// The asuk side is images/fsbench (same workloads, same lines).
//
// Run: `npm run bench:fs -- [--runs N] [--sizes 1,64,256] [--no-build-time]`
// Output: the table on stdout, bench/results/fs-<date>.json.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, buildImage } from '../../tools/image/index.ts';
import { resolveAccel } from '../../tools/qemu/index.ts';
import { findLinux, linuxBase } from './linux.ts';
import { makeShare, treeArchive, TREE_ENTRIES, P9_BIG, P9_MANY } from './data.ts';
import { bootOnce, RunError, type Boot, type Machine, type RunResult, type System } from './run.ts';
import { formatTable, makeRows, rowDefs, type Row } from './report.ts';

export interface FsBenchOptions {
  runs: number;
  /** Initrd sizes in MiB for the boot rows; the workload run uses WORK_MIB. */
  sizes: number[];
  buildTime: boolean;
  /** Skip the workload run (boot rows only). */
  work: boolean;
  log: (s: string) => void;
}

/** The initrd the workload run boots with (its tree is what `initrd read` reads). */
export const WORK_MIB = 64;
const MEMORY = '1G';
/** The values the workload run prints (images/fsbench, init.sh). */
const WORK_VALUES = [
  'tree-stat', 'tree-entries', 'tree-read', 'tree-bytes', 'tmp-create', 'tmp-read', 'tmp-delete',
  '9p-mount', '9p-read', '9p-read-bytes', '9p-write', '9p-list', '9p-list-count',
];
/** A boot that fails (a garbled line, a hang) is tried this many times in all. */
const ATTEMPTS = 3;

/** A pair of boots: the same config on each system. */
interface Config { name: string; asuk: Boot; linux: Boot }

export function parseArgs(argv: string[]): FsBenchOptions {
  const o: FsBenchOptions = { runs: 5, sizes: [1, 64, 256], buildTime: true, work: true, log: (s) => console.log(s) };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!, v = argv[k + 1];
    if (a === '--runs' && v) { o.runs = Number(v); k++; }
    else if (a === '--sizes' && v) { o.sizes = v.split(',').map(Number); k++; }
    else if (a === '--no-build-time') o.buildTime = false;
    else if (a === '--no-work') o.work = false;
    else if (a !== '--') throw new Error(`bench/fs: E_USAGE unknown argument '${a}' (--runs N, --sizes 1,64,256, --no-build-time, --no-work)`);
  }
  if (!(o.runs >= 1) || o.sizes.some((n) => !(n > 0))) throw new Error('bench/fs: E_USAGE --runs and --sizes need positive numbers');
  return o;
}

/** Writes the archives and the share into `tmp`; returns the configs to alternate. */
async function prepare(tmp: string, o: FsBenchOptions, asukElf: string): Promise<{ configs: Config[]; linuxBytes: number; kernel: string; version: string }> {
  const l = findLinux();
  const min = linuxBase(l, false);
  const write = (name: string, ...parts: Buffer[]) => { const p = join(tmp, name); writeFileSync(p, Buffer.concat(parts)); return p; };
  const minPath = write('linux-min.cpio', min);
  const boot = (s: System, kernel: string, initrd?: string): Boot =>
    ({ system: s, kernel, initrd, args: ['boot'], need: ['boot-guest'] });
  const configs: Config[] = [{ name: 'boot-none', asuk: boot('asuk', asukElf), linux: boot('linux', l.kernel, minPath) }];
  const sizes = [...new Set([...o.sizes, ...(o.work ? [WORK_MIB] : [])])];
  const trees = new Map<number, string>();
  for (const n of sizes) {
    const tree = treeArchive(n);
    trees.set(n, write(`tree-${n}.cpio`, tree));
    if (o.sizes.includes(n)) {
      configs.push({ name: `boot-${n}M`, asuk: boot('asuk', asukElf, trees.get(n)), linux: boot('linux', l.kernel, write(`linux-${n}.cpio`, min, tree)) });
    }
  }
  if (o.work) {
    const share = makeShare(tmp);
    const args = ['tree', '/data', 'tmp', '9p'];
    const need = [...WORK_VALUES];
    const full = write(`linux-work.cpio`, linuxBase(l, true), readFileSync(trees.get(WORK_MIB)!));
    configs.push({
      name: 'work',
      asuk: { system: 'asuk', kernel: asukElf, initrd: trees.get(WORK_MIB), args, share, need },
      linux: { system: 'linux', kernel: l.kernel, initrd: full, args, share, need: [...need, 'clock-overhead'] },
    });
  }
  return { configs, linuxBytes: statSync(l.kernel).size + min.length, kernel: l.kernel, version: l.version };
}

/** Checks the counts a workload run must show (the same work was done). */
function checkWork(s: System, r: RunResult): void {
  const want: Record<string, number> = {
    'tree-entries': TREE_ENTRIES, 'tree-bytes': WORK_MIB << 20, '9p-read-bytes': P9_BIG, '9p-list-count': P9_MANY,
  };
  for (const [k, v] of Object.entries(want)) {
    if (r.values[k] !== v) throw new RunError(`bench/fs: E_CHECK ${s}: ${k} = ${r.values[k]}, expected ${v}`);
  }
}

/** One boot of `c` on `s`, checked; retried after a RunError (logged) up to ATTEMPTS times. */
async function attempt(c: Config, s: System, m: Machine, o: FsBenchOptions): Promise<RunResult> {
  for (let k = 1; ; k++) {
    try {
      const r = await bootOnce(c[s], m);
      if (c.name === 'work') checkWork(s, r);
      return r;
    } catch (e) {
      if (!(e instanceof RunError) || k >= ATTEMPTS) throw e;
      o.log(`  retrying after: ${e.message}`);
    }
  }
}

/** Runs every config `runs` times, alternating the systems (the first system swaps each round). */
async function rounds(configs: Config[], m: Machine, o: FsBenchOptions): Promise<Map<string, Record<System, RunResult[]>>> {
  const out = new Map<string, Record<System, RunResult[]>>();
  for (let round = 0; round < o.runs; round++) {
    for (const c of configs) {
      const order: System[] = round % 2 === 0 ? ['asuk', 'linux'] : ['linux', 'asuk'];
      const got = out.get(c.name) ?? { asuk: [], linux: [] };
      out.set(c.name, got);
      for (const s of order) {
        const r = await attempt(c, s, m, o);
        got[s].push(r);
        o.log(`  round ${round + 1}/${o.runs} ${c.name} ${s}: ${(r.wallMs / 1000).toFixed(2)} s`);
      }
    }
  }
  return out;
}

/** `npm run image -- fsbench` wall times: cold (asc cache for fsbench removed) and warm. */
async function buildTimes(tmp: string): Promise<{ coldMs: number; warmMs: number }> {
  const dir = join(ROOT, 'images', 'fsbench', '.asuk'); // tools/image's asc cache for the app
  const time = async () => {
    const t0 = performance.now();
    await execa('npm', ['run', 'image', '--', 'fsbench', '-o', join(tmp, 'fsbench-timed.elf')], { cwd: ROOT });
    return performance.now() - t0;
  };
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (/^kernel-.*\.wasm(\.map)?$/.test(f)) unlinkSync(join(dir, f));
  const coldMs = await time();
  return { coldMs, warmMs: await time() };
}

export interface FsBenchResult { rows: Row[]; table: string; json: object }

/** The whole benchmark (see the file comment). */
export async function runFsBench(o: FsBenchOptions): Promise<FsBenchResult> {
  const accel = resolveAccel();
  const m: Machine = { accel, memory: MEMORY, timeoutMs: 240_000 };
  const tmp = mkdtempSync(join(tmpdir(), 'asuk-fsbench-'));
  try {
    const img = await buildImage('fsbench', { out: join(tmp, 'fsbench.elf') });
    o.log(`asuk: images/fsbench ${img.elfBytes} bytes`);
    const p = await prepare(tmp, o, img.elf);
    o.log(`linux: ${p.kernel} + busybox initramfs; ${accel.toUpperCase()}, -M pc, -m ${MEMORY}, ${o.runs} rounds`);
    const runs = await rounds(p.configs, m, o);
    const build = o.buildTime ? await buildTimes(tmp) : null;
    const rows = makeRows(rowDefs(o.sizes), runs);
    const kib = (b: number) => (b / 1024).toFixed(0);
    const extra = [
      ['image size (asuk ELF; Linux vmlinuz+initramfs)', 'KiB', kib(img.elfBytes), '', kib(p.linuxBytes), '', (img.elfBytes / p.linuxBytes).toFixed(3), ''],
      ...(build ? [
        ['npm run image fsbench, cold asc', 'ms', build.coldMs.toFixed(0), '', '—', '', '—', ''],
        ['npm run image fsbench, cached asc', 'ms', build.warmMs.toFixed(0), '', '—', '', '—', ''],
      ] : []),
    ];
    const text = formatTable(rows, extra);
    const json = {
      date: new Date().toISOString(), accel, machine: 'pc', memory: MEMORY, runs: o.runs, host: cpus()[0]?.model,
      linux: { kernel: p.kernel, version: p.version }, rows,
      image: { asukElfBytes: img.elfBytes, linuxBytes: p.linuxBytes, build },
      raw: Object.fromEntries([...runs].map(([k, v]) => [k, { asuk: v.asuk, linux: v.linux }])),
    };
    return { rows, table: text, json };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
