// test/net-qemu/helpers.ts — shared by the network tests: images built once
// per file, a free host port, and an asuk guest on QEMU's user network with
// a host forward, started in the background with a hard time limit and
// always killed on teardown.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { freePort } from '../ports.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { compileImageWasm } from '../../tools/image/index.ts';
import { buildKernelElf } from '../../tools/link/index.ts';
import { kernelCmdline, qemuArgs, volumeFstab, type PortMap, type Volume } from '../../tools/qemu/index.ts';

export const tmp = mkdtempSync(join(tmpdir(), 'asuk-net-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Builds images/NAME (asc output cached by tools/image) into tmp; returns the ELF path. */
export async function imageElf(name: string): Promise<string> {
  const { wasm } = await compileImageWasm(name);
  const out = join(tmp, `${name}.elf`);
  writeFileSync(out, buildKernelElf(wasm).elf);
  return out;
}

export { freePort };

export interface Guest {
  port: number;
  serial: () => string;
  /** Resolves with QEMU's exit status when it ends. */
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

const live = new Set<ResultPromise>();
afterAll(() => { for (const p of live) p.kill('SIGKILL'); });

export interface GuestOptions {
  kernel: string;
  guestPort?: number;
  volumes?: Volume[];
  initrd?: string[];
  args?: string[];
  options?: string[];
  /** Extra virtio-net-pci properties, e.g. 'mrg_rxbuf=off'. */
  nicProps?: string;
  memory?: string;
  timeoutMs?: number;
  /** pc (default: virtio-net-pci) or microvm (virtio-net-device over virtio-mmio). */
  machine?: 'pc' | 'microvm';
  /** Wait until the serial console shows this. */
  ready?: RegExp;
}

/** Boots a guest with a NIC whose guest port is forwarded from a free host port. */
export async function startGuest(o: GuestOptions): Promise<Guest> {
  const port = await freePort();
  const fwd: PortMap[] = o.guestPort ? [{ bind: '127.0.0.1', host: port, guest: o.guestPort, proto: 'tcp' }] : [];
  const vols = o.volumes ?? [];
  const fstab = vols.length ? [...(o.initrd?.length ? ['initrd0:/:extract::ramfs=1:'] : []), ...volumeFstab(vols)] : [];
  const append = kernelCmdline({ options: o.options, fstab, args: o.args });
  let args = qemuArgs({ kernel: o.kernel, machine: o.machine ?? 'pc', memory: o.memory ?? '256M', initrd: o.initrd, append: append || undefined, volumes: vols, net: fwd });
  if (o.nicProps) args = args.map((a) => (a.startsWith('virtio-net-pci,') ? `${a},${o.nicProps}` : a));
  const child = execa('qemu-system-x86_64', args, {
    reject: false, stdin: 'ignore', timeout: o.timeoutMs ?? 120_000, killSignal: 'SIGKILL', all: true,
  });
  live.add(child);
  let out = '';
  child.all?.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = child.then((r) => { live.delete(child); return r.exitCode ?? null; });
  const g: Guest = {
    port, serial: () => out.replace(/\r/g, ''), exited,
    stop: async () => { child.kill('SIGKILL'); await exited; },
  };
  if (o.ready) {
    const t0 = Date.now();
    while (!o.ready.test(out)) {
      if (Date.now() - t0 > 60_000 || child.exitCode !== null) {
        await g.stop();
        throw new Error(`guest not ready (${o.ready}); serial:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return g;
}

/** Sends raw bytes on a fresh connection and collects everything until the server closes or `ms` pass. */
export function rawRequest(port: number, data: string | Buffer, ms = 10_000): Promise<string> {
  return new Promise((res) => {
    const s: Socket = connect(port, '127.0.0.1');
    let got = '';
    const done = () => { s.destroy(); res(got); };
    const timer = setTimeout(done, ms);
    s.on('connect', () => s.write(data));
    s.on('data', (b) => { got += b.toString('latin1'); });
    s.on('close', () => { clearTimeout(timer); res(got); });
    s.on('error', () => { clearTimeout(timer); res(got); });
  });
}
