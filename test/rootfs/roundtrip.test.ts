// Round trip under QEMU (issue 4): host tree -> archive (our packer, GNU
// cpio) -> boot the shell image with `find /` -> exactly the manifest the
// test computes on the host. One big tree, one boot per packer.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  boot, findLinesOf, freshDir, hostManifest, packGnu, packOurs, panicked, shellElf, sortedLines, tmp,
} from './helpers.ts';
import { makeBigTree } from './trees.ts';

let elf = '';
let tree = '';
let entries = 0;
const archives: Record<string, string> = {};

beforeAll(async () => {
  tree = freshDir('big');
  entries = makeBigTree(tree);
  const [e, ours, gnu] = await Promise.all([
    shellElf('shell'), packOurs(tree, join(tmp, 'big-ours.cpio')), packGnu(tree, join(tmp, 'big-gnu.cpio')),
  ]);
  elf = e;
  archives.ours = ours;
  archives.gnu = gnu;
}, 180_000);

describe.each(['ours', 'gnu'])('round trip, archive packed by %s', (packer) => {
  it('find / equals the host manifest (+ /tmp)', async () => {
    expect(entries).toBeGreaterThan(10_000);
    const r = await boot({ kernel: elf, initrd: [archives[packer]], cmds: 'find /', memory: '160M', timeoutMs: 120_000, verbose: true });
    expect(r.timedOut).toBe(false);
    expect(panicked(r.serial), r.serial.slice(-2000)).toBe(false);
    const want = sortedLines([...hostManifest(tree), { path: '/tmp', line: 'd 1777 - - /tmp' }]);
    const got = findLinesOf(r.serial);
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
    expect(r.diag).toMatch(/^mount: \d+ us$/m); // a diagnostic: debugcon, apart from the console
    expect(r.serial).not.toMatch(/mount: \d+ us/);
    expect(r.guestExit).toBe(0);
  }, 150_000);
});
