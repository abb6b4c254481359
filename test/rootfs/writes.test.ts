// Writes under QEMU (issue 4): create, append, rename, unlink, mkdir/rmdir,
// symlink and hard link in `/` (the initrd's ramfs) and in `/tmp` (its own
// ramfs); then `find /` equals the same operations applied to a copy of the
// tree on the host. Plus the shell's error lines and exit status.
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import {
  appendFileSync, chmodSync, linkSync, mkdirSync, renameSync, rmdirSync, symlinkSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { boot, findLinesOf, freshDir, hostManifest, packOurs, panicked, shellElf, sortedLines, tmp } from './helpers.ts';
import { makeSmallTree } from './trees.ts';

let elf = '';
let archive = '';
let tree = '';

beforeAll(async () => {
  tree = freshDir('small');
  makeSmallTree(tree, 'w');
  [elf, archive] = await Promise.all([shellElf('shell-w'), packOurs(tree, join(tmp, 'small.cpio'))]);
}, 120_000);

const CMDS = [
  'write /new.txt "hello world"', 'append /new.txt " and more"', 'append /new.txt ";x"',
  'mkdir /dir', 'write /dir/f "f body"', 'mv /dir/f /dir/g', 'mv /etc/config /etc/config.old',
  'rm /data/one', 'mkdir /gone', 'rmdir /gone', 'ln -s /dir/g /sym', 'ln /dir/g /hard',
  'write /data/sub/two "replaced"',
  'write /tmp/t "temp"', 'mkdir /tmp/d', 'append /tmp/d/log "a"', 'append /tmp/d/log "b"', 'mv /tmp/t /tmp/u',
  'ln -s ../d/log /tmp/rel', 'chmod 0600 /new.txt', 'chmod 0750 /tmp/d',
];

/** The same operations on a host copy (with /tmp as a 1777 directory). */
async function hostExpected(): Promise<string[]> {
  const h = freshDir('small-expected');
  await execa('cp', ['-a', `${tree}/.`, h]);
  const p = (x: string) => join(h, x);
  writeFileSync(p('new.txt'), 'hello world'); appendFileSync(p('new.txt'), ' and more'); appendFileSync(p('new.txt'), ';x');
  mkdirSync(p('dir')); writeFileSync(p('dir/f'), 'f body'); renameSync(p('dir/f'), p('dir/g'));
  renameSync(p('etc/config'), p('etc/config.old'));
  unlinkSync(p('data/one')); mkdirSync(p('gone')); rmdirSync(p('gone'));
  symlinkSync('/dir/g', p('sym')); linkSync(p('dir/g'), p('hard'));
  writeFileSync(p('data/sub/two'), 'replaced');
  mkdirSync(p('tmp')); chmodSync(p('tmp'), 0o1777);
  writeFileSync(p('tmp/t'), 'temp'); mkdirSync(p('tmp/d'));
  appendFileSync(p('tmp/d/log'), 'a'); appendFileSync(p('tmp/d/log'), 'b'); renameSync(p('tmp/t'), p('tmp/u'));
  symlinkSync('../d/log', p('tmp/rel'));
  chmodSync(p('new.txt'), 0o600); chmodSync(p('tmp/d'), 0o750);
  return sortedLines(hostManifest(h));
}

describe('writes in / and /tmp', () => {
  it('find / shows exactly the result', async () => {
    const r = await boot({ kernel: elf, initrd: [archive], cmds: [...CMDS, 'cat /new.txt', 'find /'].join('; ') });
    expect(r.timedOut).toBe(false);
    expect(panicked(r.serial)).toBe(false);
    expect(r.serial).not.toMatch(/^error:/m);
    expect(r.serial).toContain('hello world and more;x');
    expect(findLinesOf(r.serial)).toEqual(await hostExpected());
    expect(r.guestExit).toBe(0);
  });
});

describe('errors', () => {
  it('each failing command prints error: CMD: PATH: ENAME, the others run, exit 1', async () => {
    const cmds = [
      'cat /nope', 'mkdir /etc', 'rmdir /data', 'write /tmp/x "1"', 'mv /tmp/x /x', 'ln /tmp/x /y',
      'rm /etc', 'cat /etc', 'ls /etc/config/', 'frobnicate /a', 'echo still running',
    ];
    const r = await boot({ kernel: elf, initrd: [archive], cmds: cmds.join('; ') });
    expect(r.timedOut).toBe(false);
    const errs = r.serial.split(/\r?\n/).filter((l) => l.startsWith('error: '));
    expect(errs).toEqual([
      'error: cat: /nope: ENOENT', 'error: mkdir: /etc: EEXIST', 'error: rmdir: /data: ENOTEMPTY',
      'error: mv: /tmp/x: EXDEV', 'error: ln: /y: EXDEV', 'error: rm: /etc: EISDIR', 'error: cat: /etc: EISDIR',
      'error: ls: /etc/config/: ENOTDIR', 'error: frobnicate: /a: ENOSYS',
    ]);
    expect(r.serial).toContain('still running');
    expect(r.guestExit).toBe(1);
  });
});
