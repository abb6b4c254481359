// Automount under QEMU: the default table (initrd0 at /, other modules at
// their argument), `vfs.fstab=` replacing it (extract, ramfs, mkmp), bad
// entries (one error line, boot on), no initrd at all, and the einitrd
// (issue 5): alone, with an -initrd at /opt/extra, and locked.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boot, findLinesOf, freshDir, hostManifest, packOurs, panicked, shellElf, sortedLines, tmp } from './helpers.ts';
import { makeSmallTree } from './trees.ts';
import { buildImage } from '../../tools/image/index.ts';

let elf = '';
const trees: Record<string, string> = {};
const cpio: Record<string, string> = {};

beforeAll(async () => {
  for (const t of ['a', 'b', 'emb']) {
    trees[t] = freshDir(`tree-${t}`);
    makeSmallTree(trees[t], t);
    cpio[t] = await packOurs(trees[t], join(tmp, `${t}.cpio`));
  }
  elf = await shellElf('shell-fstab');
}, 120_000);

/** Expected `find /`: tree `root` at /, others at their paths, plus /tmp (mode 1777) unless given. */
function expected(root: string | null, subs: [string, string][], extra: { path: string; line: string }[] = []): string[] {
  const items = root ? hostManifest(trees[root]) : [{ path: '/', line: 'd 0755 - - /' }];
  for (const [t, at] of subs) {
    let p = '';
    for (const part of at.split('/').slice(1, -1)) {
      p += `/${part}`;
      if (!items.some((x) => x.path === p)) items.push({ path: p, line: `d 0755 - - ${p}` });
    }
    items.push(...hostManifest(trees[t], at));
  }
  items.push({ path: '/tmp', line: 'd 1777 - - /tmp' }, ...extra);
  return sortedLines(items);
}

describe('default table', () => {
  it('initrd0 at /, a second module at its argument (mkmp)', async () => {
    const r = await boot({ kernel: elf, initrd: [cpio.a, `${cpio.b} /opt/b`], cmds: 'find /; mounts' });
    expect(panicked(r.serial)).toBe(false);
    expect(findLinesOf(r.serial)).toEqual(expected('a', [['b', '/opt/b']]));
    expect(r.serial).toMatch(/^initrd0 \/ ramfs extract\r?$/m);
    expect(r.serial).toMatch(/^initrd1 \/opt\/b ramfs extract\r?$/m);
    expect(r.serial).toMatch(/^tmp \/tmp ramfs ramfs\r?$/m);
    expect(r.guestExit).toBe(0);
  });
  it('no initrd: an empty ramfs at / with a writable /tmp', async () => {
    const r = await boot({ kernel: elf, cmds: 'write /tmp/x hi; write /y there; find /' });
    expect(r.serial).not.toMatch(/mount: \d+ us/);
    const lines = findLinesOf(r.serial);
    expect(lines.map((l) => l.split(' ').pop())).toEqual(['/', '/tmp', '/tmp/x', '/y']);
    expect(r.guestExit).toBe(0);
  });
});

describe('vfs.fstab=', () => {
  it('replaces the default: b at /, a at /mnt/a (mkmp), an empty ramfs at /scratch', async () => {
    const fstab = 'vfs.fstab=[ "initrd0:/mnt/a:extract::ramfs=1:mkmp" "initrd1:/:extract::ramfs=1:" "none:/scratch:ramfs:::mkmp" ]';
    const r = await boot({ kernel: elf, initrd: [cpio.a, cpio.b], options: fstab, cmds: 'write /scratch/s x; find /; mounts' });
    expect(panicked(r.serial)).toBe(false);
    const extra = [{ path: '/scratch', line: 'd 0755 - - /scratch' }, {
      path: '/scratch/s', line: 'f 0644 1 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 /scratch/s',
    }];
    expect(findLinesOf(r.serial)).toEqual(expected('b', [['a', '/mnt/a']], extra));
    expect(r.serial).toMatch(/^none \/scratch ramfs ramfs\r?$/m);
    expect(r.guestExit).toBe(0);
  });
  it('bad entries: one error line each, the good ones mounted, the app runs', async () => {
    const fstab = 'vfs.fstab=[ "initrd0:/:extract::ramfs=1:" "nonsense" "initrd7:/x:extract::ramfs=1:mkmp" "initrd0:/y:nfs" "initrd1:/nomp:extract::ramfs=1:" ]';
    const r = await boot({ kernel: elf, initrd: [cpio.a, cpio.b], options: fstab, cmds: 'cat /etc/config' });
    const errs = r.serial.split(/\r?\n/).filter((l) => l.startsWith('rootfs: error:'));
    expect(errs).toEqual([
      'rootfs: error: fstab entry "nonsense": expected <dev>:<mountpoint>:<driver>[:<flags>[:<opts>[:<ukopts>]]], skipped',
      'rootfs: error: fstab entry "initrd0:/y:nfs": unknown driver \'nfs\' (known: ramfs, extract, 9pfs), skipped',
      'rootfs: error: fstab entry "initrd7:/x:extract::ramfs=1:mkmp": no boot module initrd7, skipped',
      'rootfs: error: fstab entry "initrd1:/nomp:extract::ramfs=1:": mount /nomp: ENOENT, skipped',
    ]);
    expect(r.serial).toContain('tag=a');
    expect(r.guestExit).toBe(0);
  });
});

describe('einitrd (issue 5)', () => {
  let embElf = '';
  beforeAll(async () => { embElf = await shellElf('shell-emb', readFileSync(cpio.emb)); }, 60_000);

  it('alone: find / equals the embedded tree', async () => {
    const r = await boot({ kernel: embElf, cmds: 'find /; mounts' });
    expect(findLinesOf(r.serial)).toEqual(expected('emb', []));
    expect(r.serial).toMatch(/^embedded \/ ramfs extract\r?$/m);
    expect(r.guestExit).toBe(0);
  });
  it('with -initrd "a.cpio /opt/extra": both trees, writes to both work', async () => {
    const r = await boot({
      kernel: embElf, initrd: [`${cpio.a} /opt/extra`],
      cmds: 'write /etc/config tag=changed; write /opt/extra/etc/config tag=changed; cat /etc/config; cat /opt/extra/etc/config; rm /etc/config; rm /opt/extra/etc/config; find /',
    });
    expect(r.serial.match(/^tag=changed\r?$/gm)?.length).toBe(2);
    const want = expected('emb', [['a', '/opt/extra']]).filter((l) => !l.endsWith('/etc/config'));
    expect(findLinesOf(r.serial)).toEqual(want);
    expect(r.guestExit).toBe(0);
  });
  it('unlocked: an fstab may put initrd0 at /', async () => {
    const r = await boot({ kernel: embElf, initrd: [cpio.a], options: 'vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ]', cmds: 'cat /etc/config' });
    expect(r.serial).toContain('tag=a');
    expect(r.serial).not.toContain('locked image');
  });
  it('locked: neither an fstab nor -initrd replaces /, one warning line names what was refused', async () => {
    const locked = await shellElf('shell-locked', readFileSync(cpio.emb), true);
    const r = await boot({ kernel: locked, initrd: [cpio.a], options: 'vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ]', cmds: 'cat /etc/config; mounts' });
    expect(r.serial).toContain('tag=emb');
    expect(r.serial).not.toContain('tag=a');
    expect(r.serial.match(/locked image/g)?.length).toBe(1);
    expect(r.serial).toMatch(/initrd0/);
    expect(r.serial).toMatch(/^embedded \/ ramfs extract\r?$/m);
    expect(r.guestExit).toBe(0);
  });
  it('a malformed einitrd fails at build time with the packer\'s error', async () => {
    const bad = join(tmp, 'bad-einitrd.cpio');
    writeFileSync(bad, readFileSync(cpio.emb).subarray(0, 300));
    await expect(buildImage('shell', { rootfs: bad, out: join(tmp, 'never.elf') })).rejects.toThrow(/cpio: error: .*truncated.* at offset \d+/);
    expect(existsSync(join(tmp, 'never.elf'))).toBe(false);
  });
  it('a bare -initrd next to an einitrd: one warning line, / stays the einitrd', async () => {
    const r = await boot({ kernel: embElf, initrd: [cpio.a], cmds: 'cat /etc/config' });
    expect(r.serial).toMatch(/rootfs: warning: initrd0: no mount point/);
    expect(r.serial).toContain('tag=emb');
  });
});
