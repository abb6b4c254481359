// Scratch typed arrays for the per-function analyses (plan.ts, liveranges.ts,
// pins.ts): views on one large buffer instead of fresh typed arrays. A fresh
// typed array of more than 64 bytes costs V8 an off-heap allocation (about
// 2 µs on the bench VM, against 0.1 µs for a view); a plan made ~10 of them
// per function, 15% of a large module's compile.
//
// Contract: an array from here lives until the next scratchReset(), which
// module.ts calls before each function; nothing may keep one past its
// function's compile. Without resets (tests calling planFunction directly)
// the arena only grows: a full buffer is replaced by a larger one and views
// on the old one stay valid.

let buf = new ArrayBuffer(1 << 20);
let off = 0;

/** Drops every array handed out since the last reset (the caller no longer uses any). */
export function scratchReset(): void { off = 0; }

function take(bytes: number): number {
  const at = (off + 7) & ~7;
  if (at + bytes > buf.byteLength) {
    buf = new ArrayBuffer(Math.max(buf.byteLength * 2, bytes + 8));
    off = bytes;
    return 0;
  }
  off = at + bytes;
  return at;
}

// One function per element type, not one generic `scratch(Ctor, ...)`: each
// `new XArray(buf, at, n)` site then sees a single constructor and stays
// monomorphic, which is the point of this file (it runs per function compiled).

/** n int32s, each `fill` (a fresh Int32Array(n).fill(fill)). */
export function scratchI32(n: number, fill = 0): Int32Array {
  const at = take(n * 4);                  // before reading buf: take() may replace it
  const a = new Int32Array(buf, at, n);
  a.fill(fill);
  return a;
}

/** n bytes, each `fill`. */
export function scratchU8(n: number, fill = 0): Uint8Array {
  const at = take(n);                  // before reading buf: take() may replace it
  const a = new Uint8Array(buf, at, n);
  a.fill(fill);
  return a;
}

/** n signed bytes, each `fill`. */
export function scratchI8(n: number, fill = 0): Int8Array {
  const at = take(n);                  // before reading buf: take() may replace it
  const a = new Int8Array(buf, at, n);
  a.fill(fill);
  return a;
}

/** n float64s, each `fill`. */
export function scratchF64(n: number, fill = 0): Float64Array {
  const at = take(n * 8);                  // before reading buf: take() may replace it
  const a = new Float64Array(buf, at, n);
  a.fill(fill);
  return a;
}
