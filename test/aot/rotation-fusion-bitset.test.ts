// The code-speed transformations of tools/aot (STATUS.md "Code speed"),
// differentially against Node's WebAssembly: rotated loops (rotate.ts) in
// every shape the header may take, `x && y` conditions fused into one if,
// loads / global.get / shifts computed straight into a pinned local, 64-bit
// constants as constant-pool operands, equality chains as bit tests
// (bitset.ts), and memory.copy (memmove.ts) in every size class, both
// directions, at every overlap distance.

import { describe, it, expect } from 'vitest';
import { compileWat } from './linux-runner.ts';
import { differential } from './differential.ts';

const LOOPS = `(module (memory 1)
  (data (i32.const 0) "\\05\\03\\00\\07\\09\\00\\01\\02")
  ;; for (i = 0; i < n; i++) s += i * i   -- the asc shape: loop { if (cond) { ...; br } }
  (func (export "sum") (param i32) (result i32) (local i32 i32)
    (loop $l
      (if (i32.lt_s (local.get 1) (local.get 0))
        (then
          (local.set 2 (i32.add (local.get 2) (i32.mul (local.get 1) (local.get 1))))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br $l))))
    (local.get 2))
  ;; header writes a local (local.tee) and compares it: for (k = 0; k + 16 <= n; k += 16)
  (func (export "tee") (param i32) (result i32) (local i32 i32 i32)
    (loop $l
      (if (i32.le_s (local.tee 2 (i32.add (local.get 1) (i32.const 16))) (local.get 0))
        (then
          (local.set 3 (i32.add (local.get 3) (i32.const 1)))
          (local.set 1 (local.get 2))
          (br $l))))
    (i32.add (i32.mul (local.get 3) (i32.const 1000)) (local.get 1)))
  ;; a continue from a nested if, and an else arm that leaves the loop
  (func (export "cont") (param i32) (result i32) (local i32 i32)
    (loop $l
      (if (i32.ne (local.get 1) (local.get 0))
        (then
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (if (i32.and (local.get 1) (i32.const 1)) (then (br $l)))
          (local.set 2 (i32.add (local.get 2) (local.get 1)))
          (br $l))
        (else (local.set 2 (i32.sub (local.get 2) (i32.const 7))))))
    (local.get 2))
  ;; the condition is a plain value (no compare to fuse) read from memory
  (func (export "scan") (param i32) (result i32) (local i32)
    (local.set 1 (local.get 0))
    (loop $l
      (if (i32.load8_u (local.get 1))
        (then (local.set 1 (i32.add (local.get 1) (i32.const 1))) (br $l))))
    (i32.sub (local.get 1) (local.get 0)))
  ;; i64 header, values live on the stack below the loop
  (func (export "i64") (param i64) (result i64) (local i64 i64)
    (i64.const 100)
    (loop $l
      (if (i64.lt_u (local.get 1) (local.get 0))
        (then
          (local.set 2 (i64.add (local.get 2) (i64.mul (local.get 1) (i64.const 0x9E3779B185EBCA87))))
          (local.set 1 (i64.add (local.get 1) (i64.const 1)))
          (br $l))))
    (i64.add (local.get 2)))
  ;; nested loops, both rotated, inner header reads an outer local
  (func (export "nest") (param i32) (result i32) (local i32 i32 i32)
    (loop $o
      (if (i32.lt_u (local.get 1) (local.get 0))
        (then
          (local.set 2 (i32.const 0))
          (loop $i
            (if (i32.lt_u (local.get 2) (local.get 1))
              (then
                (local.set 3 (i32.add (local.get 3) (i32.xor (local.get 1) (local.get 2))))
                (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                (br $i))))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br $o))))
    (local.get 3))
  ;; x && y as a loop header (asc's while (k < n && isDigit(p[k]))), fused and rotated
  (data (i32.const 16) "12345x678")
  (func (export "digits") (param i32 i32) (result i32) (local i32 i32)
    (local.set 2 (local.get 0))
    (loop $l
      (if (if (result i32) (i32.lt_u (local.get 2) (local.get 1))
            (then (i32.lt_u (i32.sub (i32.load8_u (local.get 2)) (i32.const 48)) (i32.const 10)))
            (else (i32.const 0)))
        (then
          (local.set 3 (i32.add (i32.mul (local.get 3) (i32.const 10)) (i32.sub (i32.load8_u (local.get 2)) (i32.const 48))))
          (local.set 2 (i32.add (local.get 2) (i32.const 1)))
          (br $l))))
    (i32.add (i32.mul (i32.sub (local.get 2) (local.get 0)) (i32.const 100000)) (local.get 3)))
  ;; x && y outside loops: with an else arm, and with a y that is no compare (not fused)
  (func (export "and") (param i32 i32) (result i32)
    (if (if (result i32) (i32.gt_s (local.get 0) (i32.const 5)) (then (i32.lt_s (local.get 1) (i32.const 3))) (else (i32.const 0)))
      (then (return (i32.const 1))) (else (return (i32.const 2))))
    (i32.const 3))
  (func (export "and_val") (param i32 i32) (result i32) (local i32)
    (if (if (result i32) (i32.ne (local.get 0) (i32.const 0)) (then (local.get 1)) (else (i32.const 0)))
      (then (local.set 2 (i32.const 10))))
    (i32.add (local.get 2) (i32.const 1)))
  ;; loads and global.get straight into a pinned local, also while the old value is on the stack
  (global $g (mut i32) (i32.const 0x55))
  (func (export "ldpin") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.load8_u (i32.and (local.get 0) (i32.const 7))))
    (local.get 1)
    (local.set 1 (i32.load8_u offset=1 (local.get 1)))
    (local.set 2 (i32.add (local.get 1)))
    (global.set $g (i32.add (global.get $g) (local.get 2)))
    (local.get 2)
    (local.set 2 (global.get $g))
    (i32.mul (local.tee 1 (i32.load16_u (local.get 1))) (i32.sub (local.get 2)))
    (i32.add (local.get 1)))
  ;; x = y << c and x = x >> c into pinned locals; 64-bit constants as operands
  (func (export "shifts") (param i32 i64) (result i64) (local i32 i32 i64)
    (local.set 2 (i32.shl (local.get 0) (i32.const 3)))
    (local.set 3 (i32.shr_u (local.get 2) (i32.const 1)))
    (local.set 2 (i32.shr_s (local.get 2) (i32.const 2)))
    (local.set 4 (i64.rotl (local.get 1) (i64.const 31)))
    (local.set 4 (i64.xor (local.get 4) (i64.const 0xC2B2AE3D27D4EB4F)))
    (local.set 4 (i64.mul (local.get 4) (i64.const 0x9E3779B185EBCA87)))
    (local.set 4 (i64.and (local.get 4) (i64.const 0x7fffffff0000ffff)))
    (local.set 4 (i64.sub (local.get 4) (i64.const -0x123456789)))
    (if (i64.gt_u (local.get 4) (i64.const 0x8000000000000000))
      (then (local.set 4 (i64.add (local.get 4) (i64.const 0x100000000)))))
    (i64.add (local.get 4)
      (i64.extend_i32_u (i32.add (i32.add (local.get 2) (local.get 3)) (local.get 2)))))
)`;

/** Equality chains over one local (bitset.ts): as a value, fused with if / br_if, and not transformable (K = 63). */
const CLASSES = `(module
  (func (export "ws") (param i32) (result i32)
    (i32.or (i32.or (i32.or (i32.eq (local.get 0) (i32.const 10)) (i32.eq (local.get 0) (i32.const 32)))
      (i32.eq (local.get 0) (i32.const 44))) (i32.eq (local.get 0) (i32.const 58))))
  (func (export "ws_if") (param i32) (result i32)
    (if (result i32) (i32.or (i32.or (i32.eq (local.get 0) (i32.const 0)) (i32.eq (local.get 0) (i32.const 62)))
          (i32.eq (local.get 0) (i32.const 1)))
      (then (i32.const 7)) (else (i32.const 9))))
  (func (export "ws_br") (param i32) (result i32) (local i32)
    (local.set 1 (i32.and (local.get 0) (i32.const 0xff)))
    (block $b
      (br_if $b (i32.or (i32.or (i32.eq (local.get 1) (i32.const 34)) (i32.eq (local.get 1) (i32.const 39)))
        (i32.eq (local.get 1) (i32.const 9))))
      (return (i32.const 1)))
    (i32.const 2))
  (func (export "big") (param i32) (result i32)
    (i32.or (i32.or (i32.eq (local.get 0) (i32.const 10)) (i32.eq (local.get 0) (i32.const 63)))
      (i32.eq (local.get 0) (i32.const 20))))
)`;

/** Functions with more than 16 locals zero them with `rep stosq`: run one on a stack another just dirtied. */
const N_LOCALS = 24;
const ids = [...Array(N_LOCALS).keys()];
const ZEROED = `(module
  (func $nop)
  (func $dirty (result i64) (local ${ids.map(() => 'i64').join(' ')})
    (call $nop) (call $nop) ;; calls outweigh the uses: no local is pinned, all live in the frame
    ${ids.map((i) => `(local.set ${i} (i64.const ${-1 - i}))`).join(' ')}
    ${ids.slice(1).map((i) => `(local.get ${i})`).join(' ')} (local.get 0) ${ids.slice(1).map(() => '(i64.add)').join(' ')})
  (func $fresh (result i64) (local ${ids.map(() => 'i64').join(' ')})
    ${ids.slice(1).map((i) => `(local.get ${i})`).join(' ')} (local.get 0) ${ids.slice(1).map(() => '(i64.or)').join(' ')})
  (func (export "both") (result i64) (i64.add (call $dirty) (call $fresh)))
)`;

/** memory.copy(dst, src, n) over a 0..255 pattern, then an FNV hash of [lo, hi). */
const MEMMOVE = `(module (memory 1)
  (func $init (local i32)
    (loop $l
      (i32.store8 (local.get 0) (i32.mul (local.get 0) (i32.const 7)))
      (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 4096)))))
  (func $hash (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.const 0x811c9dc5))
    (loop $l
      (if (i32.lt_u (local.get 0) (local.get 1))
        (then
          (local.set 2 (i32.mul (i32.xor (local.get 2) (i32.load8_u (local.get 0))) (i32.const 0x01000193)))
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br $l))))
    (local.get 2))
  (func (export "move") (param i32 i32 i32) (result i32)
    (call $init)
    (memory.copy (local.get 0) (local.get 1) (local.get 2))
    (call $hash (i32.const 0) (i32.const 4096)))
  (func (export "fill") (param i32 i32 i32) (result i32)
    (call $init)
    (memory.fill (local.get 0) (local.get 1) (local.get 2))
    (call $hash (i32.const 0) (i32.const 4096)))
)`;

function moveCases(): bigint[][] {
  const out: bigint[][] = [];
  // every size class of memmove.ts (bytes, 4+4, 8+8, 64- and 16-byte steps
  // with the overlapping last 16, rep movsb from 1 KiB) at distances below,
  // at and above 16 and 64 (forward within 16 bytes is its own path)
  for (const dist of [0, 1, 3, 8, 15, 16, 17, 31, 64, 100]) {
    for (const n of [0, 1, 3, 4, 7, 8, 15, 16, 17, 32, 33, 63, 64, 65, 255, 1000, 1023, 1024, 1025, 2047]) {
      out.push([BigInt(100 + dist), 100n, BigInt(n)]);   // backward (overlap)
      out.push([100n, BigInt(100 + dist), BigInt(n)]);   // forward
    }
  }
  out.push([2000n, 0n, 2000n], [0n, 2000n, 2000n], [2001n, 2000n, 2095n]);
  return out;
}

describe('code-speed transformations vs Node WebAssembly', () => {
  it('rotated loops, pinned shifts, pool constants', async () => {
    const wasm = await compileWat(LOOPS);
    const n = [0n, 1n, 2n, 15n, 16n, 17n, 100n, 0xffffffffn];
    const { mismatches, count } = await differential(wasm, [
      { name: 'sum', args: n.slice(0, 7).map((v) => [v]) },
      { name: 'tee', args: n.slice(0, 7).map((v) => [v]) },
      { name: 'cont', args: [[0n], [1n], [2n], [9n], [100n]] },
      { name: 'scan', args: [[0n], [1n], [2n], [3n], [5n], [6n], [7n], [8n]] },
      { name: 'i64', args: [[0n], [1n], [77n], [1000n]] },
      { name: 'nest', args: [[0n], [1n], [5n], [40n]] },
      { name: 'digits', args: [...Array(10).keys()].map((k) => [16n, BigInt(16 + k)]).concat([[22n, 25n], [21n, 30n], [0n, 0n]]) },
      { name: 'and', args: [[0n, 0n], [6n, 0n], [6n, 3n], [5n, 2n], [100n, 0xffffffffn]] },
      { name: 'and_val', args: [[0n, 0n], [0n, 1n], [1n, 0n], [1n, 7n]] },
      { name: 'ldpin', args: [[0n], [1n], [2n], [3n], [4n], [5n], [6n], [7n]] },
      { name: 'shifts', args: [[0n, 0n], [1n, 1n], [0x12345678n, 0xfedcba9876543210n], [0xffffffffn, 0xffffffffffffffffn]] },
    ]);
    expect(count).toBeGreaterThan(64);
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('equality chains as bit tests', async () => {
    const wasm = await compileWat(CLASSES);
    const cs = [0, 1, 9, 10, 11, 20, 32, 34, 39, 44, 58, 62, 63, 64, 74, 96, 108, 122, 126, 127, 256 + 10, 0x10000 + 44, -1, -54]
      .map((v) => [BigInt(v >>> 0)]);
    const { mismatches, count } = await differential(wasm, ['ws', 'ws_if', 'ws_br', 'big'].map((name) => ({ name, args: cs })));
    expect(count).toBe(96);
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('many locals start at zero', async () => {
    const wasm = await compileWat(ZEROED);
    const { mismatches, count } = await differential(wasm, [{ name: 'both', args: [[], []] }]);
    expect(count).toBe(2);
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('memory.copy in both directions at every overlap distance, memory.fill at every size', async () => {
    const wasm = await compileWat(MEMMOVE);
    const fills = [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 1000, 1023, 1024, 1025, 2047].flatMap((n) => [[3n, 0x1abn, BigInt(n)], [8n, 0xffffff00n, BigInt(n)]]);
    const { mismatches, count } = await differential(wasm, [{ name: 'move', args: moveCases() }, { name: 'fill', args: fills }]);
    expect(count).toBe(441);
    expect(mismatches).toEqual([]);
  }, 60_000);
});
