// bench/wasi/unikernel.ts — figures for a WASI command as the unikernel's app
// (issue 15 part 2), each a ratio against peers measured in the same run:
//   1. boot-to-exit of a C "hello" (bench/wasi/hello.c) on asuk (QEMU
//      microvm, TCG, wall time from QEMU launch to its exit) against the
//      same .wasm on the Linux target and under Node's WASI (launch to exit);
//   2. a CPU-bound C program (bench/wasi/cpu.c): the in-program time (its own
//      monotonic clock) as the unikernel app with explicit bounds checks (the
//      product) and with none (what a page-table guard region would cost per
//      access), against the Linux target (guard region), node --no-liftoff
//      and wasm2c + gcc -O2 (natively), and the Linux target as /init of a
//      Debian kernel under the same TCG (the fair peer);
//   3. compile time and MB/s of the largest program at hand (the vendored
//      suite's biggest, or --wasm FILE) into a whole image;
//   4. a warm (cached) `asuk run prog.wasm` of the hello, launch to exit.
// Usage: vite-node bench/wasi/unikernel.ts [-- --runs N --iters N --wasm FILE --only hello|cpu|compile|warm]

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { buildNative, median, runProc, tmpFile } from '../host/index.ts';
import { prepare, runOnce, type Runner } from '../aot/runners.ts';
import { buildWasmImage, type WasmBounds } from '../../tools/image/wasm.ts';
import { runQemu } from '../../tools/qemu/index.ts';
import { decodeModule } from '../../tools/wasm/index.ts';
import { compileModule } from '../../tools/aot/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';
import { findLinux, LINUX_APPEND } from '../fs/linux.ts';
import { dir, file, newcArchive, S_IFCHR } from '../fs/newc.ts';

const HERE = dirname(new URL(import.meta.url).pathname);
const ROOT = join(HERE, '..', '..');
const arg = (name: string, def: string) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1]! : def; };
const RUNS = Number(arg('runs', '5')), ITERS = Number(arg('iters', '5'));
const LINE = /kernel=(\S+) iters=(\d+) checksum=(\d+) ns=(\d+)/;

async function clangWasi(src: string): Promise<string> {
  const out = tmpFile(src.replace(/\.c$/, '.wasm'));
  // No wasm-opt from node_modules/.bin on PATH: it would strip the name section.
  await execa('clang', ['--target=wasm32-wasi', '-O2', join(HERE, src), '-o', out], { env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
  return out;
}

/** One boot of `elf` with app args; the serial text and QEMU's wall time. */
async function boot(elf: string, args: string[]): Promise<{ serial: string; ms: number; exit: number | null }> {
  const r = await runQemu({ kernel: elf, machine: 'microvm', memory: '128M', append: ['--', ...args].join(' '), extraArgs: ['-cpu', 'max'], timeoutMs: 300_000 });
  return { serial: r.serial.replace(/\r\n/g, '\n'), ms: r.wallMs, exit: r.guestExit };
}

async function hello(wasmPath: string): Promise<void> {
  const wasm = new Uint8Array(readFileSync(wasmPath));
  const exe = (await buildNative(wasm, 'hello')).path;
  const { elf } = await buildWasmImage(wasmPath);
  const node = join(ROOT, 'test', 'wasi', 'node-wasi.mjs');
  const t = { asuk: [] as number[], linux: [] as number[], node: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    const b = await boot(elf, []);
    if (b.exit !== 0 || b.serial !== 'hello from WASI\n') throw new Error(`hello on asuk: exit ${b.exit}: ${JSON.stringify(b.serial)}`);
    t.asuk.push(b.ms);
    let t0 = performance.now();
    await runProc(exe, [], 60_000);
    t.linux.push(performance.now() - t0);
    t0 = performance.now();
    await execa(process.execPath, ['--no-turbo-fast-api-calls', '--no-warnings', node, wasmPath, `/tmp=${HERE}`, '{}'], { reject: false });
    t.node.push(performance.now() - t0);
  }
  const a = median(t.asuk), l = median(t.linux), n = median(t.node);
  console.log(`hello boot/launch-to-exit (median of ${RUNS}): asuk microvm ${a.toFixed(0)} ms, Linux target ${l.toFixed(1)} ms, node WASI ${n.toFixed(0)} ms;`
    + ` asuk/node ${(a / n).toFixed(2)}, asuk/linux ${(a / l).toFixed(1)}`);
}

async function cpu(wasmPath: string): Promise<void> {
  const p = await prepare('c-cpu', new Uint8Array(readFileSync(wasmPath)));
  for (const [r, e] of Object.entries(p.errors)) console.log(`cpu: runner ${r} unavailable: ${e}`);
  const elfs: Record<WasmBounds, string> = {
    explicit: (await buildWasmImage(wasmPath)).elf, none: (await buildWasmImage(wasmPath, { bounds: 'none' })).elf,
  };
  // The Linux target with explicit checks too: the checks' cost where the guard region is real.
  const linuxExplicit = tmpFile('cpu-explicit');
  writeFileSync(linuxExplicit, buildLinuxExecutable(new Uint8Array(readFileSync(wasmPath)), { mode: 'command', bounds: 'explicit' }), { mode: 0o755 });
  const linuxGuest = await linuxGuestFor(p.exe.aot);
  const ms: Record<string, number[]> = {};
  let checksum = '';
  const note = (who: string, cs: string, ns: number) => {
    if (checksum && cs !== checksum) throw new Error(`cpu: ${who} checksum ${cs} != ${checksum}`);
    checksum = cs;
    (ms[who] ??= []).push(ns / 1e6);
  };
  for (let r = 0; r < RUNS; r++) {
    for (const b of ['explicit', 'none'] as const) {
      const out = await boot(elfs[b], [String(ITERS)]);
      const m = LINE.exec(out.serial);
      if (!m) throw new Error(`cpu on asuk (${b}): exit ${out.exit}: ${out.serial.slice(0, 300)}`);
      note(`asuk-${b}`, m[3]!, Number(m[4]));
    }
    const lx = LINE.exec((await runProc(linuxExplicit, [String(ITERS)], 300_000)).stdout);
    if (!lx) throw new Error('cpu on the Linux target (explicit): no result line');
    note('linux-explicit', lx[3]!, Number(lx[4]));
    if (linuxGuest) note('linux-target-tcg', ...(await inLinuxGuest(linuxGuest)));
    for (const runner of ['aot', 'turbofan', 'wasm2c'] as Runner[]) {
      if (runner !== 'turbofan' && !p.exe[runner]) continue;
      const res = await runOnce(p, runner, ITERS);
      note(runner === 'aot' ? 'linux-target' : runner === 'turbofan' ? 'node-no-liftoff' : 'wasm2c-gcc-O2', res.checksum, res.ns);
    }
  }
  const base = median(ms['linux-target']!);
  console.log(`cpu.c x${ITERS} (median of ${RUNS}, in-program ms; ratio to the Linux target; asuk-* run under QEMU TCG, the others natively):`);
  for (const [who, v] of Object.entries(ms)) console.log(`  ${who.padEnd(16)} ${median(v).toFixed(1).padStart(9)}  ${(median(v) / base).toFixed(2)}`);
  const ratio = (a: string, b: string) => (median(ms[a]!) / median(ms[b]!)).toFixed(2);
  console.log(`  bounds checks cost: unikernel explicit/none ${ratio('asuk-explicit', 'asuk-none')}, Linux explicit/guard ${ratio('linux-explicit', 'linux-target')}`);
  if (ms['linux-target-tcg']) console.log(`  both under TCG: unikernel app / Linux target in a Linux guest ${ratio('asuk-explicit', 'linux-target-tcg')} (no checks: ${ratio('asuk-none', 'linux-target-tcg')})`);
}

/**
 * The Linux target's executable as /init of a Debian kernel under the same
 * QEMU TCG (-cpu max): the fair peer of the unikernel app (null without
 * linux-image-amd64: bench/fs/setup.sh).
 */
async function linuxGuestFor(exe: string | undefined): Promise<{ kernel: string; initrd: string } | null> {
  if (!exe) return null;
  let kernel: string;
  try { kernel = findLinux().kernel; } catch (e) { console.log(`cpu: no Linux guest: ${(e as Error).message}`); return null; }
  const initrd = tmpFile('cpu-linux.cpio');
  writeFileSync(initrd, newcArchive([dir('dev'), { name: 'dev/console', mode: S_IFCHR | 0o600, rdev: [5, 1] },
    file('init', readFileSync(exe), 0o755)]));
  return { kernel, initrd };
}

/** One run of cpu.c as PID 1 of the Linux guest: [checksum, ns] from its own line. */
async function inLinuxGuest(g: { kernel: string; initrd: string }): Promise<[string, number]> {
  const r = await runQemu({ kernel: g.kernel, initrd: [g.initrd], machine: 'pc', memory: '512M', append: `${LINUX_APPEND} -- ${ITERS}`,
    extraArgs: ['-cpu', 'max'], timeoutMs: 300_000, debugExit: false });
  const m = LINE.exec(r.serial);
  if (!m) throw new Error(`cpu in the Linux guest: no result line: ${r.serial.slice(-500)}`);
  return [m[3]!, Number(m[4])];
}

function largestSuiteWasm(): string {
  const dir = join(ROOT, 'vendor', 'wasi-testsuite', 'tests', 'rust', 'testsuite', 'wasm32-wasip1');
  return readdirSync(dir).filter((f) => f.endsWith('.wasm')).map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

async function compileSpeed(): Promise<void> {
  const file = arg('wasm', '') || largestSuiteWasm();
  const bytes = statSync(file).size;
  await buildWasmImage(file); // warm: the kernel's and the layer's asc runs, the JIT
  const ms: number[] = [];
  for (let r = 0; r < Math.max(3, Math.min(RUNS, 5)); r++) ms.push((await buildWasmImage(file, { noCache: true })).ms.compile);
  const m = median(ms);
  console.log(`compile ${file.split('/').pop()} (${(bytes / 1e6).toFixed(2)} MB) into an image: ${m.toFixed(0)} ms, `
    + `${(bytes / 1e6 / (m / 1000)).toFixed(2)} MB/s (kernel, WASI layer and link included)`);
  // The program alone, as the image compiles it (explicit bounds, its own prefix).
  const mod = decodeModule(new Uint8Array(readFileSync(file)));
  const wasiKeys = new Set(mod.imports.map((i) => `${i.module}.${i.name}`));
  const app: number[] = [];
  for (let r = 0; r < Math.max(3, Math.min(RUNS, 5)); r++) {
    const t0 = performance.now();
    compileModule(mod, new Assembler({ bits: 64 }), {
      target: 'linux', bounds: 'explicit', providedImports: wasiKeys, instance: { prefix: 'app.', sigIds: new Map(), links: mod.imports.map(() => null), fixedBase: true },
    });
    app.push(performance.now() - t0);
  }
  const a = median(app);
  console.log(`  of which the program itself: ${a.toFixed(0)} ms, ${(bytes / 1e6 / (a / 1000)).toFixed(2)} MB/s`);
}

async function warmRun(wasmPath: string): Promise<void> {
  const cli = join(ROOT, 'scripts', 'asuk.mjs');
  await execa(process.execPath, [cli, 'run', wasmPath, '--timeout', '120'], { reject: false }); // fills the cache
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const res = await execa(process.execPath, [cli, 'run', wasmPath, '--timeout', '120'], { reject: false });
    ms.push(performance.now() - t0);
    if (res.exitCode !== 0) throw new Error(`warm asuk run: exit ${res.exitCode}: ${res.stderr}`);
  }
  console.log(`warm asuk run hello.wasm (cached image, median of ${RUNS}): ${median(ms).toFixed(0)} ms launch to exit`);
}

const helloWasm = await clangWasi('hello.c');
const cpuWasm = await clangWasi('cpu.c');
writeFileSync(tmpFile('README'), 'bench/wasi/unikernel.ts scratch\n');
const ONLY = arg('only', '');
const want = (name: string) => !ONLY || ONLY === name;
if (want('hello')) await hello(helloWasm);
if (want('cpu')) await cpu(cpuWasm);
if (want('compile')) await compileSpeed();
if (want('warm')) await warmRun(helloWasm);
