// Pass wrap (tools/aot/wrap.ts): callee-saved registers saved at the start of the one block
// holding their locals' ranges and restored after its end. Differentially against Node's
// WebAssembly: `drive` keeps four locals live across calls (so some sit in r12-r14) and calls
// functions whose locals in r12-r14 live in one block, by every way: the block skipped, entered
// and left through its end, left early by a branch to its own end; and the shapes that must not
// wrap that block (a branch out of it, a return in it, the block in a loop). A register not
// restored on some way shows as a wrong sum in `drive`.

import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';
import { compileWat, tmpPath } from './linux-runner.ts';
import { differential } from './differential.ts';

const MOD = `(module
  (memory 1)
  ;; not a leaf (it may call itself): pass inline keeps the calls to it
  (func $inner (param i32) (result i32)
    (if (i32.gt_u (local.get 0) (i32.const 0x40000000)) (then (return (call $inner (i32.shr_u (local.get 0) (i32.const 3))))))
    (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))
  ;; t lives across two calls, in the block only: a callee-saved register saved in the block
  (func $w (export "w") (param $x i32) (result i32) (local $t i32) (local $u i32)
    (if (i32.eq (local.get $x) (i32.const 6)) (then (return (i32.const 66))))   ;; never enters the block
    (i32.store (i32.const 8) (local.get $x))
    (i32.store (i32.const 4) (i32.const 0))
    (block $R
      (br_if $R (i32.and (i32.load (i32.const 8)) (i32.const 1)))
      (local.set $t (i32.mul (i32.load (i32.const 8)) (i32.const 5)))
      (local.set $u (call $inner (local.get $t)))
      (i32.store (i32.const 4) (i32.add (local.get $t) (local.get $u)))
      (br_if $R (i32.and (local.get $t) (i32.const 2)))
      (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (call $inner (local.get $t)))))
    (i32.load (i32.const 4)))
  ;; a branch out of the inner block: only the outer one may be wrapped
  (func $out (export "out") (param $x i32) (result i32) (local $t i32)
    (i32.store (i32.const 8) (local.get $x))
    (i32.store (i32.const 4) (i32.const 7))
    (block $o
      (block $R
        (local.set $t (i32.mul (i32.load (i32.const 8)) (i32.const 5)))
        (i32.store (i32.const 4) (call $inner (local.get $t)))
        (br_if $o (i32.and (local.get $t) (i32.const 2)))
        (i32.store (i32.const 4) (i32.add (local.get $t) (call $inner (i32.const 1)))))
      (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 100))))
    (i32.load (i32.const 4)))
  ;; a return in the block: no block to wrap
  (func $ret (export "ret") (param $x i32) (result i32) (local $t i32)
    (i32.store (i32.const 8) (local.get $x))
    (block $R
      (local.set $t (i32.mul (i32.load (i32.const 8)) (i32.const 5)))
      (i32.store (i32.const 4) (call $inner (local.get $t)))
      (if (i32.and (local.get $t) (i32.const 2)) (then (return (i32.load (i32.const 4)))))
      (i32.store (i32.const 4) (i32.add (local.get $t) (call $inner (i32.const 1)))))
    (i32.load (i32.const 4)))
  ;; the block in a loop: saved at entry (entered once per iteration otherwise)
  (func $loop (export "loop") (param $x i32) (result i32) (local $t i32) (local $k i32)
    (i32.store (i32.const 8) (local.get $x))
    (i32.store (i32.const 4) (i32.const 0))
    (loop $l
      (block $R
        (local.set $t (i32.add (i32.load (i32.const 8)) (local.get $k)))
        (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (call $inner (local.get $t))))
        (i32.store (i32.const 4) (i32.xor (i32.load (i32.const 4)) (local.get $t))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 3))))
    (i32.load (i32.const 4)))
  ;; four locals live across the calls: some in r12-r14, which every callee must give back
  (func (export "drive") (param $a i32) (param $b i32) (result i32) (local $k i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31))
        (i32.add (call $w (i32.add (local.get $a) (local.get $k))) (local.get $b))))
      (local.set $acc (i32.add (local.get $acc) (call $out (i32.add (local.get $a) (local.get $k)))))
      (local.set $acc (i32.xor (local.get $acc) (call $ret (i32.add (local.get $b) (local.get $k)))))
      (local.set $acc (i32.add (local.get $acc) (call $loop (i32.sub (local.get $b) (local.get $k)))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 8))))
    (i32.add (i32.add (local.get $acc) (local.get $k)) (i32.mul (local.get $a) (local.get $b)))))`;

/** Per function index: whether its entry (func:N .. body:N) saves a callee-saved register, and whether its body does. */
async function saves(passes: string): Promise<Map<number, { entry: boolean; body: boolean }>> {
  const path = tmpPath(`wrap-${passes}.elf`);
  const prev = process.env.ASUK_AOT_PASSES;
  process.env.ASUK_AOT_PASSES = passes;
  try { writeFileSync(path, buildLinuxExecutable(await compileWat(MOD), { mode: 'driver' })); }
  finally { if (prev === undefined) delete process.env.ASUK_AOT_PASSES; else process.env.ASUK_AOT_PASSES = prev; }
  const dis = (await execa('objdump', ['-d', '-M', 'intel', '--no-show-raw-insn', path])).stdout;
  const out = new Map<number, { entry: boolean; body: boolean }>();
  let f = -1, inBody = false;
  for (const line of dis.split('\n')) {
    const sym = /^[0-9a-f]+ <(func|body):(\d+):/.exec(line);
    if (sym) { f = Number(sym[2]); inBody = sym[1] === 'body'; if (!out.has(f)) out.set(f, { entry: false, body: false }); continue; }
    if (/^[0-9a-f]+ </.test(line)) { f = -1; continue; }
    if (f >= 0 && /mov\s+QWORD PTR \[rbp-0x(8|10|18)\],r1[234]$/.test(line.trim())) out.get(f)![inBody ? 'body' : 'entry'] = true;
  }
  return out;
}

describe('pass wrap: callee-saved registers saved and restored around one block', () => {
  for (const passes of ['all', '-wrap']) {
    it(`gives every caller its r12-r14 back (passes ${passes})`, async () => {
      const wasm = await compileWat(MOD);
      const prev = process.env.ASUK_AOT_PASSES;
      process.env.ASUK_AOT_PASSES = passes;
      try {
        const xs = [0n, 1n, 2n, 3n, 6n, 0x7ffffffen, 0xfffffffdn];
        const { mismatches, count } = await differential(wasm, [
          { name: 'drive', args: xs.flatMap((a) => xs.map((b) => [a, b])) },
          { name: 'w', args: xs.map((x) => [x]) },
          { name: 'out', args: xs.map((x) => [x]) },
          { name: 'ret', args: xs.map((x) => [x]) },
          { name: 'loop', args: xs.map((x) => [x]) },
        ]);
        expect(count).toBe(49 + 4 * 7);
        expect(mismatches).toEqual([]);
      } finally { if (prev === undefined) delete process.env.ASUK_AOT_PASSES; else process.env.ASUK_AOT_PASSES = prev; }
    }, 60_000);
  }

  it('saves in the block where it may, at entry where it may not (objdump)', async () => {
    const on = await saves('all'), off = await saves('-wrap');
    // w (1): in the block; out (2): in the outer block; ret (3), loop (4), drive (5): at entry
    expect([1, 2, 3, 4, 5].map((k) => on.get(k))).toEqual([
      { entry: false, body: true }, { entry: false, body: true },
      { entry: true, body: false }, { entry: true, body: false }, { entry: true, body: false },
    ]);
    for (const k of [1, 2, 3, 4, 5]) expect(off.get(k)).toEqual({ entry: true, body: false });
  });
});
