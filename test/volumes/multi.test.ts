// Two volumes at once, a read-only one, and a big file (issue 6):
//   - a 64 MiB host file is read from one volume and written to another by
//     the guest (test/volumes/as/copy.ts): the guest's SHA-256 of what it
//     read, the host's SHA-256 of the copy and of the original all agree;
//   - a `:ro` volume (fstab flag 1 = MS_RDONLY, QEMU readonly=on) refuses
//     every change with EROFS in the guest while reads work, and the host
//     directory is unchanged (names, modes, sizes, SHA-256, mtimes); the
//     read-write volume beside it still takes writes.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QemuResult } from '../../tools/qemu/index.ts';
import { bootVol, copyElf, freshDir, hostManifest, imageElf, linesOf, panicked, sortedLines, writeNoise, VOL_MACHINES } from './helpers.ts';

const BIG = 64 << 20;
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe.each(VOL_MACHINES)('-M %s', (machine) => {
  let src = '';
  let dst = '';
  let rw = '';
  let ro = '';
  let roBefore: string[] = [];
  let roMtime = 0;
  let big: QemuResult;
  let rofs: QemuResult;

  beforeAll(async () => {
    src = freshDir(`multi-src-${machine}`);
    dst = freshDir(`multi-dst-${machine}`);
    writeNoise(join(src, 'in64.bin'), BIG, 64);
    rw = freshDir(`multi-rw-${machine}`);
    ro = freshDir(`multi-ro-${machine}`);
    writeFileSync(join(ro, 'keep.txt'), 'keep me\n');
    mkdirSync(join(ro, 'sub'));
    writeFileSync(join(ro, 'sub/inner'), 'inner\n');
    roBefore = sortedLines(hostManifest(ro));
    roMtime = statSync(join(ro, 'keep.txt')).mtimeMs;
    const [cp, shell] = await Promise.all([copyElf(), imageElf('shell')]);
    big = await bootVol({
      machine,
      kernel: cp, memory: '128M', timeoutMs: 150_000,
      volumes: [{ src, dst: '/in', readonly: true }, { src: dst, dst: '/out', readonly: false }],
      cmds: 'cp /in/in64.bin /out/out64.bin',
    });
    const cmds = [
      'cat /ro/keep.txt', 'cat /ro/sub/inner', 'write /rw/a "rw works"',
      'write /ro/new "x"', 'append /ro/keep.txt "more"', 'write /ro/keep.txt "over"', 'mkdir /ro/d', 'rm /ro/keep.txt',
      'rmdir /ro/sub', 'mv /ro/keep.txt /ro/k2', 'mv /ro/sub/inner /ro/inner2', 'ln -s keep.txt /ro/sym', 'ln /ro/keep.txt /ro/hard',
      'mv /rw/a /ro/a', 'chmod 0777 /ro/keep.txt',
    ];
    rofs = await bootVol({
      machine,
      kernel: shell,
      volumes: [{ src: rw, dst: '/rw', readonly: false }, { src: ro, dst: '/ro', readonly: true }],
      cmds: cmds.join('; '),
    });
  }, 200_000);

  describe('a 64 MiB file between two volumes', () => {
    it('the guest copies it; its SHA-256, the copy and the original agree', () => {
      expect(big.timedOut).toBe(false);
      expect(panicked(big.serial)).toBe(false);
      const m = /cp \/in\/in64\.bin \/out\/out64\.bin (\d+) ([0-9a-f]{64})$/m.exec(big.serial);
      expect(m, big.serial).not.toBeNull();
      const [, bytes, guestSha] = m!;
      const want = sha(join(src, 'in64.bin'));
      expect(Number(bytes)).toBe(BIG);
      expect(guestSha).toBe(want);
      expect(statSync(join(dst, 'out64.bin')).size).toBe(BIG);
      expect(sha(join(dst, 'out64.bin'))).toBe(want);
      expect(big.guestExit).toBe(0);
    });
  });

  describe('a read-only volume beside a read-write one', () => {
    it('reads work, every change is refused with EROFS, the rw volume takes writes', () => {
      expect(rofs.timedOut).toBe(false);
      expect(panicked(rofs.serial)).toBe(false);
      expect(rofs.serial).toContain('keep me');
      expect(rofs.serial).toContain('inner');
      const errs = linesOf(rofs.serial).filter((l) => l.startsWith('error: '));
      expect(errs).toEqual([
        'error: write: /ro/new: EROFS', 'error: append: /ro/keep.txt: EROFS', 'error: write: /ro/keep.txt: EROFS',
        'error: mkdir: /ro/d: EROFS', 'error: rm: /ro/keep.txt: EROFS', 'error: rmdir: /ro/sub: EROFS',
        'error: mv: /ro/keep.txt: EROFS', 'error: mv: /ro/sub/inner: EROFS', 'error: ln: /ro/sym: EROFS',
        'error: ln: /ro/hard: EROFS', 'error: mv: /rw/a: EXDEV', 'error: chmod: /ro/keep.txt: EROFS',
      ]);
      expect(readFileSync(join(rw, 'a'), 'utf8')).toBe('rw works');
      expect(rofs.guestExit).toBe(1);
    });

    it('the host directory is unchanged', () => {
      expect(sortedLines(hostManifest(ro))).toEqual(roBefore);
      expect(statSync(join(ro, 'keep.txt')).mtimeMs).toBe(roMtime);
    });
  });
});
