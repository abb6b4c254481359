// tools/cli/lifecycle.ts — kraft's lifecycle commands over the state that
// tools/cli/instances.ts keeps:
//
//   run -d/--detach [--name N]  QEMU under a detached `sh` that records its
//                               exit status; prints the instance name
//   ps [--json]                 every instance: running / stopped / exited (C) / crashed
//   logs [-f] NAME              the serial console (-f: follow until it stops)
//   stop NAME                   SIGTERM, then SIGKILL after 10 s
//   rm [-f] NAME                forget a stopped instance (-f: stop it first)

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refuseWithoutQemu } from '../qemu/index.ts';
import { UsageError } from './errors.ts';
import {
  checkName, exitStatus, getInstance, instanceDir, instanceState, isAlive, listInstances, newName,
  procStartTime, readInstance, removeInstanceDir, stateText, writeInstance, type ExitRecord, type Instance,
} from './instances.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The supervisor (a detached node): QEMU with its output to console.log;
 * when it ends, {code, signal} to `exit` (a shell's $? cannot tell a signal
 * from an odd guest exit code). SIGTERM/SIGINT are passed on to QEMU.
 */
const SUPERVISOR = `
const { spawn } = require('node:child_process'); const fs = require('node:fs');
const [dir, bin, ...args] = process.argv.slice(1);
const log = fs.openSync(dir + '/console.log', 'a');
const end = (r) => { fs.writeFileSync(dir + '/exit', JSON.stringify(r) + '\\n'); process.exit(0); };
const c = spawn(bin, args, { stdio: ['ignore', log, log] });
c.on('exit', (code, signal) => end({ code, signal }));
c.on('error', (e) => end({ code: null, signal: null, error: e.message }));
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => c.kill(s));
`;

/** Whether QEMU ended on its own failure (not the guest's exit code, not a power-off). */
function qemuFailed(e: ExitRecord | null): boolean {
  return e !== null && (e.code === null || (e.code !== 0 && e.code % 2 === 0));
}

export interface DetachOptions { name?: string; image: string; qemu: string; args: string[]; ports: string[] }

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Starts QEMU detached; returns the instance once its pid is known (or fails with QEMU's own message). */
export async function detachRun(o: DetachOptions): Promise<Instance> {
  refuseWithoutQemu();
  const name = o.name ?? newName(o.image);
  checkName(name);
  const old = readInstance(name);
  if (old && isAlive(old)) throw new UsageError(`an instance named '${name}' is already running (asuk stop ${name})`);
  if (old || existsSync(instanceDir(name))) throw new UsageError(`an instance named '${name}' exists (${stateText(instanceState(old!))}): remove it with 'asuk rm ${name}'`);
  const dir = instanceDir(name);
  const inst: Instance = { name, image: o.image, ports: o.ports, created: new Date().toISOString(), pid: 0, startTime: '', dir };
  writeInstance(inst);
  writeFileSync(join(dir, 'console.log'), '');
  const pidFile = join(dir, 'qemu.pid');
  const args = [...o.args, '-name', `asuk-${name}`, '-pidfile', pidFile];
  const sh = spawn(process.execPath, ['-e', SUPERVISOR, dir, o.qemu, ...args], { detached: true, stdio: 'ignore' });
  sh.unref();
  for (let waited = 0; ; waited += 50) {
    const st = exitStatus(inst);
    if (qemuFailed(st)) {
      const why = tail(join(dir, 'console.log'), 3).split('\n').find((l) => l.includes('qemu-system')) ?? st!.error ?? `status ${st!.code}`;
      throw new UsageError(`QEMU failed to start '${name}': ${why.replace(/^qemu-system-x86_64: /, '')} (asuk rm ${name} to clear it)`);
    }
    if (st !== null) break; // the guest already ran to its end
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      const start = pid > 0 ? procStartTime(pid) : null;
      if (start !== null) {
        inst.pid = pid;
        inst.startTime = start;
        writeInstance(inst);
        break;
      }
    }
    if (waited > 30_000) throw new UsageError(`QEMU did not start '${name}' within 30 s (see 'asuk logs ${name}')`);
    await sleep(50);
  }
  await sleep(300); // a forward whose host port is taken fails right after start
  const st = exitStatus(inst);
  if (qemuFailed(st)) {
    const why = tail(join(dir, 'console.log'), 3).split('\n').find((l) => l.includes('qemu-system')) ?? st!.error ?? `status ${st!.code}`;
    throw new UsageError(`QEMU failed to start '${name}': ${why.replace(/^qemu-system-x86_64: /, '')} (asuk rm ${name} to clear it)`);
  }
  return inst;
}

export function psCommand(o: { json?: boolean }): void {
  const all = listInstances().map((i) => ({ i, s: instanceState(i) }));
  if (o.json) {
    const rows = all.map(({ i, s }) => ({ name: i.name, image: i.image, state: s.kind, status: stateText(s), ports: i.ports, created: i.created, pid: s.kind === 'running' ? i.pid : 0 }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const rows = [['NAME', 'IMAGE', 'STATUS', 'PORTS', 'CREATED'],
    ...all.map(({ i, s }) => [i.name, i.image, stateText(s), i.ports.join(',') || '-', i.created.replace('T', ' ').slice(0, 19)])];
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) process.stdout.write(`${r.map((x, c) => (c < r.length - 1 ? x.padEnd(w[c]) : x)).join('  ')}\n`);
}

/** Prints the console; with follow, keeps printing what arrives until the instance stops. */
export async function logsCommand(name: string, o: { follow?: boolean }): Promise<void> {
  const i = getInstance(name);
  const file = join(i.dir, 'console.log');
  let pos = 0;
  const drain = () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size <= pos) return;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - pos);
      const n = readSync(fd, buf, 0, buf.length, pos);
      pos += n;
      process.stdout.write(buf.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  };
  drain();
  if (!o.follow) return;
  while (isAlive(i)) {
    await sleep(200);
    drain();
  }
  drain();
}

/** kill(2) that tolerates the process having just ended. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ESRCH') throw e;
  }
}

async function waitDead(i: Instance, ms: number): Promise<boolean> {
  for (let t = 0; t < ms; t += 50) {
    if (!isAlive(i)) return true;
    await sleep(50);
  }
  return !isAlive(i);
}

/** Stops a running instance (SIGTERM, then SIGKILL); a stopped one is left as it is. */
export async function stopCommand(name: string): Promise<void> {
  const i = getInstance(name);
  if (!isAlive(i)) {
    process.stderr.write(`asuk: ${name} is not running (${stateText(instanceState(i))})\n`);
    return;
  }
  writeFileSync(join(i.dir, 'stopped'), `${new Date().toISOString()}\n`);
  signal(i.pid, 'SIGTERM');
  if (!(await waitDead(i, 10_000))) {
    signal(i.pid, 'SIGKILL');
    await waitDead(i, 5_000);
  }
  process.stdout.write(`${name}\n`);
}

export async function rmCommand(name: string, o: { force?: boolean }): Promise<void> {
  const i = getInstance(name);
  if (isAlive(i)) {
    if (!o.force) throw new UsageError(`${name} is running: stop it first (asuk stop ${name}) or use rm -f`);
    await stopCommand(name);
    for (let t = 0; t < 3000 && exitStatus(i) === null; t += 50) await sleep(50); // the supervisor's last write
  }
  removeInstanceDir(i);
  process.stdout.write(`${name}\n`);
}
