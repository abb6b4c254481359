// Kernel pure parts under Node: multiboot parsing, E / RAM top, console bytes,
// command line splitting, TSC calibration, panic and abort paths.
import { beforeAll, describe, expect, it } from 'vitest';
import { SHADOW_STACK } from '../../tools/image/index.ts';
import { callGraph, compileAs, instantiate, powerOffCode, qemuPcMmap, reachable, writeMultiboot, MBI_ADDR, type MachineOpts } from './harness.ts';

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { wasm = (await compileAs('test/kernel/as/units.ts')).wasm; });

const MAGIC = 0x2badb002;
function boot(o: MachineOpts = {}) { return instantiate(wasm, o); }

describe('multiboot', () => {
  it('rejects a wrong magic and reads nothing', () => {
    const { machine, exports: k } = boot();
    writeMultiboot(machine.memory, { cmdline: 'x', mods: [{ start: 0x400000, end: 0x401000, string: 'm' }] });
    expect(k.mbInit(0x1badb002, MBI_ADDR)).toBe(0);
    expect(k.mbModCount()).toBe(0);
    expect(k.mbCmdline()).toBe(0);
  });

  it('reads modules, cmdline and mem fields honouring the flags', () => {
    const { machine, exports: k } = boot();
    writeMultiboot(machine.memory, {
      cmdline: '/k.elf a b', memLowerKiB: 639, memUpperKiB: 130048,
      mods: [{ start: 0x400000, end: 0x480123, string: 'rootfs.cpio' }, { start: 0x481000, end: 0x482000, string: 'two x' }],
    });
    expect(k.mbInit(MAGIC, MBI_ADDR)).toBe(1);
    expect(k.mbModCount()).toBe(2);
    expect(k.mbModStart(0)).toBe(0x400000);
    expect(k.mbModEnd(0)).toBe(0x480123);
    expect(k.mbModEnd(1)).toBe(0x482000);
    expect(k.mbMemLowerKiB()).toBe(639);
    expect(k.mbMemUpperKiB()).toBe(130048);
    k.consoleInit();
    k.printCstr(k.mbCmdline());
    expect(machine.text()).toBe('/k.elf a b');
    expect(k.mbMmapFirst()).toBe(0); // flags bit 6 clear
  });

  it('walks the size-prefixed memory map', () => {
    const { machine, exports: k } = boot();
    const map = qemuPcMmap(128);
    writeMultiboot(machine.memory, { mmap: map });
    expect(k.mbInit(MAGIC, MBI_ADDR)).toBe(1);
    const seen: [bigint, bigint, number][] = [];
    for (let e = k.mbMmapFirst(); e !== 0; e = k.mbMmapNext(e)) {
      seen.push([BigInt.asUintN(64, k.mmapEntryBase(e)), BigInt.asUintN(64, k.mmapEntryLength(e)), k.mmapEntryType(e)]);
    }
    expect(seen).toEqual(map.map((m) => [m.base, m.length, m.type]));
  });
});

describe('memory layout (E and RAM top)', () => {
  it('E is the max of imageEnd, modules, strings, mmap and the info block', () => {
    const { machine, exports: k } = boot();
    writeMultiboot(machine.memory, {
      cmdline: 'k', mmap: qemuPcMmap(128),
      mods: [{ start: 0x400000, end: 0x480123, string: 'a' }, { start: 0x481000, end: 0x4a0005, string: 'b' }],
    });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(BigInt(k.bootMemEnd(0x300000))).toBe(0x4a0005n);
    expect(BigInt(k.bootMemEnd(0x500000))).toBe(0x500000n);
  });

  it('E covers an info block and strings placed above the image', () => {
    const { machine, exports: k } = boot();
    const w = writeMultiboot(machine.memory, { cmdline: 'a long command line', mmap: qemuPcMmap(64) });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(BigInt(k.bootMemEnd(0x1000))).toBe(BigInt(w.strEnd)); // cmdline string is the highest
  });

  it('RAM top is the end of the 1 MiB region, clamped below the PCI hole', () => {
    const { machine, exports: k } = boot();
    writeMultiboot(machine.memory, { mmap: qemuPcMmap(128) });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(BigInt(k.ramTop())).toBe(0x7fe0000n);
    expect(BigInt(k.ramAvailable())).toBe(0x9fc00n + 0x7fe0000n - 0x100000n);
    writeMultiboot(machine.memory, { mmap: [{ base: 0n, length: 0x9fc00n, type: 1 }, { base: 0x100000n, length: 0xfff00000n, type: 1 }] });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(BigInt(k.ramTop())).toBe(0xc0000000n);
  });

  it('without a map, RAM top comes from mem_upper', () => {
    const { machine, exports: k } = boot();
    writeMultiboot(machine.memory, { memLowerKiB: 639, memUpperKiB: 64 * 1024 });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(BigInt(k.ramTop())).toBe(0x100000n + 64n * 1024n * 1024n);
  });

  it('memInit hands memLayout ceil(E/64K) and floor(top/64K) pages', () => {
    const { machine, exports: k } = boot();
    writeMultiboot(machine.memory, { mmap: qemuPcMmap(128), mods: [{ start: 0x400000, end: 0x480123, string: 'r' }] });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(k.memInit(0x300000)).toBe(0);
    expect(machine.layouts).toEqual([[0x49, 0x7fe]]);
    expect(BigInt(k.heapGrowStart())).toBe(0x490000n);
    expect(BigInt(k.heapGrowLimit())).toBe(0x7fe0000n);
  });

  it('memInit refuses when the modules reach past RAM', () => {
    const { machine, exports: k } = boot();
    writeMultiboot(machine.memory, { mmap: qemuPcMmap(16), mods: [{ start: 0x400000, end: 0x1000000, string: 'big' }] });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(k.memInit(0x300000)).toBe(-2);
    expect(machine.layouts).toEqual([]);
  });
});

describe('console', () => {
  it('programs COM1 115200 8N1 with FIFO', () => {
    const { machine, exports: k } = boot();
    k.consoleInit();
    expect(machine.ports).toEqual([[0x3f9, 0], [0x3fb, 0x80], [0x3f8, 1], [0x3f9, 0], [0x3fb, 3], [0x3fa, 0xc7], [0x3fc, 0x0b]]);
    expect(machine.serial).toEqual([]);
  });

  it('encodes UTF-16 as UTF-8, \\n as \\r\\n, lone surrogates as U+FFFD', () => {
    const { machine, exports: k } = boot();
    k.consoleInit();
    k.printSample();
    expect(Buffer.from(machine.serial)).toEqual(Buffer.from('h\u00e9llo \u20ac \u{1f600}\r\nlone \ufffd x'));
  });

  it('prints numbers without allocating', () => {
    const { machine, exports: k } = boot();
    k.consoleInit();
    k.printU64(0n); k.printU64(-1n); k.printI64(-42n); k.printI64(-9223372036854775808n);
    k.printHexW(0xdeadn, 1); k.printHexW(2n, 16); k.printHexW(-1n, 4);
    expect(machine.text()).toBe('0' + '18446744073709551615' + '-42' + '-9223372036854775808'
      + '0xdead' + '0x0000000000000002' + '0xffffffffffffffff');
  });
});

describe('command line', () => {
  function parse(line: string): string[] {
    const { machine, exports: k } = boot();
    k.consoleInit();
    const b = Buffer.from(line);
    new Uint8Array(machine.memory.buffer).set(b, 0x20000);
    k.parseCmdline(0x20000, b.length);
    return machine.text().split('\r\n').filter((s) => s !== '');
  }

  it('splits kernel options from app args at --', () => {
    expect(parse('/tmp/x.elf vfs.fstab=[ "initrd0:/:extract::ramfs=1:" "fs0:/a b:9pfs:::mkmp" ] -- hi "two words" a\\"b'))
      .toEqual([
        'argv0=</tmp/x.elf>',
        'opt=<vfs.fstab=[ "initrd0:/:extract::ramfs=1:" "fs0:/a b:9pfs:::mkmp" ]>',
        'arg=<hi>', 'arg=<two words>', 'arg=<a"b>',
        'fstab=<initrd0:/:extract::ramfs=1:>', 'fstab=<fs0:/a b:9pfs:::mkmp>',
      ]);
  });

  it('does not group brackets in app args, and a quoted -- is not the separator', () => {
    expect(parse('k a.b=1 "--" -- [ x ]')).toEqual(['argv0=<k>', 'opt=<a.b=1>', 'opt=<"--">', 'arg=<[>', 'arg=<x>', 'arg=<]>']);
  });

  it('without --, leading dotted options go to the kernel and the rest to the app', () => {
    expect(parse('  k   vfs.fstab=["a"]  hello  x.y=2  ')).toEqual(['argv0=<k>', 'opt=<vfs.fstab=["a"]>', 'arg=<hello>', 'arg=<x.y=2>', 'fstab=<a>']);
    expect(parse('k')).toEqual(['argv0=<k>']);
    expect(parse('')).toEqual(['argv0=<>']);
  });

  it('keeps UTF-8 in arguments', () => {
    expect(parse('k -- h\u00e9 \u{1f600}')).toEqual(['argv0=<k>', 'arg=<h\u00e9>', 'arg=<\u{1f600}>']);
  });

  it('an unclosed quote or list is an error naming its offset after argv0', () => {
    expect(parse('k vfs.fstab="a -- x')[0]).toBe('error=<unclosed quote (") at offset 10>');
    expect(parse('k vfs.fstab=[ "a" -- x')[0]).toBe('error=<unclosed list ([) at offset 10>');
    expect(parse('k -- cat "/etc/x')[0]).toBe('error=<unclosed quote (") at offset 7>');
    expect(parse('k -- echo [ x')[0]).toBe('argv0=<k>'); // `[` opens a list only after `=`
  });

  it('2,000 seeded random lines: no hang or trap; a quote error exactly when unescaped quotes are odd', () => {
    let x = 99;
    const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
    const alphabet = ['"', '[', ']', '=', '\\', ' ', 'a', '.', '--', 'vfs.fstab='];
    for (let i = 0; i < 2000; i++) {
      const body = Array.from({ length: rnd() % 14 }, () => alphabet[rnd() % alphabet.length]).join('');
      const out = parse(`k ${body}`);
      let odd = false;
      for (let j = 0; j < body.length; j++) { if (body[j] === '\\') j++; else if (body[j] === '"') odd = !odd; }
      const err = out.find((l) => l.startsWith('error=')) ?? '';
      expect(/unclosed quote/.test(err), `k ${body}: ${err}`).toBe(odd);
      if (err) {
        const at = Number(/at offset (\d+)>$/.exec(err)![1]);
        expect(body[at], `k ${body}: ${err}`).toBe(err.includes('quote') ? '"' : '[');
      }
    }
  });
});

describe('time', () => {
  it('on a PC too, calibrates the TSC against PIT channel 0 read by latching (2 ms)', () => {
    // 2514 TSC ticks per PIT tick: a 2999.66 MHz TSC
    const { machine, exports: k } = boot({ pit: 'pc', tscPerPitTick: 2514n, ticksPerInb: 3000n });
    const khz = Number(k.tscKhz());
    expect(Math.abs(khz - 2_999_660)).toBeLessThan(3000);
    expect(k.tscSource()).toBe(5);
    expect(machine.ports).toContainEqual([0x43, 0x30]);
    expect(machine.ports).not.toContainEqual([0x43, 0xb0]); // channel 2 is only the fallback
  });

  it('without port 0x61 (microvm), calibrates on PIT channel 0 read back by latching', () => {
    const { machine, exports: k } = boot({ pit: 'ch0', tscPerPitTick: 1676n, ticksPerInb: 2000n }); // 1999.77 MHz
    const khz = Number(k.tscKhz());
    expect(Math.abs(khz - 1_999_773)).toBeLessThan(2000);
    expect(k.tscSource()).toBe(5);
    expect(machine.ports).toContainEqual([0x43, 0x30]);
  });

  it('a hypervisor that states the TSC kHz (CPUID 0x40000010) is believed: no PIT loop', () => {
    const hv = { 1: [0, 0, 0x8000_0000, 0], 0x40000000: [0x40000010, 0, 0, 0], 0x40000010: [2_500_000, 1_000_000, 0, 0] } as const;
    const { machine, exports: k } = boot({ pit: 'pc', tscPerPitTick: 2514n, cpuid: hv as never });
    expect(Number(k.tscKhz())).toBe(2_500_000);
    expect(k.tscSource()).toBe(6);
    expect(machine.ports.filter(([p]) => p === 0x43)).toEqual([]);
    // the same leaf without the hypervisor bit (CPUID 1 ECX bit 31) is not read: the PIT decides
    const bare = boot({ pit: 'pc', tscPerPitTick: 2514n, ticksPerInb: 3000n, cpuid: { 0x40000000: [0x40000010, 0, 0, 0], 0x40000010: [2_500_000, 0, 0, 0] } });
    expect(Math.abs(Number(bare.exports.tscKhz()) - 2_999_660)).toBeLessThan(3000);
  });

  it('falls back to CPUID 0x15, then 0x16, then a guess', () => {
    const a = boot({ pit: 'none', cpuid: { 0: [0x16, 0, 0, 0], 0x15: [2, 100, 24_000_000, 0] } }).exports;
    expect(Number(a.tscKhz())).toBe(1_200_000);
    expect(a.tscSource()).toBe(2);
    const b = boot({ pit: 'none', cpuid: { 0: [0x16, 0, 0, 0], 0x16: [2400, 0, 0, 0] } }).exports;
    expect(Number(b.tscKhz())).toBe(2_400_000);
    expect(b.tscSource()).toBe(3);
    const c = boot({ pit: 'none', cpuid: { 0: [0xd, 0, 0, 0] } }).exports;
    expect(Number(c.tscKhz())).toBe(1_000_000);
    expect(c.tscSource()).toBe(4);
  });

  it('bootTimeUs = (tsc at main - tsc0) / MHz', () => {
    const { machine, exports: k } = boot({ pit: 'none', cpuid: { 0: [0x16, 0, 0, 0], 0x16: [2000, 0, 0, 0] } });
    machine.tsc = 50_000_000n;
    k.timeBoot(machine.tsc - 4_000_000n);
    k.timeMarkMain(); // rdtsc advances by 7
    expect(Number(k.bootTimeUs())).toBe(Math.floor((4_000_000 + 7) / 2000));
  });
});

describe('panic and abort', () => {
  it('panic prints one line and powers off with 0x7f', () => {
    const { machine, exports: k } = boot();
    expect(powerOffCode(() => k.doPanic())).toBe(0x7f);
    expect(machine.text()).toBe('panic: units: reason\r\n');
  });

  it('assert and throw reach kernelAbort with file:line:col', () => {
    let { machine, exports: k } = boot();
    expect(powerOffCode(() => k.doAssert(1))).toBeUndefined();
    expect(powerOffCode(() => k.doAssert(2))).toBe(0x7f);
    expect(machine.text()).toMatch(/^panic: abort: x must be 1 at test\/kernel\/as\/units\.ts:\d+:\d+\r\n$/);
    ({ machine, exports: k } = boot());
    expect(powerOffCode(() => k.doThrow())).toBe(0x7f);
    expect(machine.text()).toMatch(/^panic: abort: thrown at test\/kernel\/as\/units\.ts:\d+:\d+\r\n$/);
  });

  it('after memInit the heap grows above E and never touches the modules', () => {
    const { machine, exports: k } = boot({ applyLayout: true });
    // TLSF initialised in the early heap: past 1 MiB, the static data and the shadow stack (tools/image SHADOW_STACK).
    expect(k.allocAddr(64)).toBeLessThan(17 * 65536 + SHADOW_STACK);
    machine.memory.grow(0x40 - machine.memory.buffer.byteLength / 65536);
    const mod = new Uint8Array(machine.memory.buffer, 0x200000, 0x1f0000);
    mod.fill(0x5a);
    writeMultiboot(machine.memory, { mmap: qemuPcMmap(128), mods: [{ start: 0x200000, end: 0x3f0000, string: 'initrd' }] });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(k.memInit(0x180000)).toBe(0);
    expect(machine.layouts).toEqual([[0x3f, 0x7fe]]);
    expect(k.doAllocMany(300)).toBe(300 * 100000);
    expect(k.allocAddr(2 << 20)).toBeGreaterThanOrEqual(0x3f0000);
    const after = new Uint8Array(machine.memory.buffer, 0x200000, 0x1f0000);
    expect(after.every((b) => b === 0x5a)).toBe(true);
  });

  it('the heap still works past memInit (TLSF grows into new pages)', () => {
    const { machine, exports: k } = boot();
    writeMultiboot(machine.memory, { mmap: qemuPcMmap(128) });
    k.mbInit(MAGIC, MBI_ADDR);
    expect(k.memInit(0x200000)).toBe(0);
    expect(k.doAllocMany(200)).toBe(200 * 100000);
  });
});

describe('panic paths do not allocate', () => {
  it('panic, kernelAbort and the number printers reach no allocator', async () => {
    const { wat } = await compileAs('test/kernel/as/all-entry.ts', ['-t', 'out.wat']);
    const g = callGraph(wat!);
    const roots = ['kernel/panic/panic', 'kernel/panic/kernelAbort', 'kernel/console/printU64', 'kernel/console/printHex',
      'kernel/console/printI64', 'kernel/console/print', 'kernel/panic/exit'];
    for (let r of roots) {
      if (!g.has(r)) r = `export:${r}`; // asc wraps exports taking managed values (shadow stack)
      expect(g.has(r), `${r} is a function in the output`).toBe(true);
      const bad = [...reachable(g, r)].filter((f) => f.startsWith('~lib/rt/'));
      expect(bad, `${r} reaches ${bad.join(', ')}`).toEqual([]);
    }
    // and the check itself can fail: the command-line parser does allocate
    const parse = g.has('kernel/cmdline/cmdlineParse') ? 'kernel/cmdline/cmdlineParse' : 'export:kernel/cmdline/cmdlineParse';
    expect(g.has(parse), `${parse} is a function in the output`).toBe(true);
    expect([...reachable(g, parse)].some((f) => f.startsWith('~lib/rt/'))).toBe(true);
  });
});
