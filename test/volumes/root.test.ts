// 9p as `/` (issue 6): a host directory is the whole root (`asuk run -v
// DIR:/`). Before any write, `find /` equals the host's manifest (files the
// host made before boot read correctly: sizes and SHA-256 from the guest);
// then the guest creates, appends, makes directories, renames, unlinks and
// links, changes modes, and afterwards the host tree equals the same operations applied to
// a host copy, byte for byte (modes, sizes, SHA-256, link targets), and the
// guest's own second `find /` agrees.
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import {
  appendFileSync, chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, symlinkSync,
  unlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { QemuResult } from '../../tools/qemu/index.ts';
import { between, bootVol, findLinesOf, freshDir, hostManifest, imageElf, panicked, sortedLines, writeNoise, VOL_MACHINES } from './helpers.ts';

/** The host tree: nested directories, empty and binary files, odd names and modes, links. */
function makeTree(d: string): void {
  mkdirSync(join(d, 'etc'));
  writeFileSync(join(d, 'etc/config'), 'tag=root\n');
  mkdirSync(join(d, 'data/sub/deeper'), { recursive: true });
  writeFileSync(join(d, 'data/one'), 'one\n');
  writeFileSync(join(d, 'data/sub/two'), 'two\n');
  writeFileSync(join(d, 'data/sub/deeper/empty'), '');
  writeNoise(join(d, 'data/noise.bin'), 3 * 1024 * 1024 + 17, 3);
  writeFileSync(join(d, 'data/private'), 'secret\n');
  chmodSync(join(d, 'data/private'), 0o600);
  writeFileSync(join(d, 'names with spaces é.txt'), 'ünïcödé\n');
  symlinkSync('one', join(d, 'data/link'));
  symlinkSync('/does/not/exist', join(d, 'data/dangling'));
  writeFileSync(join(d, 'log'), 'line 1\n');
}

const CMDS = [
  'write /new.txt "hello world"', 'append /new.txt " and more"', 'append /log "line 2"',
  'mkdir /dir', 'mkdir /dir/inner', 'write /dir/f "f body"', 'mv /dir/f /dir/g', 'mv /etc/config /etc/config.old',
  'mv /data/sub /moved', 'rm /data/one', 'mkdir /gone', 'rmdir /gone', 'ln -s /dir/g /sym', 'ln /dir/g /hard',
  'write /moved/two "replaced"', 'chmod 0640 /new.txt', 'chmod 700 /dir/inner',
];

/** The same operations on a copy of the tree made before boot. */
async function hostExpected(before: string): Promise<string[]> {
  const h = freshDir('root-expected');
  await execa('cp', ['-a', `${before}/.`, h]);
  const p = (x: string) => join(h, x);
  writeFileSync(p('new.txt'), 'hello world'); appendFileSync(p('new.txt'), ' and more'); appendFileSync(p('log'), 'line 2');
  mkdirSync(p('dir')); mkdirSync(p('dir/inner')); writeFileSync(p('dir/f'), 'f body'); renameSync(p('dir/f'), p('dir/g'));
  renameSync(p('etc/config'), p('etc/config.old'));
  renameSync(p('data/sub'), p('moved')); unlinkSync(p('data/one')); mkdirSync(p('gone')); rmdirSync(p('gone'));
  symlinkSync('/dir/g', p('sym')); linkSync(p('dir/g'), p('hard'));
  writeFileSync(p('moved/two'), 'replaced');
  chmodSync(p('new.txt'), 0o640); chmodSync(p('dir/inner'), 0o700);
  return sortedLines(hostManifest(h));
}

describe.each(VOL_MACHINES)('-M %s', (machine) => {
  let vol = '';
  let pristine = '';
  let before: string[] = [];
  let r: QemuResult;

  beforeAll(async () => {
    vol = freshDir(`root-vol-${machine}`);
    makeTree(vol);
    pristine = freshDir(`root-pristine-${machine}`);
    await execa('cp', ['-a', `${vol}/.`, pristine]);
    before = sortedLines(hostManifest(vol));
    const elf = await imageElf('shell');
    const cmds = ['echo --1', 'find /', 'echo --2', 'cat "/names with spaces é.txt"', ...CMDS, 'echo --3', 'find /', 'echo --4', 'mounts'];
    r = await bootVol({ machine, kernel: elf, volumes: [{ src: vol, dst: '/', readonly: false }], cmds: cmds.join('; ') });
  }, 120_000);

  describe('a 9p volume as /', () => {
    it('boots, mounts fs0 at / and runs every command', () => {
      expect(r.timedOut).toBe(false);
      expect(panicked(r.serial)).toBe(false);
      expect(r.serial).not.toMatch(/^(error|rootfs: error)/m);
      expect(r.serial).toMatch(/^fs0 \/ 9pfs 9pfs$/m);
      expect(r.guestExit).toBe(0);
    });

    it('find / before any write equals the host manifest (host files read correctly)', () => {
      expect(findLinesOf(between(r.serial, '--1', '--2').join('\n'))).toEqual(before);
      expect(before.length).toBeGreaterThan(12);
      expect(r.serial).toContain('ünïcödé');
    });

    it('the guest writes are on the host, byte for byte', async () => {
      expect(sortedLines(hostManifest(vol))).toEqual(await hostExpected(pristine));
      expect(readFileSync(join(vol, 'new.txt'), 'utf8')).toBe('hello world and more');
      expect(statSync(join(vol, 'hard')).ino).toBe(statSync(join(vol, 'dir/g')).ino);
    });

    it("the guest's second find / equals the host tree after the run; no /tmp was made on the host", () => {
      expect(findLinesOf(between(r.serial, '--3', '--4').join('\n'))).toEqual(sortedLines(hostManifest(vol)));
      expect(() => statSync(join(vol, 'tmp'))).toThrow();
    });
  });
});
