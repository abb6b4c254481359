// tools/oci/layer.ts — applies image layers, base first, onto a directory
// (OCI image-spec v1.1 "layer.md"):
//
//   - §Whiteouts: an entry `DIR/.wh.NAME` deletes DIR/NAME from the layers
//     below; `DIR/.wh..wh..opq` makes DIR opaque: everything lower layers put
//     under DIR is hidden. Neither hides what the same layer adds, whatever
//     the entry order (the spec only recommends whiteouts first).
//   - §Changesets: an entry replaces what lower layers had at its path; a
//     directory over a directory keeps the children.
//   - Hard links name their target by its path in the image; symlinks are
//     stored as they are (never followed). An entry whose parent path is a
//     symlink, or whose name leaves the root (`..`), is skipped and counted:
//     extraction never writes outside the root.
//   - Device nodes and FIFOs cannot be created without mknod: skipped, counted.
//   - Modes, mtimes (and owners when running as root) are kept; directory
//     modes are applied at the end (`finish`), so a read-only directory can
//     still receive its children.
//
// Compression by magic: tar or gzip (node:zlib); zstd is refused.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, readdir, rm, symlink, utimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type tar from 'tar-stream';       // loaded on first use (a cold CLI start need not pay for it)
import { readHead, sniffBytes } from './detect.ts';
import { OciError } from './errors.ts';

export interface FlattenStats {
  layers: number;
  entries: number;
  whiteouts: number;
  /** Entries not created, by reason ("device node", "path through a symlink", ...). */
  skipped: Record<string, number>;
}

interface Meta { mode: number; mtime: Date; uid: number; gid: number }

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';
const AS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** `name` as a clean relative path, or null when it leaves the root. '' is the root itself. */
export function cleanEntryName(name: string): string | null {
  if (name.split('/').includes('..')) return null; // GNU tar refuses such members too
  const n = posix.normalize(`/${name}`).replace(/^\/+/, '').replace(/\/+$/, '');
  return n === '.' ? '' : n;
}

/** An entry's body as tar-stream gives it (a streamx Readable). */
export interface TarBody extends AsyncIterable<Uint8Array> {
  once(event: string, listener: () => void): unknown;
  resume(): unknown;
}

/**
 * Resolves when `body` has ended (or failed). Call before reading it; then,
 * after using it, `body.resume()` and await this, so tar-stream moves on.
 */
export function drained(body: TarBody): Promise<void> {
  return new Promise<void>((res) => {
    body.once('end', () => res());
    body.once('close', () => res());
    body.once('error', () => res());
  });
}

/**
 * Makes the directories of relative path `dir` exist under `root` (a file in
 * the way is replaced); false, creating nothing more, when one is a symlink.
 */
export async function makeParents(root: string, dir: string): Promise<boolean> {
  let cur = root;
  for (const part of dir ? dir.split('/') : []) {
    cur = join(cur, part);
    const st = await lstat(cur).catch(() => null);
    if (st?.isSymbolicLink()) return false;
    if (st?.isDirectory()) continue;
    if (st) await rm(cur, { force: true });
    await mkdir(cur, { mode: 0o755 });
  }
  return true;
}

/** Applies layers to `root` one after the other; call `finish` after the last. */
export class Flattener {
  readonly stats: FlattenStats = { layers: 0, entries: 0, whiteouts: 0, skipped: {} };
  private dirs = new Map<string, Meta>();
  /** Paths the current layer created, and every ancestor of one. */
  private created = new Set<string>();
  private touched = new Set<string>();

  constructor(readonly root: string) {}

  private skip(reason: string): void {
    this.stats.skipped[reason] = (this.stats.skipped[reason] ?? 0) + 1;
  }

  /** Applies the layer file `path`; `digest` (sha256:...) is checked when given. */
  async apply(path: string, digest?: string): Promise<void> {
    const kind = sniffBytes(readHead(path, 512));
    if (kind === 'zstd') throw new OciError('unsupported', `layer ${digest ?? path}: zstd-compressed layers are not supported (save the image with gzip or uncompressed layers)`);
    if (kind !== 'tar' && kind !== 'gzip') throw new OciError('invalid', `layer ${digest ?? path}: neither a tar nor a gzip-compressed tar`);
    this.created.clear();
    this.touched.clear();
    const hash = createHash('sha256');
    const tap = new Transform({ transform(c, _e, cb) { hash.update(c); cb(null, c); } });
    const ex = (await import('tar-stream')).default.extract();
    ex.on('entry', (h, body, next) => {
      this.entry(h, body as unknown as TarBody).then(() => next(), (e) => next(e));
    });
    const inflate = kind === 'gzip' ? createGunzip() : new PassThrough();
    try {
      await pipeline(createReadStream(path), tap, inflate, ex);
    } catch (e) {
      if (e instanceof OciError) throw e;
      throw new OciError('invalid', `layer ${digest ?? path}: ${(e as Error).message}`);
    }
    if (digest?.startsWith('sha256:') && hash.digest('hex') !== digest.slice(7)) {
      throw new OciError('invalid', `layer ${digest}: content does not match its digest (a corrupt or truncated image)`);
    }
    this.stats.layers++;
  }

  /** One tar entry; always consumes its body (tar-stream reads the next header only after it). */
  private async entry(h: tar.Header, body: TarBody): Promise<void> {
    const ended = drained(body);
    try {
      await this.entryInner(h, body);
    } finally {
      body.resume();
      await ended;
    }
  }

  private async entryInner(h: tar.Header, body: TarBody): Promise<void> {
    const rel = cleanEntryName(h.name);
    if (rel === null) return this.skip('name outside the root');
    if (rel === '') return;
    const base = posix.basename(rel), dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    if (base === OPAQUE) { this.stats.whiteouts++; return this.opaque(dir); }
    if (base.startsWith(WH + WH)) return this.skip('AUFS metadata');
    if (base.startsWith(WH)) { this.stats.whiteouts++; return this.whiteout(posix.join(dir, base.slice(WH.length))); }
    if (!(await this.parents(dir))) return this.skip('path through a symlink');
    this.mark(rel);
    await this.place(rel, h, body);
  }

  /** Records `rel` as created by this layer (and its ancestors as touched). */
  private mark(rel: string): void {
    this.created.add(rel);
    for (let d = rel; d.includes('/');) { d = d.slice(0, d.lastIndexOf('/')); this.touched.add(d); }
    this.touched.add('');
  }

  private parents(dir: string): Promise<boolean> { return makeParents(this.root, dir); }

  /** Creates entry `rel` from header `h`, replacing what was there. */
  private async place(rel: string, h: tar.Header, body: TarBody): Promise<void> {
    const abs = join(this.root, rel);
    const old = await lstat(abs).catch(() => null);
    const meta: Meta = { mode: h.mode & 0o7777, mtime: h.mtime ?? new Date(0), uid: h.uid, gid: h.gid };
    if (old && !(old.isDirectory() && h.type === 'directory')) await this.remove(rel);
    this.stats.entries++;
    switch (h.type) {
      case 'directory':
        if (!old?.isDirectory()) await mkdir(abs, { mode: 0o700 });
        this.dirs.set(rel, meta);
        return;
      case 'file': case 'contiguous-file':
        await pipeline(Readable.from(body), createWriteStream(abs, { mode: 0o600 }));
        return this.own(abs, meta, false);
      case 'symlink':
        await symlink(h.linkname ?? '', abs);
        return this.own(abs, meta, true);
      case 'link':
        return this.hardLink(rel, h.linkname ?? '');
      default:
        this.stats.entries--;
        return this.skip(h.type === 'fifo' ? 'FIFO' : 'device node');
    }
  }

  private async hardLink(rel: string, target: string): Promise<void> {
    const t = cleanEntryName(target);
    const st = t ? await lstat(join(this.root, t)).catch(() => null) : null;
    if (t === null || !t || !st || st.isDirectory()) { this.stats.entries--; return this.skip('hard link to a missing file'); }
    await link(join(this.root, t), join(this.root, rel));
  }

  /** Sets mode, owner (as root) and mtime of a file or symlink. */
  private async own(abs: string, m: Meta, isLink: boolean): Promise<void> {
    if (AS_ROOT) await lchown(abs, m.uid, m.gid);
    if (!isLink) await chmod(abs, m.mode);
    if (isLink) await lutimes(abs, m.mtime, m.mtime);
    else await utimes(abs, m.mtime, m.mtime);
  }

  /** Deletes `rel` (and what lies under it) with its recorded directory modes. */
  private async remove(rel: string): Promise<void> {
    await rm(join(this.root, rel), { recursive: true, force: true });
    for (const k of this.dirs.keys()) if (k === rel || k.startsWith(`${rel}/`)) this.dirs.delete(k);
  }

  /** `.wh.NAME`: removes what lower layers put at `rel`. */
  private async whiteout(rel: string): Promise<void> {
    const clean = cleanEntryName(rel);
    if (clean === null || clean === '') return this.skip('name outside the root');
    if (this.created.has(clean)) return; // the same layer's own entry stays (layer.md: lower layers only)
    await this.remove(clean);
  }

  /** `.wh..wh..opq`: hides everything lower layers put under `dir`; this layer's entries stay. */
  private async opaque(dir: string): Promise<void> {
    if (!(await this.parents(dir))) return this.skip('path through a symlink');
    const abs = join(this.root, dir);
    const st = await lstat(abs).catch(() => null);
    if (!st) await mkdir(abs, { mode: 0o755 });
    else if (st.isDirectory()) await this.prune(dir);
  }

  /** Removes the children of `dir` that this layer neither created nor lies under. */
  private async prune(dir: string): Promise<void> {
    for (const name of await readdir(join(this.root, dir))) {
      const rel = dir ? `${dir}/${name}` : name;
      if (this.touched.has(rel) || this.created.has(rel)) {
        const st = await lstat(join(this.root, rel));
        if (st.isDirectory()) await this.prune(rel);
      } else {
        await this.remove(rel);
      }
    }
  }

  /** Applies directory modes, owners and mtimes, deepest first. Call once after the last layer. */
  async finish(): Promise<FlattenStats> {
    const order = [...this.dirs.keys()].sort((a, b) => b.split('/').length - a.split('/').length);
    for (const rel of order) {
      const m = this.dirs.get(rel)!;
      const abs = join(this.root, rel);
      if (!(await lstat(abs).catch(() => null))?.isDirectory()) continue;
      if (AS_ROOT) await lchown(abs, m.uid, m.gid);
      await chmod(abs, m.mode);
      await utimes(abs, m.mtime, m.mtime);
    }
    return this.stats;
  }
}
