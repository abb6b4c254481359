// Several instances in one executable (tools/aot/linux multi.ts, ABI.md
// "Several instances"): shared memory, table and mutable global by address,
// calls across instances switching r15, call_indirect across instances with
// canonical signature ids, memory.grow of an imported memory, and the
// explicit bounds-check memory model (AotOptions.bounds 'explicit').

import { describe, it, expect, afterAll } from 'vitest';
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { compileWat, NativeInstance, tmpPath } from './linux-runner.ts';
import { buildLinuxExecutable, LinuxTargetError, buildLinuxMulti } from '../../tools/aot/linux/index.ts';

const A = `(module
  (memory (export "mem") 1 4)
  (table (export "tab") 4 funcref)
  (global (export "g") (mut i32) (i32.const 7))
  (type $v_i (func (result i32)))
  (func $seven (result i32) (i32.const 7))
  (elem (i32.const 0) $seven)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "call") (param i32) (result i32) (call_indirect (type $v_i) (local.get 0)))
  (func (export "size") (result i32) (memory.size)))`;

// B has a memory of its own (so r15 must switch on calls into A and back).
const B = `(module
  (import "A" "mem" (memory 1))
  (import "A" "tab" (table 4 funcref))
  (import "A" "g" (global $g (mut i32)))
  (import "A" "load" (func $aload (param i32) (result i32)))
  (type $v_i (func (result i32)))
  (func $forty (result i32) (i32.const 40))
  (elem (i32.const 1) $forty)
  (data (i32.const 16) "\\2a")
  (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "g") (result i32) (global.get $g))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "aload") (param i32) (result i32) (call $aload (local.get 0))))`;

const C = `(module
  (import "A" "load" (func $aload (param i32) (result i32)))
  (import "A" "call" (func $acall (param i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "\\63")
  (func (export "both") (param i32) (result i32)
    (i32.add (i32.mul (call $aload (local.get 0)) (i32.const 1000)) (i32.load8_u (local.get 0))))
  (func (export "acall") (param i32) (result i32) (call $acall (local.get 0))))`;

describe('multi-instance executables', async () => {
  const [a, b, c] = await Promise.all([A, B, C].map(compileWat));
  const link = (pairs: [string, number, string][]) => new Map(pairs.map(([k, i, n]) => [k, { instance: i, name: n }]));
  const drv = await NativeInstance.startMulti([
    { wasm: a!, links: new Map() },
    { wasm: b!, links: link([['A.mem', 0, 'mem'], ['A.tab', 0, 'tab'], ['A.g', 0, 'g'], ['A.load', 0, 'load']]) },
    { wasm: c!, links: link([['A.load', 0, 'load'], ['A.call', 0, 'call']]) },
  ]);
  afterAll(() => drv.close());
  const [ia, ib, ic] = [0, 1, 2].map((k) => drv.member(k));

  it('instantiates in order; segments write into the exporter\'s memory and table', async () => {
    for (const i of [ia, ib, ic]) expect(await i!.instantiate()).toEqual({ results: [] });
    expect(await ia!.invoke('load', [16n])).toEqual({ results: [42n] });
    expect(await ia!.invoke('call', [1n])).toEqual({ results: [40n] });
    expect(await ia!.invoke('call', [0n])).toEqual({ results: [7n] });
  });
  it('shares a mutable global by address', async () => {
    await ib!.invoke('bump', []);
    expect(await ia!.getGlobal('g')).toEqual({ results: [8n] });
    expect(await ib!.invoke('g', [])).toEqual({ results: [8n] });
  });
  it('switches the memory base on calls across instances and back', async () => {
    expect(await ic!.invoke('both', [16n])).toEqual({ results: [42n * 1000n + 0x63n] });
    expect(await ib!.invoke('aload', [16n])).toEqual({ results: [42n] });
    expect(await ic!.invoke('acall', [1n])).toEqual({ results: [40n] });
  });
  it('grows an imported memory within the exporter\'s maximum', async () => {
    expect(await ib!.invoke('grow', [2n])).toEqual({ results: [1n] });
    expect(await ia!.invoke('size', [])).toEqual({ results: [3n] });
    expect(await ib!.invoke('grow', [2n])).toEqual({ results: [0xffffffffn] });
    expect(await ia!.invoke('store', [3n * 65536n - 4n, 5n])).toEqual({ results: [] });
    expect(await ia!.invoke('load', [3n * 65536n - 4n])).toEqual({ results: [5n] });
    expect(await ia!.invoke('load', [3n * 65536n - 3n])).toEqual({ trap: 'out of bounds memory access', results: [] });
  });
  it('refuses an import of the wrong kind or type', async () => {
    const bad = await compileWat('(module (import "A" "g" (global i64)))');
    expect(() => buildLinuxMulti([{ wasm: a!, links: new Map() }, { wasm: bad, links: link([['A.g', 0, 'g']]) }]))
      .toThrow(LinuxTargetError);
    const unknown = await compileWat('(module (import "A" "nope" (func)))');
    expect(() => buildLinuxMulti([{ wasm: a!, links: new Map() }, { wasm: unknown, links: link([['A.nope', 0, 'nope']]) }]))
      .toThrow(/unknown import A.nope/);
  });
});

describe('explicit bounds checks (AotOptions.bounds)', async () => {
  const wasm = await compileWat(`(module (memory 1 3)
    (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
  const inst = await NativeInstance.start(wasm, { bounds: 'explicit' });
  afterAll(() => inst.close());

  it('traps at the first byte past the end, also after memory.grow', async () => {
    expect(await inst.invoke('load', [65536n - 8n])).toEqual({ results: [0n] });
    expect(await inst.invoke('load', [65536n - 7n])).toEqual({ trap: 'out of bounds memory access', results: [] });
    expect(await inst.invoke('grow', [1n])).toEqual({ results: [1n] });
    expect(await inst.invoke('load', [65536n - 7n])).toEqual({ results: [0n] });
    expect(await inst.invoke('load', [2n * 65536n - 7n])).toEqual({ trap: 'out of bounds memory access', results: [] });
    expect(await inst.invoke('load', [0xfffffffcn])).toEqual({ trap: 'out of bounds memory access', results: [] });
  });
  it('compares the access end with the byte-size cell (objdump)', async () => {
    const path = tmpPath('explicit.elf');
    const plain = tmpPath('guard.elf');
    writeFileSync(path, buildLinuxExecutable(wasm, { mode: 'driver', bounds: 'explicit' }));
    writeFileSync(plain, buildLinuxExecutable(wasm, { mode: 'driver' }));
    const dis = async (p: string) => (await execa('objdump', ['-d', '-M', 'intel', '--no-show-raw-insn', p])).stdout;
    const check = /lea\s+r11,\[\w+\+0x8\]\s*\n.*cmp\s+r11,QWORD PTR \[rip\+/;
    expect(await dis(path)).toMatch(check);
    expect(await dis(plain)).not.toMatch(check);
  });
});
