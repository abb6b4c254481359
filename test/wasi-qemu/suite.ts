// The official WASI test suite (vendor/wasi-testsuite) under QEMU: each
// program is the app of its own image (tools/image/wasm.ts, cached by
// content in build/wasm-app/elf), its `dirs` given as an initrd (a CPIO of
// the language's fixture folder, extracted into ramfs as /) and preopened by
// `wasi.dirs`; args and env on the kernel command line. Boots run a few at a
// time (QEMU is its own process); images are built one after another first.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packDirectory } from '../../tools/cpio/index.ts';
import { buildWasmImage, cmdlineQuote } from '../../tools/image/wasm.ts';
import { runQemu } from '../../tools/qemu/index.ts';
import type { SuiteCase } from '../wasi/suite.ts';

export interface QemuCaseResult { exitCode: number | null; serial: string; compileMs: number; bootMs: number; cachedElf: boolean }

const quoteWord = cmdlineQuote;

/** The -append line of a case: env, preopens, then `-- args`. */
export function caseAppend(c: SuiteCase): string {
  const words: string[] = [];
  const env = Object.entries(c.env).map(([k, v]) => quoteWord(`${k}=${v}`));
  if (env.length) words.push(`env.vars=[ ${env.join(' ')} ]`);
  words.push(`wasi.dirs=[ ${c.dirs.map((d) => quoteWord(`/${d}::${d}`)).join(' ')} ]`); // none: no preopen, as wasmtime
  words.push('--', ...c.args.map(quoteWord));
  return words.join(' ');
}

/** One CPIO per fixture folder (the folder that holds the case's dirs), packed once. */
const cpios = new Map<string, string>();
let work = '';

async function initrdFor(c: SuiteCase): Promise<string | undefined> {
  if (!c.dirs.length) return undefined;
  const from = dirname(c.wasm);
  const key = `${from}|${c.dirs.join(',')}`;
  let out = cpios.get(key);
  if (out) return out;
  if (!work) work = mkdtempSync(join(tmpdir(), 'asuk-wasi-qemu-'));
  const tree = join(work, `tree-${cpios.size}`);
  for (const d of c.dirs) cpSync(join(from, d), join(tree, d), { recursive: true });
  out = join(work, `root-${cpios.size}.cpio`);
  await packDirectory(tree, out);
  cpios.set(key, out);
  return out;
}

export function cleanupSuite(): void { if (work) rmSync(work, { recursive: true, force: true }); }

/** Builds every case's image (sequentially: compiling is CPU in this process). */
export async function buildCases(cases: SuiteCase[]): Promise<Map<string, { elf: string; ms: number; cached: boolean }>> {
  const out = new Map<string, { elf: string; ms: number; cached: boolean }>();
  for (const c of cases) {
    const r = await buildWasmImage(c.wasm);
    out.set(c.name, { elf: r.elf, ms: r.ms.total, cached: r.cached });
  }
  return out;
}

/** Boots every case, `parallel` QEMUs at a time. */
export async function bootCases(cases: SuiteCase[], elfs: Map<string, { elf: string; ms: number; cached: boolean }>,
  parallel: number): Promise<Map<string, QemuCaseResult>> {
  const results = new Map<string, QemuCaseResult>();
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const built = elfs.get(c.name)!;
      const initrd = await initrdFor(c);
      const r = await runQemu({
        kernel: built.elf, machine: 'microvm', memory: '128M', initrd: initrd ? [initrd] : undefined,
        append: caseAppend(c), extraArgs: ['-cpu', 'max'], timeoutMs: 90_000,
      });
      results.set(c.name, { exitCode: r.guestExit, serial: r.serial, compileMs: built.ms, bootMs: r.wallMs, cachedElf: built.cached });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}
