// The ELF32 container and the image layout, read back with binutils' readelf
// and by scanning the file for the multiboot header (Multiboot 0.6.96 §3.1.1).
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { RAX, r32 } from '../../tools/x86/index.ts';
import { writeElf32, PF_R, PF_X } from '../../tools/link/elf32.ts';
import { kernelHeapEnd, MEMORY_BASE } from '../../tools/link/link.ts';
import { handKernel, writeElf } from './helpers.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from './helpers.ts';

/** Offset of the multiboot header in the file (first 32-bit-aligned magic with a valid checksum), or -1. */
function findMultiboot(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + 12 <= Math.min(b.length, 8192); o += 4) {
    if (v.getUint32(o, true) !== 0x1badb002) continue;
    if (((v.getUint32(o, true) + v.getUint32(o + 4, true) + v.getUint32(o + 8, true)) >>> 0) === 0) return o;
  }
  return -1;
}

describe('kernel ELF layout', () => {
  it('is ELF32/EM_386 with the wasm memory segment, the code segment and the entry in it', async () => {
    const r = handKernel((a) => { a.i('xor', r32(RAX), r32(RAX)); a.i('ret'); }, 40);
    const h0 = kernelHeapEnd(40);
    expect(h0).toBe(40 * 0x10000 + 0x100000);
    const p = writeElf(r, 'layout');
    const { stdout } = await execa('readelf', ['-h', '-l', '-W', p]);
    expect(stdout).toMatch(/Class:\s+ELF32/);
    expect(stdout).toMatch(/Machine:\s+Intel 80386/);
    expect(stdout).toMatch(/Type:\s+EXEC/);
    expect(stdout).toContain(`Entry point address:               0x${r.entry.toString(16)}`);
    const loads = [...stdout.matchAll(/LOAD\s+(0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (\S+)/g)];
    expect(loads.length).toBe(2);
    expect(Number(loads[0][2])).toBe(MEMORY_BASE);
    expect(Number(loads[0][4])).toBe(0);
    expect(Number(loads[0][5])).toBe(h0 - MEMORY_BASE);
    expect(Number(loads[1][2])).toBe(h0);
    expect(Number(loads[1][5])).toBe(r.stats.imageEnd - h0);
    expect(loads[1][6]).toBe('RWE');
    expect(r.entry).toBeGreaterThan(h0);
    expect(r.entry).toBeLessThan(h0 + 0x100);
    const mb = findMultiboot(r.elf);
    expect(mb).toBeGreaterThan(0);
    expect(mb).toBeLessThan(8192 - 12);
  });

  it('writeElf32 names sections and symbols that readelf reads back', async () => {
    const code = new Uint8Array([0x90, 0x90, 0xc3, 0, 0, 0, 0, 0]);
    const elf = writeElf32({
      entry: 0x200000,
      segments: [{ paddr: 0x200000, bytes: code, memsz: 0x3000, flags: PF_R | PF_X }],
      symbols: [{ name: 'start', addr: 0x200000, size: 3 }, { name: 'table', addr: 0x200004, size: 4 },
        { name: 'zeros', addr: 0x201000, size: 0x1000 }],
      textRange: [0x200000, 0x200003],
    });
    const p = join(tmp, 'small.elf');
    writeFileSync(p, elf);
    const { stdout } = await execa('readelf', ['-S', '-s', '-W', p]);
    expect(stdout).toMatch(/\.text\s+PROGBITS\s+00200000 001000 000003/);
    expect(stdout).toMatch(/\.data\s+PROGBITS\s+00200003 001003 000005/);
    expect(stdout).toMatch(/\.bss\s+NOBITS\s+00200008 001008 002ff8/);
    expect(stdout).toMatch(/00200000\s+3 FUNC\s+GLOBAL DEFAULT\s+1 start/);
    expect(stdout).toMatch(/00200004\s+4 OBJECT\s+GLOBAL DEFAULT\s+2 table/);
    expect(stdout).toMatch(/00201000\s+4096 OBJECT\s+GLOBAL DEFAULT\s+3 zeros/);
  });

  it('rejects a segment whose memsz is below its file size', () => {
    expect(() => writeElf32({ entry: 0, segments: [{ paddr: 0x1000, bytes: new Uint8Array(8), memsz: 4, flags: PF_R }], symbols: [] }))
      .toThrow(/memsz < filesz/);
  });
});

/** The bytes at physical address `addr` in an ELF32 image (the load segment holding them). */
function atPhys(elf: Uint8Array, addr: number, len: number): DataView {
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = v.getUint32(0x1c, true), phentsize = v.getUint16(0x2a, true), phnum = v.getUint16(0x2c, true);
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    const off = v.getUint32(p + 4, true), paddr = v.getUint32(p + 12, true), filesz = v.getUint32(p + 16, true);
    if (addr >= paddr && addr + len <= paddr + filesz) return new DataView(elf.buffer, elf.byteOffset + off + addr - paddr, len);
  }
  throw new Error(`0x${addr.toString(16)} is in no load segment`);
}

describe('bt_funcs, the backtrace table', () => {
  it('lists every compiled function (entry and body) by address with its name, then the end of the code', async () => {
    const { compileWat } = await import('../aot/linux-runner.ts');
    const { buildKernelElf } = await import('../../tools/link/index.ts');
    const r = buildKernelElf(await compileWat(`(module (memory 17)
      (func $leaf (result i32) (i32.const 1))
      (func $mid (result i32) (call $leaf))
      (func (export "asuk_main") (param i32 i32 i64 i32) (result i32) (call $mid)))`));
    const sym = (n: string) => r.symbols.find((s) => s.name === n)!;
    const at = sym('bt_funcs').addr;
    const n = atPhys(r.elf, at, 4).getUint32(0, true);
    const t = atPhys(r.elf, at + 8, 8 * n);
    const cstr = (a: number) => {
      let s = '';
      for (let c = atPhys(r.elf, a, 1).getUint8(0); c !== 0; c = atPhys(r.elf, ++a, 1).getUint8(0)) s += String.fromCharCode(c);
      return s;
    };
    const rows: [number, string][] = [];
    for (let i = 0; i < n; i++) {
      const name = t.getUint32(8 * i + 4, true);
      rows.push([t.getUint32(8 * i, true), name === 0 ? '' : cstr(name)]);
    }
    // 3 functions x (entry, body), instantiate, the end sentinel.
    expect(rows.length).toBe(8);
    for (let i = 1; i < rows.length; i++) expect(rows[i][0]).toBeGreaterThanOrEqual(rows[i - 1][0]);
    expect(rows[rows.length - 1][1]).toBe('');
    expect(rows.slice(0, -1).map((x) => x[1]).sort()).toEqual(['func[2]', 'func[2]', 'instantiate', 'leaf', 'leaf', 'mid', 'mid']);
    expect(rows.find((x) => x[1] === 'leaf')![0]).toBe(Math.min(sym('leaf').addr, sym('leaf.body').addr));
    expect(rows.find((x) => x[1] === 'instantiate')![0]).toBe(sym('instantiate').addr);
  });
});
