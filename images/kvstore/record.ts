// images/kvstore/record.ts — the log's one binary format: a record per put or
// del, self-delimiting and checksummed, so that a log cut short (a crash in
// the middle of a write) is recognised and only its last record lost.
//
//   offset size
//   +0      4   magic "KVR1" (4b 56 52 31)
//   +4      1   op: 1 = put, 2 = del (a del carries no value)
//   +5      1   reserved, 0
//   +6      2   key length K, u16 LE, 1..KEY_MAX
//   +8      4   value length V, u32 LE, 0..VALUE_MAX
//   +12     4   CRC-32 (ISO-HDLC: poly 0xedb88320 reflected, init and
//               final xor 0xffffffff; zlib's crc32) over bytes +0..+12,
//               then the key, then the value
//   +16     K   key, UTF-8
//   +16+K   V   value, UTF-8
//
// Pure: works on memory only (no VFS), so the scan can be checked byte for byte.

export const REC_HEAD: u32 = 16;
export const OP_PUT: u8 = 1;
export const OP_DEL: u8 = 2;
export const KEY_MAX: u32 = 4096;
export const VALUE_MAX: u32 = 16 << 20;
const MAGIC: u32 = 0x3152564b; // "KVR1" read as u32 LE

const crcTable = new StaticArray<u32>(256);
let crcReady = false;

function crcInit(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    unchecked(crcTable[n] = c);
  }
  crcReady = true;
}

/** Continues CRC-32 state `c` (start with 0xffffffff) over (p, n); finish with `^ 0xffffffff`. */
export function crcUpdate(c: u32, p: usize, n: usize): u32 {
  if (!crcReady) crcInit();
  for (let i: usize = 0; i < n; i++) {
    c = unchecked(crcTable[(c ^ load<u8>(p + i)) & 0xff]) ^ (c >>> 8);
  }
  return c;
}

/** The CRC of the record at `p` (head fields + key + value), per the layout above. */
function recordCrc(p: usize, k: u32, v: u32): u32 {
  let c = crcUpdate(0xffffffff, p, 12);
  c = crcUpdate(c, p + REC_HEAD, <usize>(k + v));
  return c ^ 0xffffffff;
}

/**
 * Encodes one record into a fresh buffer: `op` with `key` and `value`
 * (value "" for a del). Returns its bytes.
 */
export function recordEncode(op: u8, key: string, value: string): ArrayBuffer {
  let kb = String.UTF8.encode(key);
  let vb = String.UTF8.encode(value);
  let k = <u32>kb.byteLength;
  let v = <u32>vb.byteLength;
  let out = new ArrayBuffer(<i32>(REC_HEAD + k + v));
  let p = changetype<usize>(out);
  store<u32>(p, MAGIC);
  store<u8>(p + 4, op);
  store<u8>(p + 5, 0);
  store<u16>(p + 6, <u16>k);
  store<u32>(p + 8, v);
  memory.copy(p + REC_HEAD, changetype<usize>(kb), k);
  memory.copy(p + REC_HEAD + k, changetype<usize>(vb), v);
  store<u32>(p + 12, recordCrc(p, k, v));
  return out;
}

/** One record the scan accepted. */
export class Record {
  op: u8 = 0;
  key: string = "";
  value: string = "";
  /** Offset of the byte after this record. */
  end: u64 = 0;
}

/**
 * The record at `off` in the log (p, size), or null when the bytes there are
 * not one whole, valid record (cut short, bad magic, bad lengths, bad CRC).
 */
export function recordAt(p: usize, size: u64, off: u64): Record | null {
  if (off + <u64>REC_HEAD > size) return null;
  let h = p + <usize>off;
  let op = load<u8>(h + 4);
  let k = <u32>load<u16>(h + 6);
  let v = load<u32>(h + 8);
  if (load<u32>(h) != MAGIC || load<u8>(h + 5) != 0 || (op != OP_PUT && op != OP_DEL)) return null;
  if (k == 0 || k > KEY_MAX || v > VALUE_MAX || (op == OP_DEL && v != 0)) return null;
  let end = off + <u64>REC_HEAD + <u64>k + <u64>v;
  if (end > size) return null;
  if (recordCrc(h, k, v) != load<u32>(h + 12)) return null;
  let r = new Record();
  r.op = op;
  r.key = String.UTF8.decodeUnsafe(h + REC_HEAD, k);
  r.value = String.UTF8.decodeUnsafe(h + REC_HEAD + k, v);
  r.end = end;
  return r;
}
