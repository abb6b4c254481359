// The whole kernel + images/hello, compiled with the image flags and run under
// Node from asuk_main (the stub's call) to the app's return, on a fake machine.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAs, instantiate, powerOffCode, qemuPcMmap, writeMultiboot, MBI_ADDR } from './harness.ts';
import { HW_OPS } from '../../tools/aot/hw.ts';

let wasm: Uint8Array<ArrayBuffer>;
let stderr: string;
beforeAll(async () => { ({ wasm, stderr } = await compileAs('test/kernel/as/hello-entry.ts')); });

/** Every import the kernel may have: the `hw` operations tools/aot inlines (kernel/hw.ts declares them). */
const HW = new Set(Object.keys(HW_OPS));

describe('images/hello on the kernel', () => {
  it('compiles with the image flags, without warnings, importing only hw.*', async () => {
    expect(stderr).toBe('');
    const noMem = await compileAs('test/kernel/as/hello-entry.ts', ['--noExportMemory']); // tools/image adds this
    expect(noMem.stderr).toBe('');
    expect(WebAssembly.Module.exports(new WebAssembly.Module(noMem.wasm)).map((e) => e.name)).toEqual(['asuk_main']);
    const mod = new WebAssembly.Module(wasm);
    const imports = WebAssembly.Module.imports(mod);
    for (const i of imports) {
      expect(i.module).toBe('hw');
      expect(HW.has(i.name)).toBe(true);
    }
    expect(imports.map((i) => i.name).sort()).toEqual(['backtrace', 'cpuid', 'inb', 'memLayout', 'outb', 'poweroff', 'rdtsc']);
    expect(WebAssembly.Module.exports(mod).map((e) => e.name).sort()).toEqual(['asuk_main', 'memory']);
    console.log(`hello kernel: ${wasm.length} bytes of wasm; imports ${imports.map((i) => i.name).join(', ')}`);
  });

  it('runs from asuk_main: greeting, argv, RAM, boot time; returns 0', () => {
    const { machine, exports: k } = instantiate(wasm, { pit: 'pc', tscPerPitTick: 168n, ticksPerInb: 1000n }); // 200.45 MHz
    writeMultiboot(machine.memory, {
      cmdline: '/tmp/hello.elf vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ] -- one "two three"',
      mmap: qemuPcMmap(128),
      mods: [{ start: 0x400000, end: 0x480123, string: 'rootfs.cpio' }],
    });
    machine.tsc = 10_000_000n;
    const tsc0 = 10_000_000n - 2_000_000n;
    const rc = k.asuk_main(0x2badb002, MBI_ADDR, tsc0, 0x300000);
    expect(rc).toBe(0);
    expect(machine.layouts).toEqual([[0x49, 0x7fe]]);
    const lines = machine.text().split('\r\n');
    expect(lines[0]).toBe('hello from asuk');
    expect(lines.slice(1, 3)).toEqual(['argv[0]=one', 'argv[1]=two three']);
    expect(lines[3]).toBe('ram: 127 MiB');
    // main ran ~2M ticks after tsc0 at ~200 MHz -> ~10000 us
    const m = /^boot: (\d+) us \(tsc (\d+) MHz\)$/.exec(lines[4]);
    expect(m).not.toBeNull();
    const mhz = Number(m![2]);
    expect(mhz).toBe(200);
    expect(Number(m![1])).toBeGreaterThan(9000);
    expect(Number(m![1])).toBeLessThan(11000);
    expect(lines[5]).toBe('');
  });

  it('panics with a clear line when not booted by multiboot', () => {
    const { machine, exports: k } = instantiate(wasm);
    expect(powerOffCode(() => k.asuk_main(0x12345678, MBI_ADDR, 0n, 0x300000))).toBe(0x7f);
    expect(machine.text()).toBe('panic: kernelMain: not booted by a Multiboot v1 loader (eax=0x12345678)\r\n');
  });

  it('panics when the modules do not fit below the RAM top', () => {
    const { machine, exports: k } = instantiate(wasm);
    writeMultiboot(machine.memory, { cmdline: 'k', mmap: qemuPcMmap(8), mods: [{ start: 0x400000, end: 0x900000, string: 'r' }] });
    expect(powerOffCode(() => k.asuk_main(0x2badb002, MBI_ADDR, 0n, 0x300000))).toBe(0x7f);
    expect(machine.text()).toMatch(/^panic: memInit: RAM ends below the boot modules/);
  });
});

describe('the whole kernel surface', () => {
  it('compiles every exported function without warnings', async () => {
    const { wasm: all, stderr: err } = await compileAs('test/kernel/as/all-entry.ts');
    expect(err).toBe('');
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(all));
    expect(imports.every((i) => i.module === 'hw' && HW.has(i.name))).toBe(true);
    expect(imports.length).toBe(HW.size);
  });
});
