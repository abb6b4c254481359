// tools/fuzz/kill.ts — boots a kernel with 9p volumes (as tests do, -M pc)
// and SIGKILLs QEMU once the guest has printed `afterLines` lines `ok`: a
// crash in the middle of a run of writes. Always kills QEMU (hard timeout).
import { spawn } from 'node:child_process';
import { kernelCmdline, qemuArgs, volumeFstab, type Machine, type Volume } from '../qemu/index.ts';

export interface KillRun {
  kernel: string;
  volumes: Volume[];
  /** App commands (after `--`). */
  cmds: string;
  /** SIGKILL after this many `ok` lines (a delay of `extraMs` more, when given). */
  afterLines: number;
  extraMs?: number;
  timeoutMs: number;
  /** Default -M pc. */
  machine?: Machine;
}

export interface Killed { oks: number; serial: string; killed: boolean; status: number | null }

/** Runs QEMU and kills it mid-run; resolves when it is gone. */
export function killMidRun(o: KillRun): Promise<Killed> {
  const append = kernelCmdline({ fstab: volumeFstab(o.volumes), args: [o.cmds] });
  const args = qemuArgs({ kernel: o.kernel, volumes: o.volumes, append, machine: o.machine ?? 'pc', memory: '128M' });
  const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let serial = '';
  let killed = false;
  const kill = () => { if (!killed && child.exitCode === null) { killed = true; child.kill('SIGKILL'); } };
  const hard = setTimeout(kill, o.timeoutMs);
  const oks = () => serial.replace(/^[\s\S]*?Booting from ROM\.\./, '').replace(/\r/g, '').split('\n').filter((l) => l === 'ok').length;
  child.stdout.on('data', (b: Buffer) => {
    serial += b.toString('latin1');
    if (!killed && oks() >= o.afterLines) {
      if (o.extraMs) setTimeout(kill, o.extraMs); else kill();
    }
  });
  child.stderr.resume();
  return new Promise((res) => {
    child.on('close', (status) => { clearTimeout(hard); res({ oks: oks(), serial, killed, status }); });
  });
}
