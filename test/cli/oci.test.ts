// OCI flattening (tools/oci) on images made in the test: a docker-save
// tarball (plain and gzip'd layers), an OCI layout, a plain filesystem tar;
// whiteouts, an opaque directory, replaced files, links, escapes refused.
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { flattenOci, OciError, sniffBytes, looksLikeDockerfile } from '../../tools/oci/index.ts';
import { dockerSave, freshDir, makeTar, ociLayout, testLayers, tmp } from './helpers.ts';

const read = (p: string) => readFileSync(p, 'utf8');

/** The flattened tree of testLayers() as `path` -> description. */
function expectTestTree(out: string): void {
  expect(read(join(out, 'etc/a'))).toBe('a2\n');
  expect(read(join(out, 'etc/b'))).toBe('b3\n');
  expect(read(join(out, 'etc/hard'))).toBe('a1\n'); // replacing etc/a breaks the link, as overlayfs copy-up does
  expect(readlinkSync(join(out, 'etc/sym'))).toBe('a');
  expect(readdirSync(join(out, 'usr/share/x')).sort()).toEqual(['3']);
  expect(existsSync(join(out, 'opt'))).toBe(false);
  expect(lstatSync(join(out, 'var/log')).isDirectory()).toBe(true);
  expect(lstatSync(join(out, 'ro')).mode & 0o7777).toBe(0o555);
  expect(lstatSync(join(out, 'ro/f')).mode & 0o7777).toBe(0o444);
  expect(lstatSync(join(out, 'bin/tool')).mode & 0o7777).toBe(0o755);
  expect(lstatSync(join(out, 'etc/a')).mtimeMs).toBe(1_700_000_000_000);
  expect(readlinkSync(join(out, 'lnk'))).toBe('/tmp');
  expect(existsSync('/tmp/pwned')).toBe(false);
  expect(existsSync(join(out, '..', 'evil'))).toBe(false);
  expect(existsSync(join(out, 'dev/null'))).toBe(false);
  expect(readdirSync(out).sort()).toEqual(['bin', 'dev', 'etc', 'lnk', 'ro', 'usr', 'var']);
}

describe('tools/oci flattenOci', () => {
  it('flattens a docker save tarball: whiteouts, opaque dir, replaced files, escapes skipped', async () => {
    const img = join(tmp, 'img.tar');
    writeFileSync(img, await dockerSave(await testLayers()));
    const out = join(tmp, 'flat-docker');
    const r = await flattenOci(img, out);
    expect(r.kind).toBe('docker-archive');
    expect(r.layers).toBe(3);
    expect(r.whiteouts).toBe(3);
    expect(r.skipped).toEqual({ 'device node': 1, 'path through a symlink': 1, 'name outside the root': 1 });
    expectTestTree(out);
    expect(existsSync(`${out}.staging`)).toBe(false);
  });

  it('reads gzip-compressed layers and a gzip-compressed archive', async () => {
    const img = join(tmp, 'img.tar.gz');
    writeFileSync(img, gzipSync(await dockerSave(await testLayers(), { gzipLayers: true })));
    const out = join(tmp, 'flat-gz');
    expect((await flattenOci(img, out)).kind).toBe('docker-archive');
    expectTestTree(out);
  });

  it('flattens an OCI image layout directory and checks blob digests', async () => {
    const dir = ociLayout(freshDir('layout'), await testLayers());
    const out = join(tmp, 'flat-layout');
    expect((await flattenOci(dir, out)).kind).toBe('oci-layout');
    expectTestTree(out);
    const blobs = join(dir, 'blobs', 'sha256');
    const manifest = JSON.parse(read(join(dir, 'index.json'))).manifests[0].digest.slice(7);
    const layer0 = JSON.parse(read(join(blobs, manifest))).layers[0].digest.slice(7);
    writeFileSync(join(blobs, layer0), gzipSync(await makeTar([{ name: 'x', body: 'tampered' }])));
    await expect(flattenOci(dir, join(tmp, 'flat-bad'))).rejects.toThrow(/does not match its digest/);
  });

  it('takes a plain filesystem tarball (docker export) as one layer', async () => {
    const t = join(tmp, 'fs.tar');
    writeFileSync(t, await makeTar([{ name: './', type: 'directory' }, { name: './hello', body: 'hi\n' }]));
    const out = join(tmp, 'flat-plain');
    expect((await flattenOci(t, out)).kind).toBe('tar');
    expect(read(join(out, 'hello'))).toBe('hi\n');
  });

  it('refuses a manifest naming a missing layer, with a code', async () => {
    const t = join(tmp, 'broken.tar');
    writeFileSync(t, await makeTar([{ name: 'manifest.json', body: '[{"Layers":["nope/layer.tar"]}]' }]));
    const err = await flattenOci(t, join(tmp, 'flat-broken')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OciError);
    expect((err as OciError).code).toBe('invalid');
    expect((err as Error).message).toMatch(/nope\/layer.tar is missing/);
  });
});

describe('tools/oci sniffing', () => {
  it('tells cpio, tar, gzip, Dockerfile and text apart by content', async () => {
    expect(sniffBytes(Buffer.from('070701000000'))).toBe('cpio');
    expect(sniffBytes(await makeTar([{ name: 'a', body: 'x' }]))).toBe('tar');
    expect(sniffBytes(gzipSync(Buffer.from('x')))).toBe('gzip');
    expect(looksLikeDockerfile(Buffer.from('# syntax=docker/dockerfile:1\n\nFROM alpine:3\nRUN true\n'))).toBe(true);
    expect(looksLikeDockerfile(Buffer.from('ARG V=1\nFROM scratch\n'))).toBe(true);
    expect(sniffBytes(Buffer.from('hello world\n'))).toBe('unknown');
  });
});
