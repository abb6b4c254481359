// A bounds-checked cursor over a byte range of a Wasm binary: bytes, LEB128
// integers, names, value types (WebAssembly core 2.0 §5.1-§5.3). Every read
// past `end` throws WasmDecodeError(`endReason`), never a RangeError.

import { ValType, WasmDecodeError } from './types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** A 64-bit value as signed and unsigned BigInt and as its int32 halves (little-endian, as every host Node runs on here): one BigInt per read. */
const I64 = new BigInt64Array(1);
const U64 = new BigUint64Array(I64.buffer);
const I64_HALVES = new Int32Array(I64.buffer);

export class Reader {
  /** The reason given when a read runs past `end`. */
  endReason = 'unexpected end';

  constructor(readonly bytes: Uint8Array, public pos: number, public end: number) {}

  fail(reason: string, at: number = this.pos): never {
    throw new WasmDecodeError(at, reason);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) this.fail(this.endReason);
    return this.bytes[this.pos++]!;
  }

  /** A byte that must be 0x00 (reserved memory index, §5.4.6). */
  zeroByte(): void {
    const at = this.pos;
    if (this.u8() !== 0) this.fail('zero byte expected', at);
  }

  /** Returns a subarray of n bytes (no copy). */
  take(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail('length out of bounds');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** u32 LEB128 (§5.2.2): at most 5 bytes, unused bits of the 5th zero. */
  u32(): number {
    const b0 = this.u8();
    if (b0 < 0x80) return b0;
    let result = b0 & 0x7f;
    let scale = 128;
    for (let i = 1; i < 5; i++) {
      const at = this.pos;
      const b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail('integer representation too long', at);
        if (b & 0x70) this.fail('integer too large', at);
      }
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    return result; // unreachable: the 5th byte returns or fails
  }

  /** s32 LEB128: at most 5 bytes, the 5th's unused bits sign-extend bit 31. */
  s32(): number {
    return this.sN(32);
  }

  /** s33 LEB128 (block type index): at most 5 bytes. Returns a JS number. */
  s33(): number {
    return this.sN(33);
  }

  private sN(bits: 32 | 33): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const at = this.pos;
      const b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail('integer representation too long', at);
        const hi = bits === 32 ? b & 0x78 : b & 0x70; // sign bit and unused bits
        if (hi !== 0 && hi !== (bits === 32 ? 0x78 : 0x70)) this.fail('integer too large', at);
      }
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) {
        if (b & 0x40) result -= scale; // sign-extend
        return bits === 32 ? result | 0 : result;
      }
    }
    return result;
  }

  /** s64 LEB128 as bigint: at most 10 bytes, the 10th is 0x00 or 0x7f. */
  s64(): bigint {
    const start = this.pos;
    let small = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.u8();
      small += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) {
        if (b & 0x40) small -= scale;
        return BigInt(small);
      }
    }
    this.pos = start;
    return this.s64Big();
  }

  /** s64() without its bigint (the pass that only validates a body): the same checks and errors. */
  skipS64(): void {
    const start = this.pos;
    for (let i = 0; i < 7; i++) if (this.u8() < 0x80) return;
    this.pos = start;
    this.s64Big();
  }

  /** s64 of more than 7 bytes: the 64 bits gathered in two int32 halves, one BigInt made at the end. */
  private s64Big(): bigint {
    let lo = 0, hi = 0, shift = 0;
    for (let i = 0; i < 10; i++) {
      const at = this.pos;
      const b = this.u8();
      if (i === 9) {
        if (b & 0x80) this.fail('integer representation too long', at);
        if (b !== 0 && b !== 0x7f) this.fail('integer too large', at);
      }
      const v = b & 0x7f;
      if (shift < 32) {
        lo |= v << shift;
        if (shift > 25) hi |= v >>> (32 - shift);        // the group straddles bit 32
      } else {
        hi |= v << (shift - 32);                         // bits past 63 fall off (the 10th byte)
      }
      shift += 7;
      if (b < 0x80) {
        if (b & 0x40 && shift < 64) {                     // sign-extend from bit `shift`
          if (shift < 32) { lo |= -1 << shift; hi = -1; } else hi |= -1 << (shift - 32);
        }
        return I64_HALVES[0] = lo, I64_HALVES[1] = hi, I64[0];
      }
    }
    return 0n;                                           // unreachable: the 10th byte ends or fails
  }

  /** 4 little-endian bytes as an unsigned number (f32 bits). */
  u32le(): number {
    if (this.end - this.pos < 4) this.fail(this.endReason);
    const p = this.pos;
    const bs = this.bytes;
    this.pos += 4;
    return (bs[p]! | (bs[p + 1]! << 8) | (bs[p + 2]! << 16) | (bs[p + 3]! << 24)) >>> 0;
  }

  /** 8 little-endian bytes as an unsigned bigint (f64 bits). */
  u64le(): bigint {
    if (this.end - this.pos < 8) this.fail(this.endReason);
    I64_HALVES[0] = this.u32le();
    I64_HALVES[1] = this.u32le();
    return U64[0];
  }

  /** u64le() without its bigint: the same check. */
  skipU64le(): void {
    if (this.end - this.pos < 8) this.fail(this.endReason);
    this.pos += 8;
  }

  /** A name (§5.2.4): u32 length, then valid UTF-8. */
  name(): string {
    const len = this.u32();
    const at = this.pos;
    const b = this.take(len);
    let ascii = true;
    for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) { ascii = false; break; }
    if (ascii) return b.length < 4096 ? String.fromCharCode(...b) : latin(b);
    try {
      return utf8.decode(b);
    } catch {
      return this.fail('malformed UTF-8 encoding', at);
    }
  }

  /** A value type (§5.3.1). v128 is refused: asuk compiles no SIMD. */
  valType(): ValType {
    const at = this.pos;
    const b = this.u8();
    if (isValType(b)) return b;
    if (b === ValType.V128) this.fail('unsupported: SIMD (v128 value type)', at);
    return this.fail(`malformed value type 0x${b.toString(16)}`, at);
  }

  /** A reference type (§5.3.2): funcref or externref. */
  refType(): ValType {
    const at = this.pos;
    const b = this.u8();
    if (b === ValType.FuncRef || b === ValType.ExternRef) return b;
    return this.fail(`malformed reference type 0x${b.toString(16)}`, at);
  }
}

function latin(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** True for the non-SIMD value type bytes. */
export function isValType(b: number): b is ValType {
  return b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x70 || b === 0x6f;
}
