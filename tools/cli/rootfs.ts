// tools/cli/rootfs.ts — `--rootfs PATH` to a CPIO archive, the type decided
// by content (never by the name):
//
//   directory with oci-layout + index.json  OCI image layout -> flatten -> pack
//   other directory                         pack (tools/cpio)
//   CPIO newc file                          used as it is (checked)
//   tar (or gzip'd tar)                     docker save / OCI archive / plain
//                                           filesystem tar -> flatten -> pack
//   gzip'd CPIO                             decompressed
//   Dockerfile                              refused: BuildKit is not here
//
// Results are cached under build/rootfs/<key>.cpio, the key a SHA-256 of the
// input's content (a directory: every path, mode, owner, mtime and byte).

import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { packDirectory } from '../cpio/index.ts';
import { checkCpio } from '../cpio/check.ts';
import { flattenOci, isOciLayout, readHead, sniffBytes, sniffGzipped, type FlattenStats } from '../oci/index.ts';
import { UsageError, warn } from './errors.ts';
import { progress, step } from './progress.ts';

/** Bump when packing changes, so old cached archives are not reused. */
const CACHE_VERSION = 'asuk-rootfs-1';

export type RootfsKind = 'cpio' | 'cpio.gz' | 'directory' | 'oci-layout' | 'image-tarball';

export interface Rootfs {
  /** The CPIO archive to pass as -initrd or embed. */
  cpio: string;
  kind: RootfsKind;
  bytes: number;
  cached: boolean;
}

/** The one line for a Dockerfile given as rootfs. */
export const DOCKERFILE_LINE = 'is a Dockerfile: building it needs BuildKit, which is not available here; '
  + 'build and save the image with Docker instead (docker build -t IMG . && docker save IMG -o img.tar) and pass --rootfs img.tar';

async function hashFile(h: Hash, path: string): Promise<void> {
  await pipeline(createReadStream(path), async function* (src) { for await (const c of src) h.update(c as Buffer); });
}

/** Hashes a directory tree: sorted names, type, mode, owner, mtime, size and content. */
async function hashDir(h: Hash, dir: string, rel = ''): Promise<void> {
  for (const name of (await readdir(join(dir, rel))).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const p = join(dir, r);
    const st = await lstat(p);
    h.update(`${r}\0${st.mode}\0${st.uid}\0${st.gid}\0${Math.floor(st.mtimeMs)}\0${st.size}\0${st.nlink}\0`);
    if (st.isDirectory()) await hashDir(h, dir, r);
    else if (st.isSymbolicLink()) h.update(await readlink(p));
    else if (st.isFile() && st.size < 1 << 20) h.update(await readFile(p));
    else if (st.isFile()) await hashFile(h, p);
  }
}

/** The cache key of `path` as kind `kind`. */
async function cacheKey(path: string, kind: string): Promise<string> {
  const h = createHash('sha256').update(`${CACHE_VERSION}\0${kind}\0`);
  if (kind === 'directory') await hashDir(h, path);
  else if (kind === 'oci-layout') {
    h.update(readFileSync(join(path, 'index.json'))); // digests pin every manifest and layer
    await hashDir(h, join(path, 'blobs')).catch(() => undefined);
  } else await hashFile(h, path);
  return h.digest('hex').slice(0, 24);
}

/** Packs `dir` into `out` atomically (temp name, then rename). */
async function packTo(dir: string, out: string): Promise<void> {
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await packDirectory(dir, tmp);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function reportSkipped(path: string, s: FlattenStats): void {
  const parts = Object.entries(s.skipped).map(([why, n]) => `${n} ${why}${n > 1 ? 's' : ''}`);
  if (parts.length) warn(`${path}: skipped ${parts.join(', ')} while flattening`);
}

/** Flattens the image at `path` into a directory next to `out`, packs it, removes the directory. */
async function flattenTo(path: string, out: string): Promise<void> {
  const dir = `${out}.${process.pid}.d`;
  rmSync(dir, { recursive: true, force: true });
  try {
    const stats = await step(`flattening ${path}`, () => flattenOci(path, dir, { progress }));
    reportSkipped(path, stats);
    await step(`packing the flattened tree`, () => packTo(dir, out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decompresses a gzip'd CPIO into `out` atomically. */
async function gunzipTo(path: string, out: string): Promise<void> {
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(tmp));
    renameSync(tmp, out);
  } catch (e) {
    throw new UsageError(`rootfs ${path}: cannot decompress: ${(e as Error).message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** What `path` is, or a UsageError saying why it cannot be a rootfs. */
function classify(path: string): RootfsKind {
  if (!existsSync(path)) throw new UsageError(`rootfs ${path}: no such file or directory`);
  const st = statSync(path);
  if (st.isDirectory()) return isOciLayout(path) ? 'oci-layout' : 'directory';
  if (!st.isFile()) throw new UsageError(`rootfs ${path}: not a regular file or directory`);
  const head = readHead(path);
  const kind = sniffBytes(head);
  if (kind === 'cpio') return 'cpio';
  if (kind === 'tar') return 'image-tarball';
  if (kind === 'dockerfile') throw new UsageError(`rootfs ${path} ${DOCKERFILE_LINE}`);
  if (kind === 'gzip') {
    const inner = sniffGzipped(head);
    if (inner === 'cpio') return 'cpio.gz';
    if (inner === 'tar') return 'image-tarball';
  }
  if (kind === 'zstd') throw new UsageError(`rootfs ${path}: zstd-compressed: decompress it first (zstd -d), or give a tar, CPIO or directory`);
  throw new UsageError(`rootfs ${path}: unknown type: give a directory, a CPIO archive (newc), an OCI image (docker save tarball or OCI layout) or a filesystem tarball`);
}

/** Checks a CPIO archive as the kernel's loader would. */
function checked(path: string): void {
  try {
    checkCpio(readFileSync(path));
  } catch (e) {
    throw new UsageError(`rootfs ${path}: a malformed CPIO archive: ${(e as Error).message} (repack it with asuk mkcpio DIR OUT)`);
  }
}

/** Turns `path` into a CPIO archive (cached in `cacheDir`). */
export async function resolveRootfs(path: string, cacheDir: string): Promise<Rootfs> {
  const kind = classify(path);
  if (kind === 'cpio') {
    checked(path);
    return { cpio: path, kind, bytes: statSync(path).size, cached: false };
  }
  mkdirSync(cacheDir, { recursive: true });
  const key = await cacheKey(path, kind);
  const out = join(cacheDir, `${key}.cpio`);
  const cached = existsSync(out);
  if (!cached) {
    if (kind === 'directory') await step(`packing ${path}`, () => packTo(path, out));
    else if (kind === 'cpio.gz') await gunzipTo(path, out);
    else await flattenTo(path, out);
  }
  if (kind === 'cpio.gz') checked(out);
  return { cpio: out, kind, bytes: statSync(out).size, cached };
}
