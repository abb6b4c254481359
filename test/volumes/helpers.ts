// test/volumes/helpers.ts — shared by the volume tests (issue 6): the shell,
// kvstore and copy kernels, host trees and their `find` manifests (from
// test/rootfs/helpers.ts), and a boot on `-M pc` (virtio-9p-pci) or `-M microvm`
// (virtio-9p-device on virtio-mmio) with host directories as 9p volumes,
// mounted by the fstab tools/qemu derives. Every 9p suite runs on both
// machines (VOL_MACHINES).
import { afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKernelElf } from '../../tools/link/index.ts';
import { ASC_FLAGS, compileImageWasm } from '../../tools/image/index.ts';
import { kernelCmdline, runQemu, volumeFstab, type Machine, type QemuResult, type Volume } from '../../tools/qemu/index.ts';
import { compileAs } from '../kernel/harness.ts';
import { shellWasm } from '../rootfs/helpers.ts';

export { findLinesOf, hostManifest, packOurs, sortedLines, writeNoise, panicked } from '../rootfs/helpers.ts';

export const tmp = mkdtempSync(join(tmpdir(), 'asuk-volumes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh empty directory under tmp, mode 0755. */
export function freshDir(name: string): string {
  const d = join(tmp, name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o755);
  return d;
}

/** Writes the ELF of image NAME (asc output cached by tools/image) to tmp; returns its path. */
export async function imageElf(name: 'shell' | 'kvstore'): Promise<string> {
  const wasm = name === 'shell' ? await shellWasm() : (await compileImageWasm(name)).wasm;
  const out = join(tmp, `${name}.elf`);
  writeFileSync(out, buildKernelElf(wasm).elf);
  return out;
}

/** The ELF of test/volumes/as/copy.ts (a kernel with `cp`), compiled with the image flags. */
export async function copyElf(): Promise<string> {
  const extra = ASC_FLAGS.slice(ASC_FLAGS.indexOf('--noExportMemory'));
  const { wasm } = await compileAs('test/volumes/as/copy.ts', extra);
  const out = join(tmp, 'copy.elf');
  writeFileSync(out, buildKernelElf(wasm).elf);
  return out;
}

/** The machines every 9p suite runs on: PCI and virtio-mmio transports. */
export const VOL_MACHINES: Machine[] = ['pc', 'microvm'];

export interface VolBoot {
  kernel: string;
  /** Default 'pc'. */
  machine?: Machine;
  volumes?: Volume[];
  /** fstab entries after the volumes' own (or instead of them: `fstab`). */
  extraFstab?: string[];
  fstab?: string[];
  options?: string[];
  initrd?: string[];
  /** App commands (after `--`). */
  cmds?: string;
  memory?: string;
  timeoutMs?: number;
}

/** The serial output without SeaBIOS's banner (-M pc prints it before the kernel's first line, unterminated). */
export function withoutBios(serial: string): string {
  return serial.replace(/^[\s\S]*?Booting from ROM\.\./, '');
}

/** Boots on o.machine (default -M pc) with the volumes; every boot has a hard timeout. `serial` comes without the BIOS banner. */
export async function bootVol(o: VolBoot): Promise<QemuResult> {
  const vols = o.volumes ?? [];
  const fstab = o.fstab ?? [...volumeFstab(vols), ...(o.extraFstab ?? [])];
  const append = kernelCmdline({ options: o.options, fstab, args: o.cmds ? [o.cmds] : [] });
  const r = await runQemu({
    kernel: o.kernel, volumes: vols, initrd: o.initrd, append, machine: o.machine ?? 'pc',
    memory: o.memory ?? '128M', timeoutMs: o.timeoutMs ?? 60_000,
  });
  return { ...r, serial: withoutBios(r.serial) };
}

/** The serial lines (CR removed). */
export function linesOf(serial: string): string[] {
  return serial.replace(/\r/g, '').split('\n');
}

/**
 * The serial lines after the line ending in marker `from` (echoed by the
 * guest; on -M pc the first one shares its line with SeaBIOS's banner) up to
 * the line `to`.
 */
export function between(serial: string, from: string, to: string): string[] {
  const l = linesOf(serial);
  const i = l.findIndex((x) => x.endsWith(from));
  const j = l.indexOf(to, i + 1);
  return i < 0 || j < 0 ? [] : l.slice(i + 1, j);
}
