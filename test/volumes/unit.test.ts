// Under Node, no QEMU: the 9pfs fstab checks (flags, options, msize) and the
// kvstore record format — the same AssemblyScript the images run, compiled
// with the image's asc flags. The record bytes are checked against an
// encoder written here from the format's description, and the scan against
// every way a log can be cut short or damaged.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAs, liftString, lowerString } from '../kernel/harness.ts';

type Ex = Record<string, any>;
let ex: Ex;
let mem: WebAssembly.Memory;

async function compile(): Promise<WebAssembly.Module> {
  return new WebAssembly.Module((await compileAs('test/volumes/as/unit.ts', ['--exportRuntime'])).wasm);
}

const lower = (s: string): number => lowerString(ex, mem, s);
const lift = (p: number): string => liftString(mem, p);
function call(name: string, ...args: (string | number)[]): string {
  const pinned: number[] = [];
  const a = args.map((x) => (typeof x === 'string' ? (pinned.push(lower(x)), pinned[pinned.length - 1]) : x));
  const r = lift(ex[name](...a));
  for (const p of pinned) ex.__unpin(p);
  return r;
}
/** Copies `b` into fresh guest memory and scans it. */
function scan(b: Buffer): string {
  const p = ex.alloc(b.length + 1) as number;
  new Uint8Array(mem.buffer, p, b.length).set(b);
  return call('scan', p, b.length);
}

beforeAll(async () => {
  const inst = new WebAssembly.Instance(await compile(), {
    hw: { outb: () => {}, inb: () => 0x60, backtrace: () => {}, poweroff: (c: number) => { throw new Error(`poweroff(${c})`); } },
  });
  ex = inst.exports as Ex;
  mem = ex.memory as WebAssembly.Memory;
}, 60_000);

describe('9pfs fstab entries', () => {
  it.each([
    ['fs0:/:9pfs:::', 'fs0|/|9pfs||||0'],
    ['fs1:/nginx/html:9pfs:::mkmp', 'fs1|/nginx/html|9pfs|||mkmp|0'],
    ['fs0:/data:9pfs:1::mkmp', 'fs0|/data|9pfs|1||mkmp|0'],
    ['fs0:/data:9pfs:0x1:msize=65536,trans=virtio,version=9P2000.L:', 'fs0|/data|9pfs|0x1|msize=65536,trans=virtio,version=9P2000.L||65536'],
    ['myshare:/x:9pfs', 'myshare|/x|9pfs||||0'],
  ])('%s parses', (text, want) => { expect(call('fstab', text)).toBe(want); });

  it.each([
    ['fs0:/a:9pfs:ro::', "flags 'ro' is not a number"],
    ['fs0:/a:9pfs:0x::', "flags '0x' is not a number"],
    ['fs0:/a:9pfs::cache=loose:', "unknown 9pfs option 'cache=loose'"],
    ['fs0:/a:9pfs::msize=1024:', 'msize must be 4096..16777216'],
    ['fs0:/a:9pfs::msize=99999999:', 'msize must be 4096..16777216'],
    ['fs0:/a:9pfs::msize=:', 'msize must be'],
    ['fs0:/a:9pfs:::mkmp,bogus', "unknown ukopt 'bogus'"],
    [':/a:9pfs', 'empty device'],
    ['fs0:a:9pfs', 'not an absolute path'],
    ['fs0:/a:9p', "unknown driver '9p' (known: ramfs, extract, 9pfs)"],
    ['none:/s:ramfs:x::', "flags 'x' is not a number"],
  ])('%s is refused (%s)', (text, why) => {
    const r = call('fstab', text);
    expect(r.startsWith('! ')).toBe(true);
    expect(r).toContain(why);
  });

  it('numbers: decimal and 0x hex; anything else is -1', () => {
    expect(['', '0', '1', '0x10', '0XfF', '2147483647', '2147483648', '1a', '-1'].map((s) => call('number', s)))
      .toEqual(['0', '0', '1', '16', '255', '2147483647', '-1', '-1', '-1']);
  });
});

/** CRC-32 (ISO-HDLC), from its definition. */
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) { c ^= x; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
  return (c ^ 0xffffffff) >>> 0;
}
/** A record per the layout in images/kvstore/record.ts. */
function rec(op: 1 | 2, key: string, value: string): Buffer {
  const k = Buffer.from(key), v = Buffer.from(value);
  const h = Buffer.alloc(16);
  h.write('KVR1', 0, 'latin1'); h[4] = op; h.writeUInt16LE(k.length, 6); h.writeUInt32LE(v.length, 8);
  h.writeUInt32LE(crc32(Buffer.concat([h.subarray(0, 12), k, v])), 12);
  return Buffer.concat([h, k, v]);
}

describe('kvstore records', () => {
  it('the encoder writes the documented bytes (UTF-8, CRC-32)', () => {
    expect(call('encode', 'put', 'key', 'välue')).toBe(rec(1, 'key', 'välue').toString('hex'));
    expect(call('encode', 'del', 'key', '')).toBe(rec(2, 'key', '').toString('hex'));
    expect(call('encode', 'put', 'k', '')).toBe(rec(1, 'k', '').toString('hex'));
  });

  it('a whole log scans to its end', () => {
    const log = Buffer.concat([rec(1, 'a', '1'), rec(1, 'b', 'two words'), rec(2, 'a', '')]);
    expect(scan(log)).toBe(['put a=1@18', 'put b=two words@44', 'del a=@61', 'good=61'].join('\n'));
  });

  it('cut short anywhere in the last record: the scan stops at the record before', () => {
    const good = Buffer.concat([rec(1, 'a', '1'), rec(1, 'b', '2')]);
    const last = rec(1, 'c', 'a longer value');
    for (let cut = 1; cut < last.length; cut++) {
      expect(scan(Buffer.concat([good, last.subarray(0, cut)]))).toBe('put a=1@18\nput b=2@36\ngood=36');
    }
  });

  it('damage is never accepted: any one flipped byte of the last record ends the scan before it', () => {
    const good = rec(1, 'a', '1');
    const last = rec(1, 'key', 'value');
    for (let i = 0; i < last.length; i++) {
      const bad = Buffer.from(last);
      bad[i] ^= 0x20;
      expect(scan(Buffer.concat([good, bad])), `byte ${i}`).toBe('put a=1@18\ngood=18');
    }
  });

  it('bad fields are refused: empty key, a del with a value, an unknown op, reserved byte set', () => {
    const forge = (f: (h: Buffer) => void, key: string, value: string) => {
      const r = rec(1, key, value); f(r);
      r.writeUInt32LE(crc32(Buffer.concat([r.subarray(0, 12), r.subarray(16)])), 12); // a valid CRC over bad fields
      return r;
    };
    expect(scan(forge(() => {}, '', 'v'))).toBe('good=0');
    expect(scan(forge((h) => { h[4] = 2; }, 'k', 'v'))).toBe('good=0');
    expect(scan(forge((h) => { h[4] = 3; }, 'k', 'v'))).toBe('good=0');
    expect(scan(forge((h) => { h[5] = 1; }, 'k', 'v'))).toBe('good=0');
    expect(scan(forge(() => {}, 'k', 'v'))).toBe('put k=v@18\ngood=18');
  });
});
