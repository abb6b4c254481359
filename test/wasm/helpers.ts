// Test helpers for tools/wasm: WAT -> wasm with wabt, AssemblyScript -> wasm
// with asc, spec .wast -> JSON command lists with wast2json, and a tiny
// builder for hand-made binaries.

import { execa } from 'execa';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
/** The official suite (vendor/wasm-spec; test/wasm-spec.ts). */
import { SPEC_DIR } from '../wasm-spec.ts';
export { SPEC_DIR };

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'asuk-wasm-'));
}

/** Runs `f` in a fresh temp directory, removed afterwards (a test run made ~100 of them). */
async function inTempDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir();
  try { return await f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** Assembles WAT text with wat2wasm (names kept). */
export async function wat(text: string, flags: string[] = []): Promise<Uint8Array> {
  return inTempDir(async (dir) => {
    writeFileSync(join(dir, 'm.wat'), text);
    await execa('wat2wasm', ['--debug-names', ...flags, join(dir, 'm.wat'), '-o', join(dir, 'm.wasm')]);
    return new Uint8Array(readFileSync(join(dir, 'm.wasm')));
  });
}

/** Compiles AssemblyScript source with asc. */
export async function asc(source: string, flags: string[] = []): Promise<Uint8Array> {
  return inTempDir(async (dir) => {
    writeFileSync(join(dir, 'm.ts'), source);
    await execa(join(root, 'node_modules/.bin/asc'), [join(dir, 'm.ts'), '-o', join(dir, 'm.wasm'), ...flags]);
    return new Uint8Array(readFileSync(join(dir, 'm.wasm')));
  });
}

export interface SpecCommand {
  type: string;
  line: number;
  filename?: string;
  text?: string;
  module_type?: 'binary' | 'text';
}

/** Converts one spec .wast to JSON in a temp dir; returns its commands and a loader for their files (read before the dir goes). */
export async function specCommands(wastName: string): Promise<{ commands: SpecCommand[]; load: (f: string) => Uint8Array }> {
  return inTempDir(async (dir) => {
    const out = join(dir, wastName.replace(/\.wast$/, '.json'));
    await execa('wast2json', [join(SPEC_DIR, wastName), '-o', out]);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { commands: SpecCommand[] };
    const files = new Map(readdirSync(dir).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
    const load = (f: string): Uint8Array => {
      const b = files.get(f);
      if (!b) throw new Error(`specCommands: ${wastName} has no module file ${f}`);
      return b;
    };
    return { commands: json.commands, load };
  });
}

// ---- hand-made binaries ----

export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...u32(b.length), ...b];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

export function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

export const PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function mod(...sections: number[][]): Uint8Array {
  return new Uint8Array([...PREAMBLE, ...sections.flat()]);
}

/** Type section with one `[] -> []` type, function section with n functions of it, code section with empty bodies. */
export function voidFuncs(n: number): number[][] {
  const body = [0x02, 0x00, 0x0b]; // size 2, no locals, end
  return [
    section(1, vec([[0x60, 0x00, 0x00]])),
    section(3, vec(Array.from({ length: n }, () => [0x00]))),
    section(10, vec(Array.from({ length: n }, () => body))),
  ];
}
