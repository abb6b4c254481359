// tools/cli/app.ts — apps in their own folder (`asuk init` makes one): a
// folder with app.ts (and usually a Kraftfile) is an app; `name` defaults to
// the folder's name, as in kraft. Also what every target needs at boot: the
// environment (Kraftfile `env:` then -e, later wins per key) and kernel
// arguments (-a) as kernel options, and the "does this image have files"
// check behind --rootfs and -v.

import { existsSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { buildApp, type AppSpec } from '../image/app.ts';
import { buildImage, ROOT, type BuildResult } from '../image/index.ts';
import { envPairError, readKraftfileIn, type Kraftfile } from '../kraftfile/index.ts';
import { UsageError } from './errors.ts';

export interface AppTarget { dir: string; name: string }

/** The app `arg` names (a folder with app.ts), or the working directory when it is one; else null. */
export function resolveApp(arg: string | undefined): { app: AppTarget; kraftfile: Kraftfile | null } | null {
  const dir = resolve(arg ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !existsSync(join(dir, 'app.ts'))) return null;
  const kf = readKraftfileIn(dir);
  const name = kf?.name ?? basename(dir);
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`app name '${name}' (${kf?.name ? 'Kraftfile' : 'folder name'}): use letters, digits, '.', '_' or '-' (set name: in the Kraftfile)`);
  return { app: { dir, name }, kraftfile: kf };
}

/** The environment: the Kraftfile's pairs, then -e flags (a later KEY replaces an earlier one). */
export function mergeEnv(fromFile: string[], fromFlags: string[]): string[] {
  const m = new Map<string, string>();
  for (const p of [...fromFile, ...fromFlags]) {
    const e = envPairError(p);
    if (e) throw new UsageError(`-e ${e}`);
    m.set(p.slice(0, p.indexOf('=')), p);
  }
  return [...m.values()];
}

/** A word for the kernel command line: quoted when it holds spaces, quotes or backslashes. */
function quoteWord(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Kernel options for the environment (`env.vars=[ "K=V" ... ]`, Unikraft's spelling) and -a words (raw). */
export function bootOptions(env: string[], kernelArgs: string[]): string[] {
  const out: string[] = [];
  if (env.length) out.push(`env.vars=[ ${env.map(quoteWord).join(' ')} ]`);
  for (const a of kernelArgs) {
    if (a === '--') throw new UsageError(`-a '--': kernel arguments cannot hold '--' (app arguments go after asuk's own --)`);
    if (a.includes('\0')) throw new UsageError('-a: a kernel argument cannot hold a NUL byte');
    out.push(a); // raw, as the kernel reads option words (quotes and [ ... ] lists are the user's)
  }
  return out;
}

export interface BuiltTarget extends BuildResult { files: boolean; volumes: boolean; net: boolean }

/** Builds an app or images/NAME (the same app build; its own Kraftfile's rootfs embedded) into `out`. */
export async function buildTarget(t: { image?: string; app?: AppTarget }, out: string,
  o: { rootfs?: string; locked?: boolean; bake?: AppSpec['bake'] } = {}): Promise<BuiltTarget> {
  const r = t.app
    ? await buildApp({ dir: t.app.dir, out, rootfs: o.rootfs, locked: o.locked, bake: o.bake })
    : await buildImage(t.image, { out, rootfs: o.rootfs, locked: o.locked });
  return { ...r, ...r.features };
}

/** One error line when a flag needs a part the image does not link (instead of ENOENT at boot). */
export function checkParts(what: string, b: { files: boolean; volumes: boolean }, o: { rootfs: boolean; volumes: boolean }): void {
  const fix = `import from "asuk/files" in the app`;
  if (o.rootfs && !b.files) throw new UsageError(`${what} uses no files (no VFS linked), so a rootfs would never be read: ${fix}, or drop --rootfs / the Kraftfile's rootfs:`);
  if (o.volumes && !b.volumes) throw new UsageError(`${what} has no 9p volume driver, so a volume would never be mounted: ${fix}, or drop -v / the Kraftfile's volumes:`);
}

/** Shell-quotes an argument vector for printing (--dry-run). */
export function shellLine(words: string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** How a target is named in messages. */
export function targetLabel(t: { image?: string; app?: AppTarget; elf?: string }): string {
  return t.app ? (relative(process.cwd(), t.app.dir) || t.app.name) : (t.image ?? t.elf ?? '?');
}

/** Where a --rootfs directory is packed (cached by content): the app's .asuk/, else the checkout's build/. */
export function rootfsCache(t: { app?: AppTarget }): string {
  return t.app ? join(t.app.dir, '.asuk', 'rootfs') : join(ROOT, 'build', 'rootfs');
}
