// bench/host/wasm2c.ts — the benchmark's best-in-class peer: wabt's wasm2c
// translates the .wasm to C, gcc -O2 compiles it with wabt's runtime
// (wasm-rt-impl.c) and our WASI host main (wasm2c-main.c). Built into a temp
// dir at bench time only; none of this C is part of asuk.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { tmpFile } from './native.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const WASM2C_RUNTIME = '/usr/share/wabt/wasm2c';

/** Translates and compiles `wasm`; returns the executable's path. Throws E_WASM2C with the tool's output. */
export async function buildWasm2c(wasm: Uint8Array, name: string): Promise<string> {
  const dir = tmpFile(`${name}-w2c`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'm.wasm'), wasm);
  const run = async (cmd: string, args: string[]) => {
    const r = await execa(cmd, args, { cwd: dir, reject: false, timeout: 300_000, all: true });
    if (r.exitCode !== 0) throw new Error(`wasm2c: E_WASM2C '${cmd}' failed (${r.exitCode}):\n${String(r.all).slice(0, 2000)}`);
  };
  await run('wasm2c', ['m.wasm', '-n', 'm', '-o', 'm.c']);
  const exe = join(dir, 'prog');
  await run('gcc', ['-O2', '-I', WASM2C_RUNTIME, '-I', dir, 'm.c', join(WASM2C_RUNTIME, 'wasm-rt-impl.c'),
    join(HERE, 'wasm2c-main.c'), '-o', exe, '-lm']);
  return exe;
}
