// images/kvstore/record.ts — the log's one binary format, after LevelDB's log
// (doc/log_format.md): the file is a run of fixed 32 KiB blocks, each holding
// physical records (fragments); a logical record (one put or del) is one FULL
// fragment or FIRST, MIDDLE..., LAST across blocks. A block's last 1..6 bytes,
// too few for a header, are a zero trailer.
//
//   fragment:  +0 4  masked CRC-32C over type byte + payload, u32 LE
//              +4 2  payload length L, u16 LE (header + L never cross a block)
//              +6 1  type: 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST (0 + crc 0 + L 0:
//                    zero padding when zeros fill the rest of the block, which
//                    is skipped; else damage)
//              +7 L  payload
//   record:    +0 8  sequence number, u64 LE (1, 2, 3 ... in file order)
//              +8 1  op: 1 = put, 2 = del (a del carries no value)
//              +9 2  key length K, u16 LE, 1..KEY_MAX
//              +11 K key, UTF-8; then the value, UTF-8, to the record's end
//
// CRC-32C is Castagnoli's (reflected poly 0x82f63b78, init and final xor
// 0xffffffff), masked as LevelDB masks it: ((c >>> 15) | (c << 17)) + 0xa282ead8.
//
// Reading (LogReader): a fragment whose bytes run past the end of the file is
// a torn tail (a write cut short by a crash): it ends the log without a word.
// A fragment with a bad checksum, a bad type or a length that crosses its
// block is damage: the reader tries the next fragment after it (its length
// field intact) and else skips to the next block, as LevelDB does. Sequence
// numbers make the loss exact: the gap between two good records is what the
// damage between them cost. Pure: memory only (no VFS), compiled for Node by
// the fuzz target of the reader too.

export const BLOCK: u32 = 32768;
export const FRAG_HEAD: u32 = 7;
export const REC_HEAD: u32 = 11;
export const T_FULL: u8 = 1;
export const T_FIRST: u8 = 2;
export const T_MIDDLE: u8 = 3;
export const T_LAST: u8 = 4;
export const OP_PUT: u8 = 1;
export const OP_DEL: u8 = 2;
export const KEY_MAX: u32 = 4096;
export const VALUE_MAX: u32 = 16 << 20;

const crcTable = new StaticArray<u32>(256);
let crcReady = false;

function crcInit(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    unchecked(crcTable[n] = c);
  }
  crcReady = true;
}

/** Continues CRC-32C state `c` (start with 0xffffffff) over (p, n); finish with `^ 0xffffffff`. */
export function crcUpdate(c: u32, p: usize, n: usize): u32 {
  if (!crcReady) crcInit();
  for (let i: usize = 0; i < n; i++) {
    c = unchecked(crcTable[(c ^ load<u8>(p + i)) & 0xff]) ^ (c >>> 8);
  }
  return c;
}

/** The masked CRC-32C of the fragment at `h`: its type byte then its `len` payload bytes. */
export function fragCrc(h: usize, len: u32): u32 {
  let c = crcUpdate(0xffffffff, h + 6, 1);
  c = crcUpdate(c, h + FRAG_HEAD, <usize>len) ^ 0xffffffff;
  return ((c >>> 15) | (c << 17)) + 0xa282ead8;
}

/** Bytes of the fragments that carry a payload of `n` bytes written from offset `at`. */
export function framedSize(at: u64, n: u32): u64 {
  let end = at;
  let left = n;
  let first = true;
  while (first || left > 0) {
    let room = BLOCK - <u32>(end % <u64>BLOCK);
    if (room < FRAG_HEAD) { end += <u64>room; room = BLOCK; }
    let frag = min(left, room - FRAG_HEAD);
    end += <u64>(FRAG_HEAD + frag);
    left -= frag;
    first = false;
  }
  return end - at;
}

/**
 * Frames payload (src, n) as fragments written at file offset `at` into `dst`
 * (framedSize(at, n) bytes, trailers zeroed). Returns the bytes written.
 */
export function frameInto(dst: usize, at: u64, src: usize, n: u32): u64 {
  let end = at;
  let left = n;
  let first = true;
  while (first || left > 0) {
    let room = BLOCK - <u32>(end % <u64>BLOCK);
    if (room < FRAG_HEAD) {
      memory.fill(dst + <usize>(end - at), 0, room);
      end += <u64>room;
      room = BLOCK;
    }
    let frag = min(left, room - FRAG_HEAD);
    let last = frag == left;
    let h = dst + <usize>(end - at);
    store<u8>(h + 6, first ? (last ? T_FULL : T_FIRST) : (last ? T_LAST : T_MIDDLE));
    store<u16>(h + 4, <u16>frag);
    memory.copy(h + FRAG_HEAD, src + <usize>(n - left), frag);
    store<u32>(h, fragCrc(h, frag));
    end += <u64>(FRAG_HEAD + frag);
    left -= frag;
    first = false;
  }
  return end - at;
}

/** The payload of one record: seq, op, key, value (value "" for a del). */
export function recordPayload(seq: u64, op: u8, key: string, value: string): ArrayBuffer {
  let kb = String.UTF8.encode(key);
  let vb = String.UTF8.encode(value);
  let k = <u32>kb.byteLength;
  let v = <u32>vb.byteLength;
  let out = new ArrayBuffer(<i32>(REC_HEAD + k + v));
  let p = changetype<usize>(out);
  store<u64>(p, seq);
  store<u8>(p + 8, op);
  store<u16>(p + 9, <u16>k);
  memory.copy(p + REC_HEAD, changetype<usize>(kb), k);
  memory.copy(p + REC_HEAD + k, changetype<usize>(vb), v);
  return out;
}

/** One record the reader accepted. */
export class Record {
  seq: u64 = 0;
  op: u8 = 0;
  key: string = "";
  value: string = "";
}

/** The record in payload (p, n), or null when its fields are not a valid record. */
export function recordDecode(p: usize, n: u32): Record | null {
  if (n < REC_HEAD) return null;
  let op = load<u8>(p + 8);
  let k = <u32>load<u16>(p + 9);
  if (op != OP_PUT && op != OP_DEL) return null;
  if (k == 0 || k > KEY_MAX || REC_HEAD + k > n) return null;
  let v = n - REC_HEAD - k;
  if (v > VALUE_MAX || (op == OP_DEL && v != 0)) return null;
  let r = new Record();
  r.seq = load<u64>(p);
  r.op = op;
  r.key = String.UTF8.decodeUnsafe(p + REC_HEAD, k);
  r.value = String.UTF8.decodeUnsafe(p + REC_HEAD + k, v);
  return r;
}
