// tools/oci/flatten.ts — an image (OCI layout directory, `docker save`
// tarball, gzip-compressed or not) or a plain filesystem tarball (`docker
// export`, `tar -C rootfs -cf`) flattened into one directory tree.
//
// A tarball is first unpacked as it is into a staging directory (no
// whiteout processing: it is a container of blobs); if that holds a
// manifest.json or an OCI layout it is an image, else the tarball itself is
// the single layer of a filesystem.

import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { lstat, mkdir, rm, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type tar from 'tar-stream';       // loaded on first use (a cold CLI start need not pay for it)
import { isDockerArchiveDir, isOciLayout, readHead, sniffBytes } from './detect.ts';
import { OciError } from './errors.ts';
import { dockerArchiveLayers, layerName, ociLayoutLayers, type LayerRef } from './image.ts';
import { cleanEntryName, drained, Flattener, makeParents, type FlattenStats, type TarBody } from './layer.ts';

export type SourceKind = 'oci-layout' | 'docker-archive' | 'oci-archive' | 'tar';

export interface FlattenOptions {
  /** Called before each long step ("layer 2/3 sha256:ab12 (12.0 MiB)"). */
  progress?: (message: string) => void;
  /** Where to unpack a tarball's blobs (default: `<out>.staging`, removed afterwards). */
  staging?: string;
}

export interface FlattenResult extends FlattenStats { kind: SourceKind }

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** Unpacks the tarball `file` (tar or gzip'd tar) as it is into `dir`: files, directories, symlinks. */
export async function unpackTarball(file: string, dir: string): Promise<void> {
  const kind = sniffBytes(readHead(file, 512));
  const ex = (await import('tar-stream')).default.extract();
  ex.on('entry', (h, body, next) => { stageEntry(dir, h, body as unknown as TarBody).then(() => next(), (e) => next(e)); });
  try {
    await pipeline(createReadStream(file), kind === 'gzip' ? createGunzip() : new PassThrough(), ex);
  } catch (e) {
    throw new OciError('invalid', `${file}: ${(e as Error).message}`);
  }
}

async function stageEntry(dir: string, h: tar.Header, body: TarBody): Promise<void> {
  const rel = cleanEntryName(h.name);
  const ended = drained(body);
  try {
    if (rel === null || rel === '') return;
    const abs = join(dir, rel);
    const parent = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    if (!(await makeParents(dir, parent))) return; // never write through a symlink
    if (await lstat(abs).catch(() => null)) return; // first entry of a name wins (blobs are immutable)
    if (h.type === 'directory') await mkdir(abs);
    else if (h.type === 'file' || h.type === 'contiguous-file') await pipeline(Readable.from(body), createWriteStream(abs));
    else if (h.type === 'symlink') await symlink(h.linkname ?? '', abs);
  } finally {
    body.resume();
    await ended;
  }
}

/** True when the tarball `file` has an image's top-level files (manifest.json, or oci-layout + index.json). */
export async function tarballIsImage(file: string): Promise<boolean> {
  const kind = sniffBytes(readHead(file, 512));
  const top = new Set<string>();
  const ex = (await import('tar-stream')).default.extract();
  ex.on('entry', (h, body, next) => {
    const rel = cleanEntryName(h.name);
    if (rel && !rel.includes('/')) top.add(rel);
    body.on('end', () => next()).resume();
  });
  try {
    await pipeline(createReadStream(file), kind === 'gzip' ? createGunzip() : new PassThrough(), ex);
  } catch (e) {
    throw new OciError('invalid', `${file}: ${(e as Error).message}`);
  }
  return top.has('manifest.json') || (top.has('oci-layout') && top.has('index.json'));
}

/** The layers of an image directory, or null when `dir` is not one. */
function layersOf(dir: string): { kind: 'oci-layout' | 'docker-archive'; layers: LayerRef[] } | null {
  if (isDockerArchiveDir(dir)) return { kind: 'docker-archive', layers: dockerArchiveLayers(dir) };
  if (isOciLayout(dir)) return { kind: 'oci-layout', layers: ociLayoutLayers(dir) };
  return null;
}

async function applyAll(root: string, layers: LayerRef[], out: string, o: FlattenOptions): Promise<FlattenStats> {
  const f = new Flattener(out);
  for (const [i, l] of layers.entries()) {
    o.progress?.(`flattening layer ${i + 1}/${layers.length} ${layerName(root, l)} (${mib(statSync(l.path).size)})`);
    await f.apply(l.path, l.digest);
  }
  return f.finish();
}

/**
 * Flattens the image or filesystem tarball at `src` into the directory
 * `out` (created; must not exist or be empty). Returns what it was and counts.
 */
export async function flattenOci(src: string, out: string, o: FlattenOptions = {}): Promise<FlattenResult> {
  mkdirSync(out, { recursive: true });
  if (statSync(src).isDirectory()) {
    const img = layersOf(src);
    if (!img) throw new OciError('invalid', `${src}: neither an OCI image layout (oci-layout + index.json) nor an unpacked docker save archive`);
    return { kind: img.kind === 'oci-layout' ? 'oci-layout' : 'docker-archive', ...(await applyAll(src, img.layers, out, o)) };
  }
  o.progress?.(`reading ${src} (${mib(statSync(src).size)})`);
  if (!(await tarballIsImage(src))) {
    o.progress?.(`extracting ${src} as a filesystem tarball`);
    const f = new Flattener(out);
    await f.apply(src);
    return { kind: 'tar', ...(await f.finish()) };
  }
  const staging = o.staging ?? `${out}.staging`;
  await rm(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    o.progress?.(`unpacking ${src}`);
    await unpackTarball(src, staging);
    const img = layersOf(staging);
    if (!img) throw new OciError('internal', `${src}: image files vanished after unpacking`);
    const kind = img.kind === 'oci-layout' ? 'oci-archive' : 'docker-archive';
    return { kind, ...(await applyAll(staging, img.layers, out, o)) };
  } finally {
    if (existsSync(staging)) await rm(staging, { recursive: true, force: true });
  }
}
