// tools/image/build.ts — what every image build shares (an app in its own
// folder and images/NAME alike, tools/image/app.ts): the asc flags, asc run
// in-process with its diagnostics kept, the entry's generated mount and clock
// lines, the rootfs archive for an einitrd, and where the asuk package is.

import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { packDirectory } from '../cpio/index.ts';
import { checkCpio, CpioError } from '../cpio/check.ts';
import { sniffBytes } from '../oci/index.ts';

/** The asuk package (this checkout, or node_modules/asuk): the nearest folder above this file (or the bundle) whose package.json is asuk's. */
export const ROOT = findRoot(dirname(new URL(import.meta.url).pathname));

function findRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'asuk') return d;
    if (dirname(d) === d) throw new ImageError(`cannot find the asuk repository above ${from}`);
  }
}

/**
 * AssemblyScript's shadow stack (GC roots of the incremental runtime; asc's
 * default is 32 KiB). It must outlast the native stack (boot/layout.ts
 * STACK_SIZE, 256 KiB, where every frame is at least as big): then a runaway
 * recursion hits the native stack check first, whose trap names the
 * function (`panic: trap: call stack exhausted in <function>`), instead of
 * the shadow stack's overflow abort, which names no function.
 */
export const SHADOW_STACK = 512 * 1024;

/** The flags every kernel is compiled with; see DESIGN.md (memory at 1 MiB, panic on abort). */
export const ASC_FLAGS = [
  '-O3', '--runtime', 'incremental', '--memoryBase', '1048576', '--stackSize', String(SHADOW_STACK),
  '--use', 'abort=kernel/panic/kernelAbort', '--noExportMemory',
  // Keeps the name section (same code, ~2 KB more) so traps and objdump name functions.
  '--debug',
];

export interface BuildResult {
  elf: string;
  wasm: Uint8Array;
  elfBytes: number;
  cached: boolean;
  /** Bytes of the embedded initrd, 0 without one. */
  einitrdBytes: number;
  ms: { asc: number; link: number; total: number };
}

export class ImageError extends Error {
  /** `detail`: text printed as it is above the one error line (asc's diagnostics). */
  constructor(message: string, readonly detail?: string) { super(message); this.name = 'ImageError'; }
}

/** Appends every .ts file under `dir` (sorted; node_modules and dot folders skipped) to `out`. */
export function listSources(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir).sort()) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) listSources(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
}

/**
 * The exports tools/aot binds AssemblyScript's `env.Date.now` and `env.seed`
 * imports to (tools/aot/kernel-imports.ts): the RTC wall clock, the kernel's
 * random generator. `kernel` is the import path of kernel/.
 */
export function clockExports(kernel: string): string[] {
  return [`import { wallClockMs } from "${kernel}/rtc";`, `import { randomSeed } from "${kernel}/random";`,
    'export function asuk_date_now(): f64 { return <f64>wallClockMs(); }',
    'export function asuk_seed(): f64 { return randomSeed(); }'];
}

/**
 * The entry's `mount` step for an image that uses files: the fstab drivers it
 * links register with kernel/rootfs (kernel/rootfs/drivers.ts), then the
 * boot-time mounts run. `k` is the import prefix of asuk's sources.
 */
export function mountLines(k: string, f: { p9: boolean }): string[] {
  const L = [`import { rootfsMount, rootfsReport } from "${k}/kernel/rootfs/index";`,
    `import { ramfsFstabInit } from "${k}/fs/ramfs/index";`, `import { cpioFstabInit } from "${k}/fs/cpio/index";`];
  if (f.p9) L.push(`import { p9fsFstabInit } from "${k}/fs/9pfs/index";`);
  L.push('function mount(imageEnd: usize, options: string[]): void {', '  ramfsFstabInit();', '  cpioFstabInit();');
  if (f.p9) L.push('  p9fsFstabInit();');
  L.push('  rootfsMount(imageEnd, options);', '}');
  return L;
}

/**
 * Runs asc in-process in folder `root` on `entry` -> `outFile`. On errors throws
 * ImageError whose detail is asc's diagnostics as asc prints them
 * (file:line:col, the source line, a caret).
 */
export async function runAsc(root: string, entry: string, outFile: string, flags: string[] = ASC_FLAGS,
  transforms: object[] = []): Promise<void> {
  const asc = await import('assemblyscript/asc');
  const args = [relative(root, entry), ...flags, '-o', relative(root, outFile)];
  // asc colours its diagnostics whenever CI is set; they are ours to print, so
  // colour only when they will reach a terminal and NO_COLOR is unset.
  if (!process.stderr.isTTY || process.env.NO_COLOR) args.push('--noColors');
  let stderr = '';
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const r = await asc.main(args, {
      transforms: transforms as never,
      readFile: packageReadFile,
      stdout: asc.createMemoryStream(),
      stderr: { write(s: string | Uint8Array) { stderr += String(s); return true; } } as never,
    });
    if (r.error) {
      const diag = stderr.replace(/^FAILURE .*$/m, '').trimEnd();
      throw new ImageError(`asc: ${r.error.message} (shown above)`, diag);
    }
  } finally {
    process.chdir(cwd);
  }
}

/**
 * Returns the CPIO bytes for a rootfs given as a directory (packed, cached
 * under build/NAME/) or an archive (checked). Decided by content, not by name.
 */
export async function rootfsArchive(path: string, cacheDir: string): Promise<Uint8Array> {
  if (!existsSync(path)) throw new ImageError(`rootfs ${path}: no such file or directory`);
  let bytes: Uint8Array;
  if (statSync(path).isDirectory()) {
    mkdirSync(cacheDir, { recursive: true });
    const out = join(cacheDir, 'rootfs.cpio');
    await packDirectory(path, out);
    bytes = readFileSync(out);
  } else {
    bytes = readFileSync(path);
    if (sniffBytes(bytes) !== 'cpio') throw new ImageError(`rootfs ${path}: neither a directory nor a CPIO archive (newc)`);
  }
  try {
    checkCpio(bytes);
  } catch (e) {
    if (e instanceof CpioError) throw new ImageError(`rootfs ${path}: ${e.message}`);
    throw e;
  }
  return bytes;
}

/**
 * Where asc is told (`--path`) the package "asuk" lives. No such folder
 * exists: packageReadFile serves PACKAGE_LIB/asuk/… from ROOT, so sources
 * importing "asuk/…" compile against this package with or without a
 * node_modules beside them, and no link back into the tree is made.
 */
export const PACKAGE_LIB = '/.asuk-package-lib';

/** asc's `readFile` (asc.main options): PACKAGE_LIB/asuk/… from ROOT, anything else from disk; null when missing. */
export async function packageReadFile(name: string, baseDir: string): Promise<string | null> {
  let p = resolve(baseDir, name);
  const prefix = `${PACKAGE_LIB}/asuk/`;
  if (p.startsWith(prefix)) p = join(ROOT, p.slice(prefix.length));
  try {
    return await readFile(p, 'utf8');
  } catch {
    return null;
  }
}

/** The asc flags for sources that import the package as "asuk/…": abort resolves inside it; a source map for file:line. */
export function packageFlags(): string[] {
  return [...ASC_FLAGS.map((f) => f.startsWith('abort=') ? 'abort=~lib/asuk/kernel/panic/kernelAbort' : f), '--path', PACKAGE_LIB, '--sourceMap'];
}
