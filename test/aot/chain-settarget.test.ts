// setTarget through steps with a constant or a local (tools/aot/plan.ts chainSetTarget),
// differentially against Node's WebAssembly with the passes on and off: xorshift32
// (`t = s ^ s << 13; t ^= t >> 17; s = t ^ t << 5`), a hash slot (`id * K >> 16 & mask`),
// xxhash64's round (`rotl(acc + v * P2, 31) * P1`, P1 past imm32), `x = (x ^ 7) * 31`, and
// the shapes that must not chain: a lazy read of x below the chain, x read by the producer's
// right operand, a tee'd value computed in x's own register (pass reuse) then shifted, a
// step's local that may share x's register.

import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { compileWat, tmpPath } from './linux-runner.ts';
import { differentialWith, withPasses } from './passes-env.ts';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';

const MOD = `(module
  (func (export "xs") (param $s i32) (param $n i32) (result i32) (local $t i32)
    (loop $l
      local.get $s i32.const 13 i32.shl local.get $s i32.xor local.tee $t
      i32.const 17 i32.shr_u local.get $t i32.xor local.tee $t
      i32.const 5 i32.shl local.get $t i32.xor local.set $s
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    local.get $s)
  (func (export "slot") (param $id i32) (param $n i32) (result i32) (local $h i32) (local $sum i32)
    (loop $l
      (local.set $h (i32.and (i32.shr_u (i32.mul (local.get $id) (i32.const 0x9e3779b1)) (i32.const 16)) (i32.const 0x7fff)))
      (local.set $sum (i32.add (local.get $sum) (local.get $h)))
      (local.set $id (i32.add (local.get $id) (local.get $h)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.xor (local.get $sum) (local.get $id)))
  (func (export "xxh") (param $acc i64) (param $v i64) (result i64)
    (local.set $acc (i64.mul (i64.rotl (i64.add (local.get $acc) (i64.mul (local.get $v) (i64.const 0xC2B2AE3D27D4EB4F)))
      (i64.const 31)) (i64.const 0x9E3779B185EBCA87)))
    (local.set $v (i64.xor (i64.shr_u (local.get $v) (i64.const 29)) (i64.const 0x7fffffff)))
    (i64.add (local.get $acc) (local.get $v)))
  (func (export "own") (param $x i32) (param $y i32) (result i32) (local $t i32)
    (local.set $x (i32.mul (i32.xor (local.get $x) (i32.const 7)) (i32.const 31)))
    (local.set $y (i32.mul (i32.sub (local.get $y) (local.get $x)) (i32.const 5)))
    (local.set $t (i32.sub (i32.and (i32.load8_u (i32.const 0)) (local.get $y)) (i32.const 1)))
    ;; x below the chain, lazily: the chain must not write x's register early
    (local.set $y (i32.add (local.get $x) (local.tee $x (i32.shl (i32.xor (local.get $x) (local.get $y)) (i32.const 3)))))
    ;; x read by the producer's right operand only
    (local.set $x (i32.rotl (i32.or (local.get $y) (local.get $x)) (i32.const 9)))
    ;; a tee'd value a shift takes, t read after it
    (local.set $y (i32.xor (i32.shr_u (local.tee $t (i32.add (local.get $t) (local.get $y))) (i32.const 3)) (local.get $t)))
    (i32.add (i32.add (local.get $x) (local.get $y)) (local.get $t)))
  ;; x's last read before the tee computes in x's register (pass reuse): the tee'd value is x's
  ;; register itself, which the shift must not clobber
  (func (export "reused") (param $x i32) (param $y i32) (result i32)
    (local.set $y (i32.shl (local.tee $x (i32.xor (local.get $x) (local.get $y))) (i32.const 3)))
    (i32.sub (local.get $x) (local.get $y)))
  ;; steps with a local: t = q << 13 ^ q; y's last read is the step and x's first write the set,
  ;; so the two may share a register: the shift must not go to x's register first then
  (func (export "share") (param $a i32) (param $q i32) (result i32) (local $t i32) (local $y i32) (local $x i32)
    (local.set $t (i32.xor (i32.shl (local.get $q) (i32.const 13)) (local.get $q)))
    (local.set $y (i32.add (local.get $a) (local.get $t)))
    (local.set $x (i32.sub (i32.shl (local.get $a) (i32.const 3)) (local.get $y)))
    (local.set $x (i32.and (i32.rotl (local.get $x) (i32.const 7)) (local.get $t)))
    (i32.add (local.get $x) (local.get $t)))
  (memory 1)
  (data (i32.const 0) "\\a5"))`;

const X32 = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x12345678n, 0x9e3779b9n];
const X64 = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffffffffffn, 0x8000000000000000n, 0x123456789abcdefn];
const CALLS = [
  { name: 'xs', args: X32.filter((s) => s !== 0n).flatMap((s) => [1n, 2n, 100n].map((n) => [s, n])) },
  { name: 'slot', args: X32.flatMap((id) => [1n, 7n, 64n].map((n) => [id, n])) },
  { name: 'xxh', args: X64.flatMap((a) => X64.map((b) => [a, b])) },
  { name: 'own', args: X32.flatMap((a) => X32.map((b) => [a, b])) },
  { name: 'reused', args: X32.flatMap((a) => X32.map((b) => [a, b])) },
  { name: 'share', args: X32.flatMap((a) => X32.map((b) => [a, b])) },
];

describe('setTarget through steps with a constant or a local', () => {
  for (const passes of ['all', '-setTarget', '-dup', '-setTarget,-dup']) {
    it(`computes them exactly (passes ${passes})`, async () => {
      const { mismatches, count } = await differentialWith(passes, MOD, CALLS);
      expect(count).toBe(21 + 24 + 49 + 64 + 64 + 64);
      expect(mismatches).toEqual([]);
    }, 60_000);
  }

  it('computes the slot and xorshift in the locals\' registers (objdump)', async () => {
    const path = tmpPath('chain.elf');
    await withPasses('all', async () => writeFileSync(path, buildLinuxExecutable(await compileWat(MOD), { mode: 'driver' })));
    const dis = (await execa('objdump', ['-d', '-M', 'intel', '--no-show-raw-insn', path])).stdout;
    // slot: imul into h's register, then shr and and there; no copy between
    expect(dis).toMatch(/imul\s+(\w+),\w+,0x9e3779b1\s*\n.*shr\s+\1,0x10\s*\n.*and\s+\1,0x7fff/);
    // xorshift: three shifts, three xors, the counter and four copies (s for s << 13, t for t >> 17,
    // the tee of t, s's new value): no copy of t back out of its register for t << 5, and s << 13
    // computed in t's register (13 instructions before)
    const body = /<body:0:[^>]*>:\n([\s\S]*?)\n.*\bjne\b/.exec(dis)![1].split('\n').filter((l) => !/\bnop\b/.test(l));
    expect(body.length).toBeLessThanOrEqual(11);
  });
});
