// CPIO loader round trips under Node: host tree -> archive (our packer and
// GNU cpio) -> unpacked into ramfs in wasm -> manifest equal to the host's;
// zero copy measured on the wasm heap; concatenation, crc, special files.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { chownSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packDirectory } from '../../tools/cpio/index.ts';
import { fsModule, FsVm, hostManifest, O, type GStat } from './harness.ts';

let tmp: string;
beforeAll(async () => { tmp = mkdtempSync(path.join(tmpdir(), 'asuk-cpio-')); await fsModule(); }, 120_000);
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

/** A fresh directory under the test's temp dir. */
function dir(name: string): string { const d = path.join(tmp, name); mkdirSync(d, { recursive: true }); return d; }

async function gnuCpio(src: string, out: string, format = 'newc'): Promise<Buffer> {
  await execa('sh', ['-c', `find . | cpio -o -H ${format} --quiet > '${out}'`], { cwd: src });
  return readFileSync(out);
}

async function ours(src: string, out: string, mtime?: number): Promise<Buffer> {
  await packDirectory(src, out, { mtime });
  return readFileSync(out);
}

/** Unpacks `archive` into a new ramfs at "/" of a fresh VM; asserts success. */
async function load(archive: Buffer): Promise<FsVm> {
  const vm = new FsVm(await fsModule());
  const at = vm.place(archive);
  const r = vm.res(vm.call('cpioMount', at, archive.length, '/', 0n));
  expect(r, vm.logs.join('\n')).toBeTypeOf('number');
  return vm;
}

function gstat(vm: FsVm, p: string): GStat {
  const s = vm.stat(p, false);
  if (typeof s === 'string') throw new Error(`lstat ${p}: ${s}`);
  return s;
}

/** Builds the "mixed" tree: empty files, UTF-8/space names, 255-byte names, symlinks, hard links, modes, owners. */
function mixedTree(name: string): string {
  const d = dir(name);
  mkdirSync(path.join(d, 'etc/conf.d'), { recursive: true });
  writeFileSync(path.join(d, 'empty'), '');
  writeFileSync(path.join(d, 'etc/hosts'), '127.0.0.1 localhost\n');
  writeFileSync(path.join(d, 'etc/conf.d/three'), 'abc');
  writeFileSync(path.join(d, 'naïve café ☕ 日本'), 'utf-8 name\n');
  writeFileSync(path.join(d, 'with  two spaces '), 'spaces\n');
  writeFileSync(path.join(d, 'n'.repeat(255)), 'long name');
  writeFileSync(path.join(d, 'é'.repeat(127) + 'x'), '255 bytes of UTF-8');
  mkdirSync(path.join(d, 'private'), { mode: 0o700 });
  writeFileSync(path.join(d, 'private/secret'), 's', { mode: 0o600 });
  chmodSync(path.join(d, 'private/secret'), 0o600);
  chmodSync(path.join(d, 'private'), 0o700);
  writeFileSync(path.join(d, 'suid'), '#!', { mode: 0o4755 });
  chmodSync(path.join(d, 'suid'), 0o4755);
  writeFileSync(path.join(d, 'owned'), 'o');
  chownSync(path.join(d, 'owned'), 1234, 5678);
  symlinkSync('hosts', path.join(d, 'etc/rel-link'));
  symlinkSync('/etc/hosts', path.join(d, 'abs-link'));
  symlinkSync('../nowhere/at/all', path.join(d, 'etc/dangling'));
  symlinkSync('etc', path.join(d, 'dir-link'));
  writeFileSync(path.join(d, 'hard1'), 'shared body\n');
  linkSync(path.join(d, 'hard1'), path.join(d, 'etc/hard2'));
  linkSync(path.join(d, 'hard1'), path.join(d, 'private/hard3'));
  writeFileSync(path.join(d, 'hard-empty-a'), '');
  linkSync(path.join(d, 'hard-empty-a'), path.join(d, 'hard-empty-b'));
  return d;
}

describe('round trip: host tree -> archive -> ramfs -> manifest', () => {
  let mixed: string;
  beforeAll(() => { mixed = mixedTree('mixed'); });

  for (const packer of ['ours', 'gnu'] as const) {
    it(`mixed tree (${packer})`, async () => {
      const arc = packer === 'ours' ? await ours(mixed, path.join(tmp, 'mixed-ours.cpio')) : await gnuCpio(mixed, path.join(tmp, 'mixed-gnu.cpio'));
      const vm = await load(arc);
      expect(vm.manifest()).toEqual(hostManifest(mixed));
      expect(vm.logs).toEqual([]);
      const h1 = gstat(vm, '/hard1');
      expect(h1.nlink).toBe(3);
      expect(gstat(vm, '/etc/hard2').ino).toBe(h1.ino);
      expect(gstat(vm, '/private/hard3').ino).toBe(h1.ino);
      expect(gstat(vm, '/hard-empty-b').ino).toBe(gstat(vm, '/hard-empty-a').ino);
      const o = gstat(vm, '/owned');
      expect([o.uid, o.gid]).toEqual([1234, 5678]);
      // a write through one hard link is seen through the others
      const fd = vm.open('/etc/hard2', O.WRONLY | O.APPEND) as number;
      expect(vm.write(fd, 'more\n')).toBe(5);
      vm.close(fd);
      expect(vm.sha256('/private/hard3')).toBe(vm.sha256('/hard1'));
      // symlinks resolve inside the unpacked tree
      expect(vm.stat('/dir-link/conf.d/three')).toMatchObject({ size: 3n });
      expect(vm.stat('/abs-link')).toMatchObject({ size: 20n });
    });
  }

  it('--mtime pins every timestamp; directory mtimes survive their children', async () => {
    const vm = await load(await ours(mixed, path.join(tmp, 'mixed-mtime.cpio'), 1_234_567_890));
    for (const p of ['/etc', '/etc/hosts', '/private', '/etc/rel-link', '/hard1']) expect(gstat(vm, p).mtime).toBe(1_234_567_890n);
  });

  it('the packer is deterministic', async () => {
    const a = await ours(mixed, path.join(tmp, 'det-a.cpio'), 1);
    const b = await ours(mixed, path.join(tmp, 'det-b.cpio'), 1);
    expect(a.equals(b)).toBe(true);
    expect(a.length % 512).toBe(0);
  });

  it('64-level nesting', async () => {
    const d = dir('deep');
    let p = d;
    for (let i = 0; i < 64; i++) { p = path.join(p, `level${i}`); mkdirSync(p); }
    writeFileSync(path.join(p, 'bottom'), 'deep');
    symlinkSync('../'.repeat(64) + 'top', path.join(p, 'up'));
    writeFileSync(path.join(d, 'top'), 'top');
    for (const arc of [await ours(d, path.join(tmp, 'deep.cpio')), await gnuCpio(d, path.join(tmp, 'deep-gnu.cpio'))]) {
      const vm = await load(arc);
      expect(vm.manifest()).toEqual(hostManifest(d));
      const bottom = '/' + Array.from({ length: 64 }, (_, i) => `level${i}`).join('/');
      expect(vm.sha256(`${bottom}/up`)).toBe(vm.sha256('/top'));
    }
  });

  it('10,000 entries', async () => {
    const d = dir('many');
    for (let i = 0; i < 100; i++) {
      const sub = path.join(d, `dir${String(i).padStart(3, '0')}`);
      mkdirSync(sub);
      for (let j = 0; j < 99; j++) writeFileSync(path.join(sub, `file${j}`), `${i}/${j}\n`);
    }
    for (const arc of [await ours(d, path.join(tmp, 'many.cpio')), await gnuCpio(d, path.join(tmp, 'many-gnu.cpio'))]) {
      const vm = await load(arc);
      const m = vm.manifest();
      expect(m.length).toBe(10_000);
      expect(m).toEqual(hostManifest(d));
    }
  }, 120_000);
});

describe('zero copy', () => {
  let big: string;
  let arc: Buffer;
  beforeAll(async () => {
    big = dir('big');
    writeFileSync(path.join(big, 'blob'), randomBytes(32 << 20));
    writeFileSync(path.join(big, 'small'), 'x');
    arc = await ours(big, path.join(tmp, 'big.cpio'));
  });

  it('a 32 MiB file round-trips (ours and GNU cpio)', async () => {
    expect((await load(arc)).manifest()).toEqual(hostManifest(big));
    expect((await load(await gnuCpio(big, path.join(tmp, 'big-gnu.cpio')))).manifest()).toEqual(hostManifest(big));
  }, 120_000);

  it('unpacking 32 MiB allocates O(entries), not O(bytes); the first write copies only that file', async () => {
    const vm = new FsVm(await fsModule());
    vm.ex.free(vm.ex.alloc(4 << 20)); // the heap owns 4 MiB before the archive lands above it
    const at = vm.place(arc);
    const before = vm.mem.buffer.byteLength;
    expect(vm.res(vm.call('cpioMount', at, arc.length, '/', 0n))).toBe(2);
    expect(vm.mem.buffer.byteLength - before).toBe(0); // no heap growth: bodies are borrowed
    const fd = vm.open('/blob', O.RDWR) as number;
    expect(vm.pwrite(fd, 'COW', 0)).toBe(3);
    vm.close(fd);
    expect(vm.mem.buffer.byteLength - before).toBeGreaterThanOrEqual(32 << 20); // the copy
    expect(Buffer.from(vm.mem.buffer, at, arc.length).equals(arc)).toBe(true); // archive untouched
    const host = readFileSync(path.join(big, 'blob'));
    host.write('COW', 0);
    const h = (await import('node:crypto')).createHash('sha256').update(host).digest('hex');
    expect(vm.sha256('/blob')).toBe(h);
  }, 60_000);
});

describe('archive variants', () => {
  it('crc format (070702) with checksums verified', async () => {
    const d = mixedTree('mixed-crc');
    const vm = await load(await gnuCpio(d, path.join(tmp, 'mixed.crc'), 'crc'));
    expect(vm.manifest()).toEqual(hostManifest(d));
  });

  it('concatenated archives: both trees, later entries win, hard-link tables per archive', async () => {
    const a = dir('cat-a'); const b = dir('cat-b');
    writeFileSync(path.join(a, 'one'), 'from a');
    writeFileSync(path.join(a, 'same'), 'a version');
    mkdirSync(path.join(b, 'sub'));
    writeFileSync(path.join(b, 'sub/two'), 'from b');
    writeFileSync(path.join(b, 'same'), 'b version');
    const arc = Buffer.concat([await gnuCpio(a, path.join(tmp, 'cat-a.cpio')), await ours(b, path.join(tmp, 'cat-b.cpio'))]);
    const vm = await load(arc);
    expect(vm.manifest().map((l) => l.split(' ').pop()).sort()).toEqual(['/one', '/same', '/sub', '/sub/two']);
    expect(vm.sha256('/same')).toBe((await import('node:crypto')).createHash('sha256').update('b version').digest('hex'));
  });

  it('device nodes and FIFOs are skipped with one warning line each', async () => {
    const d = dir('special');
    writeFileSync(path.join(d, 'regular'), 'r');
    await execa('mkfifo', [path.join(d, 'fifo')]);
    await execa('mknod', [path.join(d, 'null'), 'c', '1', '3']);
    const vm = await load(await gnuCpio(d, path.join(tmp, 'special.cpio')));
    expect(vm.list('/')).toEqual(['regular']);
    expect(vm.logs.length).toBe(2);
    expect(vm.logs.find((l) => l.includes('"fifo"'))).toMatch(/^cpio: warning: "fifo": FIFO at offset \d+, skipped$/);
    expect(vm.logs.find((l) => l.includes('"null"'))).toMatch(/^cpio: warning: "null": character device at offset \d+, skipped$/);
  });
});
