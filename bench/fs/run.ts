// bench/fs/run.ts — one boot of one system: the QEMU command (shared by both
// systems but for kernel, initrd and command line), the `bench <name> <value>
// <unit>` lines parsed, the run checked (exit status, `bench done`, no
// `bench error`).
import { runQemu, volumeArgs, type Accel } from '../../tools/qemu/index.ts';
import { LINUX_APPEND } from './linux.ts';

export type System = 'asuk' | 'linux';

/** What both systems boot with: the same machine, memory, accelerator. */
export interface Machine { accel: Accel; memory: string; timeoutMs: number }

export interface Boot {
  system: System;
  kernel: string;
  initrd?: string;
  /** The workload words (images/fsbench argv, init.sh arguments). */
  args: string[];
  /** A host directory shared as mount tag fs0. */
  share?: string;
  /** The `bench` values a good run prints (a missing one fails the run). */
  need: string[];
}

export interface RunResult {
  wallMs: number;
  /** Values by line name (`bench NAME VALUE UNIT`). */
  values: Record<string, number>;
}

export class RunError extends Error {}

/** Parses the `bench NAME VALUE UNIT` lines; `bench error ...` lines are returned apart. */
export function parseBench(serial: string): { values: Record<string, number>; errors: string[]; done: boolean } {
  const values: Record<string, number> = {};
  const errors: string[] = [];
  let done = false;
  for (const raw of serial.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/^.*?(?=bench )/, '');
    if (line === 'bench done') done = true;
    else if (line.startsWith('bench error ')) errors.push(line.slice('bench error '.length));
    else {
      const m = /^bench (\S+) (\d+) (\S+)$/.exec(line);
      if (m) values[m[1]!] = Number(m[2]);
    }
  }
  return { values, errors, done };
}

/** Boots once; throws RunError (with the serial tail) unless the workloads all ran. */
export async function bootOnce(b: Boot, m: Machine): Promise<RunResult> {
  const append = b.system === 'asuk' ? `fsbench -- ${b.args.join(' ')}` : `${LINUX_APPEND} -- ${b.args.join(' ')}`;
  const r = await runQemu({
    kernel: b.kernel, initrd: b.initrd ? [b.initrd] : undefined, append,
    machine: 'pc', accel: m.accel, memory: m.memory, timeoutMs: m.timeoutMs,
    extraArgs: b.share ? volumeArgs([{ src: b.share, dst: '/p9', readonly: false }]) : undefined,
  });
  const p = parseBench(r.serial);
  const okExit = b.system === 'asuk' ? r.guestExit === 0 : r.status === 0;
  const missing = b.need.filter((k) => p.values[k] === undefined);
  if (r.timedOut || !okExit || !p.done || p.errors.length || missing.length) {
    const why = r.timedOut ? 'timed out' : p.errors.length ? p.errors.join('; ') : !p.done ? 'no `bench done`'
      : missing.length ? `no value for ${missing.join(', ')}` : `exit status ${r.status}`;
    throw new RunError(`bench/fs: E_RUN ${b.system} ${b.args.join(' ')}: ${why}\n${r.serial.slice(-1500)}${r.stderr.slice(-500)}`);
  }
  return { wallMs: r.wallMs, values: p.values };
}
