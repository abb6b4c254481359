// tools/oci/image.ts — the ordered layer list of an image on disk:
//
//   - an OCI image layout (OCI image-spec v1.1 "image-layout.md"): index.json
//     -> a manifest descriptor (an image index is followed to its
//     linux/amd64 manifest, "image-index.md" §platform) -> layers[], each a
//     blob at blobs/<algorithm>/<encoded>;
//   - a `docker save` archive unpacked to a directory: manifest.json is
//     `[{ Config, RepoTags, Layers: [path, ...] }]`, layer paths relative to
//     the archive root (Docker 25+ writes both forms; manifest.json wins).
//
// Layers come base first, as both formats list them ("manifest.md" §layers).

import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { OciError } from './errors.ts';

export interface LayerRef {
  /** The layer's file (a tar, maybe gzip-compressed). */
  path: string;
  /** `sha256:<hex>` when the format names the blob by digest (checked while reading). */
  digest?: string;
  mediaType?: string;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string };
  annotations?: Record<string, string>;
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
/** OCI image-spec descriptor.md §digests: algorithm ":" encoded. */
const DIGEST = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new OciError('invalid', `${what}: missing`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new OciError('invalid', `${what}: not JSON (${(e as Error).message})`);
  }
}

/** A path inside `root` for `rel`; refuses names that leave it (after symlinks). */
function inside(root: string, rel: string, what: string): string {
  const p = join(root, rel);
  if (!existsSync(p)) throw new OciError('invalid', `${what}: ${rel} is missing`);
  const real = realpathSync(p), top = realpathSync(root);
  if (real !== top && !real.startsWith(top + sep)) throw new OciError('invalid', `${what}: ${rel} points outside the image`);
  if (!statSync(real).isFile()) throw new OciError('invalid', `${what}: ${rel} is not a file`);
  return real;
}

/** The blob file of `digest` in layout `root`. */
function blobPath(root: string, digest: string): string {
  const m = DIGEST.exec(digest);
  if (!m) throw new OciError('invalid', `bad digest '${digest}'`);
  return inside(root, join('blobs', m[1], m[2]), `blob ${digest}`);
}

/** Picks linux/amd64 from an index's manifests (attestations skipped); the only one when there is one. */
function pickManifest(list: Descriptor[], where: string): Descriptor {
  const images = list.filter((d) => d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  if (images.length === 0) throw new OciError('invalid', `${where}: lists no manifests`);
  if (images.length === 1) return images[0];
  const amd64 = images.find((d) => d.platform?.os === 'linux' && d.platform?.architecture === 'amd64');
  if (amd64) return amd64;
  const noPlatform = images.find((d) => !d.platform);
  if (noPlatform) return noPlatform;
  const have = images.map((d) => `${d.platform?.os}/${d.platform?.architecture}`).join(', ');
  throw new OciError('unsupported', `${where}: no linux/amd64 image (has ${have}): save the amd64 variant`);
}

function asDescriptors(v: unknown, where: string): Descriptor[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'object' || d === null || typeof d.digest !== 'string')) {
    throw new OciError('invalid', `${where}: expected a list of descriptors with digests`);
  }
  return v as Descriptor[];
}

/** Follows index -> (index ->)* manifest -> layers, at most a few levels deep. */
function layoutLayers(root: string, desc: Descriptor, depth: number): LayerRef[] {
  if (depth > 4) throw new OciError('invalid', 'image indexes nested too deeply');
  const doc = readJson(blobPath(root, desc.digest), `blob ${desc.digest}`) as Record<string, unknown>;
  const type = desc.mediaType ?? (doc.mediaType as string | undefined);
  if ((type && INDEX_TYPES.has(type)) || (!type && Array.isArray(doc.manifests))) {
    const list = asDescriptors(doc.manifests, `index ${desc.digest}`);
    return layoutLayers(root, pickManifest(list, `index ${desc.digest}`), depth + 1);
  }
  const layers = asDescriptors(doc.layers, `manifest ${desc.digest}`);
  return layers.map((l) => ({ path: blobPath(root, l.digest), digest: l.digest, mediaType: l.mediaType }));
}

/** The layers of the OCI image layout at `root`. */
export function ociLayoutLayers(root: string): LayerRef[] {
  const index = readJson(join(root, 'index.json'), 'index.json') as { manifests?: unknown };
  const list = asDescriptors(index.manifests, 'index.json');
  return layoutLayers(root, pickManifest(list, 'index.json'), 0);
}

/** The layers of an unpacked `docker save` archive at `root` (its first image). */
export function dockerArchiveLayers(root: string): LayerRef[] {
  const m = readJson(join(root, 'manifest.json'), 'manifest.json');
  if (!Array.isArray(m) || m.length === 0) throw new OciError('invalid', 'manifest.json: expected a non-empty list of images');
  if (m.length > 1) {
    throw new OciError('unsupported', `manifest.json: the archive holds ${m.length} images: save one (docker save IMAGE -o img.tar)`);
  }
  const layers = (m[0] as { Layers?: unknown }).Layers;
  if (!Array.isArray(layers) || layers.some((l) => typeof l !== 'string')) {
    throw new OciError('invalid', 'manifest.json: Layers must be a list of paths');
  }
  return (layers as string[]).map((l) => {
    const digest = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(l);
    return { path: inside(root, l, 'manifest.json layer'), digest: digest ? `sha256:${digest[1]}` : undefined };
  });
}

/** Short, human name of a layer for progress lines. */
export function layerName(root: string, l: LayerRef): string {
  return l.digest ? l.digest.slice(0, 19) : relative(root, l.path);
}
