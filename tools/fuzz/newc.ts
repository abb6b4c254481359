// tools/fuzz/newc.ts — CPIO newc archives as the fuzzer needs them: entries
// with names as raw bytes (invalid UTF-8, control bytes, `..`), any mode,
// and a lenient reader that lists every header it can find in mutated bytes.
// The layout is fs/cpio/format.ts's (one definition, shared with the kernel).

import {
  CPIO_ALIGN, CPIO_HEADER_SIZE, CPIO_MAGIC_NEWC, CPIO_OFF_FILESIZE, CPIO_OFF_MODE,
  CPIO_OFF_NAMESIZE, CPIO_OFF_NLINK, CPIO_OFF_INO,
} from '../../fs/cpio/format.ts';

export const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000;
export const S_IFIFO = 0o010000, S_IFCHR = 0o020000, S_IFBLK = 0o060000, S_IFSOCK = 0o140000;

export interface Entry { name: Buffer; mode: number; body: Buffer; ino: number; nlink: number }

const hex = (v: number) => (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
const pad4 = (n: number) => (CPIO_ALIGN - (n % CPIO_ALIGN)) % CPIO_ALIGN;

/** One entry: header, name + NUL, padding, body, padding (sizes may be forced by `size`). */
export function encodeEntry(e: Entry, size = e.body.length): Buffer {
  const name = Buffer.concat([e.name, Buffer.from([0])]);
  const h = Buffer.alloc(CPIO_HEADER_SIZE, '0', 'latin1');
  h.write(CPIO_MAGIC_NEWC, 0, 'latin1');
  const put = (off: number, v: number) => h.write(hex(v), off, 'latin1');
  put(CPIO_OFF_INO, e.ino);
  put(CPIO_OFF_MODE, e.mode);
  put(CPIO_OFF_NLINK, e.nlink);
  put(CPIO_OFF_FILESIZE, size);
  put(CPIO_OFF_NAMESIZE, name.length);
  return Buffer.concat([h, name, Buffer.alloc(pad4(CPIO_HEADER_SIZE + name.length)), e.body, Buffer.alloc(pad4(e.body.length))]);
}

const TRAILER: Entry = { name: Buffer.from('TRAILER!!!'), mode: 0, body: Buffer.alloc(0), ino: 0, nlink: 1 };

/** A whole archive of these entries, with the trailer, padded to 512 bytes. */
export function encodeArchive(entries: Entry[], trailer = true): Buffer {
  const parts = entries.map((e) => encodeEntry(e));
  if (trailer) parts.push(encodeEntry(TRAILER));
  const b = Buffer.concat(parts);
  return Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
}

/** Where each entry's header starts in encodeArchive(entries). */
export function entryOffsets(entries: Entry[]): number[] {
  let at = 0;
  return entries.map((e) => { const o = at; at += encodeEntry(e).length; return o; });
}

export interface Parsed {
  entries: (Entry & { offset: number })[];
  /** True when the bytes are a well-formed archive to its trailer. */
  valid: boolean;
}

/**
 * Reads headers from the start: stops at the trailer, at the end, or at the
 * first header that is not well formed (then `valid` is false).
 */
export function parseArchive(b: Buffer): Parsed {
  const entries: Parsed['entries'] = [];
  let at = 0;
  while (at + CPIO_HEADER_SIZE <= b.length) {
    if (b.toString('latin1', at, at + 6) !== CPIO_MAGIC_NEWC) return { entries, valid: false };
    const f = (off: number) => {
      const s = b.toString('latin1', at + off, at + off + 8);
      return /^[0-9A-Fa-f]{8}$/.test(s) ? parseInt(s, 16) : -1;
    };
    const mode = f(CPIO_OFF_MODE), size = f(CPIO_OFF_FILESIZE), nsz = f(CPIO_OFF_NAMESIZE), ino = f(CPIO_OFF_INO), nlink = f(CPIO_OFF_NLINK);
    if ([mode, size, nsz, ino, nlink].some((v) => v < 0) || nsz < 1) return { entries, valid: false };
    for (let k = 6; k < CPIO_HEADER_SIZE; k += 8) if (!/^[0-9A-Fa-f]{8}$/.test(b.toString('latin1', at + k, at + k + 8))) return { entries, valid: false };
    const nameEnd = at + CPIO_HEADER_SIZE + nsz;
    if (nameEnd > b.length || b[nameEnd - 1] !== 0) return { entries, valid: false };
    const name = b.subarray(at + CPIO_HEADER_SIZE, nameEnd - 1);
    if (name.includes(0)) return { entries, valid: false };
    const bodyAt = nameEnd + pad4(CPIO_HEADER_SIZE + nsz);
    if (name.toString('latin1') === 'TRAILER!!!') return { entries, valid: true };
    if (bodyAt + size > b.length) return { entries, valid: false };
    entries.push({ name: Buffer.from(name), mode, body: b.subarray(bodyAt, bodyAt + size), ino, nlink, offset: at });
    at = bodyAt + size + pad4(size);
  }
  return { entries, valid: false };
}

/** The path a name means in the tree: "/", ".", empty components dropped; null when it has `..` or is empty. */
export function normName(name: Buffer): Buffer | null {
  const comps: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i < name.length && name[i] !== 0x2f) continue;
    const c = name.subarray(start, i);
    start = i + 1;
    if (c.length === 0 || (c.length === 1 && c[0] === 0x2e)) continue;
    if (c.length === 2 && c[0] === 0x2e && c[1] === 0x2e) return null;
    comps.push(c);
  }
  if (!comps.length) return null;
  return Buffer.concat(comps.flatMap((c) => [Buffer.from('/'), c]));
}
