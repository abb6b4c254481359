// Code-speed transformations of round 3 (tools/aot/STATUS.md), differentially
// against Node's WebAssembly: three-operand forms in intops.ts — `imul d, a,
// imm` straight into a pinned local (a in a register, a pinned local or
// memory), `lea d, [a + b]` / `lea d, [a +- imm]` for add/sub of a pinned
// local (32-bit wrap, i64 immediates at the disp32 edge) — and the FNV hash
// loop of bench/aot cpio, whose disassembly must use both forms; `x op= y` on a
// local in its frame slot as one read-modify-write (updateInMemory), `imul r, a, C`
// from a local or spill slot into a fresh register.

import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { compileWat, tmpPath } from './linux-runner.ts';
import { differential } from './differential.ts';
import { differentialWith, withPasses } from './passes-env.ts';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';

const MOD = `(module (memory 1)
  (data (i32.const 0) "usr/share/data/dir12/file-1234.bin\\00\\ff\\80\\7f")
  ;; cpio's name hash: for (k = 0; k + 1 < n; k++) h = (h ^ p[k]) * 16777619
  (func (export "fnv") (param i32 i32) (result i32) (local i32 i32 i32)
    (local.set 2 (i32.const 0x811c9dc5))
    (local.set 3 (i32.const 0))
    (loop $l
      (if (i32.lt_u (local.tee 4 (i32.add (local.get 3) (i32.const 1))) (local.get 1))
        (then
          (local.set 2 (i32.mul (i32.xor (local.get 2) (i32.load8_u (i32.add (local.get 3) (local.get 0))))
            (i32.const 16777619)))
          (local.set 3 (local.get 4))
          (br $l))))
    (local.get 2))
  ;; imul into a pinned local from a pinned local, from memory (param 0 is read
  ;; once: not pinned) and from itself; add/sub of pinned locals into fresh registers
  (func (export "mix32") (param i32 i32) (result i32) (local i32 i32)
    (local.set 2 (i32.mul (local.get 0) (i32.const -7)))
    (local.set 3 (i32.mul (local.get 1) (i32.const 0x10001)))
    (local.set 3 (i32.mul (local.get 2) (i32.const 3)))
    (local.set 2 (i32.mul (local.get 2) (i32.const 5)))
    (i32.xor (i32.add (local.get 2) (local.get 3))
      (i32.xor (i32.sub (local.get 3) (i32.const -2147483648))
        (i32.xor (i32.add (local.get 1) (i32.const 0x7fffffff))
          (i32.xor (i32.sub (local.get 2) (i32.const 48)) (i32.add (local.get 1) (local.get 1)))))))
  (func (export "mix64") (param i64 i64) (result i64) (local i64 i64)
    (local.set 2 (i64.mul (local.get 0) (i64.const -9)))
    (local.set 3 (i64.add (local.get 1) (i64.const 0x7fffffff)))
    (local.set 3 (i64.sub (local.get 3) (i64.const -2147483648)))
    (local.set 2 (i64.add (local.get 2) (local.get 3)))
    (i64.xor (i64.add (local.get 2) (local.get 3))
      (i64.xor (i64.sub (local.get 3) (i64.const -2147483648))
        (i64.xor (i64.sub (local.get 2) (i64.const 2147483647))
          (i64.xor (i64.add (local.get 1) (i64.const -2147483648)) (i64.add (local.get 2) (local.get 1)))))))
  ;; x op= y on a local in its frame slot (pins off below): one read-modify-write, except
  ;; when a lazy read of x is still on the stack (the first operand of the outer sub)
  (func (export "rmw") (param $x i32) (param $y i64) (result i64) (local $k i32)
    (local.set $k (i32.add (local.get $k) (i32.const 7)))
    (local.set $x (i32.xor (local.get $x) (local.get $k)))
    (local.set $y (i64.sub (local.get $y) (i64.const -2147483648)))
    (local.set $y (i64.and (local.get $y) (i64.extend_i32_u (local.get $x))))
    (local.set $k (i32.sub (local.get $k) (local.tee $k (i32.or (local.get $k) (i32.const 0x100)))))
    (i64.add (i64.mul (local.get $y) (i64.const 3))
      (i64.extend_i32_s (i32.mul (i32.add (local.get $k) (local.get $x)) (i32.const -5)))))
)`;

describe('round-3 code-speed transformations vs Node WebAssembly', () => {
  it('computes three-operand imul and lea forms exactly', async () => {
    const wasm = await compileWat(MOD);
    const x32 = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x12345678n];
    const x64 = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffffffffffn, 0x8000000000000000n, 0x123456789abcdefn];
    const { mismatches, count } = await differential(wasm, [
      { name: 'fnv', args: [[0n, 35n], [0n, 39n], [0n, 0n], [0n, 1n], [3n, 10n], [30n, 9n]] },
      { name: 'mix32', args: x32.flatMap((a) => x32.map((b) => [a, b])) },
      { name: 'mix64', args: x64.flatMap((a) => x64.map((b) => [a, b])) },
    ]);
    expect(count).toBe(6 + 36 + 49);
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('updates locals in their frame slots in place (pins off)', async () => {
    const x32 = [0n, 1n, 0x80000000n, 0xffffffffn, 0x12345678n];
    const x64 = [0n, 0x7fffffffn, 0xffffffffffffffffn, 0x123456789abcdefn];
    const { mismatches, count } = await differentialWith('-pins', MOD, [{ name: 'rmw', args: x32.flatMap((a) => x64.map((b) => [a, b])) }]);
    expect(count).toBe(20);
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('compiles the hash loop to lea + three-operand imul (objdump)', async () => {
    const path = tmpPath('fnv.elf');
    const wasm = await compileWat(MOD);
    await withPasses('all', async () => writeFileSync(path, buildLinuxExecutable(wasm, { mode: 'driver' })));   // the shape under test needs pins and setTarget
    const dis = (await execa('objdump', ['-d', '-M', 'intel', '--no-show-raw-insn', path])).stdout;
    expect(dis).toMatch(/lea\s+(\w+),\[\w+\+\w+\*1(\+0x0)?\]\s*\n.*movzx\s+\w+,BYTE PTR \[r15\+\w+\*1\]/);
    expect(dis).toMatch(/imul\s+(\w+),(\w+),0x1000193/);
    expect(dis).not.toMatch(/imul\s+(\w+),\1,0x1000193/);
  });
});
