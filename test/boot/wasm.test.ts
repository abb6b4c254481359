// A real .wasm (wat2wasm) through the whole pipeline: decode, boot stub,
// tools/aot (target kernel), ELF32, QEMU. Checks what the stub hands to the
// compiled code: data segments copied by `instantiate`, the asuk_main
// arguments, memory.size = H0 / 64 KiB, hw.outb and hw.poweroff.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQemu, type Machine } from '../../tools/qemu/index.ts';
import { buildKernelElf, kernelHeapEnd } from '../../tools/link/index.ts';
import { tmp } from './helpers.ts';
import { compileWat } from '../aot/linux-runner.ts';


const KERNEL = `(module
  (import "hw" "outb" (func $outb (param i32 i32)))
  (memory 20)
  (data (i32.const 0x100000) "data ok\\n")
  (global $counter (mut i32) (i32.const 0))
  (func $puts (param $p i32) (param $n i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (call $outb (i32.const 0x3f8) (i32.load8_u (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next))))
  (func $start (global.set $counter (i32.const 40)))
  (start $start)
  (func (export "asuk_main") (param $magic i32) (param $mbi i32) (param $tsc i64) (param $end i32) (result i32)
    (call $puts (i32.const 0x100000) (i32.const 8))
    (if (i32.ne (local.get $magic) (i32.const 0x2badb002)) (then (return (i32.const 10))))
    (if (i64.eqz (local.get $tsc)) (then (return (i32.const 11))))
    (if (i32.le_u (local.get $end) (local.get $mbi)) (then (return (i32.const 12))))
    (if (i32.ne (memory.size) (i32.const ${kernelHeapEnd(20) >> 16})) (then (return (i32.const 13))))
    (if (i32.ne (global.get $counter) (i32.const 40)) (then (return (i32.const 14))))
    (if (i32.eqz (i32.load8_u (i32.const 0x100000))) (then (return (i32.const 15))))
    (i32.add (global.get $counter) (i32.const 2))))`;

describe('a wasm kernel through tools/aot', () => {
  for (const machine of ['pc', 'microvm'] as Machine[]) {
    it(`${machine}: instantiates, runs asuk_main and exits with its result`, async () => {
      const { elf, stats } = buildKernelElf(await compileWat(KERNEL));
      expect(stats.heapEnd).toBe(kernelHeapEnd(20));
      const p = join(tmp, `wasm-main-${machine}.elf`);
      writeFileSync(p, elf);
      const q = await runQemu({ kernel: p, machine, timeoutMs: 20_000 });
      expect(q.timedOut).toBe(false);
      expect(q.serial).toContain('data ok\n');
      expect(q.guestExit).toBe(42);
    });
  }

  it('hw.poweroff ends the kernel with its code', async () => {
    const text = `(module (import "hw" "poweroff" (func $off (param i32))) (memory 17)
      (func (export "asuk_main") (param i32 i32 i64 i32) (result i32) (call $off (i32.const 9)) (i32.const 1)))`;
    const p = join(tmp, 'wasm-off.elf');
    writeFileSync(p, buildKernelElf(await compileWat(text)).elf);
    const q = await runQemu({ kernel: p, timeoutMs: 20_000 });
    expect(q.guestExit).toBe(9);
  });

  it('objdump shows the wasm function names', async () => {
    const p = join(tmp, 'wasm-names.elf');
    writeFileSync(p, buildKernelElf(await compileWat(KERNEL)).elf);
    const { stdout } = await execa('objdump', ['-d', '-m', 'i386:x86-64', p]);
    expect(stdout).toMatch(/<[^>]*puts[^>]*>:/);
    expect(stdout).toContain('<_start64>:');
  });
});
