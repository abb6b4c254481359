// Control flow, calls, memory, tables and multi-value, differentially
// against Node's WebAssembly on small programs (register pressure, merges,
// spills across calls, br_table, call_indirect traps, memory.grow, bulk ops).

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { differential, I32_EDGES } from './differential.ts';

const small = [0n, 1n, 2n, 3n, 5n, 7n, 10n, 0xffffffffn, 0x80000000n];

const PROGRAMS: Record<string, { wat: string; calls: { name: string; args: bigint[][] }[] }> = {
  control: {
    wat: `(module
      (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (func (export "loop") (param i32) (result i32) (local i32 i32)
        (block $out (loop $l
          (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 2 (i32.add (local.get 2) (i32.mul (local.get 1) (local.get 1))))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br $l)))
        (local.get 2))
      (func (export "switch") (param i32) (result i32)
        (block $d (block $c (block $b (block $a
          (br_table $a $b $c $d (local.get 0)))
          (return (i32.const 10))) (return (i32.const 20))) (return (i32.const 30)))
        (i32.const 40))
      (func (export "switch_val") (param i32) (result i32)
        (block $b (result i32) (block $a (result i32)
          (br_table $a $b $a (i32.const 100) (local.get 0)))
          (i32.add (i32.const 1)))
        (i32.add (i32.const 2)))
      (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
      (func (export "multi") (param i32 i32) (result i32)
        (call $swap (local.get 0) (local.get 1))
        (i32.sub))
      (func (export "multiblock") (param i32) (result i32)
        (local.get 0)
        (block (param i32) (result i32 i32)
          (i32.const 3)
          (br_if 0 (i32.eqz (local.get 0)))
          (drop) (drop) (i32.const 9) (i32.const 4))
        (i32.mul))
      (func (export "pressure") (param i32) (result i32)
        (local.get 0) (i32.const 1) (i32.add) (local.get 0) (i32.const 2) (i32.mul) (local.get 0) (i32.const 3) (i32.xor)
        (local.get 0) (i32.const 4) (i32.sub) (local.get 0) (i32.const 5) (i32.or) (local.get 0) (i32.const 6) (i32.and)
        (local.get 0) (i32.const 7) (i32.shl) (local.get 0) (i32.const 8) (i32.shr_u) (local.get 0) (i32.const 9) (i32.rotl)
        (local.get 0) (i32.const 10) (i32.add) (local.get 0) (i32.const 11) (i32.add) (local.get 0) (i32.const 12) (i32.add)
        (local.get 0) (i32.const 13) (i32.add) (local.get 0) (i32.const 14) (i32.add) (local.get 0) (i32.const 15) (i32.add)
        (call $fib (i32.const 5))
        (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add)
        (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add))
      (func (export "tee") (param i32) (result i32) (local i32)
        (i32.add (local.get 0) (local.tee 0 (i32.const 5))))
      (func (export "select_f") (param i32) (result f64)
        (select (f64.const 1.5) (f64.const -2.5) (local.get 0)))
    )`,
    calls: [
      { name: 'fib', args: [[0n], [1n], [10n], [20n]] },
      { name: 'loop', args: small.slice(0, 7).map((v) => [v]) },
      { name: 'switch', args: small.map((v) => [v]) },
      { name: 'switch_val', args: small.map((v) => [v]) },
      { name: 'multi', args: [[5n, 3n], [0n, 0xffffffffn]] },
      { name: 'multiblock', args: small.map((v) => [v]) },
      { name: 'pressure', args: I32_EDGES.map((v) => [v]) },
      { name: 'tee', args: small.map((v) => [v]) },
      { name: 'select_f', args: small.map((v) => [v]) },
    ],
  },
  pinned: {
    wat: `(module (memory 1)
      (func $id (param i32) (result i32) (local.get 0))
      (func (export "loops") (param $n i32) (param $x f64) (result f64) (local $i i32) (local $j i32) (local $s f64) (local $k i64)
        (loop $a
          (local.set $j (i32.const 0))
          (loop $b
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $x) (f64.convert_i32_u (local.get $j)))))
            (local.set $k (i64.add (local.get $k) (i64.extend_i32_u (call $id (local.get $j)))))
            (br_if $b (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $a (i32.lt_u (local.get $i) (local.get $n))))
        (f64.add (local.get $s) (f64.convert_i64_u (local.get $k))))
      (func (export "alias") (param $a i32) (result i32)
        (local.get $a) (local.get $a) (i32.const 5) (i32.sub) (local.set $a)
        (local.get $a) (i32.mul)
        (local.get $a) (local.get $a) (i32.add) (local.tee $a) (i32.xor)
        (i32.sub (local.get $a) (local.get $a)) (i32.add))
      (func (export "addr") (param $p i32) (param $v i32) (result i32) (local $i i32)
        (loop $l
          (i32.store offset=4 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))) (local.get $v))
          (local.set $v (i32.add (local.get $v) (local.get $v)))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 8))))
        (i32.add (i32.load offset=4 (local.get $p)) (i32.load offset=32 (local.get $p))))
    )`,
    calls: [
      { name: 'loops', args: [[0n, 0x3ff8000000000000n], [1n, 0x3ff8000000000000n], [7n, 0xc000000000000000n], [30n, 0x3fb999999999999an]] },
      { name: 'alias', args: I32_EDGES.map((v) => [v]) },
      { name: 'addr', args: [[0n, 1n], [100n, 3n], [65500n, 7n], [65504n, 7n]] },
    ],
  },
  memory: {
    wat: `(module (memory 1 3)
      (data (i32.const 16) "\\01\\02\\03\\04\\05\\06\\07\\08\\f0\\f1\\f2\\f3")
      (func (export "ld8s") (param i32) (result i32) (i32.load8_s offset=16 (local.get 0)))
      (func (export "ld16u") (param i32) (result i32) (i32.load16_u offset=17 (local.get 0)))
      (func (export "ld64") (param i32) (result i64) (i64.load offset=16 (local.get 0)))
      (func (export "ld32s") (param i32) (result i64) (i64.load32_s offset=20 (local.get 0)))
      (func (export "st") (param i32 i64) (result i64)
        (i64.store offset=8 (local.get 0) (local.get 1))
        (i32.store8 (local.get 0) (i32.const 0x1ff))
        (i64.load offset=0 (local.get 0)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "size") (result i32) (memory.size))
      (func (export "copy") (param i32 i32 i32) (result i64)
        (memory.copy (local.get 0) (local.get 1) (local.get 2)) (i64.load (i32.const 16)))
      (func (export "fill") (param i32 i32 i32) (result i64)
        (memory.fill (local.get 0) (local.get 1) (local.get 2)) (i64.load (i32.const 16)))
      (func (export "fstore") (param i32 f32) (result f32)
        (f32.store offset=4 (local.get 0) (local.get 1)) (f32.load offset=4 (local.get 0)))
    )`,
    calls: [
      { name: 'ld8s', args: [[0n], [8n], [65519n], [65520n], [0xffffffffn]] },
      { name: 'ld16u', args: [[0n], [7n], [65517n], [65518n]] },
      { name: 'ld64', args: [[0n], [4n], [65512n], [65513n]] },
      { name: 'ld32s', args: [[0n], [4n]] },
      { name: 'st', args: [[0n, 0x1122334455667788n], [100n, 0xffffffffffffffffn], [65528n, 1n], [65520n, 5n]] },
      { name: 'copy', args: [[16n, 18n, 6n], [18n, 16n, 6n], [0n, 0n, 0n], [65536n, 0n, 0n], [65537n, 0n, 0n], [16n, 65530n, 7n]] },
      { name: 'fill', args: [[17n, 0xabn, 3n], [65530n, 1n, 7n], [65536n, 1n, 0n]] },
      { name: 'fstore', args: [[0n, 0x3fc00000n], [65532n, 1n], [65531n, 1n]] },
      { name: 'size', args: [[]] },
      { name: 'grow', args: [[1n], [0n], [5n], [1n], [0n]] },
      { name: 'size', args: [[]] },
      { name: 'ld8s', args: [[200000n], [196591n]] },
    ],
  },
  tables: {
    wat: `(module
      (type $ii (func (param i32) (result i32)))
      (type $ii2 (func (param i32) (result i32)))
      (type $v (func))
      (table 6 funcref)
      (elem (i32.const 0) $inc $dbl $nop)
      (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
      (func $dbl (type $ii2) (i32.mul (local.get 0) (i32.const 2)))
      (func $nop (type $v))
      (func (export "ci") (param i32 i32) (result i32) (call_indirect (type $ii) (local.get 1) (local.get 0)))
      (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.func $inc) (local.get 0)))
      (func (export "size") (result i32) (table.size 0))
      (func (export "isnull") (param i32) (result i32) (ref.is_null (table.get 0 (local.get 0))))
      (func (export "copy") (param i32 i32 i32) (table.copy 0 0 (local.get 0) (local.get 1) (local.get 2)))
    )`,
    calls: [
      { name: 'ci', args: [[0n, 5n], [1n, 5n], [2n, 5n], [3n, 5n], [6n, 5n], [0xffffffffn, 1n]] },
      { name: 'isnull', args: [[0n], [3n], [6n]] },
      { name: 'copy', args: [[3n, 0n, 3n], [4n, 3n, 3n], [0n, 5n, 2n]] },
      { name: 'ci', args: [[3n, 5n], [4n, 5n], [5n, 7n]] },
      { name: 'grow', args: [[2n], [0n], [0x7fffffffn]] },
      { name: 'size', args: [[]] },
      { name: 'ci', args: [[7n, 5n], [8n, 5n]] },
    ],
  },
};

describe('programs vs Node WebAssembly', () => {
  for (const [name, p] of Object.entries(PROGRAMS)) {
    it(name, async () => {
      const wasm = await compileWat(p.wat);
      const { mismatches, count } = await differential(wasm, p.calls);
      expect(count).toBeGreaterThan(5);
      expect(mismatches).toEqual([]);
    }, 60_000);
  }
});
