// tools/cli/instances.ts — what `asuk run -d` leaves behind and how `ps`,
// `logs`, `stop`, `rm` read it. One folder per instance under the user's
// state directory ($XDG_STATE_HOME/asuk, else ~/.local/state/asuk):
//
//   instances/NAME/instance.json  name, image, ports, created, QEMU's pid
//                                 and its start time (/proc/PID/stat field 22)
//   instances/NAME/console.log    the serial console and QEMU's own messages
//   instances/NAME/qemu.pid       written by the supervising shell
//   instances/NAME/exit           {code, signal}: how QEMU ended, written by the supervisor
//   instances/NAME/stopped        present when `asuk stop` ended it
//
// An instance is "running" only while its pid is alive AND has the start
// time recorded AND its command line names this instance's folder: a pid
// reused by another process is never taken for it. Otherwise it is
// stopped (asuk stop), exited (guest code C), or crashed (QEMU died
// without an exit status, or failed).

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.ts';

export interface Instance {
  name: string;
  image: string;
  ports: string[];
  created: string;
  pid: number;
  /** /proc/PID/stat starttime (clock ticks since boot): tells a reused pid apart. */
  startTime: string;
  dir: string;
}

export type InstanceState =
  | { kind: 'running' }
  | { kind: 'stopped' }
  | { kind: 'exited'; code: number }
  | { kind: 'crashed'; why: string };

/** The state directory: $XDG_STATE_HOME/asuk, else ~/.local/state/asuk. */
export function stateDir(): string {
  const x = process.env.XDG_STATE_HOME;
  return join(x && x.startsWith('/') ? x : join(homedir(), '.local', 'state'), 'asuk');
}

export function instancesDir(): string { return join(stateDir(), 'instances'); }

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

/** Fails with one line unless `name` is a valid instance name. */
export function checkName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new UsageError(`bad instance name '${name}': use letters, digits, '_', '.', '-' (at most 63, starting with a letter or digit)`);
  }
}

export function instanceDir(name: string): string { return join(instancesDir(), name); }

/** A fresh name for IMAGE: IMAGE-xxxx. */
export function newName(image: string): string {
  const base = image.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '') || 'asuk';
  for (;;) {
    const n = `${base.slice(0, 50)}-${Math.random().toString(16).slice(2, 6)}`;
    if (!existsSync(instanceDir(n))) return n;
  }
}

/** Reads /proc/PID/stat's starttime (field 22), or null when there is no such process. */
export function procStartTime(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null; // fields 3.. start at index 0: field 22 is index 19
  } catch {
    return null;
  }
}

function procCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Whether the recorded QEMU process is alive and is this instance's. */
export function isAlive(i: Instance): boolean {
  if (!i.pid) return false;
  const st = procStartTime(i.pid);
  if (st === null || st !== i.startTime) return false;
  return procCmdline(i.pid).includes(i.dir);
}

export function readInstance(name: string): Instance | null {
  const p = join(instanceDir(name), 'instance.json');
  if (!existsSync(p)) return null;
  try {
    return { ...(JSON.parse(readFileSync(p, 'utf8')) as Instance), dir: instanceDir(name) };
  } catch {
    return null;
  }
}

/** The instance called `name`, or a one-line error naming `asuk ps`. */
export function getInstance(name: string): Instance {
  checkName(name);
  const i = readInstance(name);
  if (!i) throw new UsageError(`no instance named '${name}' (see 'asuk ps')`);
  return i;
}

export function writeInstance(i: Instance): void {
  mkdirSync(i.dir, { recursive: true });
  const { dir: _dir, ...rest } = i;
  writeFileSync(join(i.dir, 'instance.json'), `${JSON.stringify(rest, null, 2)}\n`);
}

export function listInstances(): Instance[] {
  if (!existsSync(instancesDir())) return [];
  return readdirSync(instancesDir()).sort().map(readInstance).filter((i): i is Instance => i !== null);
}

/** How QEMU ended, as the supervisor recorded it: an exit code, or the signal that killed it. */
export interface ExitRecord { code: number | null; signal: string | null; error?: string }

/** QEMU's end from the supervisor, or null while none was written. */
export function exitStatus(i: Instance): ExitRecord | null {
  const p = join(i.dir, 'exit');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as ExitRecord;
  } catch {
    return null; // being written
  }
}

/** What the instance is now (file comment). */
export function instanceState(i: Instance): InstanceState {
  if (isAlive(i)) return { kind: 'running' };
  if (existsSync(join(i.dir, 'stopped'))) return { kind: 'stopped' };
  const e = exitStatus(i);
  if (e === null) return { kind: 'crashed', why: 'QEMU ended without an exit status' };
  if (e.signal) return { kind: 'crashed', why: `QEMU killed by ${e.signal}` };
  if (e.code === null) return { kind: 'crashed', why: `QEMU did not start: ${e.error ?? 'unknown error'}` };
  if (e.code % 2 === 1) return { kind: 'exited', code: e.code >> 1 };
  if (e.code === 0) return { kind: 'exited', code: 0 };
  return { kind: 'crashed', why: `QEMU failed with status ${e.code} (see 'asuk logs ${i.name}')` };
}

export function stateText(s: InstanceState): string {
  switch (s.kind) {
    case 'running': return 'running';
    case 'stopped': return 'stopped';
    case 'exited': return `exited (${s.code})`;
    case 'crashed': return `crashed: ${s.why}`;
  }
}

export function removeInstanceDir(i: Instance): void { rmSync(i.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }); }
