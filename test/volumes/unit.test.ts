// Under Node, no QEMU: the 9pfs fstab checks (flags, options, msize) — the
// same AssemblyScript the images run, compiled with the image's asc flags.
// The kvstore log format is checked by the fuzz harness's kvlog target
// (tools/fuzz/kvlog.ts, an independent encoder against the real reader;
// test/fuzz/slices.test.ts) and under QEMU by test/volumes/kvstore.test.ts.
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
