// bench/aot/spills.ts — register pressure in the code tools/aot emits, per
// kernel: how many instructions load from or store to the frame (rbp-relative:
// locals that live in their slots, spilled stack values, pinned locals saved
// and reloaded around calls), counted statically in objdump's disassembly of
// the compiled module (the runtime excluded).
//
// Run: `npx vite-node bench/aot/spills.ts -- [--passes SPEC] [--kernels a,b]`
// (--passes as ASUK_AOT_PASSES, e.g. -pins, to compare allocators).
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { decodeModule } from '../../tools/wasm/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { compileModule, resolvePasses } from '../../tools/aot/index.ts';
import { linuxImports } from '../../tools/aot/linux/index.ts';
import { compileWasiCommand, runProc, table, tmpFile } from '../host/index.ts';

const KERNELS = ['hash', 'parse', 'copy', 'sort', 'cpio', 'sha256', 'matmul', 'lz', 'kv'];
const C_PROGRAMS = new Set(['lz', 'kv']);

export interface SpillCount { kernel: string; instrs: number; frameLoads: number; frameStores: number }

async function wasmOf(name: string): Promise<Uint8Array> {
  if (!C_PROGRAMS.has(name)) return compileWasiCommand(`bench/aot/kernels/${name}.ts`);
  const out = tmpFile(`${name}-spills.wasm`);
  const r = await runProc('clang', ['--target=wasm32-wasi', '-O2', '-o', out, `bench/aot/c/${name}.c`], 120_000);
  if (r.exitCode !== 0) throw new Error(`spills: E_CLANG ${name}: ${r.stderr.trim().split('\n')[0]}`);
  return new Uint8Array((await import('node:fs')).readFileSync(out));
}

/** Counts frame loads/stores in the code compiled from `wasm` with `passes` (an ASUK_AOT_PASSES spec). */
export async function countSpills(kernel: string, wasm: Uint8Array, passes: string): Promise<SpillCount> {
  const m = decodeModule(wasm);
  const asm = new Assembler({ bits: 64 });
  for (const l of ['trap', 'abort', 'memory_grow']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
  for (const im of m.imports) { asm.bind(asm.sym(`import:${im.module}.${im.name}`)); asm.i('ud2'); }
  const start = asm.pos;
  const stats = compileModule(m, asm, { target: 'linux', providedImports: linuxImports(m).provided, passes: resolvePasses({}, passes) });
  const bin = tmpFile(`${kernel}-code.bin`);
  writeFileSync(bin, asm.finish(0).subarray(start, start + stats.codeBytes));
  const { stdout } = await execa('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', '--no-show-raw-insn', bin]);
  const c: SpillCount = { kernel, instrs: 0, frameLoads: 0, frameStores: 0 };
  for (const line of stdout.split('\n')) {
    const ins = /^\s*[0-9a-f]+:\t(\S+)\s*(.*)$/.exec(line);
    if (!ins || ins[1] === 'nop' || ins[1]!.startsWith('(bad)')) continue;
    c.instrs++;
    const [dst, src] = splitOperands(ins[2]!);
    if (ins[1] === 'lea' || ins[1] === 'push' || ins[1] === 'pop') continue;
    if (dst !== undefined && /\[rbp[+-]/.test(dst)) c.frameStores++;
    else if (src !== undefined && /\[rbp[+-]/.test(src)) c.frameLoads++;
  }
  return c;
}

function splitOperands(s: string): string[] {
  const i = s.indexOf(',');
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  let passes = '', kernels = KERNELS;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--passes' && argv[k + 1] !== undefined) passes = argv[++k]!;
    else if (argv[k] === '--kernels' && argv[k + 1]) kernels = argv[++k]!.split(',');
    else throw new Error(`spills: E_USAGE unknown argument '${argv[k]}' (--passes SPEC, --kernels a,b)`);
  }
  const rows = [['kernel', 'instructions', 'frame loads', 'frame stores', 'per 100 instr']];
  for (const k of kernels) {
    const c = await countSpills(k, await wasmOf(k), passes);
    rows.push([k, String(c.instrs), String(c.frameLoads), String(c.frameStores), ((c.frameLoads + c.frameStores) * 100 / c.instrs).toFixed(1)]);
  }
  console.log(`tools/aot frame traffic (static, passes: ${passes || 'all'})\n`);
  console.log(table(rows));
}

main().catch((e) => { console.error((e as Error).message); process.exit(1); });
