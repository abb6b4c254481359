// test/diff — the differential test (issue 3): AssemblyScript programs of
// our own (test/diff/as/*.ts: strings, collections, classes and function
// values, GC pressure, float math, integer math, exit paths), compiled once
// with asc -O3 to WASI commands, run by Node's WebAssembly (bench/host's
// WASI shim) and as native executables from tools/aot's Linux target.
// stdout and the exit code must be identical (stderr too for AS aborts,
// which both runners print through the same Wasm code).
import { describe, it, expect, beforeAll } from 'vitest';
import { compileWasiCommand, runWasi, buildNative, runProc, type WasiResult, type ProcResult } from '../../bench/host/index.ts';

interface Case { program: string; args: string[]; exit: number; compareStderr?: boolean; stdoutHas: string }

const CASES: Case[] = [
  { program: 'strings', args: [], exit: 0, stdoutHas: 'roundtrip=ok' },
  { program: 'collections', args: [], exit: 0, stdoutHas: 'done' },
  { program: 'classes', args: [], exit: 0, stdoutHas: 'forEach total=35' },
  { program: 'gc', args: [], exit: 0, stdoutHas: 'round 299' },
  { program: 'floats', args: [], exit: 0, stdoutHas: 'done' },
  { program: 'ints', args: [], exit: 0, stdoutHas: 'mix 1000000' },
  { program: 'exits', args: ['plain', 'x y', 'ünï'], exit: 0, stdoutHas: 'args=plain|x y|ünï' },
  { program: 'exits', args: ['code'], exit: 42, stdoutHas: 'exiting 42' },
  { program: 'exits', args: ['abort', 'a'], exit: 134, compareStderr: true, stdoutHas: 'mode=abort' },
  { program: 'exits', args: ['trap'], exit: 134, stdoutHas: 'about to trap' },
];

const wasms = new Map<string, Uint8Array>();
const exes = new Map<string, string>();

beforeAll(async () => {
  const programs = [...new Set(CASES.map((c) => c.program))];
  for (const p of programs) wasms.set(p, await compileWasiCommand(`test/diff/as/${p}.ts`));
  for (const p of programs) exes.set(p, (await buildNative(wasms.get(p)!, p)).path);
}, 120_000);

describe('differential: Node WebAssembly vs tools/aot native', () => {
  for (const c of CASES) {
    it(`${c.program} ${c.args.join(' ')}`.trim(), async () => {
      const argv0 = c.program;
      const node: WasiResult = runWasi(wasms.get(c.program)!, [argv0, ...c.args]);
      expect(node.exitCode, `node stderr: ${node.stderr}`).toBe(c.exit);
      expect(node.stdout).toContain(c.stdoutHas);
      // argv[0] differs (the executable's path): programs never print it.
      const native: ProcResult = await runProc(exes.get(c.program)!, c.args, 30_000);
      expect(native.stdout).toBe(node.stdout);
      expect(native.exitCode, `native stderr: ${native.stderr}`).toBe(node.exitCode);
      if (c.compareStderr) expect(native.stderr).toBe(node.stderr);
    });
  }
});
