// Bad CPIO input, one case each: the loader prints one error line naming the
// entry and its byte offset, returns an error, and creates nothing (checked
// by unpacking into /mnt of a mounted ramfs). Plus name normalization.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeNewc, type NewcHeader } from '../../tools/cpio/index.ts';
import { fsModule, FsVm } from './harness.ts';

beforeAll(async () => { await fsModule(); });

const REG = 0o100644, DIR = 0o040755, LNK = 0o120777;

/** One entry: header + name + padding + body + padding. */
function ent(name: string, body: string | Buffer = '', mode = REG, over: Partial<NewcHeader> = {}): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const h: NewcHeader = { name, ino: 1, mode, uid: 0, gid: 0, nlink: 1, mtime: 0, size: b.length, devmajor: 0, devminor: 0, rdevmajor: 0, rdevminor: 0, ...over };
  const pad = Buffer.alloc((4 - (b.length % 4)) % 4);
  return Buffer.concat([encodeNewc(h), b, pad]);
}
const trailer = () => ent('TRAILER!!!', '', 0);
const arc = (...parts: Buffer[]) => Buffer.concat([...parts, trailer()]);

/** A crc-format (070702) entry with the given check value (default: the right sum). */
function crcEnt(name: string, body: string, check?: number): Buffer {
  const e = ent(name, body);
  e.write('070702', 0, 'latin1');
  const sum = [...Buffer.from(body)].reduce((s, x) => (s + x) >>> 0, 0);
  e.write((check ?? sum).toString(16).toUpperCase().padStart(8, '0'), 102, 'latin1');
  return e;
}

interface Outcome { r: number | string; logs: string[]; mnt: string[] | string; root: string[] | string; vm: FsVm }

async function unpack(a: Buffer): Promise<Outcome> {
  const vm = new FsVm(await fsModule());
  expect(vm.mountRam('/')).toBe(0);
  expect(vm.mkdir('/mnt')).toBe(0);
  const at = vm.place(a);
  const r = vm.res(vm.call('cpioInto', at, a.length, '/mnt'));
  return { r, logs: vm.logs, mnt: vm.list('/mnt'), root: vm.list('/'), vm };
}

/** Asserts the refusal: `errno`, exactly one error line matching `line` at `offset`, nothing created. */
async function refused(a: Buffer, errno: string, line: RegExp, offset: number, nothing = true): Promise<Outcome> {
  const o = await unpack(a);
  expect(o.r).toBe(errno);
  expect(o.logs.length, o.logs.join('\n')).toBe(1);
  expect(o.logs[0]).toMatch(/^cpio: error: /);
  expect(o.logs[0]).toMatch(line);
  expect(o.logs[0].endsWith(` at offset ${offset}`), o.logs[0]).toBe(true);
  if (nothing) expect(o.mnt).toEqual([]);
  expect(o.root).toEqual(['mnt']);
  return o;
}

describe('refused input', () => {
  const good = ent('good', 'fine'); // 116 + 4 = 120 bytes

  it('wrong magic (odc 070707, at the start and after a good entry)', async () => {
    const odc = Buffer.from(ent('x', 'y'));
    odc.write('070707', 0, 'latin1');
    await refused(arc(odc), 'EINVAL', /entry #0: wrong magic/, 0);
    await refused(arc(good, odc), 'EINVAL', /entry #1: wrong magic/, good.length);
  });

  it('non-zero garbage after the trailer', async () => {
    const a = Buffer.concat([arc(good), Buffer.from('junk')]);
    await refused(a, 'EINVAL', /wrong magic/, good.length + trailer().length);
  });

  it('truncated header', async () => {
    const a = Buffer.concat([good, ent('second', 'x').subarray(0, 60)]);
    await refused(a, 'EINVAL', /entry #1: truncated header/, good.length);
  });

  it('truncated body', async () => {
    const a = Buffer.concat([good, ent('big', 'b'.repeat(100)).subarray(0, 120 + 40)]);
    await refused(a, 'EINVAL', /file size runs past the end/, good.length);
  });

  it('name size past the end, and out of range', async () => {
    const e = ent('n', 'x');
    e.write('000000C8', 94, 'latin1'); // namesize 200, archive much shorter
    await refused(e, 'EINVAL', /name runs past the end/, 0);
    const f = ent('n', 'x');
    f.write('00002000', 94, 'latin1'); // 8192 > PATH_MAX
    await refused(f, 'EINVAL', /name size out of range/, 0);
    const g = ent('n', 'x');
    g.write('00000000', 94, 'latin1');
    await refused(g, 'EINVAL', /name size out of range/, 0);
  });

  it('file size past the end of the archive', async () => {
    const e = ent('huge', 'abcd');
    e.write('FFFFFFF0', 54, 'latin1');
    await refused(arc(good, e), 'EINVAL', /file size runs past the end/, good.length);
  });

  it('name not NUL-terminated; header field not hex', async () => {
    const e = ent('abc', '');
    e[110 + 3] = 0x41;
    await refused(arc(e), 'EINVAL', /not NUL-terminated/, 0);
    const f = ent('abc', '');
    f.write('0000X000', 14, 'latin1');
    await refused(arc(f), 'EINVAL', /not 8 hex digits/, 0);
  });

  it('".." components: relative, in the middle, after an absolute prefix', async () => {
    for (const name of ['../evil', 'a/../../evil', '/../evil', './..', 'ok/..']) {
      await refused(arc(good, ent(name, 'x')), 'EINVAL', new RegExp(`"${name.replace(/\./g, '\\.')}": ".." component`), good.length);
    }
  });

  it('a path through a symlink would leave the mount: refused, nothing outside', async () => {
    const a = arc(ent('link', '/', LNK), ent('link/evil', 'x'));
    const o = await refused(a, 'ELOOP', /"link\/evil": path goes through a symlink/, ent('link', '/', LNK).length, false);
    expect(o.vm.stat('/evil')).toBe('ENOENT');
  });

  it('bad crc checksum', async () => {
    await refused(arc(crcEnt('ok', 'body'), crcEnt('bad', 'body', 12345)), 'EINVAL', /"bad": crc checksum mismatch/, crcEnt('ok', 'body').length);
  });

  it('a second archive not on a 4-byte boundary', async () => {
    const first = arc(good);
    await refused(Buffer.concat([first, Buffer.alloc(3), arc(ent('x', 'y'))]), 'EINVAL', /broken padding/, first.length + 3);
  });

  it('an archive without TRAILER!!!', async () => {
    await refused(good, 'EINVAL', /ends without TRAILER!!!/, good.length);
  });

  it('empty symlink target; unknown file type', async () => {
    await refused(arc(ent('l', '', LNK)), 'EINVAL', /"l": symlink with an empty target/, 0);
    await refused(arc(ent('t', '', 0o170644)), 'EINVAL', /"t": unknown file type/, 0);
  });
});

describe('accepted input', () => {
  it('"./", "/" and "." normalized; implicit parents; the "." entry ignored', async () => {
    const a = arc(ent('.', '', DIR), ent('./a', 'A'), ent('/b', 'B'), ent('.//c/./d', 'D'), ent('//e/', '', DIR));
    const o = await unpack(a);
    expect(o.r).toBe(5); // entries read, "." included
    expect(o.logs).toEqual([]);
    expect(o.mnt).toEqual(['a', 'b', 'c', 'e']);
    expect(o.vm.list('/mnt/c')).toEqual(['d']);
    expect(o.root).toEqual(['mnt']);
  });

  it('crc archive with right sums; zero padding of any length between archives', async () => {
    const a = Buffer.concat([arc(crcEnt('one', 'body1')), Buffer.alloc(8), arc(ent('two', 'x')), Buffer.alloc(4), arc(ent('three', 'y')), Buffer.alloc(3)]);
    const o = await unpack(a);
    expect(o.r).toBe(3);
    expect(o.mnt).toEqual(['one', 'two', 'three']);
  });

  it('an empty input is an empty archive', async () => {
    const o = await unpack(Buffer.alloc(16));
    expect(o.r).toBe(0);
    expect(o.mnt).toEqual([]);
  });

  it('hard links: data carried by the first or by the last link', async () => {
    const first = arc(ent('h1', 'DATA', REG, { ino: 9, nlink: 2 }), ent('h2', '', REG, { ino: 9, nlink: 2 }));
    const last = arc(ent('h1', '', REG, { ino: 9, nlink: 2 }), ent('h2', 'DATA', REG, { ino: 9, nlink: 2 }));
    for (const a of [first, last]) {
      const o = await unpack(a);
      expect(o.r).toBe(2);
      const s1 = o.vm.stat('/mnt/h1'); const s2 = o.vm.stat('/mnt/h2');
      expect(typeof s1 === 'object' && typeof s2 === 'object' && s1.ino === s2.ino && s1.nlink === 2 && s1.size === 4n).toBe(true);
    }
  });
});
