// Bad 9pfs fstab entries (issue 6): a mount tag no device has, a flags field
// that is not a number, unknown or out-of-range options, a relative mount
// point, a missing mount point without mkmp — one `rootfs: error:` line
// each, nothing left behind (no empty mount point for a missing tag), and the
// kernel boots on: the good entries are mounted and the app runs. A small
// msize (msize=8192) still moves a 200 KiB file (reads split to the msize),
// and a tag mounted twice (/a read-write, /h read-only) shares one 9P
// session: both work (a second Tversion would reset the first mount's fids).
// All of it on -M pc (virtio-pci) and -M microvm (virtio-mmio). On microvm
// with no device, or a legacy (version 1) virtio-mmio one, a 9pfs entry is
// one error line too (the legacy device adds one line naming QEMU's switch).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runQemu, type QemuResult } from '../../tools/qemu/index.ts';
import { bootVol, findLinesOf, freshDir, hostManifest, imageElf, linesOf, panicked, sortedLines, writeNoise, VOL_MACHINES } from './helpers.ts';

const FSTAB = [
  'fs0:/a:9pfs:::mkmp', 'fs7:/b:9pfs:::mkmp', 'fs0:/c:9pfs:x::mkmp', 'fs0:/d:9pfs::bogus=1:mkmp',
  'fs0:/e:9pfs::msize=12:mkmp', 'fs0:relative:9pfs', 'fs0:/f:9pfs:::', 'fs1:/g:9pfs::msize=8192,trans=virtio:mkmp',
  'fs0:/h:9pfs:1::mkmp',
];
const err = (e: string, why: string) => `rootfs: error: fstab entry "${e}": ${why}, skipped`;

describe.each(VOL_MACHINES)('-M %s', (machine) => {
  let vol = '';
  let elf = '';
  let r: QemuResult;
  let want: string[] = [];

  beforeAll(async () => {
    vol = freshDir(`bad-vol-${machine}`);
    mkdirSync(join(vol, 'etc'));
    writeFileSync(join(vol, 'etc/config'), 'tag=bad\n');
    writeNoise(join(vol, 'chunky.bin'), 200 * 1024 + 3, 9);
    want = sortedLines([...hostManifest(vol, '/a'), ...hostManifest(vol, '/g'), ...hostManifest(vol, '/h')]);
    elf = await imageElf('shell');
    r = await bootVol({ machine, kernel: elf, volumes: [vol, vol].map((src) => ({ src, dst: '/unused', readonly: false })), fstab: FSTAB,
      cmds: 'find /; write /a/new "via a"; cat /h/new; write /h/no "x"; echo alive',
    });

  }, 120_000);

  describe('bad 9pfs entries', () => {
    it('one clear error line per bad entry, in order', () => {
      expect(linesOf(r.serial).filter((l) => l.startsWith('rootfs: '))).toEqual([
        err('fs0:/c:9pfs:x::mkmp', "flags 'x' is not a number (1 = MS_RDONLY)"),
        err('fs0:/d:9pfs::bogus=1:mkmp', "unknown 9pfs option 'bogus=1' (known: msize=N, trans=virtio, version=9P2000.L)"),
        err('fs0:/e:9pfs::msize=12:mkmp', "9pfs option 'msize=12': msize must be 4096..16777216"),
        err('fs0:relative:9pfs', "mount point 'relative' is not an absolute path"),
        err('fs7:/b:9pfs:::mkmp', "no virtio-9p device with mount tag 'fs7' (tags: fs0, fs1)"),
        err('fs0:/f:9pfs:::', 'mount /f: ENOENT'),
      ]);
    });

    it('the kernel boots on: the good entries are mounted, nothing else is there, the app runs', () => {
      expect(r.timedOut).toBe(false);
      expect(panicked(r.serial)).toBe(false);
      const found = findLinesOf(r.serial);
      expect(found.filter((l) => / \/(a|g|h)(\/|$)/.test(l))).toEqual(want);
      expect(found.filter((l) => / \/(b|c|d|e|f|relative)(\/|$)/.test(l))).toEqual([]);
      expect(linesOf(r.serial)).toContain('via a');
      expect(linesOf(r.serial).filter((l) => l.startsWith('error: '))).toEqual(['error: write: /h/no: EROFS']);
      expect(linesOf(r.serial)).toContain('alive');
      expect(r.guestExit).toBe(1);
    });
  });
});
describe('-M microvm without a usable virtio-9p device', () => {
  const FS = 'vfs.fstab=[ "fs0:/data:9pfs:::mkmp" ] -- ls /; echo alive';

  it('no device at all: a 9pfs entry is one error line; the kernel boots on', async () => {
    const q = await runQemu({ kernel: await imageElf('shell'), machine: 'microvm', timeoutMs: 30_000, append: FS });
    expect(q.timedOut).toBe(false);
    expect(linesOf(q.serial).filter((l) => l.startsWith('rootfs: '))).toEqual([
      err('fs0:/data:9pfs:::mkmp', "no virtio-9p device with mount tag 'fs0' (tags: none)"),
    ]);
    expect(linesOf(q.serial)).toContain('alive');
    expect(linesOf(q.serial)).not.toContain('data');
    expect(q.guestExit).toBe(0);
  });

  it("a legacy (version 1) virtio-mmio device, QEMU's own default: one line naming the switch, then the mount error", async () => {
    const dir = freshDir('bad-legacy');
    const q = await runQemu({
      kernel: await imageElf('shell'), machine: 'microvm', timeoutMs: 30_000, append: FS,
      volumes: [{ src: dir, dst: '/data', readonly: false }],
      extraArgs: ['-global', 'virtio-mmio.force-legacy=true'], // the last -global wins: undo tools/qemu's
    });
    expect(q.timedOut).toBe(false);
    expect(linesOf(q.serial).filter((l) => l.startsWith('virtio-mmio: ') || l.startsWith('rootfs: '))).toEqual([
      'virtio-mmio: device at 0xfeb02e00 is legacy (version 1) and not supported: start QEMU with -global virtio-mmio.force-legacy=false',
      err('fs0:/data:9pfs:::mkmp', "no virtio-9p device with mount tag 'fs0' (tags: none)"),
    ]);
    expect(linesOf(q.serial)).toContain('alive');
    expect(q.guestExit).toBe(0);
  });
});
