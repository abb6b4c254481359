// Under Node, no QEMU: the shell's SHA-256 against node:crypto, the fstab
// parser, the mount plan (default table, locked images, order) and the
// shell's `;` / quote splitting — the same AssemblyScript the image runs,
// compiled with the image's asc flags.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAs, liftString, lowerString } from '../kernel/harness.ts';

type Ex = Record<string, any>;
let ex: Ex;
let mem: WebAssembly.Memory;
let console_ = '';

async function compile(): Promise<WebAssembly.Module> {
  return new WebAssembly.Module((await compileAs('test/rootfs/as/entry.ts', ['--exportRuntime'])).wasm);
}

const lower = (s: string): number => lowerString(ex, mem, s);
const lift = (p: number): string => liftString(mem, p);
function call(name: string, ...args: (string | number | bigint)[]): string {
  const pinned: number[] = [];
  const a = args.map((x) => (typeof x === 'string' ? (pinned.push(lower(x)), pinned[pinned.length - 1]) : x));
  const r = lift(ex[name](...a));
  for (const p of pinned) ex.__unpin(p);
  return r;
}

beforeAll(async () => {
  const mod = await compile();
  const inst = new WebAssembly.Instance(mod, {
    hw: {
      outb: (port: number, v: number) => { if (port === 0x3f8) console_ += String.fromCharCode(v); },
      inb: () => 0x60, backtrace: () => {}, poweroff: (c: number) => { throw new Error(`poweroff(${c}): ${console_}`); },
    },
  });
  ex = inst.exports as Ex;
  mem = ex.memory as WebAssembly.Memory;
}, 60_000);

describe('sha256 (images/shell/sha256.ts) against node:crypto', () => {
  const sizes = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65536 + 17, 1 << 20];
  it.each(sizes)('%i bytes, whole and in odd pieces', (n) => {
    const data = Buffer.alloc(n);
    for (let i = 0; i < n; i++) data[i] = (i * 131 + (i >> 7)) & 0xff;
    const p = ex.alloc(Math.max(n, 1)) as number;
    new Uint8Array(mem.buffer, p, n).set(data);
    const want = createHash('sha256').update(data).digest('hex');
    expect(call('sha', p, n, Math.max(n, 1))).toBe(want);
    expect(call('sha', p, n, 7)).toBe(want);
    expect(call('sha', p, n, 64)).toBe(want);
  });
});

describe('fstab entries', () => {
  it.each([
    ['initrd0:/:extract::ramfs=1:', 'initrd0|/|extract||ramfs=1||'],
    ['initrd1:/opt/x/:extract::ramfs=1:mkmp', 'initrd1|/opt/x|extract||ramfs=1|mkmp|mkmp'],
    ['embedded:/:extract', 'embedded|/|extract||||'],
    ['none:/scratch:ramfs:0::mkmp', 'none|/scratch|ramfs|0||mkmp|mkmp'],
    // Mount points are normalised once, here (issue 11: the lock rule sees the real path).
    ['initrd0:/etc/..:extract::ramfs=1:', 'initrd0|/|extract||ramfs=1||'],
    ['initrd0://.:extract', 'initrd0|/|extract||||'],
    ['initrd0:/a//b/./c/../d/:extract::ramfs=1:nofail', 'initrd0|/a/b/d|extract||ramfs=1|nofail|'],
    ['initrd0:/../..:extract', 'initrd0|/|extract||||'],
  ])('%s parses', (text, want) => { expect(call('fstab', text)).toBe(want); });

  it.each([
    ['initrd0', 'expected'],
    ['initrd0:/', 'expected'],
    [':/:extract', 'empty device'],
    ['initrd0:relative:extract', 'not an absolute path'],
    ['initrd0:/:nfs', "unknown driver 'nfs'"],
    ['disk0:/:extract', 'extract needs dev initrd<N> or embedded'],
    ['initrdx:/:extract', 'extract needs dev'],
    ['initrd0:/:extract::ramfs=1:bogus', "unknown ukopt 'bogus'"],
    ['a:/:ramfs:0:x:y:z', 'more than 6'],
    ['initrd0:/a:extract::mkmp:', "unknown extract option 'mkmp'"],
    ['none:/b:ramfs::bogus=1:', "unknown ramfs option 'bogus=1'"],
    ['initrd0:/c:extract:1:ramfs=1:', "extract takes no mount flags"],
  ])('%s is refused (%s)', (text, why) => {
    const r = call('fstab', text);
    expect(r.startsWith('! ')).toBe(true);
    expect(r).toContain(why);
  });
});

describe('mount plan', () => {
  it('no modules: nothing (the kernel then mounts an empty ramfs at /)', () => {
    expect(call('plan', '-', '')).toBe('');
  });
  it('initrd0 becomes /; a module with an argument mounts there', () => {
    expect(call('plan', '-', 'initrd;initrd /opt/b')).toBe('initrd0:/:extract:mkmp\ninitrd1:/opt/b:extract:mkmp');
  });
  it('an initrd with an argument while nothing is at /: / stays free for the next one', () => {
    expect(call('plan', '-', 'initrd /opt/a;initrd')).toBe('initrd1:/:extract:mkmp\ninitrd0:/opt/a:extract:mkmp');
  });
  it('with an einitrd, it is / and a bare -initrd is ignored with a warning', () => {
    console_ = '';
    expect(call('plan', '-', 'initrd;initrd /opt/extra;embedded')).toBe('embedded:/:extract:mkmp\ninitrd1:/opt/extra:extract:mkmp');
    expect(console_).toMatch(/rootfs: warning: initrd0: no mount point/);
  });
  it('an fstab replaces the default; root entries go first', () => {
    const v = '[ "initrd1:/opt:extract::ramfs=1:mkmp" "initrd0:/:extract::ramfs=1:" ]';
    expect(call('plan', v, 'initrd;initrd')).toBe('initrd0:/:extract\ninitrd1:/opt:extract:mkmp');
  });
  it('bad fstab entries: one error line each, the rest still planned', () => {
    console_ = '';
    const v = '[ "initrd0:/:extract::ramfs=1:" "bogus" "x:/y:zfs" ]';
    expect(call('plan', v, 'initrd')).toBe('initrd0:/:extract');
    expect(console_).toContain('rootfs: error: fstab entry "bogus"');
    expect(console_).toContain('rootfs: error: fstab entry "x:/y:zfs": unknown driver');
  });
  it('locked image: an fstab entry replacing / is refused with a warning; the einitrd stays /', () => {
    console_ = '';
    const v = '[ "initrd0:/:extract::ramfs=1:" "initrd0:/opt:extract::ramfs=1:mkmp" ]';
    expect(call('plan', v, 'initrd;embedded locked')).toBe('embedded:/:extract:mkmp\ninitrd0:/opt:extract:mkmp');
    expect(console_).toMatch(/rootfs: warning: locked image: refused "initrd0:\/:extract::ramfs=1:"/);
  });
  it('locked image: "/." and "/etc/.." are / and refused; a module argument "/." is / too', () => {
    console_ = '';
    const v = '[ "initrd0:/.:extract::ramfs=1:" "initrd0:/etc/..:extract::ramfs=1:" ]';
    expect(call('plan', v, 'initrd;embedded locked')).toBe('embedded:/:extract:mkmp');
    expect(console_.match(/locked image: refused/g)?.length).toBe(2);
    expect(call('plan', '-', 'initrd /.;embedded locked')).toBe('embedded:/:extract:mkmp');
  });
  it('unlocked einitrd: an fstab may replace /', () => {
    expect(call('plan', '[ "initrd0:/:extract::ramfs=1:" ]', 'initrd;embedded')).toBe('initrd0:/:extract');
  });
});

describe('names as bytes (kernel/utf8.ts)', () => {
  /** Copies `b` into the module; calls `name` with (p, n). */
  function withBytes<T>(b: Uint8Array, f: (p: number, n: number) => T): T {
    const p = ex.alloc(Math.max(b.length, 1)) as number;
    new Uint8Array(mem.buffer, p, b.length).set(b);
    return f(p, b.length);
  }
  const name = (b: Uint8Array) => withBytes(b, (p, n) => lift(ex.utf8Name(p, n)));
  const shown = (b: Uint8Array) => withBytes(b, (p, n) => lift(ex.utf8Shown(p, n)));

  it('3,000 random byte strings (seeded) round-trip exactly; distinct bytes stay distinct names', () => {
    let x = 12345;
    const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
    const seen = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const len = rnd() % 12;
      // Mostly bytes around the UTF-8 boundaries: ASCII, continuation bytes, lead bytes, 0xff.
      const pool = [0x41, 0x2f, 0x80, 0xbf, 0xc2, 0xc3, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x90, 0x8f, 0x00];
      const b = Uint8Array.from({ length: len }, () => (rnd() % 4 === 0 ? rnd() & 0xff : pool[rnd() % pool.length]));
      expect(withBytes(b, (p, n) => ex.utf8RoundTrip(p, n)), Buffer.from(b).toString('hex')).toBe(1);
      const key = name(b);
      const hex = Buffer.from(b).toString('hex');
      if (seen.has(key)) expect(seen.get(key)).toBe(hex);
      seen.set(key, hex);
      if (len > 0) expect(key.length).toBeGreaterThan(0);
    }
  });
  it('valid UTF-8 decodes as Node decodes it', () => {
    for (const t of ['passwd', 'fïlé ü', '日本語', '😀x', 'a\u{10ffff}b']) expect(name(Buffer.from(t))).toBe(t);
  });
  it('printed as ls -b: control bytes, invalid bytes and backslash escaped; the rest as is', () => {
    expect(shown(Buffer.from('passwd\xff', 'latin1'))).toBe('passwd\\377');
    expect(shown(Buffer.from([0xff, 0xfe]))).toBe('\\377\\376');
    expect(shown(Buffer.from('a\nb\tc\x1b[2J\x7f\\ é'))).toBe('a\\nb\\tc\\033[2J\\177\\\\ é');
    expect(shown(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\\355\\240\\200'); // an encoded surrogate is not UTF-8
    expect(shown(Buffer.from([0xc0, 0xaf]))).toBe('\\300\\257'); // overlong '/'
    expect(shown(Buffer.from('\u0085'))).toBe('\\302\\205'); // C1 control
  });
});

describe('shell command splitting', () => {
  it.each([
    ['k -- write /a "x y"; cat /a', 'write|/a|x y\ncat|/a'],
    ['k -- echo "a;b" ; echo c;echo d', 'echo|a;b\necho|c\necho|d'],
    ['k vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ] -- ls /', 'ls|/'],
    ['k "--" -- echo \\"q\\"', 'echo|"q"'],
    ['k -- ;; echo ""', 'echo|'],
    ['k no separator', '(no --)'],
  ])('%s', (raw, want) => { expect(call('split', raw)).toBe(want); });
});
