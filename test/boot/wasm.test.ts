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

  it('data segments merged into runs (tools/aot kernelDataRuns) land as the spec applies them, in order', async () => {
    // A and B: one run (13-byte gap, zero); C: past a 256-byte gap, a run of its own;
    // D overlaps A, so it starts a run after A's and overwrites A's 'b' as the spec orders;
    // passive E is not copied, and memory.init of it still works.
    const text = `(module (memory 20)
      (data (i32.const 0x100000) "abc") (data (i32.const 0x100010) "def") (data (i32.const 0x100400) "ghi")
      (data (i32.const 0x100001) "Z") (data $e "pass")
      (func $b (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "asuk_main") (param i32 i32 i64 i32) (result i32)
        (memory.init $e (i32.const 0x100800) (i32.const 0) (i32.const 4))
        (if (i32.ne (call $b (i32.const 0x100000)) (i32.const 0x61)) (then (return (i32.const 10))))
        (if (i32.ne (call $b (i32.const 0x100001)) (i32.const 0x5a)) (then (return (i32.const 11))))
        (if (i32.ne (call $b (i32.const 0x100002)) (i32.const 0x63)) (then (return (i32.const 12))))
        (if (i32.ne (call $b (i32.const 0x100008)) (i32.const 0)) (then (return (i32.const 13))))
        (if (i32.ne (call $b (i32.const 0x100012)) (i32.const 0x66)) (then (return (i32.const 14))))
        (if (i32.ne (call $b (i32.const 0x100100)) (i32.const 0)) (then (return (i32.const 15))))
        (if (i32.ne (call $b (i32.const 0x100402)) (i32.const 0x69)) (then (return (i32.const 16))))
        (if (i32.ne (call $b (i32.const 0x100803)) (i32.const 0x73)) (then (return (i32.const 17))))
        (i32.const 0)))`;
    const p = join(tmp, 'wasm-data-runs.elf');
    writeFileSync(p, buildKernelElf(await compileWat(text)).elf);
    const { stdout } = await execa('nm', [p]);
    expect(stdout.split('\n').filter((l) => / data_run:\d+$/.test(l)).length).toBe(3);
    const q = await runQemu({ kernel: p, machine: 'microvm', timeoutMs: 20_000 });
    expect(q.guestExit).toBe(0);
  });

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
