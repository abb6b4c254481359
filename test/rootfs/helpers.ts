// test/rootfs/helpers.ts — shared by the rootfs tests: build the shell image
// (plain, and with an embedded initrd), make host trees, pack them (our
// packer and GNU cpio), compute the `find` manifest on the host, boot.
import { afterAll } from 'vitest';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import {
  chmodSync, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync,
  readlinkSync, rmSync, writeFileSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKernelElf } from '../../tools/link/index.ts';
import { compileImageWasm } from '../../tools/image/index.ts';
import { packDirectory } from '../../tools/cpio/index.ts';
import { runQemu, type QemuResult } from '../../tools/qemu/index.ts';

export const tmp = mkdtempSync(join(tmpdir(), 'asuk-rootfs-'));
// The big tree and its archives are ~100 MB: removed after each test file
// (registered while the importing file is collected).
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let wasm: Promise<Uint8Array> | null = null;
/** The shell image's kernel .wasm (asc output, cached by tools/image). */
export function shellWasm(): Promise<Uint8Array> {
  wasm ??= compileImageWasm('shell').then((r) => r.wasm);
  return wasm;
}

/** Writes the shell ELF (optionally with an einitrd) to tmp/NAME.elf; returns its path. */
export async function shellElf(name: string, einitrd?: Uint8Array, locked = false): Promise<string> {
  const out = join(tmp, `${name}.elf`);
  writeFileSync(out, buildKernelElf(await shellWasm(), { einitrd, locked }).elf);
  return out;
}

/** A fresh directory under tmp, mode 0755 (the ramfs root's mode: archives carry no "." entry). */
export function freshDir(name: string): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o755);
  return d;
}

/** Packs `dir` with tools/cpio (mtime pinned). */
export async function packOurs(dir: string, out: string): Promise<string> {
  await packDirectory(dir, out, { mtime: 1_700_000_000 });
  return out;
}

/** Packs `dir` with GNU cpio: `find . | cpio -o -H newc` (run in dir). */
export async function packGnu(dir: string, out: string): Promise<string> {
  const list = await execa('find', ['.'], { cwd: dir });
  const r = await execa('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: dir, input: list.stdout + '\n', encoding: 'buffer' });
  writeFileSync(out, r.stdout as Uint8Array);
  return out;
}

function sha256File(p: string): string {
  return createHash('sha256').update(readFileSync(p)).digest('hex');
}

const mode4 = (m: number) => (m & 0o7777).toString(8).padStart(4, '0');

/** One `find` line for host path `abs` shown as `shown` (issue 4's format). */
function hostLine(abs: string, shown: string): string {
  const st = lstatSync(abs);
  if (st.isDirectory()) return `d ${mode4(st.mode)} - - ${shown}`;
  if (st.isSymbolicLink()) {
    const t = readlinkSync(abs);
    return `l ${mode4(st.mode)} ${Buffer.byteLength(t)} - ${shown} -> ${t}`;
  }
  return `f ${mode4(st.mode)} ${st.size} ${sha256File(abs)} ${shown}`;
}

/** The guest's `find /` output expected for host tree `dir` mounted at `at` (lines sorted bytewise by path). */
export function hostManifest(dir: string, at = '/'): { path: string; line: string }[] {
  const out: { path: string; line: string }[] = [];
  const visit = (abs: string, shown: string) => {
    out.push({ path: shown, line: hostLine(abs, shown) });
    if (!lstatSync(abs).isDirectory()) return;
    for (const n of readdirSync(abs)) visit(join(abs, n), shown === '/' ? `/${n}` : `${shown}/${n}`);
  };
  visit(dir, at);
  return out;
}

/** Sorts manifest items bytewise by UTF-8 path and returns the lines. */
export function sortedLines(items: { path: string; line: string }[]): string[] {
  return items.slice().sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path))).map((x) => x.line);
}

/** The find lines in a serial log (lines starting with a type letter and a 4-digit mode). */
export function findLinesOf(serial: string): string[] {
  return serial.split(/\r?\n/).filter((l) => /^[dfl] [0-7]{4} /.test(l));
}

/** Writes a file of `size` deterministic pseudo-random bytes. */
export function writeNoise(path: string, size: number, seed = 1): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 20);
  let x = seed >>> 0 || 1;
  for (let done = 0; done < size; done += chunk.length) {
    for (let i = 0; i < chunk.length; i += 4) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      chunk.writeUInt32LE(x, i);
    }
    writeSync(fd, chunk, 0, Math.min(chunk.length, size - done));
  }
  closeSync(fd);
}

export interface BootOptions {
  kernel: string;
  initrd?: string[];
  /** Kernel options (before `--`). */
  options?: string;
  /** Shell commands (after `--`). */
  cmds?: string;
  memory?: string;
  timeoutMs?: number;
  /** Kernel diagnostics on (they arrive in QEMU's stderr). */
  verbose?: boolean;
}

/** Boots the shell; returns QEMU's result. Every boot has a hard timeout. */
export function boot(o: BootOptions): Promise<QemuResult> {
  const append = `${o.options ?? ''} -- ${o.cmds ?? ''}`.trim();
  return runQemu({
    kernel: o.kernel, initrd: o.initrd, append, memory: o.memory ?? '64M',
    timeoutMs: o.timeoutMs ?? 60_000, machine: 'microvm', verbose: o.verbose,
  });
}

/** True when the serial log shows a panic or an abort. */
export function panicked(serial: string): boolean {
  return /panic:/.test(serial);
}
