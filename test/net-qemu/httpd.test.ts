// images/httpd under QEMU (pc, virtio-net on the user network, the root on a
// 9p volume), driven by real HTTP clients: status codes and fields, the
// root as a wall (dot segments, percent-encoding, symlinks), changes on the
// volume seen at once, 100 concurrent clients, a 64 MiB file by SHA-256,
// malformed requests, and 500 idle half-open connections.
//
// QEMU's user network accepts a forwarded connection with listen(2)'s
// backlog of 1, so a burst of connects loses SYNs on the host and waits
// for the kernel's SYN retries (1 s, 3 s, 7 s ...). Clients here start a
// few milliseconds apart; they still overlap in the guest.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageElf, rawRequest, startGuest, tmp, type Guest } from './helpers.ts';

interface Reply { status: number; headers: IncomingMessage['headers']; body: Buffer }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts fn(0..n-1) `gapMs` apart (see the file comment) and waits for all. */
async function staggered<T>(n: number, gapMs: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const ps: Promise<T>[] = [];
  for (let i = 0; i < n; i++) { ps.push(fn(i)); await sleep(gapMs); }
  return Promise.all(ps);
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((res, rej) => {
    const r = httpRequest({ host: '127.0.0.1', port, path, method, headers, agent: false, timeout: 60_000 }, (m) => {
      const parts: Buffer[] = [];
      m.on('data', (c: Buffer) => parts.push(c));
      m.on('end', () => res({ status: m.statusCode ?? 0, headers: m.headers, body: Buffer.concat(parts) }));
      m.on('error', rej);
    });
    r.on('timeout', () => r.destroy(new Error(`timeout on ${path}`)));
    r.on('error', rej);
    r.end();
  });
}

const root = join(tmp, 'html');
const big = randomBytes(64 << 20);
let g: Guest;

beforeAll(async () => {
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(root, 'nodir'));
  writeFileSync(join(root, 'index.html'), '<h1>asuk</h1>\n');
  writeFileSync(join(root, 'a.txt'), 'abcdefghijklmnopqrstuvwxyz');
  writeFileSync(join(root, 'style.css'), 'body{}');
  writeFileSync(join(root, 'sub', 'index.html'), 'sub index');
  writeFileSync(join(tmp, 'secret.txt'), 'SECRET');
  symlinkSync('a.txt', join(root, 'link-in'));
  symlinkSync('/etc', join(root, 'link-out'));
  symlinkSync('../secret.txt', join(root, 'link-up'));
  writeFileSync(join(root, 'big.bin'), big);
  const kernel = await imageElf('httpd');
  g = await startGuest({
    kernel, guestPort: 80, volumes: [{ src: root, dst: '/www', readonly: false }],
    args: ['--root', '/www', '--port', '80'], ready: /httpd: serving/, timeoutMs: 300_000,
  });
}, 240_000);
afterAll(async () => { await g?.stop(); });

describe('httpd', () => {
  it('serves files with their fields, directories, errors', async () => {
    const p = g.port;
    const idx = await get(p, '/');
    expect(idx.status).toBe(200);
    expect(idx.body.toString()).toBe('<h1>asuk</h1>\n');
    expect(idx.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(idx.headers['content-length']).toBe('14');
    const css = await get(p, '/style.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await get(p, '/a.txt', {}, 'HEAD');
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '26', 0]);
    const dir = await get(p, '/sub?x=1');
    expect([dir.status, dir.headers.location]).toEqual([301, '/sub/?x=1']);
    expect((await get(p, '/sub/')).body.toString()).toBe('sub index');
    expect((await get(p, '/nodir/')).status).toBe(403);
    expect((await get(p, '/missing.html')).status).toBe(404);
    const post = await get(p, '/', {}, 'POST');
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
    const part = await get(p, '/a.txt', { Range: 'bytes=2-5' });
    expect([part.status, part.body.toString(), part.headers['content-range']]).toEqual([206, 'cdef', 'bytes 2-5/26']);
    expect((await get(p, '/a.txt', { Range: 'bytes=-3' })).body.toString()).toBe('xyz');
    const bad = await get(p, '/a.txt', { Range: 'bytes=100-' });
    expect([bad.status, bad.headers['content-range']]).toEqual([416, 'bytes */26']);
    const lm = idx.headers['last-modified']!;
    expect((await get(p, '/', { 'If-Modified-Since': lm })).status).toBe(304);
    expect((await get(p, '/', { 'If-Modified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status).toBe(200);
  });

  it('answers pipelined keep-alive requests in order on one connection', async () => {
    const two = await rawRequest(g.port, 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const answers = two.split('HTTP/1.1 ').slice(1);
    expect(answers.map((a) => a.slice(0, 3))).toEqual(['200', '200']);
    expect(answers[0]).toContain('abcdefghijklmnopqrstuvwxyz');
    expect(answers[1]).toMatch(/body\{\}$/);
  });

  it('never serves outside its root', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/sub/../../secret.txt', '/%2E%2E%2Fsecret.txt', '/link-out/passwd', '/link-up']) {
      const r = await rawRequest(g.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(r.slice(0, 12), path).toBe('HTTP/1.1 403');
      expect(r).not.toContain('SECRET');
    }
    expect((await get(g.port, '/link-in')).body.toString()).toBe('abcdefghijklmnopqrstuvwxyz');
  });

  it('sees a file changed on the volume at the next request', async () => {
    writeFileSync(join(root, 'live.txt'), 'one');
    expect((await get(g.port, '/live.txt')).body.toString()).toBe('one');
    writeFileSync(join(root, 'live.txt'), 'two, longer');
    expect((await get(g.port, '/live.txt')).body.toString()).toBe('two, longer');
  });

  it('serves 100 concurrent clients, each its own file', async () => {
    for (let i = 0; i < 100; i++) writeFileSync(join(root, `c${i}.txt`), `client ${i} `.repeat(i + 1));
    const replies = await staggered(100, 10, (i) => get(g.port, `/c${i}.txt`));
    replies.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe(`client ${i} `.repeat(i + 1));
    });
  }, 120_000);

  it('streams a 64 MiB file whose SHA-256 matches', async () => {
    const r = await get(g.port, '/big.bin');
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(big.length);
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
  }, 180_000);

  it('answers malformed requests with 4xx or a close, then still serves', async () => {
    const cases: string[] = [
      'GARBAGE\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', 'GET / FTP/1.1\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n', `GET /${'a'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nX: ${'b'.repeat(9000)}\r\n\r\n`, 'GET / HTTP/1.1\r\nHost: x\r\n bad fold\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n', 'GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET nope HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', 'DELETE / HTTP/1.1\r\nHost: x\r\n\r\n',
    ];
    for (let i = 0; cases.length < 300; i++) {
      const b = randomBytes(1 + (i * 37) % 600);
      cases.push(i % 3 === 0 ? `GET /${b.toString('latin1')} HTTP/1.1\r\n\r\n` : b.toString('latin1') + '\r\n\r\n');
    }
    // three lanes of one connection at a time: no connect bursts (file comment), ~20 ms a request
    const got: string[] = new Array(cases.length);
    await Promise.all([0, 1, 2].map(async (lane) => {
      for (let i = lane; i < cases.length; i += 3) got[i] = await rawRequest(g.port, Buffer.from(cases[i], 'latin1'), 30_000);
    }));
    for (const r of got) if (r.length) expect(r).toMatch(/^HTTP\/1\.1 (400|403|404|405|414|431|505) /);
    expect(got.filter((r) => r.length > 0).length).toBeGreaterThan(cases.length / 2);
    expect((await get(g.port, '/a.txt')).body.toString()).toBe('abcdefghijklmnopqrstuvwxyz');
  }, 180_000);

  it('serves a client while 500 idle half-open connections wait', async () => {
    const idle: Socket[] = [];
    const ok = await staggered(500, 4, () => new Promise<boolean>((res) => {
      const s = connect(g.port, '127.0.0.1', () => { s.write('GET / HTTP/1.1\r\n'); res(true); });
      s.on('error', () => res(false));
      idle.push(s);
    }));
    try {
      expect(ok.filter(Boolean).length).toBe(500);
      const r = await get(g.port, '/a.txt');
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe('abcdefghijklmnopqrstuvwxyz');
    } finally {
      for (const s of idle) s.destroy();
    }
  }, 120_000);
});
