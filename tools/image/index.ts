// tools/image — builds an image. One pipeline: every image is an app
// (app.ts), a folder with app.ts and a Kraftfile, compiled by asc against
// the asuk package, then tools/aot + tools/link into a multiboot ELF:
//
//   build.ts   what every build shares: ROOT (the package), asc flags, asc run
//              in-process with its diagnostics, the einitrd archive, PACKAGE_LIB
//   app.ts     an app folder -> entry.ts -> kernel.wasm (cached by source hash)
//              -> ELF; what it links follows from its imports
//   index.ts   (this file) images/NAME of this repository by name, for the CLI,
//              the tests and the benchmarks: the same app build, cached in
//              images/NAME/.asuk, the Kraftfile's rootfs embedded as the einitrd
//
// asc's output is cached keyed by a hash of every AssemblyScript source and
// the asc flags, so a warm build only compiles Wasm to x86-64 and links.

import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { readKraftfileIn } from '../kraftfile/index.ts';
import { appFeatures, buildApp, compileAppWasm, type AppFeatures } from './app.ts';
import { ImageError, ROOT, type BuildResult } from './build.ts';

export {
  ASC_FLAGS, BuildResult, ImageError, ROOT, SHADOW_STACK, clockExports, listSources, mountLines, PACKAGE_LIB, packageFlags, packageReadFile,
  rootfsArchive, runAsc,
} from './build.ts';
export type { AppFeatures } from './app.ts';

export const DEFAULT_IMAGE = 'demo';

export interface BuildOptions {
  out?: string;
  root?: string;
  /** A directory or CPIO archive to embed as the einitrd (overrides the Kraftfile's `rootfs`). */
  rootfs?: string;
  /** The einitrd cannot be replaced at boot. */
  locked?: boolean;
}

/** images/NAME: the app's folder; one error naming the images there when it has no app.ts. */
export function imageDir(name: string, root = ROOT): string {
  const dir = join(root, 'images', name);
  if (!/^[A-Za-z0-9._-]+$/.test(name) || !existsSync(join(dir, 'app.ts'))) {
    throw new ImageError(`no image '${name}': ${relative(process.cwd(), join(dir, 'app.ts'))} does not exist`);
  }
  return dir;
}

/** What images/NAME links (from its imports): files (VFS, mounts), 9p volumes, the network. */
export function imageFeatures(name: string, root = ROOT): AppFeatures {
  return appFeatures(imageDir(name, root));
}

/** Compiles images/NAME to Wasm (cached by source hash). Returns the .wasm bytes. */
export async function compileImageWasm(name: string, root = ROOT): Promise<{ wasm: Uint8Array; cached: boolean }> {
  const { wasm, cached } = await compileAppWasm({ dir: imageDir(name, root), out: '' });
  return { wasm, cached };
}

/** The rootfs images/NAME embeds: its Kraftfile's `rootfs:` (undefined without one). */
export function imageRootfs(name: string, root = ROOT): string | undefined {
  return readKraftfileIn(imageDir(name, root))?.rootfs;
}

/**
 * Builds images/NAME into an ELF (default out.elf in the repository root),
 * its Kraftfile's rootfs embedded as the einitrd unless `o.rootfs` replaces it.
 */
export async function buildImage(name = DEFAULT_IMAGE, o: BuildOptions = {}): Promise<BuildResult & { features: AppFeatures }> {
  const root = o.root ?? ROOT;
  const dir = imageDir(name, root);
  const rootfs = o.rootfs ?? imageRootfs(name, root);
  return buildApp({ dir, out: resolve(o.out ?? join(root, 'out.elf')), rootfs, locked: o.locked });
}
