// tools/cpio — packs a host directory into a CPIO newc archive (the initrd
// format the kernel's fs/cpio loader reads), with cpio-stream.
//
//   index.ts  packDirectory(dir, out, { mtime }): walk, order, hard links
//   newc.ts   the header encoder (layout from fs/cpio/format.ts, shared with
//             the kernel), replacing cpio-stream's, which counts name
//             characters instead of UTF-8 bytes and stamps the trailer with
//             the current time
//   main.ts   CLI: `mkcpio DIR OUT [--mtime N]`
//
// Deterministic: entries in depth-first order, siblings sorted bytewise by
// UTF-8 name (so parents come first); inode numbers assigned 1, 2, ... in
// that order; hard links share one inode, the body stored once with the
// last link (as GNU cpio does); the archive is padded to 512 bytes.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type cpio from 'cpio-stream';     // loaded on first use: it costs a cold CLI start ~100 ms
import { encodeNewc, type NewcHeader } from './newc.ts';

export { encodeNewc, type NewcHeader } from './newc.ts';

export interface PackOptions {
  /** Pin every entry's mtime to this many seconds since the epoch. */
  mtime?: number;
}

export interface PackResult { entries: number; bytes: number }

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** Bodies up to this size are read whole; larger ones are streamed. */
const SMALL = 1 << 20;
/** Archive padding (GNU cpio's block size). */
const BLOCK = 512;

interface Item {
  rel: string;
  abs: string;
  header: NewcHeader;
  /** Write the body of this entry (false for all but the last link of a hard-linked file). */
  body: boolean;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Linux's split of a dev_t into major/minor (include/linux/kdev_t.h new_decode_dev). */
function devSplit(rdev: number): [number, number] {
  const r = BigInt(rdev);
  const major = Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn));
  const minor = Number((r & 0xffn) | ((r >> 12n) & ~0xffn));
  return [major >>> 0, minor >>> 0];
}

/** Lists `dir` depth-first, siblings sorted, with headers; hard links grouped. */
async function collect(dir: string, opts: PackOptions): Promise<Item[]> {
  const items: Item[] = [];
  const links = new Map<string, Item[]>();
  let ino = 1;
  async function visit(abs: string, rel: string): Promise<void> {
    const names = (await readdir(abs)).sort(compareBytes);
    for (const name of names) {
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(a);
      const type = st.mode & S_IFMT;
      const [rdevmajor, rdevminor] = devSplit(st.rdev);
      const header: NewcHeader = {
        name: r, ino: 0, mode: st.mode, uid: st.uid, gid: st.gid, nlink: type === S_IFDIR ? 2 : 1,
        mtime: opts.mtime ?? Math.floor(st.mtimeMs / 1000), size: 0, devmajor: 0, devminor: 0,
        rdevmajor: type === S_IFREG || type === S_IFDIR || type === S_IFLNK ? 0 : rdevmajor,
        rdevminor: type === S_IFREG || type === S_IFDIR || type === S_IFLNK ? 0 : rdevminor,
      };
      const item: Item = { rel: r, abs: a, header, body: true };
      if (type === S_IFREG) header.size = st.size;
      if (type === S_IFLNK) header.size = Buffer.byteLength(await readlink(a));
      const key = `${st.dev}:${st.ino}`;
      const group = type !== S_IFDIR && st.nlink > 1 ? links.get(key) : undefined;
      if (group) header.ino = group[0].header.ino;
      else header.ino = ino++;
      if (type !== S_IFDIR && st.nlink > 1) {
        if (group) group.push(item);
        else links.set(key, [item]);
      }
      items.push(item);
      if (type === S_IFDIR) await visit(a, r);
    }
  }
  await visit(dir, '');
  for (const group of links.values()) {
    group.forEach((it, i) => {
      it.header.nlink = group.length;
      it.body = i === group.length - 1;
      if (!it.body) it.header.size = 0;
    });
  }
  return items;
}

/** Counts bytes through and pads the end with NULs to a multiple of BLOCK. */
class BlockPad extends Transform {
  bytes = 0;
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  _flush(cb: TransformCallback): void {
    const pad = (BLOCK - (this.bytes % BLOCK)) % BLOCK;
    this.bytes += pad;
    cb(null, Buffer.alloc(pad));
  }
}

/** cpio-stream internals we replace: the header encoder and the trailing padding. */
type Pack = ReturnType<typeof cpio.pack> & { _encode: (h: unknown) => Buffer; padding: number };

/** Adds one item to the pack; resolves when its body is in. */
function addItem(pack: Pack, it: Item): Promise<void> {
  const h = it.header;
  const outer = { name: h.name, mode: h.mode, asuk: h };
  const type = h.mode & S_IFMT;
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (type === S_IFLNK) {
      readlink(it.abs).then((t) => pack.entry({ ...outer, linkname: t }, done), reject);
    } else if (type !== S_IFREG) {
      pack.entry(outer, done);
    } else if (!it.body || h.size === 0) {
      pack.entry(outer, Buffer.alloc(0), done);
    } else if (h.size <= SMALL) {
      readFile(it.abs).then((b) => {
        if (b.length !== h.size) throw new Error(`${it.abs}: changed size while packing (EIO)`);
        pack.entry(outer, b, done);
      }).catch(reject);
    } else {
      const sink = pack.entry({ ...outer, size: h.size }, done) as Writable;
      createReadStream(it.abs, { highWaterMark: SMALL }).on('error', reject).pipe(sink);
    }
  });
}

/**
 * Packs directory `dir` (not the directory entry itself: names are relative,
 * without "./") into the newc archive `out`. Modes, uid/gid, symlinks and
 * hard links are kept; device nodes, FIFOs and sockets get header-only
 * entries. Returns the entry count and archive size.
 */
export async function packDirectory(dir: string, out: string, opts: PackOptions = {}): Promise<PackResult> {
  const st = await lstat(dir);
  if (!st.isDirectory()) throw new Error(`mkcpio: ${dir}: not a directory (ENOTDIR)`);
  const items = await collect(dir, opts);
  const { default: cpioStream } = await import('cpio-stream');
  const pack = cpioStream.pack({ format: 'newc' }) as Pack;
  pack._encode = (h: unknown) => encodeNewc((h as { asuk?: NewcHeader }).asuk ?? trailer());
  pack.padding = 0; // we pad (BlockPad); cpio-stream's own padding miscounts past 512 bytes
  const pad = new BlockPad();
  const written = pipeline(pack, pad, await openOut(out));
  written.catch(() => {}); // awaited below; a write error must not escape as an unhandled rejection
  const fill = async () => { for (const it of items) await addItem(pack, it); pack.finalize(); };
  await Promise.race([fill(), written]);
  await written;
  return { entries: items.length, bytes: pad.bytes };
}

/** The output stream, opened (so a missing directory or a denied write is one error line, not a stack). */
async function openOut(out: string): Promise<Writable> {
  const ws = createWriteStream(out);
  try {
    await once(ws, 'open');
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'EIO';
    const why = code === 'ENOENT' && !existsSync(path.dirname(out)) ? `its directory ${path.dirname(out)} does not exist` : code === 'EISDIR' ? 'it is a directory' : (e as Error).message.replace(/^E[A-Z]+: /, '').replace(/, open .*$/, '');
    throw new Error(`mkcpio: cannot write ${out}: ${why} (${code})`);
  }
  return ws;
}

/** The TRAILER!!! header, with every field zero but nlink (as GNU cpio writes it). */
function trailer(): NewcHeader {
  return {
    name: 'TRAILER!!!', ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, size: 0,
    devmajor: 0, devminor: 0, rdevmajor: 0, rdevminor: 0,
  };
}
