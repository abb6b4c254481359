// images/kvstore/reader.ts — LogReader: the records of a log in memory (the
// format is record.ts's), with what a crash or damage cost. Pure: no VFS.
//
//   torn tail   the last fragment runs past the end of the file, or a record
//               lacks its LAST fragment at the end: a write cut short. It ends
//               the log silently; `torn` is where it starts (the writer cuts
//               it off before appending).
//   damage      a bad checksum, type or length, an orphan MIDDLE/LAST, a
//               FIRST without its LAST before the next record: the reader
//               steps over the fragment (its length kept it inside its block)
//               or else skips to the next block. `lost` counts the records it
//               cost: exact (the gap in sequence numbers) where a good record
//               follows; for damage after the last good record, 1 (`lostExact`
//               false, a lower bound, when more than one damaged header or a
//               skipped block was seen there).
//   resync      a bad fragment's length is trusted only when no good record
//               starts inside the span it claims (else the reader resumes
//               there). After a length that cannot be trusted, it looks for
//               the next valid FULL/FIRST fragment in the block (a byte scan,
//               each candidate checksummed) before giving the block up. A
//               fragment running past the end with a good one after it is
//               damage, not a torn tail: good records are never cut off.

import {
  BLOCK, FRAG_HEAD, T_FIRST, T_FULL, T_LAST, T_MIDDLE, Record, fragCrc, recordDecode,
} from "./record";

const F_FRAG = 0;
const F_EOF = 1;
const F_TORN = 2;
const F_BAD = 3;
const F_BAD_LEN = 4;

export class LogReader {
  p: usize;
  size: u64;
  pos: u64 = 0;
  /** Where a torn tail starts; `size` when there is none. */
  torn: u64;
  /** Records lost to damage, counted so far. */
  lost: u64 = 0;
  /** False when part of `lost` is a lower bound (a block skipped after the last good record). */
  lostExact: bool = true;
  /** Offset of the first damaged fragment, -1 when none. */
  firstDamage: i64 = -1;
  /** Damaged record starts after the last good record (not yet in `lost`). */
  pending: u64 = 0;
  pendingSkip: bool = false;
  /** The part of `lost` after the last good record (set at the end). */
  tailLost: u64 = 0;
  lastSeq: u64 = 0;
  records: u64 = 0;
  private fOff: u64 = 0;
  private fLen: u32 = 0;
  private fType: u8 = 0;
  /** A good fragment readFrag found past a damaged one (0: none). */
  private resync: u64 = 0;
  private buf: usize = 0;
  private bufLen: u32 = 0;
  private bufCap: u32 = 0;

  constructor(p: usize, size: u64) { this.p = p; this.size = size; this.torn = size; }

  /** The next good record, or null at the end (then `finish()` has been applied). */
  next(): Record | null {
    let inRec = false;
    let start: u64 = 0;
    while (true) {
      let k = this.readFrag();
      if (k == F_EOF || k == F_TORN) {
        // A torn look right after damage may be a damaged length: count as a lower bound.
        if (k == F_TORN && this.pending > 0) this.lostExact = false;
        if (inRec) this.torn = start;
        else if (k == F_TORN) this.torn = this.fOff;
        this.finish();
        return null;
      }
      if (k != F_FRAG) {
        this.damage(this.fOff, this.fType == T_FULL || this.fType == T_FIRST || this.fType > T_LAST || this.fType == 0);
        inRec = false;
        if (k == F_BAD) this.stepOverBad();
        else this.skipDamage();
        continue;
      }
      let t = this.fType;
      if (t == T_FULL || t == T_FIRST) {
        if (inRec) this.damage(start, true);
        inRec = true;
        start = this.fOff;
        this.bufLen = 0;
      } else if (!inRec) { this.damage(this.fOff, false); continue; }
      this.gather();
      if (t == T_FIRST || t == T_MIDDLE) continue;
      inRec = false;
      let r = this.accept(start);
      if (r !== null) return r;
    }
  }

  /**
   * Past a fragment with a bad checksum or type. Its length is only trusted
   * when no good record starts inside the span it claims: a flipped length
   * must not swallow the record after it.
   */
  private stepOverBad(): void {
    let end = this.fOff + <u64>(FRAG_HEAD + this.fLen);
    let at = this.scan(this.fOff + 1, end);
    this.pos = at >= 0 ? <u64>at : end;
  }

  /**
   * After a fragment whose length cannot be trusted: on to the next good
   * record start in its block (found by scan, or already by readFrag), else
   * to the next block, its records counted only as a lower bound.
   */
  private skipDamage(): void {
    let blockEnd = this.fOff - this.fOff % <u64>BLOCK + <u64>BLOCK;
    let at: i64 = this.resync > 0 ? <i64>this.resync : this.scan(this.fOff + 1, min<u64>(blockEnd, this.size));
    this.resync = 0;
    if (at >= 0) { this.pos = <u64>at; return; }
    this.pos = blockEnd;
    this.pendingSkip = true;
  }

  /** True when every byte from `pos` to `end` is zero. */
  private zerosTo(end: u64): bool {
    for (let off = this.pos; off < end; off++) if (load<u8>(this.p + <usize>off) != 0) return false;
    return true;
  }

  /** The first offset in [from, to) holding a valid FULL or FIRST fragment, or -1. */
  private scan(from: u64, to: u64): i64 {
    for (let off = from; off < to; off++) {
      let room = BLOCK - <u32>(off % <u64>BLOCK);
      if (room < FRAG_HEAD || off + <u64>FRAG_HEAD > this.size) continue;
      let h = this.p + <usize>off;
      let len = <u32>load<u16>(h + 4);
      let type = load<u8>(h + 6);
      if (type != T_FULL && type != T_FIRST) continue;
      if (FRAG_HEAD + len > room || off + <u64>(FRAG_HEAD + len) > this.size) continue;
      if (fragCrc(h, len) == load<u32>(h)) return <i64>off;
    }
    return -1;
  }

  /** Folds damage after the last good record into `lost`. */
  private finish(): void {
    if (this.pending == 0 && !this.pendingSkip) return;
    // No good record follows to tell by its sequence number: one damaged
    // record start is a count; more (garbage read as headers) is a lower bound.
    this.tailLost = 1;
    this.lost += 1;
    if (this.pendingSkip || this.pending > 1) this.lostExact = false;
    this.pending = 0;
    this.pendingSkip = false;
  }

  /** Decodes the gathered payload; a stale or invalid one is damage. */
  private accept(start: u64): Record | null {
    let r = recordDecode(this.buf, this.bufLen);
    if (r === null || r.seq <= this.lastSeq) { this.damage(start, true); return null; }
    this.lost += r.seq - this.lastSeq - 1;
    this.pending = 0;
    this.pendingSkip = false;
    this.lastSeq = r.seq;
    this.records++;
    return r;
  }

  private damage(off: u64, startsRecord: bool): void {
    if (this.firstDamage < 0) this.firstDamage = <i64>off;
    if (startsRecord) this.pending++;
  }

  /** Appends the current fragment's payload to the record buffer. */
  private gather(): void {
    let need = this.bufLen + this.fLen;
    if (need > this.bufCap) {
      let cap = max<u32>(need, this.bufCap * 2);
      let nb = heap.alloc(<usize>cap);
      if (this.buf != 0) { memory.copy(nb, this.buf, this.bufLen); heap.free(this.buf); }
      this.buf = nb;
      this.bufCap = cap;
    }
    memory.copy(this.buf + this.bufLen, this.p + <usize>(this.fOff + <u64>FRAG_HEAD), this.fLen);
    this.bufLen = need;
  }

  /** Frees the record buffer. */
  dispose(): void {
    if (this.buf != 0) heap.free(this.buf);
    this.buf = 0;
    this.bufCap = 0;
  }

  /** Reads the fragment at `pos`: F_FRAG (pos moves past it), F_EOF, F_TORN, F_BAD, F_BAD_LEN. */
  private readFrag(): i32 {
    while (true) {
      if (this.pos >= this.size) return F_EOF;
      let room = BLOCK - <u32>(this.pos % <u64>BLOCK);
      if (room < FRAG_HEAD) { this.pos += <u64>room; continue; }
      this.fOff = this.pos;
      this.fType = 0;
      if (this.size - this.pos < <u64>FRAG_HEAD) return F_TORN;
      let h = this.p + <usize>this.pos;
      let len = <u32>load<u16>(h + 4);
      let type = load<u8>(h + 6);
      if (type == 0 && len == 0 && load<u32>(h) == 0) { // padding: zeros to the block's end, else damage
        if (this.zerosTo(min<u64>(this.pos + <u64>room, this.size))) { this.pos += <u64>room; continue; }
        this.fLen = 0;
        return F_BAD_LEN;
      }
      this.fLen = len;
      this.fType = type;
      if (FRAG_HEAD + len > room) return F_BAD_LEN;
      if (this.pos + <u64>(FRAG_HEAD + len) > this.size) {
        // Torn only when no good fragment follows: else it is a damaged length.
        let at = this.scan(this.pos + 1, this.size);
        if (at < 0) return F_TORN;
        this.resync = <u64>at;
        return F_BAD_LEN;
      }
      if (type < T_FULL || type > T_LAST || fragCrc(h, len) != load<u32>(h)) return F_BAD;
      this.pos += <u64>(FRAG_HEAD + len);
      return F_FRAG;
    }
  }
}
