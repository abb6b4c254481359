// tools/cli/memory.ts — guest memory: `-m` parsing (QEMU's and kraft's
// suffixes), what an image needs, and the automatic size.
//
// What is loaded (DESIGN.md "The build pipeline"): the ELF's PT_LOAD
// segments end at `imageEnd` (the einitrd, when embedded, is inside); QEMU's
// multiboot loader puts each -initrd module page-aligned after that. The
// kernel's heap starts past the last module. So a guest needs imageEnd +
// initrd + some heap: below that it cannot boot (QEMU's firmware loops
// forever), so `run` refuses it.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UsageError } from './errors.ts';

export const MiB = 1 << 20;
/** Heap the kernel needs at least past the loaded image and modules (measured: the shell image with a 16 MiB initrd boots at 20M, not 19M). */
export const MIN_HEAP = 1 * MiB;
/** Headroom of the automatic size: heap for the app and the file tree's metadata. */
export const AUTO_MARGIN = 32 * MiB;
export const AUTO_MIN = 64 * MiB;

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;
const fmt = (n: number) => (n % MiB === 0 ? `${n / MiB}` : (n / MiB).toFixed(1));

/**
 * Parses a memory size: a number with an optional suffix K, M, G, T (binary,
 * as QEMU reads them), also written Ki/Mi/Gi (kraft) or KB/MB/GB; a bare
 * number is MiB (QEMU's default unit). Returns bytes.
 */
export function parseMemory(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b?)?|b)?\s*$/i.exec(s);
  if (!m) throw new UsageError(`bad memory size '${s}': give a size such as 128M, 1G or 64Mi`);
  const unit = (m[2] ?? 'm').toLowerCase();
  const scale = { k: 1 << 10, m: MiB, g: 1 << 30, t: 2 ** 40 }[unit]!;
  const bytes = /b\s*$/i.test(s) && !m[2] ? Number(m[1]) : Math.round(Number(m[1]) * scale);
  if (bytes < MiB) throw new UsageError(`memory size '${s}' is too small: give at least a few MiB, e.g. 64M`);
  return bytes;
}

/** QEMU's `-m` value for `bytes` (whole MiB, rounded up). */
export const qemuMemory = (bytes: number) => `${Math.ceil(bytes / MiB)}M`;

export interface ElfFacts {
  /** Highest physical address any PT_LOAD segment reaches (memsz, so bss included). */
  imageEnd: number;
  /** Size of the embedded initrd (the `einitrd_start` symbol), 0 when none. */
  einitrdBytes: number;
}

/** Reads the ELF32 headers of `path` (ELF spec: e_phoff 28, e_shoff 32, e_phnum 44, e_shnum 48). */
export function elfFacts(path: string): ElfFacts {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(size);
    readSync(fd, b, 0, size, 0);
    if (size < 52 || b.readUInt32BE(0) !== 0x7f454c46) throw new UsageError(`${path}: not an ELF file: give an image name (asuk run shell) or an ELF built by asuk build`);
    if (b[4] !== 1) throw new UsageError(`${path}: a 64-bit ELF: QEMU boots only asuk's 32-bit multiboot ELF (build one with asuk build)`);
    const phoff = b.readUInt32LE(28), phent = b.readUInt16LE(42), phnum = b.readUInt16LE(44);
    let imageEnd = 0;
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phent;
      if (p + 32 > size) break;
      if (b.readUInt32LE(p) === 1 /* PT_LOAD */) imageEnd = Math.max(imageEnd, b.readUInt32LE(p + 12) + b.readUInt32LE(p + 20));
    }
    return { imageEnd, einitrdBytes: symbolSize(b, 'einitrd_start') };
  } finally {
    closeSync(fd);
  }
}

/** The st_size of symbol `name` in the ELF32 .symtab of `b`, 0 when absent. */
function symbolSize(b: Buffer, name: string): number {
  const shoff = b.readUInt32LE(32), shent = b.readUInt16LE(46), shnum = b.readUInt16LE(48);
  for (let i = 0; i < shnum; i++) {
    const s = shoff + i * shent;
    if (s + 40 > b.length || b.readUInt32LE(s + 4) !== 2 /* SHT_SYMTAB */) continue;
    const off = b.readUInt32LE(s + 16), len = b.readUInt32LE(s + 20), link = b.readUInt32LE(s + 24);
    const str = b.readUInt32LE(shoff + link * shent + 16);
    for (let at = off; at + 16 <= off + len && at + 16 <= b.length; at += 16) {
      const n = str + b.readUInt32LE(at);
      const end = b.indexOf(0, n);
      if (b.toString('latin1', n, end) === name) return b.readUInt32LE(at + 8);
    }
  }
  return 0;
}

export interface MemoryPlan {
  /** Bytes to give QEMU. */
  bytes: number;
  /** The least the guest can boot with. */
  needed: number;
  /** Set when the requested size is below `needed`: the refusal to print. */
  tooSmall?: string;
}

/** Sizes guest memory: the request when given (`tooSmall` set when below what boots), else imageEnd + initrd + margin. */
export function memoryPlan(o: { imageEnd: number; initrdBytes: number; requested?: number }): MemoryPlan {
  const loaded = roundUp(o.imageEnd, 4096) + roundUp(o.initrdBytes, 4096);
  const needed = roundUp(loaded + MIN_HEAP, MiB);
  if (o.requested !== undefined) {
    if (o.requested >= needed) return { bytes: o.requested, needed };
    const initrd = o.initrdBytes ? ` and its initrd (${fmt(o.initrdBytes)} MiB)` : '';
    return {
      bytes: o.requested, needed,
      tooSmall: `-m ${fmt(o.requested)}M is below what the image (${fmt(roundUp(o.imageEnd, 4096))} MiB loaded)${initrd} ${initrd ? 'need' : 'needs'}: `
        + `give at least -m ${fmt(needed)}M (or leave -m out to size it automatically)`,
    };
  }
  const auto = Math.max(AUTO_MIN, roundUp(loaded + AUTO_MARGIN + o.initrdBytes / 4, 16 * MiB));
  return { bytes: auto, needed };
}
