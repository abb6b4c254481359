// tools/fuzz/kvlog.ts — the kvstore log format (images/kvstore/record.ts,
// LevelDB's log: 32 KiB blocks, fragments with a masked CRC-32C over type and
// payload) written out a second time for the host, from its definition: tests
// and the fuzz generator write logs with it and check the bytes the guest
// wrote, so the guest's encoder is not checked against itself.

export const BLOCK = 32768;
export const FRAG_HEAD = 7;
export const REC_HEAD = 11;
const T_FULL = 1, T_FIRST = 2, T_MIDDLE = 3, T_LAST = 4;

let table: Uint32Array | null = null;

/** CRC-32C (Castagnoli, reflected 0x82f63b78). */
export function crc32c(b: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const x of b) c = table[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** LevelDB's mask of a stored CRC. */
export const maskCrc = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

export interface KvRecord { seq: number; op: 'put' | 'del'; key: string; value: string }

/** The payload of one record. */
export function payloadOf(r: KvRecord): Buffer {
  const k = Buffer.from(r.key, 'utf8'), v = Buffer.from(r.value, 'utf8');
  const h = Buffer.alloc(REC_HEAD);
  h.writeBigUInt64LE(BigInt(r.seq), 0);
  h[8] = r.op === 'put' ? 1 : 2;
  h.writeUInt16LE(k.length, 9);
  return Buffer.concat([h, k, v]);
}

/** Fragments of `payload` written at file offset `at` (with block trailers). */
export function frame(payload: Buffer, at: number): Buffer {
  const parts: Buffer[] = [];
  let end = at, left = payload.length, first = true;
  while (first || left > 0) {
    let room = BLOCK - (end % BLOCK);
    if (room < FRAG_HEAD) { parts.push(Buffer.alloc(room)); end += room; room = BLOCK; }
    const n = Math.min(left, room - FRAG_HEAD);
    const last = n === left;
    const h = Buffer.alloc(FRAG_HEAD);
    h[6] = first ? (last ? T_FULL : T_FIRST) : (last ? T_LAST : T_MIDDLE);
    h.writeUInt16LE(n, 4);
    const body = payload.subarray(payload.length - left, payload.length - left + n);
    h.writeUInt32LE(maskCrc(crc32c(Buffer.concat([h.subarray(6, 7), body]))), 0);
    parts.push(h, body);
    end += FRAG_HEAD + n;
    left -= n;
    first = false;
  }
  return Buffer.concat(parts);
}

/** A whole log of these records (seq as given). */
export function encodeLog(recs: KvRecord[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const r of recs) { const f = frame(payloadOf(r), at); parts.push(f); at += f.length; }
  return Buffer.concat(parts);
}

/** Where each record's first fragment starts and where it ends, in a log written by encodeLog. */
export function recordSpans(recs: KvRecord[]): { start: number; end: number }[] {
  let at = 0;
  return recs.map((r) => {
    const f = frame(payloadOf(r), at);
    const trailer = BLOCK - (at % BLOCK) < FRAG_HEAD ? BLOCK - (at % BLOCK) : 0;
    const span = { start: at + trailer, end: at + f.length };
    at += f.length;
    return span;
  });
}

/**
 * The good records of a log, strictly: fragments read in order from offset 0,
 * stopping at the first that is not whole and valid (no resync). For checking
 * what the guest wrote, not for recovering damage.
 */
export function decodeStrict(log: Buffer): { recs: KvRecord[]; end: number } {
  const recs: KvRecord[] = [];
  let off = 0, parts: Buffer[] = [];
  while (off < log.length) {
    const room = BLOCK - (off % BLOCK);
    if (room < FRAG_HEAD) { off += room; continue; }
    if (off + FRAG_HEAD > log.length) break;
    const len = log.readUInt16LE(off + 4), type = log[off + 6];
    if (type === 0 && len === 0 && log.readUInt32LE(off) === 0) { off += room; continue; }
    if (FRAG_HEAD + len > room || off + FRAG_HEAD + len > log.length) break;
    const body = log.subarray(off + FRAG_HEAD, off + FRAG_HEAD + len);
    if (maskCrc(crc32c(Buffer.concat([log.subarray(off + 6, off + 7), body]))) !== log.readUInt32LE(off)) break;
    if (type < T_FULL || type > T_LAST) break;
    off += FRAG_HEAD + len;
    if (type === T_FULL || type === T_FIRST) parts = [];
    parts.push(body);
    if (type === T_FULL || type === T_LAST) {
      const p = Buffer.concat(parts);
      const k = p.readUInt16LE(9);
      recs.push({ seq: Number(p.readBigUInt64LE(0)), op: p[8] === 1 ? 'put' : 'del', key: p.toString('utf8', REC_HEAD, REC_HEAD + k), value: p.toString('utf8', REC_HEAD + k) });
    }
  }
  return { recs, end: off };
}

/** `key value` lines a store of these records lists (keys sorted by UTF-16 code units). */
export function listOf(recs: KvRecord[]): string[] {
  const m = new Map<string, string>();
  for (const r of recs) { if (r.op === 'put') m.set(r.key, r.value); else m.delete(r.key); }
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => `${k} ${m.get(k)}`);
}
