// Bad input under QEMU (issue 4): every malformed archive, each as its own
// -initrd module mounted at /bN, all in ONE boot. Each must give one clear
// `cpio: error:` line naming the entry and byte offset and one `rootfs:
// error:` line naming the module; no hang, no panic; the good root and the
// shell still work, and nothing of a refused archive appears anywhere.
// Plus: a bad root stops the boot (status 253), and so does
// `vfs.rootfs_required=1` with no root at all.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNewc, type NewcHeader } from '../../tools/cpio/index.ts';
import { type QemuResult } from '../../tools/qemu/index.ts';
import { boot, findLinesOf, panicked, shellElf, tmp } from './helpers.ts';

const REG = 0o100644, DIR = 0o040755, LNK = 0o120777;
/** kernel/panic.ts BOOT_FAIL_CODE: the boot stopped because of its input. */
const BOOT_FAIL = 0x7e;

function ent(name: string, body: string | Buffer = '', mode = REG, over: Partial<NewcHeader> = {}): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const h: NewcHeader = { name, ino: 1, mode, uid: 0, gid: 0, nlink: 1, mtime: 0, size: b.length, devmajor: 0, devminor: 0, rdevmajor: 0, rdevminor: 0, ...over };
  return Buffer.concat([encodeNewc(h), b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
}
const trailer = () => ent('TRAILER!!!', '', 0);
const arc = (...parts: Buffer[]) => Buffer.concat([...parts, trailer()]);
const good = () => ent('good', 'fine'); // 120 bytes

/** name, archive bytes, what the cpio error line must say. */
const CASES: [string, () => Buffer, RegExp][] = [
  ['wrong magic', () => { const a = arc(good()); a.write('070707', 0, 'latin1'); return a; }, /magic/i],
  ['truncated header', () => Buffer.concat([good(), ent('second', 'x').subarray(0, 60)]), /header/i],
  ['truncated body', () => Buffer.concat([good(), ent('cut', 'twelve bytes').subarray(0, 116)]), /past|truncat|end/i],
  ['name size past the end', () => { const e = ent('named', 'x'); e.write('00001000', 94, 'latin1'); return Buffer.concat([good(), e]); }, /name/i],
  ['file size past the end', () => { const e = ent('big', 'x'); e.write('00100000', 54, 'latin1'); return arc(good(), e); }, /size|past|end/i],
  ['".." component', () => arc(good(), ent('a/../../escape', 'x')), /\.\./],
  ['bad crc checksum', () => {
    const e = ent('sum', 'abc'); e.write('070702', 0, 'latin1'); e.write('00000001', 102, 'latin1');
    const t = trailer(); t.write('070702', 0, 'latin1');
    return Buffer.concat([e, t]);
  }, /crc|check/i],
  ['no TRAILER!!!', () => Buffer.concat([good(), ent('last', 'y')]), /TRAILER/],
  ['empty symlink target', () => arc(good(), ent('ln', '', LNK)), /symlink/i],
  ['directory with a body', () => arc(good(), ent('d', 'body', DIR)), /directory/i],
];

let elf = '';
let r: QemuResult;
let lines: string[] = [];

beforeAll(async () => {
  elf = await shellElf('shell-bad');
  const root = join(tmp, 'bad-root.cpio');
  writeFileSync(root, arc(ent('etc', '', DIR), ent('etc/ok', 'root is fine\n')));
  const mods = [root];
  CASES.forEach(([, make], i) => {
    const f = join(tmp, `bad${i}.cpio`);
    writeFileSync(f, make());
    mods.push(`${f} /b${i}`);
  });
  r = await boot({ kernel: elf, initrd: mods, cmds: 'cat /etc/ok; find /; mounts', timeoutMs: 60_000 });
  lines = r.serial.split(/\r?\n/);
}, 120_000);

describe('one boot, every bad archive', () => {
  it('boots on: no hang, no panic, the root and the shell work, exit 0', () => {
    expect(r.timedOut).toBe(false);
    expect(panicked(r.serial), r.serial).toBe(false);
    expect(r.serial).toContain('root is fine');
    expect(r.guestExit).toBe(0);
  });
  it('nothing of a refused archive is mounted or created', () => {
    const sum = createHash('sha256').update('root is fine\n').digest('hex');
    expect(findLinesOf(r.serial)).toEqual(['d 0755 - - /', 'd 0755 - - /etc', `f 0644 13 ${sum} /etc/ok`, 'd 1777 - - /tmp']);
    expect(findLinesOf(r.serial).some((l) => / \/b\d/.test(l))).toBe(false);
    expect(r.serial).not.toMatch(/^initrd\d+ \/b/m);
  });
  it.each(CASES.map(([name, , re], i) => [name, re, i] as const))('%s: one cpio error line and one rootfs error line', (_name, re, i) => {
    const dev = `initrd${i + 1}`;
    const mine = lines.filter((l) => l.startsWith(`rootfs: error: ${dev} `));
    expect(mine, r.serial).toEqual([`rootfs: error: ${dev} (${join(tmp, `bad${i}.cpio`)}): not mounted at /b${i}: EINVAL`]);
    // cpio errors come in module order: the i-th cpio error line belongs to case i.
    const cpio = lines.filter((l) => l.startsWith('cpio: error: '));
    expect(cpio.length).toBe(CASES.length);
    expect(cpio[i]).toMatch(re);
    expect(cpio[i]).toMatch(/ at offset \d+$/);
  });
});

it('no root at all with vfs.rootfs_required=1: one error line, the boot stops (status 253)', async () => {
  const q = await boot({ kernel: elf, options: 'vfs.rootfs_required=1', cmds: 'echo not reached', timeoutMs: 30_000 });
  expect(q.timedOut).toBe(false);
  expect(q.serial).toMatch(/^rootfs: error: vfs\.rootfs_required=1 and no root filesystem was mounted: boot stopped\r?$/m);
  expect(q.serial).not.toContain('not reached');
  expect(panicked(q.serial)).toBe(false);
  expect(q.guestExit).toBe(BOOT_FAIL);
});

it('a bad root: the cpio and rootfs error lines, then the boot stops (status 253; test/rootfs/harden.test.ts has nofail)', async () => {
  const f = join(tmp, 'bad-root-only.cpio');
  writeFileSync(f, CASES[1][1]());
  const q = await boot({ kernel: elf, initrd: [f], cmds: 'find /', timeoutMs: 30_000 });
  expect(q.timedOut).toBe(false);
  expect(q.serial).toMatch(/^cpio: error: .*header/m);
  expect(q.serial).toContain(`rootfs: error: initrd0 (${f}): not mounted at /: EINVAL`);
  expect(findLinesOf(q.serial)).toEqual([]);
  expect(q.guestExit).toBe(BOOT_FAIL);
});
