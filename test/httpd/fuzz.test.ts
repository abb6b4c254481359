// Fuzz target for images/httpd's request parser and request-target
// normalisation: random bytes and mutations of valid heads. Nothing may trap;
// every answer is 0 (need more), a head length within the input, or one of
// the statuses the server sends; a normalised path never climbs out of the
// root. FUZZ_ITERS=N runs longer; FUZZ_SEED=S replays a seed.
import { beforeAll, expect, it } from 'vitest';
import { Httpd } from './harness.ts';

let h: Httpd;
beforeAll(async () => { h = await Httpd.create(); }, 120_000);

const ITERS = Number(process.env.FUZZ_ITERS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x4854);
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
const STATUSES = new Set([-400, -405, -414, -431, -505]);
const SEEDS = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'HEAD /x/y.html?q=1 HTTP/1.0\r\nConnection: keep-alive\r\nRange: bytes=0-9\r\n\r\n',
  'GET /%2e%2e/%2fetc HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n\r\n',
];

it(`${ITERS} random and mutated heads parse without trapping, within bounds`, () => {
  const next = rng(SEED);
  for (let i = 0; i < ITERS; i++) {
    const r = next();
    let b: Buffer;
    if (r % 4 === 0) b = Buffer.from(Array.from({ length: next() % 300 }, () => next() & 0xff));
    else {
      b = Buffer.from(SEEDS[next() % SEEDS.length], 'latin1');
      const flips = 1 + (next() % 8);
      for (let k = 0; k < flips; k++) b[next() % b.length] = (r & 8) ? next() & 0xff : [32, 13, 10, 58, 37, 46, 47, 0][next() % 8];
      if ((r & 3) === 1) b = b.subarray(0, next() % (b.length + 1));
      if ((r & 0x30) === 0x10) b = Buffer.concat([b, Buffer.alloc(next() % 10000, 0x61)]);
    }
    const p = h.parse(b);
    if (p.r > 0) expect(p.r).toBeLessThanOrEqual(b.length);
    else if (p.r < 0) expect(STATUSES.has(p.r), `status ${p.r}`).toBe(true);
    if (p.r > 0) {
      const q = h.path(p.target);
      expect([0, -400, -403]).toContain(q.r);
      if (q.r === 0) for (const s of q.segs) expect(s === '..' || s === '.' || s.includes('/')).toBe(false);
    }
  }
}, 120_000);
