// tools/image — builds an image: images/NAME/app.ts + kernel/ drivers/ fs/
// --asc--> kernel.wasm --tools/link (boot stub + tools/aot + ELF32)--> out.elf.
//
// asc runs in-process through its API. Its output is cached under
// build/NAME/ keyed by a hash of every AssemblyScript source and the asc
// flags, so a warm build only compiles Wasm to x86-64 and links.
// app.ts builds an app that lives in its own folder (asuk init) the same way.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { buildKernelElf } from '../link/index.ts';
import { packDirectory } from '../cpio/index.ts';
import { checkCpio, CpioError } from '../cpio/check.ts';
import { sniffBytes } from '../oci/index.ts';

/** The repository root: the nearest folder above this file (or the bundle) whose package.json is asuk's. */
export const ROOT = findRoot(dirname(new URL(import.meta.url).pathname));

function findRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'asuk') return d;
    if (dirname(d) === d) throw new ImageError(`cannot find the asuk repository above ${from}`);
  }
}
export const DEFAULT_IMAGE = 'demo';

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
const SOURCE_DIRS = ['kernel', 'drivers', 'fs', 'net'];

export interface BuildOptions {
  out?: string;
  root?: string;
  /** A directory or CPIO archive to embed as the einitrd (overrides image.json's `rootfs`). */
  rootfs?: string;
  /** The einitrd cannot be replaced at boot (overrides image.json's `locked`). */
  locked?: boolean;
}

/** images/NAME/image.json: what an image is built with. Paths are relative to the image's folder. */
export interface ImageConfig {
  name?: string;
  description?: string;
  /** The app uses files: link the VFS and mount the boot modules (implied by `rootfs` and `9p`). */
  vfs?: boolean;
  /** Host volumes over virtio-9p: link PCI, virtio and the 9pfs fstab driver. */
  '9p'?: boolean;
  rootfs?: string;
  locked?: boolean;
  /** The app uses the network: `asuk run` gives it a virtio-net NIC even without -p. */
  net?: boolean;
}
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

/** What an image links in beyond the kernel core (asc drops everything unreachable). */
interface Features { vfs: boolean; p9: boolean }

function featuresOf(c: ImageConfig): Features {
  const p9 = c['9p'] === true;
  return { vfs: p9 || c.vfs === true || c.rootfs !== undefined, p9 };
}

/** What images/NAME links: files (VFS, mounts) and 9p volumes, from its image.json. */
export function imageFeatures(name: string, root = ROOT): { files: boolean; volumes: boolean } {
  const f = featuresOf(readImageConfig(name, root));
  return { files: f.vfs, volumes: f.p9 };
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
 * The kernel entry the boot stub calls. Images that use files link in the
 * boot-time mounts, and those with `"9p": true` the 9pfs driver too; the
 * others carry no VFS (or no PCI/virtio/9P) at all.
 */
function entrySource(name: string, f: Features): string {
  const lines = ['// Generated by tools/image: the kernel entry the boot stub calls.',
    'import { kernelMain } from "../../kernel/index";'];
  if (f.vfs) lines.push(...mountLines('../..', f));
  lines.push(`import { main } from "../../images/${name}/app";`, ...clockExports('../../kernel'));
  lines.push('export function asuk_main(magic: u32, mbi: u32, tsc0: u64, imageEnd: u32): i32 {',
    `  return kernelMain(magic, mbi, tsc0, imageEnd, main${f.vfs ? ', mount, rootfsReport' : ''});`, '}', '');
  return lines.join('\n');
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

/** Compiles images/NAME to Wasm (cached by source hash). Returns the .wasm bytes. */
export async function compileImageWasm(name: string, root = ROOT): Promise<{ wasm: Uint8Array; cached: boolean }> {
  const app = join(root, 'images', name, 'app.ts');
  if (!existsSync(app)) throw new ImageError(`no image '${name}': ${relative(process.cwd(), app)} does not exist`);
  const files: string[] = [];
  for (const d of [...SOURCE_DIRS, join('images', name)]) listSources(join(root, d), files);
  const features = featuresOf(readImageConfig(name, root));
  const h = createHash('sha256').update(ASC_FLAGS.join(' ')).update(JSON.stringify(features));
  for (const f of files) h.update(relative(root, f)).update('\0').update(readFileSync(f));
  const key = h.digest('hex').slice(0, 16);
  const dir = join(root, 'build', name);
  const wasmPath = join(dir, `kernel-${key}.wasm`);
  if (existsSync(wasmPath)) return { wasm: readFileSync(wasmPath), cached: true };
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, entrySource(name, features));
  await runAsc(root, entry, wasmPath);
  return { wasm: readFileSync(wasmPath), cached: false };
}

/** Reads images/NAME/image.json ({} when there is none). */
export function readImageConfig(name: string, root = ROOT): ImageConfig {
  const p = join(root, 'images', name, 'image.json');
  if (!existsSync(p)) return {};
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as ImageConfig;
  } catch (e) {
    throw new ImageError(`${relative(process.cwd(), p)}: ${(e as Error).message}`);
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

/** Builds images/NAME into an ELF (default out.elf in the repository root). */
export async function buildImage(name = DEFAULT_IMAGE, o: BuildOptions = {}): Promise<BuildResult> {
  const root = o.root ?? ROOT;
  const t0 = performance.now();
  const config = readImageConfig(name, root);
  const rootfsPath = o.rootfs ?? (config.rootfs ? join(root, 'images', name, config.rootfs) : undefined);
  const einitrd = rootfsPath ? await rootfsArchive(rootfsPath, join(root, 'build', name)) : undefined;
  const { wasm, cached } = await compileImageWasm(name, root);
  const t1 = performance.now();
  const { elf } = buildKernelElf(wasm, { einitrd, locked: o.locked ?? config.locked ?? false });
  const out = resolve(o.out ?? join(root, 'out.elf'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, elf);
  const t2 = performance.now();
  return {
    elf: out, wasm, elfBytes: elf.length, cached, einitrdBytes: einitrd?.length ?? 0,
    ms: { asc: t1 - t0, link: t2 - t1, total: t2 - t0 },
  };
}
