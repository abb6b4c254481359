// tools/cpio CLI: argument errors are one line and exit 1; a good run packs
// an archive GNU cpio reads back identically.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkcpioMain } from '../../tools/cpio/main.ts';
import { hostManifest } from './harness.ts';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(path.join(tmpdir(), 'asuk-mkcpio-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

async function run(args: string[]): Promise<{ code: number; err: string[] }> {
  const err: string[] = [];
  const code = await mkcpioMain(args, (l) => err.push(l));
  return { code, err };
}

describe('mkcpio CLI', () => {
  it('refuses bad arguments with one line each', async () => {
    for (const [args, re] of [
      [[], /expected DIR and OUT/],
      [['a'], /expected DIR and OUT/],
      [['a', 'b', '--mtime'], /--mtime wants seconds/],
      [['a', 'b', '--mtime', '-3'], /--mtime wants seconds/],
      [['a', 'b', '--bogus'], /unknown option --bogus/],
      [[path.join(tmp, 'missing'), path.join(tmp, 'o.cpio')], /ENOENT/],
    ] as [string[], RegExp][]) {
      const r = await run(args);
      expect(r.code).toBe(1);
      expect(r.err.length).toBe(1);
      expect(r.err[0]).toMatch(/^mkcpio: error: /);
      expect(r.err[0]).toMatch(re);
    }
    writeFileSync(path.join(tmp, 'file'), 'x');
    const r = await run([path.join(tmp, 'file'), path.join(tmp, 'o.cpio')]);
    expect(r.err).toEqual([`mkcpio: error: ${path.join(tmp, 'file')}: not a directory (ENOTDIR)`]);
  });

  it('packs a tree that GNU cpio extracts to the same manifest', async () => {
    const src = path.join(tmp, 'src');
    mkdirSync(path.join(src, 'a/b'), { recursive: true });
    writeFileSync(path.join(src, 'a/b/c'), 'hello\n');
    writeFileSync(path.join(src, 'ünï còdé'), '');
    symlinkSync('a/b/c', path.join(src, 'link'));
    const out = path.join(tmp, 'out.cpio');
    const r = await run([src, out, '--mtime', '42']);
    expect(r).toEqual({ code: 0, err: [] });
    const dst = path.join(tmp, 'dst');
    mkdirSync(dst);
    await execa('cpio', ['-i', '-d', '--quiet', '--preserve-modification-time'], { cwd: dst, input: readFileSync(out) });
    expect(hostManifest(dst)).toEqual(hostManifest(src));
    const { stdout } = await execa('cpio', ['-t', '-v', '--quiet'], { input: readFileSync(out) });
    expect(stdout).toMatch(/1970/); // mtime 42 pinned
  });
});
