// The Linux target end to end with the real compiler (tools/aot): .wat ->
// wasm -> ELF64 -> native process. Returns, every trap kind the compiler
// produces, faults in the guard region, memory.grow, stack exhaustion, and a
// WASI command (hello, proc_exit status, argv). The runtime alone is tested
// with a stand-in compiler in linux-runtime.test.ts.

import { describe, it, expect, afterAll } from 'vitest';
import { compileWat, NativeInstance, runCommand } from './linux-runner.ts';

const open: NativeInstance[] = [];
async function start(wat: string): Promise<NativeInstance> {
  const inst = await NativeInstance.start(await compileWat(wat));
  open.push(inst);
  return inst;
}
afterAll(async () => { await Promise.all(open.map((i) => i.close())); });

const u32 = (v: number): bigint => BigInt(v >>> 0);
const ok = (...results: bigint[]) => ({ results });
const trap = (message: string) => ({ trap: message, results: [] });

describe('linux target: values and calls', () => {
  it('returns constants, sums and multiple values', async () => {
    const inst = await start(`(module
      (func (export "answer") (result i32) (i32.const 42))
      (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
      (func $swap (param i32 f64) (result f64 i32) (local.get 1) (local.get 0))
      (func (export "swap") (param i32 f64) (result f64 i32) (call $swap (local.get 0) (local.get 1)))
      (func (export "fneg") (param f32) (result f32) (f32.neg (local.get 0))))`);
    expect(await inst.invoke('answer', [])).toEqual(ok(42n));
    expect(await inst.invoke('add64', [BigInt.asUintN(64, -1n), 2n])).toEqual(ok(1n));
    expect(await inst.invoke('swap', [7n, 0x4000000000000000n])).toEqual(ok(0x4000000000000000n, 7n));
    expect(await inst.invoke('fneg', [0x3f800000n])).toEqual(ok(0xbf800000n));
  });
});

describe('linux target: traps', () => {
  let inst: NativeInstance;
  it('reports each trap kind and keeps running', async () => {
    inst = await start(`(module
      (type $v (func)) (type $i (func (result i32)))
      (table 3 funcref) (elem (i32.const 0) $f)
      (memory 1 2) (data $d "abc")
      (func $f)
      (func (export "unreachable") unreachable)
      (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
      (func (export "call_ind") (param i32) (result i32) (call_indirect (type $i) (local.get 0)))
      (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
      (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "init") (param i32) (memory.init $d (local.get 0) (i32.const 0) (i32.const 3)))
      (func $rec (export "recurse") (param i32) (result i32) (i32.add (call $rec (local.get 0)) (i32.const 1)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "size") (result i32) (memory.size)))`);
    expect(await inst.invoke('unreachable', [])).toEqual(trap('unreachable'));
    expect(await inst.invoke('div', [1n, 0n])).toEqual(trap('integer divide by zero'));
    expect(await inst.invoke('div', [0x80000000n, u32(-1)])).toEqual(trap('integer overflow'));
    expect(await inst.invoke('div', [u32(-9), 2n])).toEqual(ok(u32(-4)));
    expect(await inst.invoke('trunc', [0x7fc00000n])).toEqual(trap('invalid conversion to integer'));
    expect(await inst.invoke('trunc', [0x4f000000n])).toEqual(trap('integer overflow')); // 2^31
    expect(await inst.invoke('call_ind', [3n])).toEqual(trap('undefined element'));
    expect(await inst.invoke('call_ind', [1n])).toEqual(trap('uninitialized element'));
    expect(await inst.invoke('call_ind', [0n])).toEqual(trap('indirect call type mismatch'));
    expect(await inst.invoke('init', [65534n])).toEqual(trap('out of bounds memory access'));
    expect(await inst.invoke('recurse', [0n])).toEqual(trap('call stack exhausted'));
    expect(await inst.invoke('div', [6n, 3n])).toEqual(ok(2n));
  });
  it('turns guard-region faults into out of bounds memory access', async () => {
    expect(await inst.invoke('store', [65532n, 0x01020304n])).toEqual(ok());
    expect(await inst.invoke('load', [65528n])).toEqual(ok(0x01020304n));
    expect(await inst.invoke('load', [65529n])).toEqual(trap('out of bounds memory access'));
    expect(await inst.invoke('load', [u32(-1)])).toEqual(trap('out of bounds memory access'));
    expect(await inst.invoke('load8', [65536n])).toEqual(trap('out of bounds memory access'));
    expect(await inst.invoke('store', [65533n, 1n])).toEqual(trap('out of bounds memory access'));
  });
  it('grows memory up to its maximum', async () => {
    expect(await inst.invoke('size', [])).toEqual(ok(1n));
    expect(await inst.invoke('grow', [1n])).toEqual(ok(1n));
    expect(await inst.invoke('size', [])).toEqual(ok(2n));
    expect(await inst.invoke('load', [65536n * 2n - 8n])).toEqual(ok(0n));
    expect(await inst.invoke('load8', [65536n * 2n])).toEqual(trap('out of bounds memory access'));
    expect(await inst.invoke('grow', [1n])).toEqual(ok(u32(-1)));
    expect(await inst.invoke('grow', [0n])).toEqual(ok(2n));
  });
});

describe('linux target: start function', () => {
  it('reports a trapping start function on the first request', async () => {
    const inst = await start(`(module (func $s unreachable) (start $s) (func (export "f")))`);
    expect(await inst.instantiate()).toEqual(trap('unreachable'));
  });
});

describe('linux target: WASI command', () => {
  const hello = `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_get" (func $args (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 8) "hello\\n")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const 6))
      (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 100)))
      ;; argv: sizes at 200/204, pointers at 256, strings at 1024; write the strings out
      (drop (call $sizes (i32.const 200) (i32.const 204)))
      (drop (call $args (i32.const 256) (i32.const 1024)))
      (i32.store (i32.const 16) (i32.const 1024)) (i32.store (i32.const 20) (i32.load (i32.const 204)))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 100)))
      (if (i32.gt_u (i32.load (i32.const 200)) (i32.const 1)) (then (call $exit (i32.load (i32.const 200)))))))`;
  it('prints hello and exits 0', async () => {
    const r = await runCommand(await compileWat(hello));
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith('hello\n')).toBe(true);
  });
  it('passes argv through and exits with the proc_exit status', async () => {
    const r = await runCommand(await compileWat(hello), ['one', 'two']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.slice('hello\n'.length).split('\0').slice(1)).toEqual(['one', 'two', '']);
  });
  it('prints a trap and exits 134', async () => {
    const r = await runCommand(await compileWat(`(module (func $main (export "_start") unreachable))`));
    expect(r).toMatchObject({ exitCode: 134, stderr: 'trap: unreachable in main\n' });
  });
});
