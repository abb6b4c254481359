// After a trap, abort or CPU exception panic line, the kernel prints the calling functions'
// names innermost first (boot/backtrace.ts, from the linker's bt_funcs table),
// stopping at the stub that called asuk_main; a runaway recursion is cut.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PANIC_EXIT, runQemu } from '../../tools/qemu/index.ts';
import { buildKernelElf } from '../../tools/link/index.ts';
import { compileWat } from '../aot/linux-runner.ts';
import { tmp, watKernel } from './helpers.ts';

function kernel(inner: string, extra = ''): string {
  return `(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (memory 17)
  (global $zero (mut i32) (i32.const 0))
  ${extra}
  (func $inner (param i32) (result i32) ${inner})
  (func $outer (param i32) (result i32) (i32.add (call $inner (local.get 0)) (i32.const 1)))
  (func $main (export "asuk_main") (param i32 i32 i64 i32) (result i32)
    (i32.add (call $outer (i32.const 3)) (i32.const 2))))`;
}

/** The lines from the panic line on. */
function panicTail(serial: string): string[] {
  const lines = serial.replace(/\r/g, '').split('\n');
  const at = lines.findIndex((l) => l.startsWith('panic: '));
  expect(at).toBeGreaterThanOrEqual(0);
  return lines.slice(at).filter((l) => l !== '');
}

describe('backtrace after a panic', () => {
  it('a trap names inner, outer and main in order, then stops', async () => {
    const elf = await watKernel(kernel('(i32.div_u (local.get 0) (global.get $zero))'), 'bt-trap');
    const r = await runQemu({ kernel: elf, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(panicTail(r.serial)).toEqual([
      'panic: trap: integer divide by zero in inner',
      '  at inner',
      '  at outer',
      '  at main',
    ]);
    expect(r.guestExit).toBe(PANIC_EXIT);
  });

  it('an abort (env.abort) is followed by the same backtrace', async () => {
    // The AssemblyScript string "no" at 0x100004 (length 4 bytes at 0x100000).
    const data = '(data (i32.const 0x100000) "\\04\\00\\00\\00n\\00o\\00")';
    const elf = await watKernel(kernel(
      '(call $abort (i32.const 0x100004) (i32.const 0x100004) (i32.const 7) (i32.const 9)) (i32.const 0)', data,
    ), 'bt-abort');
    const r = await runQemu({ kernel: elf, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(panicTail(r.serial)).toEqual([
      'panic: abort: no at no:7:9',
      '  at inner',
      '  at outer',
      '  at main',
    ]);
    expect(r.guestExit).toBe(PANIC_EXIT);
  });

  it('a CPU exception (#PF on a null load) is followed by the backtrace from rip', async () => {
    const elf = await watKernel(kernel('(i32.load (global.get $zero))'), 'bt-fault');
    const r = await runQemu({ kernel: elf, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    const tail = panicTail(r.serial);
    expect(tail[0]).toMatch(/^panic: cpu exception 14 \(#PF\) error=0x[0-9a-f]+ rip=0x[0-9a-f]+ cr2=0x0+$/);
    expect(tail.slice(1)).toEqual(['  at inner', '  at outer', '  at main']);
    expect(r.guestExit).toBe(PANIC_EXIT);
  });

  it('with a source map, the trap line and each frame name the Wasm instruction their code came from', async () => {
    // The "source map" answers with the opcode byte at the offset: the trap site must be the
    // division (0x6e), the outer frames their calls (0x10) — what tools/aot's CodeMap recorded.
    const wasm = await compileWat(kernel('(i32.div_u (local.get 0) (global.get $zero))'));
    const where = (at: number) => `op ${wasm[at].toString(16)}`;
    const elf = join(tmp, 'bt-lines.elf');
    writeFileSync(elf, buildKernelElf(wasm, { sourceMap: { where } }).elf);
    const r = await runQemu({ kernel: elf, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(panicTail(r.serial)).toEqual([
      'panic: trap: integer divide by zero in inner at op 6e',
      '  at inner (op 6e)',
      '  at outer (op 10)',
      '  at main (op 10)',
    ]);
    expect(r.guestExit).toBe(PANIC_EXIT);
  });

  it('a stack overflow prints 16 frames of the recursion, then "..."', async () => {
    const deep = '(func $deep (param i32) (result i32) (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))';
    const elf = await watKernel(kernel('(call $deep (local.get 0))', deep), 'bt-stack');
    const r = await runQemu({ kernel: elf, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(panicTail(r.serial)).toEqual([
      'panic: trap: call stack exhausted in deep',
      ...Array(16).fill('  at deep'),
      '  ...',
    ]);
    expect(r.guestExit).toBe(PANIC_EXIT);
  });
});
