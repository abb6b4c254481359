// tools/oci/detect.ts — what a file is, by its first bytes (never by its
// name): CPIO newc, tar (POSIX ustar, GNU, or v7 by header checksum), gzip,
// zstd, a Dockerfile, or unknown. And whether a directory is an OCI image
// layout (OCI image-layout spec §"oci-layout file" + index.json).

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type FileKind = 'cpio' | 'tar' | 'gzip' | 'zstd' | 'dockerfile' | 'unknown';

/** Bytes read to sniff a file: one tar header block plus room for a Dockerfile's comment lines. */
export const SNIFF_BYTES = 8192;

/** The first `n` bytes of `path` (fewer when the file is shorter). */
export function readHead(path: string, n = SNIFF_BYTES): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

const ascii = (b: Uint8Array, at: number, len: number) => Buffer.from(b.subarray(at, at + len)).toString('latin1');

/** POSIX.1-1988 tar header (512 bytes): checksum at 148 (8 octal bytes) over the header with that field as spaces. */
function tarChecksumOk(b: Uint8Array): boolean {
  if (b.length < 512) return false;
  const field = ascii(b, 148, 8).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]+$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i];
  return sum === parseInt(field, 8);
}

/** True when `b` starts with a tar header: `ustar` magic at 257 (POSIX/GNU) or a valid v7 checksum. */
export function looksLikeTar(b: Uint8Array): boolean {
  if (b.length >= 262 && ascii(b, 257, 5) === 'ustar') return true;
  return tarChecksumOk(b);
}

/** True when `b` is text whose first instruction is FROM (or ARG, allowed before FROM). */
export function looksLikeDockerfile(b: Uint8Array): boolean {
  if (b.includes(0)) return false;
  const text = Buffer.from(b).toString('utf8').replace(/^\uFEFF/, '');
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    return /^(FROM|ARG)\s+\S/i.test(line);
  }
  return false;
}

/** What `head` (a file's first bytes) is. */
export function sniffBytes(head: Uint8Array): FileKind {
  if (head.length >= 6 && /^07070[12]$/.test(ascii(head, 0, 6))) return 'cpio';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (looksLikeTar(head)) return 'tar';
  if (looksLikeDockerfile(head)) return 'dockerfile';
  return 'unknown';
}

/** What the first bytes of a gzip stream decompress to ('unknown' when the head is not enough). */
export function sniffGzipped(head: Uint8Array): FileKind {
  try {
    const inner = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: accept a truncated stream */ });
    return sniffBytes(inner.subarray(0, SNIFF_BYTES));
  } catch {
    return 'unknown';
  }
}

/** True when `dir` is an OCI image layout: an `oci-layout` file and an `index.json`. */
export function isOciLayout(dir: string): boolean {
  return existsSync(join(dir, 'oci-layout')) && existsSync(join(dir, 'index.json'))
    && statSync(join(dir, 'index.json')).isFile();
}

/** True when `dir` is an unpacked `docker save` archive (a `manifest.json` naming layers). */
export function isDockerArchiveDir(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json')) && statSync(join(dir, 'manifest.json')).isFile();
}
