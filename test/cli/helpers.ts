// test/cli/helpers.ts — shared by the CLI tests: run `asuk` as a user does
// (node scripts/asuk.mjs ... in a working directory), and make test inputs:
// tarballs with tar-stream, `docker save`-style archives and OCI layouts.
import { execa, type Result } from 'execa';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const ASUK = join(REPO, 'scripts', 'asuk.mjs');
export const tmp = mkdtempSync(join(tmpdir(), 'asuk-cli-'));

/** Runs `asuk ARGS` in `cwd`; never throws on a nonzero exit. QEMU gets a hard limit through --timeout where a test passes it. */
export function asuk(args: string[], o: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Result> {
  return execa(process.execPath, [ASUK, ...args], {
    cwd: o.cwd ?? tmp, env: { ...o.env }, reject: false, stdin: 'ignore',
    timeout: o.timeoutMs ?? 60_000, killSignal: 'SIGTERM', forceKillAfterDelay: 5000,
  }) as unknown as Promise<Result>;
}

/** A fresh directory under the test's tmp folder. */
export function freshDir(name: string): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
}

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device';
  body?: string;
  mode?: number;
  linkname?: string;
}

/** A tar archive of these entries, in this order. */
export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => { for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array)); })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = {
      name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      linkname: e.linkname, mtime: new Date(1_700_000_000_000), uid: 0, gid: 0,
    };
    await new Promise<void>((res, rej) => {
      if (type === 'file') pack.entry(header, e.body ?? '', (err) => (err ? rej(err) : res()));
      else pack.entry(header, (err) => (err ? rej(err) : res())); // header-only: tar-stream ends it
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A `docker save` archive (legacy layout: N/layer.tar + manifest.json) of these layer tarballs. */
export async function dockerSave(layers: Buffer[], o: { gzipLayers?: boolean } = {}): Promise<Buffer> {
  const files: TarEntry[] = [];
  const paths: string[] = [];
  layers.forEach((l, i) => {
    const body = o.gzipLayers ? gzipSync(l) : l;
    paths.push(`${i}${'a'.repeat(8)}/layer.tar`);
    files.push({ name: `${i}${'a'.repeat(8)}/`, type: 'directory' });
    files.push({ name: paths[i], body: body.toString('latin1') });
  });
  const manifest = [{ Config: 'config.json', RepoTags: ['test:latest'], Layers: paths }];
  files.push({ name: 'config.json', body: '{}' });
  files.push({ name: 'manifest.json', body: JSON.stringify(manifest) });
  return makeTarBinary(files);
}

/** makeTar, with bodies given as latin1 strings carrying raw bytes. */
async function makeTarBinary(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => { for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array)); })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    await new Promise<void>((res, rej) => {
      const h = { name: e.name, type, mode: 0o644, mtime: new Date(1_700_000_000_000) };
      if (type === 'file') pack.entry(h, Buffer.from(e.body ?? '', 'latin1'), (err) => (err ? rej(err) : res()));
      else pack.entry(h, (err) => (err ? rej(err) : res()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Writes an OCI image layout at `dir` with these layers (gzip-compressed blobs); returns dir. */
export function ociLayout(dir: string, layers: Buffer[]): string {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const blob = (b: Buffer) => { const d = sha(b); writeFileSync(join(dir, 'blobs', 'sha256', d), b); return `sha256:${d}`; };
  const layerDescs = layers.map((l) => {
    const z = gzipSync(l);
    return { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob(z), size: z.length };
  });
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob(config), size: config.length },
    layers: layerDescs,
  }));
  const md = blob(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: manifest.length }],
  }));
  return dir;
}

/** The three layers every OCI test uses: whiteouts, an opaque directory, a replaced file, links. */
export async function testLayers(): Promise<Buffer[]> {
  const l1 = await makeTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/a', body: 'a1\n' },
    { name: 'etc/b', body: 'b1\n' },
    { name: 'etc/hard', type: 'link', linkname: 'etc/a' },
    { name: 'etc/sym', type: 'symlink', linkname: 'a' },
    { name: 'usr/share/x/', type: 'directory' },
    { name: 'usr/share/x/1', body: 'one\n' },
    { name: 'usr/share/x/2', body: 'two\n' },
    { name: 'opt/', type: 'directory' },
    { name: 'opt/gone', body: 'lower\n' },
    { name: 'ro/', type: 'directory', mode: 0o555 },
    { name: 'ro/f', body: 'r\n', mode: 0o444 },
    { name: 'bin/tool', body: '#!x\n', mode: 0o755 },
    { name: 'dev/null', type: 'character-device' },
  ]);
  const l2 = await makeTar([
    { name: 'etc/.wh.b', body: '' },
    { name: 'usr/share/x/3', body: 'three\n' },
    { name: 'usr/share/x/.wh..wh..opq', body: '' },
    { name: 'etc/a', body: 'a2\n' },
    { name: 'lnk', type: 'symlink', linkname: '/tmp' },
    { name: 'lnk/pwned', body: 'escape\n' },
    { name: '../evil', body: 'escape\n' },
  ]);
  const l3 = await makeTar([
    { name: 'etc/b', body: 'b3\n' },
    { name: '.wh.opt', body: '' },
    { name: 'var/log/', type: 'directory' },
  ]);
  return [l1, l2, l3];
}

/** A minimal ELF32 (ELF spec) with one PT_LOAD at 1 MiB holding a multiboot header (0.6.96 §3.1) and `cli; hlt; jmp $-1`. */
export function haltingElf(): Buffer {
  const b = Buffer.alloc(100);
  const base = 0x100000, mb = 84, code = 96;
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  b.writeUInt16LE(2, 16); b.writeUInt16LE(3, 18); b.writeUInt32LE(1, 20);
  b.writeUInt32LE(base + code, 24); b.writeUInt32LE(52, 28);
  b.writeUInt16LE(52, 40); b.writeUInt16LE(32, 42); b.writeUInt16LE(1, 44); b.writeUInt16LE(40, 46);
  b.writeUInt32LE(1, 52); b.writeUInt32LE(0, 56); b.writeUInt32LE(base, 60); b.writeUInt32LE(base, 64);
  b.writeUInt32LE(b.length, 68); b.writeUInt32LE(b.length, 72); b.writeUInt32LE(5, 76); b.writeUInt32LE(0x1000, 80);
  b.writeUInt32LE(0x1badb002, mb); b.writeUInt32LE(0, mb + 4); b.writeUInt32LE((-0x1badb002) >>> 0, mb + 8);
  b.set([0xfa, 0xf4, 0xeb, 0xfd], code);
  return b;
}
