// tools/image/srcmap.ts: asc's source map read back. Maps are written here
// with an encoder of the test's own (Source Map v3 base64 VLQ), the answers
// checked against the positions put in; random and damaged maps either parse
// or fail with one SourceMapError, nothing else.
import { describe, expect, it } from 'vitest';
import { SourceMap, SourceMapError } from '../../tools/image/srcmap.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let d = v & 31;
    v >>>= 5;
    if (v) d |= 32;
    out += B64[d];
  } while (v);
  return out;
}

/** A Wasm-style map: every mapping on generated line 1, (offset, source, line, col) 0-based, deltas. */
function encode(sources: string[], maps: [number, number, number, number][]): string {
  const prev = [0, 0, 0, 0];
  const segs = maps.map((m) => {
    const s = m.map((v, i) => vlq(v - prev[i])).join('');
    m.forEach((v, i) => { prev[i] = v; });
    return s;
  });
  return JSON.stringify({ version: 3, sources, names: [], mappings: segs.join(',') });
}

describe('SourceMap', () => {
  const sources = ['~lib/rt/tlsf.ts', 'app.ts', '.asuk/entry.ts', 'lib/util.ts'];
  const map = new SourceMap(encode(sources, [
    [100, 0, 40, 2], [200, 1, 3, 13], [230, 1, 9, 9], [300, 2, 10, 0], [400, 3, 0, 0], [5000, 1, 123, 4],
  ]));

  it('answers file:line:col (1-based) of the last mapping at or below an offset, for the app\'s own sources', () => {
    expect(map.where(200)).toBe('app.ts:4:14');
    expect(map.where(229)).toBe('app.ts:4:14');
    expect(map.where(230)).toBe('app.ts:10:10');
    expect(map.where(400)).toBe('lib/util.ts:1:1');
    expect(map.where(1_000_000)).toBe('app.ts:124:5');
    expect(map.line(229)).toBe('app.ts:4'); // what the image keeps
    expect(map.line(300)).toBeNull();
  });

  it('has no answer before the first mapping, in the package (~lib/) or in the generated entry', () => {
    expect(map.where(99)).toBeNull();
    expect(map.where(150)).toBeNull();
    expect(map.where(300)).toBeNull();
  });

  it('takes negative deltas and one-field segments (generated offset only)', () => {
    const m = new SourceMap(JSON.stringify({ sources: ['a.ts', 'b.ts'], mappings: `${vlq(10)}${vlq(1)}${vlq(5)}${vlq(3)},${vlq(5)},${vlq(5)}${vlq(-1)}${vlq(-2)}${vlq(-3)}` }));
    expect(m.where(12)).toBe('b.ts:6:4');
    expect(m.where(20)).toBe('a.ts:4:1');
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no mappings', '{"sources":[]}', /expected "sources"/],
    ['a bad character', JSON.stringify({ sources: ['a.ts'], mappings: 'A*AA' }), /bad character '\*'/],
    ['a cut VLQ', JSON.stringify({ sources: ['a.ts'], mappings: 'AAAg' }), /end inside a VLQ/],
    ['a source index out of range', JSON.stringify({ sources: ['a.ts'], mappings: 'ACAA' }), /outside its sources/],
  ])('%s is one SourceMapError', (_, text, re) => {
    expect(() => new SourceMap(text)).toThrow(SourceMapError);
    expect(() => new SourceMap(text)).toThrow(re);
  });

  it('random mappings (seeded) parse or fail with SourceMapError, and never answer outside the sources', () => {
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    const alphabet = `${B64},;!`;
    for (let k = 0; k < 2000; k++) {
      const mappings = Array.from({ length: rnd(40) }, () => alphabet[rnd(alphabet.length)]).join('');
      try {
        const m = new SourceMap(JSON.stringify({ sources: ['a.ts', '~lib/x.ts'], mappings }));
        for (let at = 0; at < 64; at += 7) expect(m.where(at) ?? 'a.ts:').toMatch(/^a\.ts:/);
      } catch (e) {
        expect(e).toBeInstanceOf(SourceMapError);
      }
    }
  });
});
