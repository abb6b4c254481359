// `asuk run` and `asuk pkg` end to end under QEMU (TCG) with the shell
// image, in a working directory laid out like the seed's examples
// (./rootfs, ./rootfs.cpio, ./html), run verbatim with `asuk` for `kraft`.
// Every run has --timeout (QEMU stopped by asuk) and an execa timeout.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packDirectory } from '../../tools/cpio/index.ts';
import { runQemu } from '../../tools/qemu/index.ts';
import { asuk, dockerSave, freshDir, makeTar, ociLayout, REPO, testLayers } from './helpers.ts';

const T = ['--timeout', '30'];
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const fileLine = (mode: string, body: string, path: string) => `f ${mode} ${Buffer.byteLength(body)} ${sha(body)} ${path}`;
/** The guest's serial lines (SeaBIOS's banner, which ends without a newline, cut off). */
const lines = (out: unknown) => String(out).replace(/\r/g, '').replace(/^[\s\S]*?Booting from ROM\.\./, '').split('\n');

const cwd = freshDir('seed');
beforeAll(async () => {
  mkdirSync(join(cwd, 'rootfs/etc'), { recursive: true });
  mkdirSync(join(cwd, 'rootfs/nginx/html'), { recursive: true });
  writeFileSync(join(cwd, 'rootfs/etc/hello'), 'hello from the rootfs\n');
  writeFileSync(join(cwd, 'rootfs/nginx/html/index.html'), 'packed page\n');
  mkdirSync(join(cwd, 'html'), { recursive: true });
  writeFileSync(join(cwd, 'html/index.html'), '<h1>live page</h1>\n');
  await packDirectory(join(cwd, 'rootfs'), join(cwd, 'rootfs.cpio'));
  const warm = await asuk(['build', 'shell', '--out', join(cwd, 'warm.elf')], { cwd, timeoutMs: 180_000 });
  expect(warm.exitCode, String(warm.stderr)).toBe(0);
}, 200_000);

describe('asuk run --rootfs', () => {
  it('asuk run --rootfs ./rootfs.cpio: the archive is the root, exit code 0', async () => {
    const r = await asuk(['run', '--rootfs', './rootfs.cpio', ...T, 'shell', '--', 'find', '/;', 'mounts'], { cwd });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = lines(r.stdout);
    expect(out).toContain(fileLine('0644', 'hello from the rootfs\n', '/etc/hello'));
    expect(out).toContain(fileLine('0644', 'packed page\n', '/nginx/html/index.html'));
    expect(out).toContain('initrd0 / ramfs extract');
    expect(String(r.stderr)).toBe(''); // not a terminal: no progress lines
  });

  it('a directory is packed on the fly and cached by content', async () => {
    const cache = join(REPO, 'build', 'rootfs');
    const d = freshDir('dir-rootfs');
    writeFileSync(join(d, 'unique'), `content ${Date.now()} ${Math.random()}\n`);
    const before = existsSync(cache) ? readdirSync(cache).length : 0;
    const r1 = await asuk(['run', '--rootfs', d, ...T, 'shell', '--', 'cat', '/unique'], { cwd });
    expect(r1.exitCode, String(r1.stderr)).toBe(0);
    expect(lines(r1.stdout)).toContain(readFileSync(join(d, 'unique'), 'utf8').trimEnd());
    expect(readdirSync(cache).length).toBe(before + 1);
    const r2 = await asuk(['run', '--rootfs', d, ...T, 'shell', '--', 'cat', '/unique'], { cwd });
    expect(r2.exitCode).toBe(0);
    expect(readdirSync(cache).length).toBe(before + 1); // same content: the cached archive
    writeFileSync(join(d, 'unique'), 'changed\n');
    const r3 = await asuk(['run', '--rootfs', d, ...T, 'shell', '--', 'cat', '/unique'], { cwd });
    expect(lines(r3.stdout)).toContain('changed');
  });

  it("the guest's exit code is the command's", async () => {
    const r = await asuk(['run', '--rootfs', './rootfs.cpio', ...T, 'shell', '--', 'cat', '/nope'], { cwd });
    expect(r.exitCode).toBe(1);
    expect(lines(r.stdout)).toContain('error: cat: /nope: ENOENT');
  });

  it('an OCI tarball (docker save, 3 layers, whiteouts, opaque dir) is flattened into the root', async () => {
    // A fresh layer makes the archive new to the cache, so it is flattened (and the skips reported) now.
    const nonce = await makeTar([{ name: 'nonce', body: `${Date.now()} ${Math.random()}` }]);
    writeFileSync(join(cwd, 'img.tar'), await dockerSave([...(await testLayers()), nonce], { gzipLayers: true }));
    const r = await asuk(['run', '--rootfs', 'img.tar', ...T, 'shell', '--', 'find', '/'], { cwd });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = lines(r.stdout);
    expect(out).toContain(fileLine('0644', 'a2\n', '/etc/a'));
    expect(out).toContain(fileLine('0644', 'b3\n', '/etc/b'));
    expect(out).toContain(fileLine('0644', 'a1\n', '/etc/hard'));
    expect(out).toContain(fileLine('0755', '#!x\n', '/bin/tool'));
    expect(out).toContain(fileLine('0444', 'r\n', '/ro/f'));
    expect(out).toContain('d 0555 - - /ro');
    expect(out).toContain(fileLine('0644', 'three\n', '/usr/share/x/3'));
    expect(out.filter((l) => l.includes('/usr/share/x/'))).toHaveLength(1);
    expect(out.some((l) => l.endsWith(' /opt') || l.includes('/opt/'))).toBe(false);
    expect(out).toContain('l 0777 1 - /etc/sym -> a');
    expect(String(r.stderr)).toMatch(/skipped 1 device node, 1 path through a symlink, 1 name outside the root/);
  });

  it('an OCI image layout directory', async () => {
    const dir = ociLayout(freshDir('seed/oci'), await testLayers());
    const r = await asuk(['run', '--rootfs', dir, ...T, 'shell', '--', 'cat', '/etc/a;', 'cat', '/etc/b'], { cwd, env: { ASUK_PROGRESS: '1' } });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toMatch(/^asuk: flattening layer 1\/3 sha256:[0-9a-f]{12} \([\d.]+ MiB\)\.\.\.$/m);
    expect(String(r.stderr)).toMatch(/^asuk: booting shell \(-m \d+M, tcg\)\.\.\.$/m);
    expect(lines(r.stdout)).toContain('a2');
    expect(lines(r.stdout)).toContain('b3');
  });

  it('memory: automatic without -m; a -m below what the image needs is refused with the figure', async () => {
    const r = await asuk(['run', '-m', '3M', '--rootfs', './rootfs.cpio', ...T, 'shell', '--', 'echo', 'hi'], { cwd });
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(/^asuk: -m 3M is below what the image \([\d.]+ MiB loaded\) and its initrd \([\d.]+ MiB\) need: give at least -m \d+M/m);
  });
});

describe('Kraftfile', () => {
  it('name, rootfs and cmd from the Kraftfile; flags override them', async () => {
    const p = freshDir('kraft');
    mkdirSync(join(p, 'files'), { recursive: true });
    writeFileSync(join(p, 'files/motd'), 'from the Kraftfile rootfs\n');
    writeFileSync(join(p, 'Kraftfile'), 'spec: v0.6\nname: shell\nrootfs: ./files\ncmd: ["cat", "/motd"]\n');
    const r = await asuk(['run', ...T], { cwd: p });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(lines(r.stdout)).toContain('from the Kraftfile rootfs');
    const o = await asuk(['run', '--rootfs', join(cwd, 'rootfs.cpio'), ...T, '--', 'cat', '/etc/hello'], { cwd: p });
    expect(o.exitCode).toBe(0);
    expect(lines(o.stdout)).toContain('hello from the rootfs');
    const byDir = await asuk(['run', ...T, 'kraft'], { cwd: join(p, '..') });
    expect(lines(byDir.stdout)).toContain('from the Kraftfile rootfs');
  });
});

describe('asuk pkg', () => {
  it('asuk pkg --rootfs ./rootfs.cpio, then plain QEMU boots the ELF with its files', async () => {
    const r = await asuk(['pkg', '--rootfs', './rootfs.cpio', 'shell'], { cwd });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toMatch(/qemu-system-x86_64 -kernel shell.elf/);
    const q = await runQemu({ kernel: join(cwd, 'shell.elf'), append: '-- cat /etc/hello; mounts', timeoutMs: 30_000 });
    expect(q.guestExit, q.serial).toBe(0);
    expect(q.serial).toContain('hello from the rootfs');
    expect(q.serial).toContain('embedded / ramfs extract');
  });

  it('asuk pkg with an OCI tarball and --name', async () => {
    writeFileSync(join(cwd, 'img2.tar'), await dockerSave(await testLayers()));
    const r = await asuk(['pkg', '--rootfs', 'img2.tar', '--name', 'oci-app', 'shell'], { cwd });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const q = await runQemu({ kernel: join(cwd, 'oci-app.elf'), append: '-- cat /etc/b', timeoutMs: 30_000 });
    expect(q.guestExit, q.serial).toBe(0);
    expect(q.serial).toContain('b3');
  });
});

describe('volumes (virtio-9p)', () => {
  it('asuk run -v ./rootfs:/ : the host directory is the root', async () => {
    const r = await asuk(['run', '-v', './rootfs:/', ...T, 'shell', '--', 'find', '/;', 'mounts'], { cwd });
    expect(r.exitCode, String(r.stdout)).toBe(0);
    expect(lines(r.stdout)).toContain(fileLine('0644', 'hello from the rootfs\n', '/etc/hello'));
    expect(String(r.stdout)).toMatch(/^fs0 \/ 9pfs/m);
  });

  it('asuk run --rootfs ./rootfs.cpio -v ./html:/nginx/html : the volume over the archive', async () => {
    const r = await asuk(['run', '--rootfs', './rootfs.cpio', '-v', './html:/nginx/html', ...T, 'shell', '--',
      'cat', '/nginx/html/index.html;', 'cat', '/etc/hello'], { cwd });
    expect(r.exitCode, String(r.stdout)).toBe(0);
    expect(lines(r.stdout)).toContain('<h1>live page</h1>');
    expect(lines(r.stdout)).toContain('hello from the rootfs');
  });

  it('a packaged ELF (einitrd) with a volume keeps its embedded root', async () => {
    const p = await asuk(['pkg', '--rootfs', './rootfs.cpio', '--out', 'vol.elf', 'shell'], { cwd });
    expect(p.exitCode, String(p.stderr)).toBe(0);
    const r = await asuk(['run', 'vol.elf', '-v', './html:/nginx/html', ...T, '--', 'cat', '/etc/hello;', 'cat', '/nginx/html/index.html'], { cwd });
    expect(r.exitCode, String(r.stdout)).toBe(0);
    expect(lines(r.stdout)).toContain('hello from the rootfs');
    expect(lines(r.stdout)).toContain('<h1>live page</h1>');
  });

  it('-v adds to the Kraftfile volumes; :ro is honoured', async () => {
    const p = freshDir('kraft-vol');
    mkdirSync(join(p, 'a'), { recursive: true });
    mkdirSync(join(p, 'b'), { recursive: true });
    writeFileSync(join(p, 'a/x'), 'from a\n');
    writeFileSync(join(p, 'b/y'), 'from b\n');
    writeFileSync(join(p, 'Kraftfile'), 'spec: v0.6\nname: shell\nvolumes:\n  - ./a:/a\n');
    const r = await asuk(['run', '-v', './b:/b:ro', ...T, '--', 'cat', '/a/x;', 'cat', '/b/y;', 'write', '/b/z', 'no'], { cwd: p });
    expect(lines(r.stdout), String(r.stdout) + String(r.stderr)).toContain('from a');
    expect(lines(r.stdout)).toContain('from b');
    expect(String(r.stdout)).toMatch(/error: write: \/b\/z: EROFS/);
    expect(existsSync(join(p, 'b/z'))).toBe(false);
  });
});
