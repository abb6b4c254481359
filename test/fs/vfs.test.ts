// VFS + ramfs semantics under Node: create/append/rename/unlink/mkdir/rmdir,
// the errno of each misuse, symlinks (ELOOP), mounts crossed with "..",
// copy-on-write and ENOSPC.
import { beforeAll, describe, expect, it } from 'vitest';
import { fsModule, FsVm, O, S_IFMT, S_IFDIR, S_IFREG, S_IFLNK, type GStat } from './harness.ts';

let vm: FsVm;
beforeAll(async () => { await fsModule(); });
async function fresh(): Promise<FsVm> {
  vm = new FsVm(await fsModule());
  expect(vm.mountRam('/')).toBe(0);
  return vm;
}
function st(p: string, follow = true): GStat {
  const s = vm.stat(p, follow);
  if (typeof s === 'string') throw new Error(`stat ${p}: ${s}`);
  return s;
}
function cat(p: string): string {
  const fd = vm.open(p, O.RDONLY) as number;
  expect(typeof fd).toBe('number');
  const b = vm.read(fd, 1 << 16);
  vm.close(fd);
  return b.toString();
}
function put(p: string, text: string, flags = O.WRONLY | O.CREAT | O.TRUNC): void {
  const fd = vm.open(p, flags);
  expect(typeof fd, `open ${p}: ${fd}`).toBe('number');
  expect(vm.write(fd as number, text)).toBe(Buffer.byteLength(text));
  expect(vm.close(fd as number)).toBe(0);
}

describe('files', () => {
  it('create, write, read back, stat', async () => {
    await fresh();
    put('/a.txt', 'hello');
    expect(cat('/a.txt')).toBe('hello');
    const s = st('/a.txt');
    expect(s.mode & S_IFMT).toBe(S_IFREG);
    expect(s.mode & 0o7777).toBe(0o644);
    expect(s.size).toBe(5n);
    expect(s.nlink).toBe(1);
    expect(s.mtime).toBe(vm.now);
  });

  it('O_APPEND always writes at the end; appends grow amortised', async () => {
    await fresh();
    put('/log', 'a');
    const fd = vm.open('/log', O.WRONLY | O.APPEND) as number;
    expect(vm.lseek(fd, 0, 0)).toBe(0);
    for (let i = 0; i < 1000; i++) expect(vm.write(fd, 'b')).toBe(1);
    vm.close(fd);
    expect(cat('/log')).toBe('a' + 'b'.repeat(1000));
  });

  it('O_EXCL, O_TRUNC, O_DIRECTORY, EISDIR, EBADF, ENOENT', async () => {
    await fresh();
    put('/f', 'xyz');
    expect(vm.open('/f', O.WRONLY | O.CREAT | O.EXCL)).toBe('EEXIST');
    expect(vm.open('/f', O.RDONLY | O.DIRECTORY)).toBe('ENOTDIR');
    expect(vm.open('/nope', O.RDONLY)).toBe('ENOENT');
    expect(vm.mkdir('/d')).toBe(0);
    expect(vm.open('/d', O.WRONLY)).toBe('EISDIR');
    expect(vm.open('/d', O.RDONLY | O.CREAT)).toBe('EISDIR');
    const dfd = vm.open('/d', O.RDONLY) as number;
    expect(vm.read(dfd, 10)).toBe('EISDIR');
    vm.close(dfd);
    const rfd = vm.open('/f', O.RDONLY) as number;
    expect(vm.write(rfd, 'no')).toBe('EBADF');
    vm.close(rfd);
    expect(vm.close(rfd)).toBe('EBADF');
    const tfd = vm.open('/f', O.RDWR | O.TRUNC) as number;
    expect(st('/f').size).toBe(0n);
    vm.close(tfd);
    expect(vm.open('/f/x', O.RDONLY)).toBe('ENOTDIR');
    expect(vm.open('/nodir/x', O.WRONLY | O.CREAT)).toBe('ENOENT');
    expect(vm.open('/new/', O.WRONLY | O.CREAT)).toBe('EISDIR');
  });

  it('pread/pwrite leave the offset; lseek SEEK_END; writes past the end zero-fill', async () => {
    await fresh();
    const fd = vm.open('/p', O.RDWR | O.CREAT) as number;
    expect(vm.write(fd, 'abcdef')).toBe(6);
    expect((vm.pread(fd, 3, 1) as Buffer).toString()).toBe('bcd');
    expect(vm.pwrite(fd, 'XY', 2)).toBe(2);
    expect(vm.lseek(fd, 0, 1)).toBe(6);
    expect(vm.lseek(fd, 2, 2)).toBe(8);
    expect(vm.write(fd, 'Z')).toBe(1);
    expect(vm.lseek(fd, 0, 0)).toBe(0);
    expect([...(vm.read(fd, 100) as Buffer)]).toEqual([...Buffer.from('abXYef\0\0Z')]);
    expect(vm.lseek(fd, -100, 1)).toBe('EINVAL');
    vm.close(fd);
    expect(vm.truncate('/p', 3)).toBe(0);
    expect(cat('/p')).toBe('abX');
    expect(vm.truncate('/p', 5)).toBe(0);
    expect([...Buffer.from(cat('/p'))]).toEqual([0x61, 0x62, 0x58, 0, 0]);
  });
});

describe('directories and names', () => {
  it('mkdir, rmdir, EEXIST, ENOTEMPTY, ENOTDIR', async () => {
    await fresh();
    expect(vm.mkdir('/d')).toBe(0);
    expect(vm.mkdir('/d')).toBe('EEXIST');
    expect(vm.mkdir('/d/e/')).toBe(0);
    expect(st('/d').nlink).toBe(3);
    expect(vm.rmdir('/d')).toBe('ENOTEMPTY');
    put('/d/e/f', '1');
    expect(vm.rmdir('/d/e/f')).toBe('ENOTDIR');
    expect(vm.mkdir('/d/e/f/g')).toBe('ENOTDIR');
    expect(vm.unlink('/d/e')).toBe('EISDIR');
    expect(vm.unlink('/d/e/f')).toBe(0);
    expect(vm.rmdir('/d/e')).toBe(0);
    expect(vm.rmdir('/d/.')).toBe('EINVAL');
    expect(vm.rmdir('/')).toBe('EBUSY');
    expect(vm.mkdir('/')).toBe('EEXIST');
    expect(st('/d').nlink).toBe(2);
    expect(vm.list('/d')).toEqual([]);
    expect(vm.list('/')).toEqual(['d']);
  });

  it('rename: files, over files, dirs, into own subtree, ENOTEMPTY/EISDIR/ENOTDIR', async () => {
    await fresh();
    put('/a', 'A');
    put('/b', 'B');
    expect(vm.rename('/a', '/b')).toBe(0);
    expect(cat('/b')).toBe('A');
    expect(vm.stat('/a')).toBe('ENOENT');
    vm.mkdir('/d1'); vm.mkdir('/d2'); vm.mkdir('/d1/sub');
    put('/d2/x', 'x');
    expect(vm.rename('/d1', '/d2')).toBe('ENOTEMPTY');
    expect(vm.rename('/d1', '/d1/sub/in')).toBe('EINVAL');
    expect(vm.rename('/b', '/d1')).toBe('EISDIR');
    expect(vm.rename('/d1', '/b')).toBe('ENOTDIR');
    expect(vm.rename('/d1/sub', '/d2/sub')).toBe(0);
    expect(st('/d1').nlink).toBe(2);
    expect(st('/d2').nlink).toBe(3);
    expect(vm.list('/d2').toString()).toBe('x,sub');
    expect(st('/d2/sub/..').ino).toBe(st('/d2').ino);
    expect(vm.rename('/nope', '/z')).toBe('ENOENT');
  });

  it('hard links share the inode and survive unlink of one name', async () => {
    await fresh();
    put('/a', 'data');
    expect(vm.link('/a', '/b')).toBe(0);
    expect(st('/a').ino).toBe(st('/b').ino);
    expect(st('/b').nlink).toBe(2);
    expect(vm.link('/a', '/b')).toBe('EEXIST');
    vm.mkdir('/d');
    expect(vm.link('/d', '/e')).toBe('EPERM');
    expect(vm.unlink('/a')).toBe(0);
    expect(st('/b').nlink).toBe(1);
    expect(cat('/b')).toBe('data');
  });

  it('an unlinked open file stays readable until closed', async () => {
    await fresh();
    put('/t', 'keep');
    const fd = vm.open('/t', O.RDONLY) as number;
    expect(vm.unlink('/t')).toBe(0);
    expect(vm.stat('/t')).toBe('ENOENT');
    expect((vm.read(fd, 10) as Buffer).toString()).toBe('keep');
    expect(vm.close(fd)).toBe(0);
  });

  it('".", "..", repeated and trailing slashes, relative paths, chdir', async () => {
    await fresh();
    vm.mkdir('/a'); vm.mkdir('/a/b');
    put('/a/b/f', 'F');
    expect(cat('//a/./b/../b//f')).toBe('F');
    expect(cat('/../../a/b/f')).toBe('F');
    expect(vm.stat('/a/b/f/')).toBe('ENOTDIR');
    expect(vm.res(vm.call('chdir', '/a'))).toBe(0);
    expect(cat('b/f')).toBe('F');
    expect(cat('../a/b/f')).toBe('F');
    expect(vm.open('', O.RDONLY)).toBe('ENOENT');
    expect(vm.open('/' + 'x'.repeat(256), O.RDONLY | O.CREAT)).toBe('ENAMETOOLONG');
    expect(vm.open('/' + 'x'.repeat(255), O.RDONLY | O.CREAT)).toBeTypeOf('number');
  });
});

describe('symlinks', () => {
  it('relative, absolute, dangling; lstat vs stat; readlink; O_CREAT through a dangling link', async () => {
    await fresh();
    vm.mkdir('/d');
    put('/d/f', 'F');
    expect(vm.symlink('f', '/d/rel')).toBe(0);
    expect(vm.symlink('/d/f', '/abs')).toBe(0);
    expect(vm.symlink('../d', '/d/up')).toBe(0);
    expect(vm.symlink('missing', '/d/dang')).toBe(0);
    expect(cat('/d/rel')).toBe('F');
    expect(cat('/abs')).toBe('F');
    expect(cat('/d/up/up/up/f')).toBe('F');
    expect(vm.readlink('/d/rel')).toBe('f');
    expect(vm.readlink('/d/f')).toBe('EINVAL');
    expect(st('/abs', false).mode & S_IFMT).toBe(S_IFLNK);
    expect(st('/abs', false).size).toBe(4n);
    expect(st('/abs').mode & S_IFMT).toBe(S_IFREG);
    expect(vm.stat('/d/dang')).toBe('ENOENT');
    expect(vm.open('/abs', O.RDONLY | O.NOFOLLOW)).toBe('ELOOP');
    put('/d/dang', 'made');
    expect(cat('/d/missing')).toBe('made');
    expect(vm.symlink('x', '/d/rel')).toBe('EEXIST');
    expect(vm.unlink('/d/up')).toBe(0);
    expect(st('/d').mode & S_IFMT).toBe(S_IFDIR);
  });

  it('a loop, a self link and a chain longer than 40 are ELOOP; 40 links resolve', async () => {
    await fresh();
    vm.symlink('/b', '/a');
    vm.symlink('/a', '/b');
    vm.symlink('self', '/self');
    expect(vm.open('/a', O.RDONLY)).toBe('ELOOP');
    expect(vm.stat('/self/x')).toBe('ELOOP');
    expect(vm.open('/a', O.WRONLY | O.CREAT)).toBe('ELOOP');
    put('/t0', 'end');
    for (let i = 1; i <= 41; i++) expect(vm.symlink(`t${i - 1}`, `/t${i}`)).toBe(0);
    expect(cat('/t40')).toBe('end');
    expect(vm.open('/t41', O.RDONLY)).toBe('ELOOP');
  });
});

describe('mounts', () => {
  it('crosses mount points down and back up with ".."', async () => {
    await fresh();
    vm.mkdir('/mnt'); vm.mkdir('/etc');
    put('/etc/host', 'root fs');
    put('/mnt/hidden', 'under the mount');
    expect(vm.mountRam('/mnt')).toBe(0);
    expect(vm.list('/mnt')).toEqual([]);
    vm.mkdir('/mnt/x');
    put('/mnt/x/in', 'inner');
    expect(cat('/mnt/x/../x/in')).toBe('inner');
    expect(cat('/mnt/x/../../etc/host')).toBe('root fs');
    expect(cat('/mnt/..//etc/host')).toBe('root fs');
    expect(vm.symlink('../etc/host', '/mnt/lnk')).toBe(0);
    expect(cat('/mnt/lnk')).toBe('root fs');
    expect(st('/mnt').dev).not.toBe(st('/etc').dev);
    expect(vm.rename('/mnt/x/in', '/etc/in')).toBe('EXDEV');
    expect(vm.link('/mnt/x/in', '/etc/in')).toBe('EXDEV');
    expect(vm.rmdir('/mnt')).toBe('EBUSY');
    const fd = vm.open('/mnt/x/in', O.RDONLY) as number;
    expect(vm.umount('/mnt')).toBe('EBUSY');
    vm.close(fd);
    expect(vm.umount('/etc')).toBe('EINVAL');
    expect(vm.umount('/mnt')).toBe(0);
    expect(cat('/mnt/hidden')).toBe('under the mount');
  });

  it('mounts stack and unstack', async () => {
    await fresh();
    vm.mkdir('/m');
    vm.mountRam('/m'); put('/m/one', '1');
    vm.mountRam('/m'); put('/m/two', '2');
    expect(vm.list('/m')).toEqual(['two']);
    expect(vm.ex.mountCount()).toBe(3);
    expect(vm.umount('/m')).toBe(0);
    expect(vm.list('/m')).toEqual(['one']);
  });

  it('umount refuses a mount holding the current directory', async () => {
    await fresh();
    vm.mkdir('/m');
    vm.mountRam('/m');
    vm.mkdir('/m/sub');
    expect(vm.res(vm.call('chdir', '/m/sub'))).toBe(0);
    expect(vm.umount('/m')).toBe('EBUSY');
    expect(vm.res(vm.call('chdir', '/'))).toBe(0);
    expect(vm.umount('/m')).toBe(0);
    expect(vm.ex.mountCount()).toBe(1);
  });
});

describe('memory', () => {
  it('a ramfs limit gives ENOSPC, not a panic, and the fs still works', async () => {
    vm = new FsVm(await fsModule());
    expect(vm.mountRam('/', 1n << 20n)).toBe(0);
    const fd = vm.open('/big', O.WRONLY | O.CREAT) as number;
    const chunk = Buffer.alloc(256 << 10, 1);
    let wrote = 0;
    let last: number | string = 0;
    for (let i = 0; i < 8; i++) { last = vm.write(fd, chunk); if (typeof last === 'string') break; wrote += last; }
    expect(last).toBe('ENOSPC');
    expect(wrote).toBeGreaterThanOrEqual(512 << 10);
    expect(wrote).toBeLessThanOrEqual(1 << 20);
    vm.close(fd);
    expect(vm.unlink('/big')).toBe(0);
    put('/small', 'ok');
    expect(cat('/small')).toBe('ok');
  });

  it('the kernel free-memory hook gives ENOSPC before the allocator fails', async () => {
    await fresh();
    // The hook says: memory ends 8 MiB above the current size (TLSF may double
    // linear memory when it grows, so the hook, not the allocator, must say no).
    const total = BigInt(vm.mem.buffer.byteLength) + (8n << 20n);
    vm.ex.setMemoryTotal(total);
    const fd = vm.open('/big', O.WRONLY | O.CREAT) as number;
    let last: number | string = 0;
    let wrote = 0;
    for (let i = 0; i < 64 && typeof last === 'number'; i++) {
      last = vm.write(fd, Buffer.alloc(256 << 10, 2));
      if (typeof last === 'number') wrote += last;
    }
    expect(last).toBe('ENOSPC');
    expect(wrote).toBeGreaterThan(0);
    expect(wrote).toBeLessThan(8 << 20);
    vm.close(fd);
    expect(st('/big').size).toBe(BigInt(wrote));
  });
});

describe('large directories (ramfs hash table, chunked slots)', () => {
  it('every name is found in place, listed in creation order, and removals and compaction keep that true', async () => {
    await fresh();
    expect(vm.mkdir('/d', 0o755)).toBe(0);
    const names: string[] = [];
    for (let i = 0; i < 3000; i++) names.push(i % 7 === 0 ? `é${i}-ü` : `f${i}`);
    for (const n of names) put(`/d/${n}`, n);
    expect(vm.list('/d')).toEqual(names);
    // Components compared in place inside longer paths, with "." and "..".
    expect(cat('/d/../d/./f5')).toBe('f5');
    expect(cat('d//é2800-ü')).toBe('é2800-ü');
    expect(vm.stat('/d/f')).toBe('ENOENT');
    expect(vm.stat('/d/f30000')).toBe('ENOENT');
    // Remove 5 in 6: holes pass 4x the live entries, the slots are compacted.
    const kept = names.filter((_, i) => i % 6 === 0);
    names.forEach((n, i) => { if (i % 6 !== 0) expect(vm.unlink(`/d/${n}`)).toBe(0); });
    expect(vm.list('/d')).toEqual(kept);
    for (const n of kept) expect(cat(`/d/${n}`)).toBe(n);
    expect(vm.stat(`/d/${names[1]}`)).toBe('ENOENT');
    // A removed name comes back at the end of the listing.
    put(`/d/${names[1]}`, 'again');
    expect(vm.list('/d')).toEqual([...kept, names[1]]);
    expect(cat(`/d/${names[1]}`)).toBe('again');
    for (const n of [...kept, names[1]!]) expect(vm.unlink(`/d/${n}`)).toBe(0);
    expect(vm.list('/d')).toEqual([]);
    expect(vm.rmdir('/d')).toBe(0);
  });
});
