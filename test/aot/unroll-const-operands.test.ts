// Code-speed transformations of round 2 (tools/aot/STATUS.md), differentially
// against Node's WebAssembly: full unrolling of small counted loops
// (unroll.ts: every matching header compare, nested ifs and calls in the
// body, the counter read after the loop, shapes that must not unroll) and
// constant operands of commutative ops / `x op 0` (intops.ts).

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { differential } from './differential.ts';
import { decodeBody, decodeModule, Op, ValType } from '../../tools/wasm/index.ts';
import { planUnroll } from '../../tools/aot/unroll.ts';

const HEX = (cmp: string, from: number, to: number, name: string) => `
  ;; for (k = ${from}; k ${cmp} ${to}; k++) v = (v << 4) | hexDigit(p[k]); returns v * 64 + k
  (func (export "${name}") (param i32) (result i32) (local i32 i32 i32)
    (local.set 2 (i32.const ${from}))
    (loop $l
      (if (${cmp} (local.get 2) (i32.const ${to}))
        (then
          (local.set 1 (i32.or (i32.shl (local.get 1) (i32.const 4))
            (select
              (i32.sub (local.tee 3 (i32.load8_u (i32.add (local.get 2) (local.get 0)))) (i32.const 48))
              (i32.sub (i32.or (local.get 3) (i32.const 32)) (i32.const 87))
              (i32.le_u (local.get 3) (i32.const 57)))))
          (local.set 2 (i32.add (local.get 2) (i32.const 1)))
          (br $l))))
    (i32.add (i32.mul (local.get 1) (i32.const 64)) (local.get 2)))`;

const UNROLL = `(module (memory 1)
  (data (i32.const 0) "0123456789abcdefABCDEF0f1e2d3c4b5a69788796a5b4c3d2e1f0")
  (global $g (mut i32) (i32.const 0))
  (func $bump (param i32) (result i32) (global.set $g (i32.add (global.get $g) (local.get 0))) (global.get $g))
  ${HEX('i32.lt_u', 0, 8, 'hex_ltu')}
  ${HEX('i32.lt_s', 2, 9, 'hex_lts')}
  ${HEX('i32.ne', 0, 5, 'hex_ne')}
  ${HEX('i32.lt_u', 0, 1, 'hex_one')}
  ${HEX('i32.lt_u', 0, 17, 'hex_long')}
  ;; nested if/else, a block and a call in the body; values live below the loop
  (func (export "nested") (param i32) (result i32) (local i32 i32)
    (global.set $g (i32.const 0))
    (i32.const 1000)
    (local.set 1 (i32.const 0))
    (loop $l
      (if (i32.lt_u (local.get 1) (i32.const 6))
        (then
          (if (i32.and (local.get 1) (local.get 0))
            (then (local.set 2 (i32.add (local.get 2) (call $bump (local.get 1)))))
            (else (block (local.set 2 (i32.xor (local.get 2) (i32.mul (local.get 1) (i32.const 77)))))))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br $l))))
    (i32.add (i32.add (local.get 2) (global.get $g)))
    (i32.add (local.get 1)))
  ;; the counter is also written in the body: must stay a loop
  (func (export "skip") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.const 0))
    (loop $l
      (if (i32.lt_u (local.get 1) (i32.const 8))
        (then
          (local.set 2 (i32.add (local.get 2) (local.get 1)))
          (if (local.get 0) (then (local.set 1 (i32.add (local.get 1) (i32.const 2)))))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br $l))))
    (i32.add (i32.mul (local.get 2) (i32.const 100)) (local.get 1)))
  ;; constants on the left of commutative ops, and x op 0
  (func (export "consts") (param i32 i64) (result i64) (local i32)
    (local.set 2 (i32.add (i32.const 5) (local.get 0)))
    (local.set 2 (i32.xor (i32.mul (i32.const -3) (local.get 2)) (i32.add (local.get 0) (i32.const 0))))
    (local.set 2 (i32.or (i32.sub (local.get 2) (i32.const 0)) (i32.and (i32.const 0xff0) (local.get 0))))
    (local.set 2 (i32.sub (i32.const 0) (i32.or (local.get 2) (i32.const 0))))
    (i64.add (i64.extend_i32_u (local.get 2))
      (i64.xor (i64.mul (i64.const 0x100000001) (local.get 1))
        (i64.add (i64.sub (local.get 1) (i64.const 0)) (i64.or (i64.const 0) (local.get 1))))))
)`;

/** The loops of each export that unroll.ts would unroll (by function index). */
function unrolledLoops(wasm: Uint8Array): number[] {
  const m = decodeModule(wasm);
  return m.codes.map((code, k) => {
    const t = m.types[m.funcs[k]];
    const locals = [...t.params, ...code.locals.flatMap((l) => Array<ValType>(l.count).fill(l.type))];
    const instrs = decodeBody(m, k);
    return instrs.filter((ins, pc) => ins.op === Op.Loop && planUnroll(instrs, pc, locals) !== null).length;
  });
}

describe('round-2 code-speed transformations vs Node WebAssembly', () => {
  it('unrolls counted loops with constant bounds, exactly', async () => {
    const wasm = await compileWat(UNROLL);
    // bump, hex_ltu, hex_lts, hex_ne, hex_one, hex_long (17 trips: no), nested, skip (no), consts
    expect(unrolledLoops(wasm)).toEqual([0, 1, 1, 1, 1, 0, 1, 0, 0]);
    const ps = [0n, 1n, 6n, 16n, 22n, 30n, 40n].map((p) => [p]);
    const { mismatches, count } = await differential(wasm, [
      ...['hex_ltu', 'hex_lts', 'hex_ne', 'hex_one', 'hex_long'].map((name) => ({ name, args: ps })),
      { name: 'nested', args: [[0n], [1n], [2n], [5n], [0xffffffffn]] },
      { name: 'skip', args: [[0n], [1n]] },
    ]);
    expect(count).toBe(42);
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('folds constant operands of commutative ops and x op 0', async () => {
    const wasm = await compileWat(UNROLL);
    const xs = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn];
    const ys = [0n, 3n, 0xffffffffffffffffn, 0x8000000000000000n];
    const { mismatches, count } = await differential(wasm, [
      { name: 'consts', args: xs.flatMap((x) => ys.map((y) => [x, y])) },
    ]);
    expect(count).toBe(20);
    expect(mismatches).toEqual([]);
  }, 60_000);
});
