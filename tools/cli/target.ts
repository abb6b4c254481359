// tools/cli/target.ts — what `asuk run|pkg|build [IMAGE]` is about, and the
// Kraftfile that applies:
//
//   an app folder     IMAGE (or, without IMAGE, the working directory) holds app.ts: an
//                     app of its own (tools/cli/app.ts), name from its Kraftfile or folder
//   no IMAGE          the Kraftfile's `name` in the working directory, else DEFAULT_IMAGE (demo)
//   a directory       its Kraftfile (which must name the image)
//   a .wasm file      a WASI command: the app of an image built around it (tools/image/wasm.ts);
//                     also a Kraftfile's `wasm: prog.wasm`
//   an existing file  an ELF to boot as it is (run only)
//   anything else     an image name: images/NAME/app.ts
//
// The Kraftfile read is the working directory's, else the image folder's
// (images/NAME/Kraftfile). Flags override it; -v adds to its volumes.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DEFAULT_IMAGE, ROOT } from '../image/index.ts';
import { isWasmFile } from '../image/wasm.ts';
import { readKraftfileIn, type Kraftfile } from '../kraftfile/index.ts';
import { resolveApp, type AppTarget } from './app.ts';
import { UsageError, warn } from './errors.ts';

export interface Target {
  /** An image to build (images/NAME), or undefined when `elf` is given. */
  image?: string;
  /** An app in its own folder (app.ts + Kraftfile). */
  app?: AppTarget;
  /** An ELF file to boot as it is. */
  elf?: string;
  /** A WASI command (a .wasm file) to build an image around. */
  wasm?: string;
  kraftfile: Kraftfile | null;
}

/** The images under images/ (folders with an app.ts). */
export function imageNames(): string[] {
  const dir = join(ROOT, 'images');
  return existsSync(dir) ? readdirSync(dir).filter((n) => existsSync(join(dir, n, 'app.ts'))).sort() : [];
}

function checkImage(name: string, from: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || !existsSync(join(ROOT, 'images', name, 'app.ts'))) {
    throw new UsageError(`no image '${name}'${from}: give one of ${imageNames().join(', ')}, or a path to an ELF`);
  }
  return name;
}

function noteIgnored(kf: Kraftfile | null): Kraftfile | null {
  if (kf?.ignored.length) {
    warn(`${relative(process.cwd(), kf.path) || kf.path}: ${kf.ignored.map((k) => `'${k}'`).join(', ')} ha${kf.ignored.length > 1 ? 've' : 's'} no effect in asuk (ignored)`);
  }
  return kf;
}

/** Resolves the IMAGE argument (see the file comment). `allowElf`: an ELF path is accepted (run). */
export function resolveTarget(arg: string | undefined, allowElf: boolean): Target {
  const inImages = dirname(resolve(arg ?? '.')) === join(ROOT, 'images');
  const a = inImages ? null : resolveApp(arg);
  if (a) return { app: a.app, kraftfile: noteIgnored(a.kraftfile) };
  const here = readKraftfileIn(process.cwd());
  if (arg !== undefined && existsSync(arg) && statSync(arg).isFile() && isWasmFile(arg)) return { wasm: resolve(arg), kraftfile: noteIgnored(here) };
  if (arg !== undefined && arg.endsWith('.wasm') && !existsSync(arg)) throw new UsageError(`${arg}: no such file`);
  if (arg !== undefined && arg.endsWith('.wasm') && statSync(arg).isFile() && !isWasmFile(arg)) throw new UsageError(`${arg}: not a WebAssembly module (no \\0asm header)`);
  if (arg === undefined && here?.wasm) return wasmOf(here);
  if (arg === undefined) {
    const image = checkImage(here?.name ?? DEFAULT_IMAGE, here?.name ? ` (the Kraftfile's name)` : '');
    return { image, kraftfile: noteIgnored(here ?? readKraftfileIn(join(ROOT, 'images', image))) };
  }
  if (existsSync(arg) && statSync(arg).isDirectory()) {
    const kf = readKraftfileIn(arg);
    if (kf?.wasm) return wasmOf(kf);
    if (!kf) throw new UsageError(`${arg}: a directory without a Kraftfile: give an image name (${imageNames().join(', ')}) or an ELF`);
    if (!kf.name) throw new UsageError(`${kf.path}: has no 'name': add name: IMAGE (one of ${imageNames().join(', ')})`);
    return { image: checkImage(kf.name, ` (named in ${kf.path})`), kraftfile: noteIgnored(kf) };
  }
  if (existsSync(arg) && !existsSync(join(ROOT, 'images', arg, 'app.ts'))) {
    if (!allowElf) throw new UsageError(`${arg}: give an image name (${imageNames().join(', ')}), not a file`);
    return { elf: arg, kraftfile: noteIgnored(here) };
  }
  const image = checkImage(arg, '');
  return { image, kraftfile: noteIgnored(here ?? readKraftfileIn(join(ROOT, 'images', image))) };
}

/** The target of a Kraftfile with `wasm:` (the file must be a WebAssembly module). */
function wasmOf(kf: Kraftfile): Target {
  if (!existsSync(kf.wasm!) || !isWasmFile(kf.wasm!)) throw new UsageError(`${kf.path}: wasm: ${kf.wasm} is not a WebAssembly file`);
  return { wasm: kf.wasm, kraftfile: noteIgnored(kf) };
}
