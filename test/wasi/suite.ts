// The official WASI test suite (vendor/wasi-testsuite, read its
// specification.md) run on the Linux target: each NAME.wasm is compiled by
// tools/aot/linux, then run in a fresh copy of its `dirs` with wasmtime's
// spelling (`--dir NAME`, `--env K=V`, args), an empty host environment, and
// checked for exit code, and stdout / stderr where the spec gives them (the
// upstream runner checks a stream only when its spec names it).

import { cpSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';

export const SUITE = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'vendor', 'wasi-testsuite', 'tests');

export interface SuiteCase { name: string; wasm: string; args: string[]; env: Record<string, string>; dirs: string[]; exitCode: number; stdout?: string; stderr?: string }

/** Every test program of the vendored suite with its specification (defaults when there is no .json). */
export function suiteCases(): SuiteCase[] {
  const out: SuiteCase[] = [];
  for (const lang of readdirSync(SUITE).sort()) {
    const dir = join(SUITE, lang, 'testsuite', 'wasm32-wasip1');
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort()) {
      const json = join(dir, f.replace(/\.wasm$/, '.json'));
      const spec = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : {};
      out.push({
        name: `${lang}/${f.replace(/\.wasm$/, '')}`, wasm: join(dir, f), args: spec.args ?? [], env: spec.env ?? {},
        dirs: spec.dirs ?? [], exitCode: spec.exit_code ?? 0, stdout: spec.stdout, stderr: spec.stderr,
      });
    }
  }
  return out;
}

/** Copies a fixture tree writable (the vendored files are read-only). */
function copyTree(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  const fix = (p: string) => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) fix(join(p, e));
  };
  fix(to);
}

export interface CaseResult { exitCode: number; stdout: string; stderr: string; compileMs: number }

/** Compiles and runs one case in a temp directory; returns what it did. */
export async function runCase(c: SuiteCase): Promise<CaseResult> {
  const work = mkdtempSync(join(tmpdir(), 'asuk-wasi-'));
  try {
    const t0 = performance.now();
    const exe = join(work, basename(c.wasm, '.wasm'));
    writeFileSync(exe, buildLinuxExecutable(new Uint8Array(readFileSync(c.wasm)), { mode: 'command' }), { mode: 0o755 });
    const compileMs = performance.now() - t0;
    for (const d of c.dirs) {
      const src = join(dirname(c.wasm), d);
      if (existsSync(src)) copyTree(src, join(work, d)); else mkdirSync(join(work, d));
    }
    const opts = [...c.dirs.flatMap((d) => ['--dir', d]), ...Object.entries(c.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]), '--'];
    const r = await execa(exe, [...opts, ...c.args], { cwd: work, env: {}, extendEnv: false, reject: false, timeout: 60_000, stdin: 'ignore' });
    return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, compileMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
