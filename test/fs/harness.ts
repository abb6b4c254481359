// test/fs/harness.ts — runs the VFS, ramfs and CPIO loader (AssemblyScript,
// test/fs/as/entry.ts compiled with the image's asc flags) in Node's
// WebAssembly, and computes file-tree manifests on the host and in the guest.
import asc from 'assemblyscript/asc';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FLAGS = ['-O3', '--runtime', 'incremental', '--memoryBase', '1048576',
  '--use', 'abort=kernel/panic/kernelAbort', '--exportRuntime'];

let compiled: Promise<WebAssembly.Module> | null = null;

/** Compiles test/fs/as/entry.ts once per test file; throws with asc's output on error or warning. */
export function fsModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    let wasm: Uint8Array | undefined;
    const errs: string[] = [];
    const sink = { write(s: string | Uint8Array) { errs.push(typeof s === 'string' ? s : Buffer.from(s).toString()); return true; } };
    const { error } = await asc.main(['test/fs/as/entry.ts', ...FLAGS, '--baseDir', ROOT, '-o', 'fs.wasm'], {
      stdout: sink, stderr: sink,
      writeFile(name: string, contents: Uint8Array | string) { if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = new Uint8Array(contents); },
    });
    if (error || !wasm || errs.join('').trim() !== '') throw new Error(`asc: ${error?.message}\n${errs.join('')}`);
    return new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
  })();
  return compiled;
}

// Linux values (kernel/vfs/file.ts).
export const O = { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, TRUNC: 0o1000, APPEND: 0o2000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000 };
export const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000;

export interface GStat { mode: number; nlink: number; uid: number; gid: number; size: bigint; ino: bigint; mtime: bigint; dev: bigint }

type Ex = Record<string, any>;

/** One instance of the fs module: a fresh kernel VFS state. */
export class FsVm {
  ex: Ex;
  mem: WebAssembly.Memory;
  logs: string[] = [];
  now = 1_700_000_000n;
  private scratch = 0;
  private scratchLen = 0;

  constructor(mod: WebAssembly.Module) {
    const self = this;
    const inst = new WebAssembly.Instance(mod, {
      env: { log: (p: number) => self.logs.push(self.str(p)), now: () => self.now },
      hw: {
        outb: () => {}, inb: () => 0x60,
        backtrace: () => {},
        poweroff: (code: number) => { throw new Error(`poweroff(${code}) (kernel panic): ${self.logs.join('\n')}`); },
      },
    });
    this.ex = inst.exports as Ex;
    this.mem = this.ex.memory as WebAssembly.Memory;
    this.ex.free(this.ex.alloc(16)); // TLSF takes its first pages now, below any archive we place
  }

  /** Reads an AssemblyScript string at `p`. */
  str(p: number): string {
    if (p === 0) return '';
    const len = new Uint32Array(this.mem.buffer, p - 4, 1)[0];
    return Buffer.from(this.mem.buffer, p, len).toString('utf16le');
  }

  /** Calls export `name`, passing JS strings as pinned AssemblyScript strings. */
  call(name: string, ...args: unknown[]): any {
    const pins: number[] = [];
    const conv = args.map((a) => {
      if (typeof a !== 'string') return a;
      const p = this.ex.__pin(this.ex.__new(a.length * 2, 2)) as number;
      Buffer.from(a, 'utf16le').copy(Buffer.from(this.mem.buffer, p, a.length * 2));
      pins.push(p);
      return p;
    });
    try { return this.ex[name](...conv); } finally { for (const p of pins) this.ex.__unpin(p); }
  }

  ename(r: number | bigint): string { return this.str(this.ex.ename(Number(r))); }
  /** Result as a number, or the errno name when negative. */
  res(r: number | bigint): number | string { return Number(r) < 0 ? this.ename(r) : Number(r); }

  /** A heap buffer of at least `n` bytes, reused. */
  buf(n: number): number {
    if (n > this.scratchLen) {
      if (this.scratch) this.ex.free(this.scratch);
      this.scratch = this.ex.alloc(n);
      this.scratchLen = n;
    }
    return this.scratch;
  }

  /** Copies `data` outside the heap (like QEMU's -initrd placement): grows memory and returns its address. */
  place(data: Uint8Array): number {
    const pages = Math.ceil((data.length + 16) / 65536);
    const at = this.mem.grow(pages) * 65536;
    new Uint8Array(this.mem.buffer, at, data.length).set(data);
    return at;
  }

  mountRam(p: string, limit = 0n) { return this.res(this.call('mountRam', p, limit)); }
  open(p: string, flags: number, mode = 0o644) { return this.res(this.call('open', p, flags, mode)); }
  close(fd: number) { return this.res(this.ex.close(fd)); }
  mkdir(p: string, mode = 0o755) { return this.res(this.call('mkdir', p, mode)); }
  rmdir(p: string) { return this.res(this.call('rmdir', p)); }
  unlink(p: string) { return this.res(this.call('unlink', p)); }
  rename(a: string, b: string) { return this.res(this.call('rename', a, b)); }
  symlink(t: string, p: string) { return this.res(this.call('symlink', t, p)); }
  link(a: string, b: string) { return this.res(this.call('link', a, b)); }
  truncate(p: string, n: number) { return this.res(this.call('truncate', p, BigInt(n))); }
  umount(p: string) { return this.res(this.call('umount', p)); }
  readlink(p: string): string { const r = this.call('readlink', p); return r < 0 ? this.ename(r) : this.str(this.ex.refStr()); }

  write(fd: number, data: Uint8Array | string) {
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    const p = this.buf(b.length || 1);
    new Uint8Array(this.mem.buffer, p, b.length).set(b);
    return this.res(this.ex.write(fd, p, b.length));
  }
  pwrite(fd: number, data: string, off: number) {
    const b = Buffer.from(data);
    const p = this.buf(b.length || 1);
    new Uint8Array(this.mem.buffer, p, b.length).set(b);
    return this.res(this.ex.pwrite(fd, p, b.length, BigInt(off)));
  }
  /** Reads up to n bytes; the bytes, or the errno name. */
  read(fd: number, n: number): Buffer | string {
    const p = this.buf(n || 1);
    const r = Number(this.ex.read(fd, p, n));
    return r < 0 ? this.ename(r) : Buffer.from(new Uint8Array(this.mem.buffer, p, r));
  }
  pread(fd: number, n: number, off: number): Buffer | string {
    const p = this.buf(n || 1);
    const r = Number(this.ex.pread(fd, p, n, BigInt(off)));
    return r < 0 ? this.ename(r) : Buffer.from(new Uint8Array(this.mem.buffer, p, r));
  }
  lseek(fd: number, off: number, whence: number) { return this.res(this.ex.lseek(fd, BigInt(off), whence)); }

  stat(p: string, follow = true): GStat | string {
    const out = this.buf(64);
    const r = this.call('stat', p, follow ? 1 : 0, out);
    if (r < 0) return this.ename(r);
    const v = new DataView(this.mem.buffer, out, 48);
    return {
      mode: v.getUint32(0, true), nlink: v.getUint32(4, true), uid: v.getUint32(8, true), gid: v.getUint32(12, true),
      size: v.getBigUint64(16, true), ino: v.getBigUint64(24, true), mtime: v.getBigInt64(32, true), dev: v.getBigUint64(40, true),
    };
  }

  /** Names in directory `p` (order of readdir), or the errno name. */
  list(p: string): string[] | string {
    const fd = this.open(p, O.RDONLY | O.DIRECTORY);
    if (typeof fd === 'string') return fd;
    const names: string[] = [];
    for (;;) {
      const r = this.ex.readdir(fd);
      if (r < 0) { this.close(fd); return this.ename(r); }
      if (r === 0) break;
      names.push(this.str(this.ex.direntName()));
    }
    this.close(fd);
    return names;
  }

  /** Whole content of file `p` hashed with sha256 (read in 1 MiB chunks). */
  sha256(p: string): string {
    const fd = this.open(p, O.RDONLY);
    if (typeof fd === 'string') throw new Error(`open ${p}: ${fd}`);
    const h = createHash('sha256');
    const n = 1 << 20;
    const buf = this.buf(n);
    for (;;) {
      const r = Number(this.ex.read(fd, buf, n));
      if (r < 0) throw new Error(`read ${p}: ${this.ename(r)}`);
      if (r === 0) break;
      h.update(new Uint8Array(this.mem.buffer, buf, r));
    }
    this.close(fd);
    return h.digest('hex');
  }

  /** The guest manifest of the tree under `dir` (see manifestLine). */
  manifest(dir = '/'): string[] {
    const lines: string[] = [];
    const walk = (p: string, rel: string) => {
      const names = this.list(p);
      if (typeof names === 'string') throw new Error(`list ${p}: ${names}`);
      for (const n of names) {
        const full = p === '/' ? `/${n}` : `${p}/${n}`;
        const r = `${rel}/${n}`;
        const st = this.stat(full, false);
        if (typeof st === 'string') throw new Error(`lstat ${full}: ${st}`);
        const t = st.mode & S_IFMT;
        if (t === S_IFDIR) { lines.push(manifestLine('d', st.mode, 0, '', r)); walk(full, r); }
        else if (t === S_IFLNK) lines.push(manifestLine('l', st.mode, Number(st.size), '', r, this.readlink(full)));
        else lines.push(manifestLine('f', st.mode, Number(st.size), this.sha256(full), r));
      }
    };
    walk(dir, '');
    return lines.sort(compareBytes);
  }
}

export function compareBytes(a: string, b: string): number { return Buffer.compare(Buffer.from(a), Buffer.from(b)); }

/** `TYPE MODE SIZE SHA256 PATH[ -> TARGET]` (issue 4's `find` format). */
export function manifestLine(type: string, mode: number, size: number, sha: string, p: string, target?: string): string {
  const m = (mode & 0o7777).toString(8).padStart(4, '0');
  const s = type === 'd' ? '-' : String(size);
  const h = type === 'f' ? sha : '-';
  return `${type} ${m} ${s} ${h} ${p}${target !== undefined ? ` -> ${target}` : ''}`;
}

/** The same manifest for a host directory. */
export function hostManifest(dir: string): string[] {
  const lines: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const n of readdirSync(abs)) {
      const a = path.join(abs, n);
      const r = `${rel}/${n}`;
      const st = lstatSync(a);
      if (st.isDirectory()) { lines.push(manifestLine('d', st.mode, 0, '', r)); walk(a, r); }
      else if (st.isSymbolicLink()) { const t = readlinkSync(a); lines.push(manifestLine('l', st.mode, Buffer.byteLength(t), '', r, t)); }
      else if (st.isFile()) lines.push(manifestLine('f', st.mode, st.size, createHash('sha256').update(readFileSync(a)).digest('hex'), r));
    }
  };
  walk(dir, '');
  return lines.sort(compareBytes);
}

export async function newVm(): Promise<FsVm> { return new FsVm(await fsModule()); }
