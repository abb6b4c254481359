// bench/aot/compile-cold.ts — tools/aot's cold path, the CLI's case: each
// run is a fresh node process, so the compiler runs mostly unoptimised (the
// JIT has not warmed up), before and after a change, alternating.
//   cli:  `node scripts/asuk.mjs build IMAGE` (asc cached: loading the CLI,
//         hashing the sources, aot + link, writing the ELF); wall and CPU ms
//         of the process and the CLI's own "aot+link N ms".
//   once: one compile of IMAGE's kernel .wasm for the kernel target in a
//         fresh node on the bundled compiler (compile-bundle.ts): ms to import
//         the bundle and ms of the compile.
// REF's whole tree is extracted into .cache/aot-base/<sha>-tree/ (node_modules
// linked to the checkout's); its first build of IMAGE runs asc there.
//
// Run: `npx vite-node bench/aot/compile-cold.ts -- --base REF [--image hello] [--runs 7]`
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, ROOT, runProc } from '../host/index.ts';
import { bundledCompiler } from './compile-bundle.ts';

/** REF's whole tree (extracted once), with the checkout's node_modules. */
async function baseRepo(ref: string): Promise<string> {
  const r = await runProc('git', ['-C', ROOT, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const sha = r.stdout.trim();
  if (r.exitCode !== 0 || !/^[0-9a-f]{40}$/.test(sha)) throw new Error(`compile-cold: E_USAGE --base ${ref} is not a commit of this repository`);
  const dir = join(ROOT, '.cache', 'aot-base', `${sha}-tree`);
  if (existsSync(join(dir, 'scripts', 'asuk.mjs'))) return dir;
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const x = await runProc('sh', ['-c', `git -C '${ROOT}' archive ${sha} | tar -x -C '${tmp}'`], 300_000);
  if (x.exitCode !== 0) throw new Error(`compile-cold: E_BASE extracting ${sha}: ${x.stderr.trim().split('\n')[0]}`);
  symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'));
  renameSync(tmp, dir);
  return dir;
}

/** Prints the process's CPU ms to stderr at exit (node --import). */
const CPU_REPORTER = "process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write('\\ncold-cpu-ms ' + (c.user + c.system) / 1000 + '\\n'); });\n";

interface Run { wall: number; cpu: number; aot: number }

function cliBuild(repo: string, image: string, reporter: string): Run {
  const out = join(ROOT, '.cache', 'aot-base', `cold-${image}.elf`);
  const t0 = performance.now();
  const p = spawnSync(process.execPath, ['--import', reporter, 'scripts/asuk.mjs', 'build', image, '--out', out], { cwd: repo, encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (p.status !== 0) throw new Error(`compile-cold: E_BUILD ${repo}: ${p.stderr.trim().split('\n').slice(-1)[0]}`);
  const cpu = Number(/cold-cpu-ms ([\d.]+)/.exec(p.stderr)?.[1] ?? NaN), aot = Number(/aot\+link (\d+) ms/.exec(p.stderr)?.[1] ?? NaN);
  return { wall, cpu, aot };
}

/** A fresh node that imports `bundle` and compiles `wasm` once; ms of each. */
function onceCompile(dir: string, wasm: string): { load: number; compile: number } {
  const js = `const t0 = performance.now(); const { compileOnce } = await import(${JSON.stringify(join(dir, 'ab.mjs'))});
const w = new Uint8Array((await import('node:fs')).readFileSync(${JSON.stringify(wasm)})); const t1 = performance.now();
compileOnce(w, 'kernel'); console.log(JSON.stringify({ load: t1 - t0, compile: performance.now() - t1 }));`;
  const p = spawnSync(process.execPath, ['--input-type=module', '-e', js], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`compile-cold: E_COMPILE ${dir}: ${p.stderr.trim().split('\n').slice(-1)[0]}`);
  return JSON.parse(p.stdout);
}

/** The newest kernel .wasm the checkout's build of `image` left. */
function kernelWasm(image: string): string {
  const d = join(ROOT, 'images', image, '.asuk');
  const f = readdirSync(d).filter((n) => n.endsWith('.wasm')).sort((a, b) => statSync(join(d, b)).mtimeMs - statSync(join(d, a)).mtimeMs)[0];
  return join(d, f);
}

const fmt = (xs: number[]): string => `${Math.min(...xs).toFixed(0)} / ${median(xs).toFixed(0)}`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  let base = '', image = 'hello', runs = 7;
  for (let k = 0; k < argv.length; k += 2) {
    const [a, v] = [argv[k], argv[k + 1]];
    if (a === '--base' && v) base = v;
    else if (a === '--image' && v) image = v;
    else if (a === '--runs' && v) runs = Number(v);
    else throw new Error(`compile-cold: E_USAGE unknown argument '${a}' (--base REF, --image NAME, --runs N)`);
  }
  if (!base) throw new Error('compile-cold: E_USAGE --base REF is required');
  const repos: Record<string, string> = { [`base ${base}`]: await baseRepo(base), checkout: ROOT };
  const reporter = join(ROOT, '.cache', 'aot-base', 'cold-cpu.mjs');
  writeFileSync(reporter, CPU_REPORTER);
  for (const r of Object.values(repos)) cliBuild(r, image, reporter);            // asc (cached afterwards), bundle
  const bundles: Record<string, string> = {};
  for (const [n, r] of Object.entries(repos)) {
    const tag = n === 'checkout' ? 'head' : 'base';
    await bundledCompiler(r, tag);
    bundles[n] = join(ROOT, '.cache', 'aot-base', tag);
  }
  const wasm = kernelWasm(image);
  const cli: Record<string, Run[]> = {}, once: Record<string, { load: number; compile: number }[]> = {};
  const names = Object.keys(repos);
  for (const n of names) { cli[n] = []; once[n] = []; }
  for (let k = 0; k < runs; k++) {
    for (const n of k % 2 ? names : [...names].reverse()) {
      cli[n].push(cliBuild(repos[n], image, reporter));
      once[n].push(onceCompile(bundles[n], wasm));
    }
  }
  console.log(`image ${image}, ${runs} alternating cold runs each, best / median ms`);
  console.log('| tree | CLI build wall | CLI build CPU | CLI aot+link | one-shot import | one-shot compile |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const n of names) {
    const c = cli[n], o = once[n];
    console.log(`| ${n} | ${fmt(c.map((x) => x.wall))} | ${fmt(c.map((x) => x.cpu))} | ${fmt(c.map((x) => x.aot))} | ${fmt(o.map((x) => x.load))} | ${fmt(o.map((x) => x.compile))} |`);
  }
}

main().catch((e) => { console.error((e as Error).message); process.exit(1); });
