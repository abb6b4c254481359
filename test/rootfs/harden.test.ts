// Hardening of the boot-time mounts under QEMU (issue 11): each case is a
// defect that main had.
//   1  a locked einitrd's / replaced through an unnormalised mount point
//      (`-initrd "evil.cpio /."`, fstab `/etc/..`, a symlink to /)
//   2  names that are not UTF-8: bytes kept, two names never become one
//   3  a chain of 1,000 nested directories: mounted, and `find /` walks it
//   4  a root archive that fails: the boot stops (status 253) unless `nofail`
//   6  unclosed quotes / lists on the command line: one error line, status 253
//   7  unknown fstab options and option values are refused
//   8  an archive with a file named tmp: /tmp is still writable
//   9  names with control bytes are printed escaped (`ls -b`)
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { boot, findLinesOf, panicked, shellElf, tmp } from './helpers.ts';

const REG = 0o100644, DIR = 0o040755, LNK = 0o120777;
/** kernel/panic.ts BOOT_FAIL_CODE: the boot stopped because of its input. */
const BOOT_FAIL = 0x7e;

/** One newc entry whose name is the raw bytes `name` (tools/cpio only takes UTF-8 strings). */
function ent(name: Buffer | string, body: string | Buffer = '', mode = REG): Buffer {
  const n = Buffer.concat([Buffer.isBuffer(name) ? name : Buffer.from(name), Buffer.from([0])]);
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const hex = (v: number) => v.toString(16).padStart(8, '0');
  const fields = [1, mode, 0, 0, 1, 0, b.length, 0, 0, 0, 0, n.length, 0];
  const head = Buffer.from('070701' + fields.map(hex).join(''), 'latin1');
  const pad = (len: number) => Buffer.alloc((4 - (len % 4)) % 4);
  return Buffer.concat([head, n, pad(head.length + n.length), b, pad(b.length)]);
}
const arc = (...parts: Buffer[]) => Buffer.concat([...parts, ent('TRAILER!!!', '', 0)]);
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const lines = (s: string) => s.replace(/\r/g, '').split('\n');

function write(name: string, bytes: Buffer): string {
  const f = join(tmp, name);
  writeFileSync(f, bytes);
  return f;
}

let plain = '';
let locked = '';
let evil = '';

beforeAll(async () => {
  const emb = arc(ent('etc', '', DIR), ent('etc/config', 'tag=emb\n'), ent('lnk', '/', LNK));
  plain = await shellElf('shell-harden');
  locked = await shellElf('shell-harden-locked', emb, true);
  evil = write('evil.cpio', arc(ent('etc', '', DIR), ent('etc/config', 'tag=evil\n')));
}, 180_000);

describe('1: a locked image keeps its / whatever the mount point looks like', () => {
  it('-initrd "evil.cpio /." is refused like "evil.cpio /"', async () => {
    const r = await boot({ kernel: locked, initrd: [`${evil} /.`], cmds: 'cat /etc/config; mounts' });
    expect(r.serial).toContain('tag=emb');
    expect(r.serial).not.toContain('tag=evil');
    expect(r.serial).toMatch(/rootfs: warning: initrd0: no mount point/);
    expect(r.serial).toMatch(/^embedded \/ ramfs extract\r?$/m);
    expect(r.serial).not.toMatch(/^initrd0 /m);
    expect(r.guestExit).toBe(0);
  });
  it('fstab /etc/.., //, and a symlink to / are refused', async () => {
    const fstab = 'vfs.fstab=[ "initrd0:/etc/..:extract::ramfs=1:" "initrd0://.:extract::ramfs=1:" "initrd0:/lnk:extract::ramfs=1:" ]';
    const r = await boot({ kernel: locked, initrd: [evil], options: fstab, cmds: 'cat /etc/config; mounts' });
    expect(r.serial).toContain('tag=emb');
    expect(r.serial).not.toContain('tag=evil');
    const warn = lines(r.serial).filter((l) => l.startsWith('rootfs: '));
    expect(warn).toEqual([
      'rootfs: warning: locked image: refused "initrd0:/etc/..:extract::ramfs=1:" (/ stays the embedded initrd)',
      'rootfs: warning: locked image: refused "initrd0://.:extract::ramfs=1:" (/ stays the embedded initrd)',
      'rootfs: error: fstab entry "initrd0:/lnk:extract::ramfs=1:": mount /lnk: EPERM, skipped',
    ]);
    expect(lines(r.serial).filter((l) => /^\S+ \/\S* ramfs /.test(l))).toEqual(['embedded / ramfs extract', 'tmp /tmp ramfs ramfs']);
    expect(r.guestExit).toBe(0);
  });
  it('unlocked, /etc/.. is / (the normalised path is what gets mounted)', async () => {
    const r = await boot({ kernel: plain, initrd: [evil], options: 'vfs.fstab=[ "initrd0:/etc/..:extract::ramfs=1:" ]', cmds: 'cat /etc/config; mounts' });
    expect(r.serial).toContain('tag=evil');
    expect(r.serial).toMatch(/^initrd0 \/ ramfs extract\r?$/m);
  });
});

describe('2, 8, 9: names from an archive', () => {
  let r: Awaited<ReturnType<typeof boot>>;
  beforeAll(async () => {
    const root = arc(
      ent('etc', '', DIR),
      ent('etc/passwd', 'root:x:0:0\n'),
      ent(Buffer.from('etc/passwd\xff', 'latin1'), 'evil\n'),
      ent(Buffer.from([0xff, 0xfe]), 'two bytes\n'),
      ent(Buffer.from([0xc3, 0x28]), 'bad pair\n'),
      ent('nl\nd 0755 - - x', 'x'),
      ent('esc\x1b[2Jx', 'y'),
      ent('tmp', 'a file where /tmp goes\n'),
    );
    r = await boot({ kernel: plain, initrd: [write('names.cpio', root)], cmds: 'cat /etc/passwd; find /; write /tmp/w ok; cat /tmp/w; stat /esc\x1b[2Jx' });
  }, 60_000);
  it('boots, no panic', () => {
    expect(r.timedOut).toBe(false);
    expect(panicked(r.serial), r.serial).toBe(false);
    expect(r.guestExit).toBe(0);
  });
  it('etc/passwd\\xff is a second file: /etc/passwd keeps its content', () => {
    expect(lines(r.serial)).toContain('root:x:0:0');
  });
  it('find / lists every name once, bytes kept, escaped as ls -b, sorted by bytes', () => {
    // Sorted by the raw bytes: 'e' < 'n' < 't' < 0xc3 < 0xff.
    expect(findLinesOf(r.serial)).toEqual([
      'd 0755 - - /',
      `f 0644 1 ${sha('y')} /esc\\033[2Jx`,
      'd 0755 - - /etc',
      `f 0644 11 ${sha('root:x:0:0\n')} /etc/passwd`,
      `f 0644 5 ${sha('evil\n')} /etc/passwd\\377`,
      `f 0644 1 ${sha('x')} /nl\\nd 0755 - - x`,
      'd 1777 - - /tmp',
      `f 0644 9 ${sha('bad pair\n')} /\\303(`,
      `f 0644 10 ${sha('two bytes\n')} /\\377\\376`,
    ]);
    expect(r.serial).not.toContain('\x1b[2J');
  });
  it('/tmp: the archive\'s file is replaced by a writable directory, with one line saying so', () => {
    expect(lines(r.serial).filter((l) => l.startsWith('rootfs: '))).toEqual([
      'rootfs: warning: /tmp in the root filesystem is not a directory: replaced by an empty writable /tmp',
    ]);
    expect(lines(r.serial)).toContain('ok');
  });
  it('stat prints the name escaped', () => {
    expect(lines(r.serial).some((l) => l.startsWith('/esc\\033[2Jx: type=f '))).toBe(true);
  });
});

describe('3: deep trees', () => {
  it('a chain of 1,000 nested directories mounts and find / walks it', async () => {
    const parts: Buffer[] = [];
    let p = '';
    for (let i = 0; i < 1000; i++) { p += (i ? '/' : '') + 'd'; parts.push(ent(p, '', DIR)); }
    parts.push(ent(`${p}/bottom`, 'deep\n'));
    const r = await boot({ kernel: plain, initrd: [write('deep.cpio', arc(...parts))], cmds: `cat /${p}/bottom; find /`, timeoutMs: 120_000 });
    expect(r.timedOut).toBe(false);
    expect(panicked(r.serial), r.serial.slice(-2000)).toBe(false);
    const found = findLinesOf(r.serial);
    expect(found.length).toBe(1 + 1000 + 1 + 1);
    expect(found).toContain(`f 0644 5 ${sha('deep\n')} /${p}/bottom`);
    expect(r.guestExit).toBe(0);
  }, 150_000);
});

describe('4: a root that fails to load', () => {
  const bad = () => write('bad-root.cpio', Buffer.from('070707 not an archive at all'));
  it('stops the boot with the error and status 253 (not 0, not a panic)', async () => {
    const r = await boot({ kernel: plain, initrd: [bad()], cmds: 'echo app ran' });
    expect(r.timedOut).toBe(false);
    expect(r.serial).toMatch(/^cpio: error: .*magic.* at offset 0\r?$/m);
    expect(r.serial).toMatch(/^rootfs: error: the root filesystem could not be mounted .*: boot stopped\r?$/m);
    expect(r.serial).not.toContain('app ran');
    expect(r.guestExit).toBe(BOOT_FAIL);
  });
  it('a malformed fstab entry for / stops it too', async () => {
    const r = await boot({ kernel: plain, initrd: [evil], options: 'vfs.fstab=[ "initrd0:/:extract::bogus=1:" ]', cmds: 'echo app ran' });
    expect(r.serial).toContain("unknown extract option 'bogus=1'");
    expect(r.serial).not.toContain('app ran');
    expect(r.guestExit).toBe(BOOT_FAIL);
  });
  it('nofail: the error line, then an empty ramfs at / and the app runs', async () => {
    const r = await boot({ kernel: plain, initrd: [bad()], options: 'vfs.fstab=[ "initrd0:/:extract::ramfs=1:nofail" ]', cmds: 'echo app ran; find /' });
    expect(r.serial).toMatch(/^rootfs: error: initrd0 \(.*\): not mounted at \/: EINVAL\r?$/m);
    expect(r.serial).toContain('app ran');
    expect(findLinesOf(r.serial)).toEqual(['d 0755 - - /', 'd 1777 - - /tmp']);
    expect(r.guestExit).toBe(0);
  });
});

describe('6: a command line that cannot be parsed', () => {
  it.each([
    ['vfs.fstab="initrd0:/:extract::', 'find /', /unclosed quote \(".*\) at offset 10 /],
    ['vfs.fstab=[ "initrd0:/:extract:: ]', 'find /', /unclosed quote \(".*\) at offset 12 /],
    ['vfs.fstab=[ "initrd0:/:extract::"', 'find /', /unclosed list \(\[\) at offset 10 /],
    ['', 'cat "/etc/config', /unclosed quote \(".*\) at offset 7 /],
  ])('%s -- %s: one error line, status 253', async (options, cmds, re) => {
    const r = await boot({ kernel: plain, initrd: [evil], options, cmds });
    const errs = lines(r.serial).filter((l) => l.includes('error'));
    expect(errs.length, r.serial).toBe(1);
    expect(errs[0]).toMatch(/^cmdline: error: /);
    expect(errs[0]).toMatch(re);
    expect(r.serial).not.toContain('tag=evil');
    expect(findLinesOf(r.serial)).toEqual([]);
    expect(r.guestExit).toBe(BOOT_FAIL);
  });
});

describe('7: unknown fstab options and values', () => {
  it('extract with mkmp in opts, ramfs with bogus=1, flags on extract: one error line each', async () => {
    const fstab = 'vfs.fstab=[ "initrd0:/:extract::ramfs=1:" "initrd0:/a:extract::mkmp:" "none:/b:ramfs::bogus=1:mkmp" "initrd0:/c:extract:1:ramfs=1:mkmp" ]';
    const r = await boot({ kernel: plain, initrd: [evil], options: fstab, cmds: 'cat /etc/config; ls /' });
    expect(lines(r.serial).filter((l) => l.startsWith('rootfs: '))).toEqual([
      'rootfs: error: fstab entry "initrd0:/a:extract::mkmp:": unknown extract option \'mkmp\' (known: ramfs=1), skipped',
      'rootfs: error: fstab entry "none:/b:ramfs::bogus=1:mkmp": unknown ramfs option \'bogus=1\' (ramfs takes none), skipped',
      'rootfs: error: fstab entry "initrd0:/c:extract:1:ramfs=1:mkmp": flags \'1\': extract takes no mount flags, skipped',
    ]);
    expect(r.serial).toContain('tag=evil');
    expect(r.guestExit).toBe(0);
  });
  it.each([['vfs.rootfs_required=2', "vfs.rootfs_required='2': must be 0 or 1"], ['vfs.bogus=1', "unknown kernel option 'vfs.bogus'"]])(
    '%s stops the boot with one line', async (options, why) => {
      const r = await boot({ kernel: plain, initrd: [evil], options, cmds: 'echo app ran' });
      expect(r.serial).toContain(`rootfs: error: ${why}`);
      expect(r.serial).not.toContain('app ran');
      expect(r.guestExit).toBe(BOOT_FAIL);
    });
});
