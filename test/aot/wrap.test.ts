// Pass wrap (tools/aot/wrap.ts): callee-saved registers saved at the start of the stretch of
// statements holding their locals' ranges and restored at its end and on every way out of it.
// Differentially against Node's WebAssembly: `drive` keeps four locals live across calls (so some
// sit in r12-r14) and calls functions whose locals in r12-r14 live in one stretch, by every way:
// an early return that skips it, in and out through its end, out early by a br_if to its block's
// end, a br_if to a block around it (a landing pad that restores), a return inside it, a loop
// inside it (saved once, before the loop). A register not restored on some way shows as a wrong
// sum in `drive`; the disassembly shows where the saves are.

import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';
import { compileWat, tmpPath } from './linux-runner.ts';
import { differentialWith, nonLeaf, withPasses } from './passes-env.ts';

const MOD = `(module
  (memory 1)
  ${nonLeaf('inner')}
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
  ;; a br_if out of the stretch (to $o): it jumps to a landing pad that restores
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
  ;; a return in the stretch restores before it jumps
  (func $ret (export "ret") (param $x i32) (result i32) (local $t i32)
    (i32.store (i32.const 8) (local.get $x))
    (block $R
      (local.set $t (i32.mul (i32.load (i32.const 8)) (i32.const 5)))
      (i32.store (i32.const 4) (call $inner (local.get $t)))
      (if (i32.and (local.get $t) (i32.const 2)) (then (return (i32.load (i32.const 4)))))
      (i32.store (i32.const 4) (i32.add (local.get $t) (call $inner (i32.const 1)))))
    (i32.load (i32.const 4)))
  ;; the ranges in a loop: the stretch holds the loop whole, saved once before it
  (func $loop (export "loop") (param $x i32) (result i32) (local $t i32) (local $k i32)
    (if (i32.eq (local.get $x) (i32.const 2)) (then (return (i32.const 22))))   ;; skips the stretch
    (i32.store (i32.const 8) (local.get $x))
    (i32.store (i32.const 4) (i32.const 0))
    (loop $l
      (block $R
        (local.set $t (i32.add (i32.load (i32.const 8)) (local.get $k)))
        (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (call $inner (local.get $t))))
        (i32.store (i32.const 4) (i32.xor (i32.load (i32.const 4)) (local.get $t))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 3))))
    (i32.load (i32.const 4)))
  ;; t set from a value if: its arms compute into t's register (setTarget), so the stretch starts at the if
  (func $merge (export "merge") (param $x i32) (result i32) (local $t i32)
    (if (i32.eq (local.get $x) (i32.const 3)) (then (return (i32.const 33))))
    (i32.store (i32.const 8) (local.get $x))
    (local.set $t (if (result i32) (i32.and (i32.load (i32.const 8)) (i32.const 1))
      (then (i32.mul (i32.load (i32.const 8)) (i32.const 3))) (else (i32.add (i32.load (i32.const 8)) (i32.const 9)))))
    (i32.store (i32.const 4) (call $inner (local.get $t)))
    (i32.store (i32.const 4) (i32.add (local.get $t) (call $inner (i32.load (i32.const 4)))))
    (i32.load (i32.const 4)))
  ;; four locals live across the calls: some in r12-r14, which every callee must give back
  (func (export "drive") (param $a i32) (param $b i32) (result i32) (local $k i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31))
        (i32.add (call $w (i32.add (local.get $a) (local.get $k))) (local.get $b))))
      (local.set $acc (i32.add (local.get $acc) (call $out (i32.add (local.get $a) (local.get $k)))))
      (local.set $acc (i32.xor (local.get $acc) (call $ret (i32.add (local.get $b) (local.get $k)))))
      (local.set $acc (i32.add (local.get $acc) (call $loop (i32.sub (local.get $b) (local.get $k)))))
      (local.set $acc (i32.sub (local.get $acc) (call $merge (i32.add (local.get $a) (local.get $k)))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 8))))
    (i32.add (i32.add (local.get $acc) (local.get $k)) (i32.mul (local.get $a) (local.get $b)))))`;

/** Per function index: the addresses of its saves of r12-r14 in its entry (func:N .. body:N) and in its body, and of the targets of its backward jumps. */
async function saves(passes: string): Promise<Map<number, { entry: number[]; body: number[]; loops: number[] }>> {
  const path = tmpPath(`wrap-${passes}.elf`);
  const wasm = await compileWat(MOD);
  await withPasses(passes, async () => writeFileSync(path, buildLinuxExecutable(wasm, { mode: 'driver' })));
  const dis = (await execa('objdump', ['-d', '-M', 'intel', '--no-show-raw-insn', path])).stdout;
  const out = new Map<number, { entry: number[]; body: number[]; loops: number[] }>();
  let f = -1, inBody = false;
  for (const line of dis.split('\n')) {
    const sym = /^[0-9a-f]+ <(func|body):(\d+):/.exec(line);
    if (sym) { f = Number(sym[2]); inBody = sym[1] === 'body'; if (!out.has(f)) out.set(f, { entry: [], body: [], loops: [] }); continue; }
    if (/^[0-9a-f]+ </.test(line)) { f = -1; continue; }
    const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
    if (f < 0 || !m) continue;
    const at = parseInt(m[1], 16), text = m[2].trim();
    if (/^mov\s+QWORD PTR \[rbp-0x(8|10|18)\],r1[234]$/.test(text)) out.get(f)![inBody ? 'body' : 'entry'].push(at);
    const j = /^j\w+\s+([0-9a-f]+) </.exec(text);
    if (j && parseInt(j[1], 16) < at) out.get(f)!.loops.push(parseInt(j[1], 16));
  }
  return out;
}

describe('pass wrap: callee-saved registers saved and restored around one stretch', () => {
  for (const passes of ['all', '-wrap']) {
    it(`gives every caller its r12-r14 back (passes ${passes})`, async () => {
      const xs = [0n, 1n, 2n, 3n, 6n, 0x7ffffffen, 0xfffffffdn];
      const { mismatches, count } = await differentialWith(passes, MOD, [
        { name: 'drive', args: xs.flatMap((a) => xs.map((b) => [a, b])) },
        { name: 'w', args: xs.map((x) => [x]) },
        { name: 'out', args: xs.map((x) => [x]) },
        { name: 'ret', args: xs.map((x) => [x]) },
        { name: 'loop', args: xs.map((x) => [x]) },
        { name: 'merge', args: xs.map((x) => [x]) },
      ]);
      expect(count).toBe(49 + 5 * 7);
      expect(mismatches).toEqual([]);
    }, 60_000);
  }

  it('saves in the stretch, once, before a loop in it; at entry in a function whose params live across calls (objdump)', async () => {
    const on = await saves('all'), off = await saves('-wrap');
    const where = (k: number) => ({ entry: on.get(k)!.entry.length, body: on.get(k)!.body.length });
    // w (1), out (2), ret (3), loop (4), merge (5): in the body; drive (6), its params in r12-r14: at entry
    expect([1, 2, 3, 4, 5, 6].map(where)).toEqual([
      { entry: 0, body: 1 }, { entry: 0, body: 1 }, { entry: 0, body: 1 }, { entry: 0, body: 2 }, { entry: 0, body: 1 }, { entry: 3, body: 0 },
    ]);
    const loop = on.get(4)!;
    expect(loop.loops.length).toBeGreaterThan(0);
    for (const head of loop.loops) for (const at of loop.body) expect(at).toBeLessThan(head);
    for (const k of [1, 2, 3, 4, 5, 6]) expect(off.get(k)!.body).toEqual([]);
  });
});
