// Hardening over 9p (issue 11), QEMU -M pc with real virtio-9p shares:
//   1   `asuk run locked.elf -v ./evil:/.` (a 9pfs entry at `/.`) does not
//       replace a locked image's `/`
//   2   a host file named `a\xffb` lists, stats and reads under its own name
//       (bytes kept; main cut it to `a` and then failed with ENOENT)
//   9   names with control bytes print escaped
//   11  `stat` and `find` report FIFOs and sockets as p and s (main: type=f)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { buildKernelElf } from '../../tools/link/index.ts';
import { shellWasm } from '../rootfs/helpers.ts';
import { bootVol, findLinesOf, freshDir, imageElf, linesOf, packOurs, panicked, tmp } from './helpers.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A host path whose last component is raw bytes. */
const rawPath = (dir: string, name: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), name]);

describe('a locked image with a 9p volume at /.', () => {
  it('the volume is refused; / stays the embedded initrd', async () => {
    const evil = freshDir('evil');
    mkdirSync(join(evil, 'etc'));
    writeFileSync(join(evil, 'etc/config'), 'tag=evil\n');
    const emb = freshDir('emb');
    mkdirSync(join(emb, 'etc'));
    writeFileSync(join(emb, 'etc/config'), 'tag=emb\n');
    const cpio = await packOurs(emb, join(tmp, 'emb.cpio'));
    const elf = join(tmp, 'locked.elf');
    writeFileSync(elf, buildKernelElf(await shellWasm(), { einitrd: readFileSync(cpio), locked: true }).elf);
    const r = await bootVol({ kernel: elf, volumes: [{ src: evil, dst: '/.', readonly: false }], cmds: 'cat /etc/config; mounts' });
    expect(r.timedOut).toBe(false);
    expect(linesOf(r.serial)).toContain('tag=emb');
    expect(r.serial).not.toContain('tag=evil');
    expect(linesOf(r.serial).filter((l) => l.startsWith('rootfs: '))).toEqual([
      'rootfs: warning: locked image: refused "fs0:/.:9pfs:::mkmp" (/ stays the embedded initrd)',
    ]);
    expect(linesOf(r.serial)).toContain('embedded / ramfs extract');
    expect(r.guestExit).toBe(0);
  });
});

describe('odd host names and file types over 9p', () => {
  let vol = '';
  let r: Awaited<ReturnType<typeof bootVol>>;
  let server: Server | null = null;
  afterAll(() => { server?.close(); });
  beforeAll(async () => {
    vol = freshDir('odd');
    writeFileSync(rawPath(vol, Buffer.from('a\xffb', 'latin1')), 'raw name\n');
    writeFileSync(join(vol, 'a'), 'plain a\n');
    writeFileSync(join(vol, 'nl\nx'), 'newline\n');
    await execa('mkfifo', [join(vol, 'fifo')]);
    // A listening Unix socket (Node removes the file when it closes: kept open for the boot).
    await new Promise<void>((ok) => { server = createServer().listen(join(vol, 'sock'), ok); });
    r = await bootVol({
      kernel: await imageElf('shell'),
      volumes: [{ src: vol, dst: '/v', readonly: false }],
      cmds: 'ls /v; stat /v/fifo; stat /v/sock; find /v',
    });
  }, 120_000);

  it('boots, no panic', () => {
    expect(r.timedOut).toBe(false);
    expect(panicked(r.serial), r.serial).toBe(false);
    expect(r.guestExit).toBe(0);
  });
  it('ls shows every name once, escaped, sorted by bytes', () => {
    const at = linesOf(r.serial).indexOf('a');
    expect(linesOf(r.serial).slice(at, at + 5)).toEqual(['a', 'a\\377b', 'fifo', 'nl\\nx', 'sock']);
  });
  it('stat reports p for a FIFO and s for a socket', () => {
    expect(linesOf(r.serial).some((l) => l.startsWith('/v/fifo: type=p '))).toBe(true);
    expect(linesOf(r.serial).some((l) => l.startsWith('/v/sock: type=s '))).toBe(true);
  });
  it('find reads a\\xffb under its own name (not a, not ENOENT)', () => {
    const found = findLinesOf(r.serial);
    expect(found).toContain(`f 0644 9 ${sha('raw name\n')} /v/a\\377b`);
    expect(found).toContain(`f 0644 8 ${sha('plain a\n')} /v/a`);
    expect(found).toContain(`f 0644 8 ${sha('newline\n')} /v/nl\\nx`);
    expect(r.serial).not.toMatch(/^error: /m);
  });
});
