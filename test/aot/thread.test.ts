// Pass thread (tools/aot/thread.ts): a character class test that leaves the
// iteration, a statement, then an if-else-if chain on the same character. The
// class's `c > maxK` branch goes to a copy of the statement and on to the first
// chain test that may hold, zeroing what the skipped tests tee. Differentially
// against Node's WebAssembly, for every character value 0..300 and the i32
// edges, with the pass on and off; the planner is checked on the shapes it must
// refuse. Pass threadTail copies the rest of the chain too; its copy here ends
// where the chain's end goes (the block's end), run on, off, and without the tail.
// In a rotated `while (k < n)` loop (LOOP) the copy ends in the back edge and is
// placed before the loop's body, falling into it: a pseudo-random stream of
// characters 0..127 for many starts and lengths.

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { I32_EDGES } from './differential.ts';
import { differentialWith } from './passes-env.ts';
import { decodeModule, decodeBody } from '../../tools/wasm/index.ts';
import { planFunction, resolvePasses } from '../../tools/aot/plan.ts';
import { ValType } from '../../tools/wasm/types.ts';
import { Op } from '../../tools/wasm/opcodes.ts';

/**
 * A tokenizer step over one character $c: whitespace (32, 10, 44, 58) returns early; else
 * $t counts it (S), then '"', '-' or a digit, 't'/'n', 'f', other. $neg is teed by the second
 * test as binaryen emits `neg = c == 45`; the result folds in $t, $neg and the arm taken.
 */
const step = (name: string, s: string, teeNeg: boolean): string => `
  (func (export "${name}") (param $c i32) (param $t i32) (result i32) (local $neg i32) (local $r i32)
    (local.set $neg (i32.const 7))
    (block $out
      (if (i32.or (i32.or (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 32)))
            (i32.eq (local.get $c) (i32.const 44))) (i32.eq (local.get $c) (i32.const 58)))
        (then (local.set $r (i32.const 1)) (br $out)))
      ${s}
      (if (i32.eq (local.get $c) (i32.const 34))
        (then (local.set $r (i32.const 2)))
        (else
          (if (i32.or ${teeNeg ? '(local.tee $neg (i32.eq (local.get $c) (i32.const 45)))' : '(i32.eq (local.get $c) (i32.const 45))'}
                (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
            (then (local.set $r (i32.const 3)))
            (else
              (if (i32.or (i32.eq (local.get $c) (i32.const 116)) (i32.eq (local.get $c) (i32.const 110)))
                (then (local.set $r (i32.const 4)))
                (else (local.set $r (select (i32.const 5) (i32.const 6) (i32.eq (local.get $c) (i32.const 102)))))))))))
    (i32.add (i32.mul (local.get $r) (i32.const 1000)) (i32.add (i32.mul (local.get $t) (i32.const 10)) (local.get $neg))))`;

const WAT = `(module
  ${step('tee', '(local.set $t (i32.add (local.get $t) (i32.const 1)))', true)}
  ${step('plain', '(local.set $t (i32.mul (i32.add (local.get $t) (i32.const 3)) (i32.const 5)))', false)}
  ${step('none', '', true)})`;

/**
 * A tokenizer loop over c = hash(p + k) >> 25 (0..127): whitespace advances k by one; a token counts
 * in $t and folds c into $h (S); arms advance k by 1..5, 'f' by 5 through a select.
 */
const LOOP = `(module
  (func (export "scan") (param $p i32) (param $n i32) (result i32) (local $k i32) (local $c i32) (local $t i32) (local $neg i32) (local $h i32)
    (loop $L
      (if (i32.lt_s (local.get $k) (local.get $n))
        (then
          (local.set $c (i32.shr_u (i32.mul (i32.add (local.get $p) (local.get $k)) (i32.const -1640531535)) (i32.const 25)))
          (if (i32.or (i32.or (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 32)))
                (i32.eq (local.get $c) (i32.const 44))) (i32.eq (local.get $c) (i32.const 58)))
            (then (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $L)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (local.set $h (i32.xor (i32.mul (local.get $h) (i32.const 31)) (local.get $c)))
          (if (i32.eq (local.get $c) (i32.const 34))
            (then (local.set $k (i32.add (local.get $k) (i32.const 3))) (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.const 1))))
            (else
              (if (i32.or (local.tee $neg (i32.eq (local.get $c) (i32.const 45))) (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
                (then (local.set $k (i32.add (local.get $k) (i32.const 2))) (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (local.get $c))))
                (else
                  (local.set $k (if (result i32) (i32.or (i32.eq (local.get $c) (i32.const 116)) (i32.eq (local.get $c) (i32.const 110)))
                    (then (i32.add (local.get $k) (i32.const 4)))
                    (else (select (i32.add (local.get $k) (i32.const 5)) (i32.add (local.get $k) (i32.const 1)) (i32.eq (local.get $c) (i32.const 102))))))))))
          (br $L))))
    (i32.add (i32.mul (local.get $h) (i32.const 1000003)) (i32.add (i32.mul (local.get $t) (i32.const 10)) (local.get $neg)))))`;

describe('pass thread vs Node WebAssembly', () => {
  for (const spec of ['all', '-threadTail', '-thread']) {
    it(`runs a tokenizer loop as Node does (${spec})`, async () => {
      const args = Array.from({ length: 64 }, (_, p) => [0n, 1n, 7n, 300n, 5000n].map((n) => [BigInt(p * 977), n])).flat();
      const { mismatches, count } = await differentialWith(spec, LOOP, [{ name: 'scan', args }]);
      expect(count).toBe(args.length);
      expect(mismatches).toEqual([]);
    }, 120_000);
  }

  const chars = [...Array.from({ length: 301 }, (_, k) => BigInt(k)), ...I32_EDGES];
  for (const spec of ['all', '-thread', '-threadTail']) {
    it(`dispatches every character as Node does (${spec})`, async () => {
      const names = ['tee', 'plain', 'none'];
      const { mismatches, count } = await differentialWith(spec, WAT, names.map((name) => ({ name, args: chars.map((c) => [c, 9n]) })));
      expect(count).toBe(names.length * chars.length);
      expect(mismatches).toEqual([]);
    }, 120_000);
  }

  it('threads the class test past the tests it decides, and not when nothing can be skipped', async () => {
    const wasm = await compileWat(`(module ${step('tee', '(local.set $t (i32.add (local.get $t) (i32.const 1)))', true)}
      (func (export "first") (param $c i32) (result i32)
        (block $out
          (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 32))) (then (br $out)))
          (if (i32.eq (local.get $c) (i32.const 120)) (then (return (i32.const 1)))))
        (i32.const 0)))`);
    const m = decodeModule(wasm);
    const passes = resolvePasses(undefined, 'all');
    const plan = (k: number) => {
      const type = m.types[m.funcs[k]];
      const locals: ValType[] = [...type.params];
      for (const d of m.codes[k].locals) for (let q = 0; q < d.count; q++) locals.push(d.type);
      return planFunction(decodeBody(m, k), locals, type.params.length, m.types, passes);
    };
    const [t] = [...plan(0).threads.values()];
    expect(t).toBeDefined();
    expect(t.sTo - t.sFrom).toBe(4);                  // local.get $t, i32.const 1, i32.add, local.set $t
    expect(t.zeroed).toEqual([2]);                    // $neg, teed by the skipped second test
    expect(plan(0).instrs[t.target].a).toBe(0);       // the 't'/'n' test starts with local.get $c
    expect(plan(0).instrs[t.target + 1].a).toBe(116);
    expect(t.skipped).toHaveLength(2);                // the '"' and the '-'/digit ifs, outer first
    expect(t.skipped[0]).toBeLessThan(t.skipped[1]);
    expect(plan(0).instrs[t.chainEnd].op).toBe(Op.End);
    expect(plan(0).instrs[t.chainEnd + 1].op).toBe(Op.End);     // then the block's end: the copy jumps there
    expect(t.tail).toBe(true);
    const noTail = planFunction(decodeBody(m, 0), [ValType.I32, ValType.I32, ValType.I32, ValType.I32], 2, m.types,
      resolvePasses(undefined, 'all,-threadTail'));
    expect([...noTail.threads.values()][0].tail).toBe(false);
    expect(plan(1).threads.size).toBe(0);
    const loop = decodeModule(await compileWat(LOOP));
    const lp = planFunction(decodeBody(loop, 0), [ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32], 2,
      loop.types, passes);
    expect([...lp.placed.values()]).toEqual([...lp.threads.keys()]);   // the loop's one thread, placed before its body
    expect(lp.placed.size).toBe(1);             // 120 > 32: the first test may hold, nothing to skip
  });
});
