// The Internet checksum (net/csum.ts) against RFC 1071's worked example and
// a plain reference over random buffers of every small length and alignment.
import { beforeAll, describe, expect, it } from 'vitest';
import { Net, netWasm, refChecksum } from './harness.ts';

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { wasm = await netWasm(); }, 120_000);

function asBytes(n: Net, p: number): number { const b = n.bytes(p, 2); return (b[0] << 8) | b[1]; }

describe('checksum', () => {
  it('RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d', () => {
    const n = new Net(wasm);
    const p = n.put(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0, 0]));
    const c = n.k.csum(p, 8);
    new DataView(n.mem.buffer).setUint16(p + 8, c, true); // stored natively, as the stack stores it
    expect(asBytes(n, p + 8)).toBe(0x220d);
  });

  it('matches the reference for lengths 0..300 at every alignment', () => {
    const n = new Net(wasm);
    const buf = n.k.alloc(400);
    let seed = 12345;
    for (let len = 0; len <= 300; len++) {
      for (const align of [0, 1, 2, 3, 5, 7]) {
        const data = new Uint8Array(len).map(() => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; });
        new Uint8Array(n.mem.buffer, buf + align, len).set(data);
        const c = n.k.csum(buf + align, len);
        const stored = ((c & 0xff) << 8) | (c >> 8); // bytes as stored little-endian, read big-endian
        expect(stored, `len ${len} align ${align}`).toBe(refChecksum(data));
      }
    }
  });

  it('all-ones words: the sum carries around many times', () => {
    const n = new Net(wasm);
    const data = new Uint8Array(4096).fill(0xff);
    const p = n.put(data);
    const c = n.k.csum(p, data.length);
    expect(((c & 0xff) << 8) | (c >> 8)).toBe(refChecksum(data));
  });

  it('a TCP segment checksum verifies with its pseudo-header and fails when a byte flips', () => {
    const n = new Net(wasm);
    const src = 0xc0a80001, dst = 0xc0a800c7;
    const seg = new Uint8Array(21).map((_, i) => i * 7);
    seg[16] = 0; seg[17] = 0;
    const pseudo = new Uint8Array([192, 168, 0, 1, 192, 168, 0, 199, 0, 6, 0, 21]);
    const c = refChecksum(Buffer.concat([pseudo, seg]));
    seg[16] = c >> 8; seg[17] = c & 0xff;
    const p = n.put(seg);
    expect(n.k.csumVerify(src, dst, 6, p, seg.length)).toBe(1);
    new Uint8Array(n.mem.buffer)[p + 20] ^= 1;
    expect(n.k.csumVerify(src, dst, 6, p, seg.length)).toBe(0);
  });
});
