// images/httpd's request head parser, request-target normalisation, ranges
// and dates under Node, against what RFC 9112 / 9110 / 3986 say.
import { beforeAll, describe, expect, it } from 'vitest';
import { Httpd } from './harness.ts';

let h: Httpd;
beforeAll(async () => { h = await Httpd.create(); }, 120_000);

describe('request head', () => {
  it('parses a complete head and reports its length', () => {
    const head = 'GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nRange: bytes=1-2\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n';
    const p = h.parse(head + 'GET / HTTP/1.1');
    expect(p).toMatchObject({ r: head.length, method: 1, target: '/a%20b?x=1', keepAlive: true, range: 'bytes=1-2', ims: 'Sun, 06 Nov 1994 08:49:37 GMT' });
  });
  it('waits for more while a head is incomplete', () => {
    expect(h.parse('GET / HTTP/1.1\r\nHost: h\r\n').r).toBe(0);
    expect(h.parse('GE').r).toBe(0);
  });
  it('answers malformed heads with their status', () => {
    expect(h.parse('GET / HTTP/1.1\r\n\r\n').r).toBe(-400); // no Host
    expect(h.parse('GET / HTTP/1.0\r\n\r\n').r).toBeGreaterThan(0); // 1.0 needs none
    expect(h.parse('GET  / HTTP/1.1\r\nHost: h\r\n\r\n').r).toBe(-400);
    expect(h.parse('GET / HTTP/1.1\r\nHost : h\r\n\r\n').r).toBe(-400);
    expect(h.parse('GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n').r).toBe(-400);
    expect(h.parse('GET / HTTP/2.0\r\nHost: h\r\n\r\n').r).toBe(-505);
    expect(h.parse('POST / HTTP/1.1\r\nHost: h\r\n\r\n').r).toBe(-405);
    expect(h.parse(`GET /${'a'.repeat(3000)} HTTP/1.1\r\nHost: h\r\n\r\n`).r).toBe(-414);
    expect(h.parse(`GET /${'a'.repeat(3000)}`).r).toBe(-414);
    expect(h.parse(`GET / HTTP/1.1\r\nHost: h\r\nX: ${'v'.repeat(9000)}`).r).toBe(-431);
  });
  it('reads Connection and bodies', () => {
    expect(h.parse('GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n').keepAlive).toBe(false);
    expect(h.parse('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n').keepAlive).toBe(true);
    expect(h.parse('GET / HTTP/1.0\r\n\r\n').keepAlive).toBe(false);
    expect(h.parse('GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n').hasBody).toBe(true);
    expect(h.parse('GET / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n').r).toBe(-400);
  });
});

describe('request-target', () => {
  it('decodes, removes dot segments, keeps the directory slash', () => {
    expect(h.path('/a/./b/../c/')).toEqual({ r: 0, segs: ['a', 'c'], dirSlash: true });
    expect(h.path('/a%20b/c.txt?q')).toEqual({ r: 0, segs: ['a b', 'c.txt'], dirSlash: false });
    expect(h.path('http://host/x/y')).toMatchObject({ r: 0, segs: ['x', 'y'] });
  });
  it('refuses to climb above the root however it is spelled', () => {
    for (const t of ['/..', '/../x', '/a/../../x', '/%2e%2e/x', '/%2E%2e%2fx', '/a%2f..%2f..%2fx', '/./../x']) expect(h.path(t).r, t).toBe(-403);
  });
  it('rejects bad escapes and NUL', () => {
    for (const t of ['/%zz', '/%2', '/a%00', 'relative', '*']) expect(h.path(t).r, t).toBe(-400);
  });
});

describe('ranges, dates, types', () => {
  it('reads one byte range', () => {
    expect(h.range('bytes=0-9', 100)).toEqual([1, 0, 9]);
    expect(h.range('bytes=90-', 100)).toEqual([1, 90, 99]);
    expect(h.range('bytes=-10', 100)).toEqual([1, 90, 99]);
    expect(h.range('bytes=50-500', 100)).toEqual([1, 50, 99]);
    expect(h.range('bytes=100-', 100)[0]).toBe(2);
    expect(h.range('bytes=5-1', 100)[0]).toBe(0);
    expect(h.range('bytes=0-1,5-6', 100)[0]).toBe(0);
    expect(h.range('items=0-1', 100)[0]).toBe(0);
  });
  it('writes and reads IMF-fixdate', () => {
    for (const t of [0, 784111777, 951782400, 1700000000, 4102444800]) {
      expect(h.date(t)).toBe(new Date(t * 1000).toUTCString());
      expect(h.dateParse(new Date(t * 1000).toUTCString())).toBe(t);
    }
    expect(h.dateParse('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(-1);
  });
  it('names media types by extension', () => {
    expect(h.mime('a.HTML')).toBe('text/html; charset=utf-8');
    expect(h.mime('x.png')).toBe('image/png');
    expect(h.mime('noext')).toBe('application/octet-stream');
  });
});
