// Decoder tests: structure of modules built by wat2wasm and asc, immediates,
// all element/data encodings, and malformed hand-made binaries with offsets.

import { describe, expect, it } from 'vitest';
import {
  Op, ValType, WasmDecodeError, decodeBody, decodeModule, funcName, funcTypeOf, numImportedFuncs,
  numImportedGlobals, numImportedMemories, numImportedTables, readInstrs, type Instr,
} from '../../tools/wasm/index.ts';
import { asc, mod, section, str, u32, vec, voidFuncs, wat } from './helpers.ts';

function decodeError(bytes: Uint8Array): WasmDecodeError {
  try {
    const m = decodeModule(bytes);
    m.codes.forEach((_, i) => decodeBody(m, i));
  } catch (e) {
    expect(e).toBeInstanceOf(WasmDecodeError);
    return e as WasmDecodeError;
  }
  throw new Error('expected a WasmDecodeError, module decoded');
}

const FULL = `
(module $demo
  (type $pair (func (param i32 i64) (result i32 i64)))
  (import "hw" "outb" (func $outb (param i32 i32)))
  (import "env" "tab" (table 1 funcref))
  (import "env" "mem" (memory 1 2))
  (import "env" "g" (global $ig i32))
  (table $t 2 10 funcref)
  (global $gm (mut i64) (i64.const -5))
  (global $gf f64 (f64.const 2.5))
  (func $main (export "main") (param $x i32) (result i32) (local $tmp i64) (local f32 f32)
    (call $outb (local.get $x) (i32.const 0x3f8))
    (local.get $x))
  (func $multi (type $pair) (local.get 0) (local.get 1))
  (export "g" (global $gm))
  (start $main2)
  (func $main2)
  (elem (table $t) (i32.const 0) func $main2)
  (data (i32.const 16) "hi")
  (data "passive")
)`;

describe('decodeModule: structure (wat2wasm)', () => {
  it('decodes every section of a module with imports, globals, tables, data and names', async () => {
    const m = decodeModule(await wat(FULL));
    expect(m.types).toContainEqual({ params: [ValType.I32, ValType.I64], results: [ValType.I32, ValType.I64] });
    expect(m.imports.map((i) => `${i.module}.${i.name}:${i.desc.kind}`)).toEqual(
      ['hw.outb:func', 'env.tab:table', 'env.mem:memory', 'env.g:global']);
    expect(m.imports[2]!.desc).toEqual({ kind: 'memory', memory: { limits: { min: 1, max: 2 } } });
    expect([numImportedFuncs(m), numImportedTables(m), numImportedMemories(m), numImportedGlobals(m)]).toEqual([1, 1, 1, 1]);
    expect(m.funcs.length).toBe(3);
    expect(m.codes.length).toBe(3);
    expect(m.tables).toEqual([{ elem: ValType.FuncRef, limits: { min: 2, max: 10 } }]);
    expect(m.globals[0]!.type).toEqual({ type: ValType.I64, mutable: true });
    expect(m.globals[0]!.init).toMatchObject([{ op: Op.I64Const, i64: -5n }]);
    expect(m.globals[1]!.init).toMatchObject([{ op: Op.F64Const, i64: 0x4004000000000000n }]);
    expect(m.exports).toEqual([{ name: 'main', kind: 'func', index: 1 }, { name: 'g', kind: 'global', index: 1 }]);
    expect(m.start).toBe(3);
    expect(m.elems[0]!.mode).toMatchObject({ kind: 'active', table: 1 });
    expect(m.elems[0]!.items).toMatchObject([[{ op: Op.RefFunc, a: 3 }]]);
    expect(m.datas.length).toBe(2);
    expect(new TextDecoder().decode(m.datas[0]!.bytes)).toBe('hi');
    expect(m.datas[0]!.mode).toMatchObject({ kind: 'active', memory: 0, offset: [{ op: Op.I32Const, a: 16 }] });
    expect(m.datas[1]!.mode).toEqual({ kind: 'passive' });
    expect(m.dataCount).toBeNull(); // wat2wasm emits one only when memory.init/data.drop occur
  });

  it('reads module, function and local names; funcName falls back to func[N]', async () => {
    const m = decodeModule(await wat(FULL));
    expect(m.names.module).toBe('demo');
    expect(funcName(m, 0)).toBe('outb');
    expect(funcName(m, 1)).toBe('main');
    expect(funcName(m, 99)).toBe('func[99]');
    expect(m.names.locals.get(1)?.get(0)).toBe('x');
    expect(m.names.locals.get(1)?.get(1)).toBe('tmp');
    expect(m.customs.map((c) => c.name)).toContain('name');
  });

  it('gives function types in the full index space and locals per body', async () => {
    const m = decodeModule(await wat(FULL));
    expect(funcTypeOf(m, 0)).toEqual({ params: [ValType.I32, ValType.I32], results: [] });
    expect(funcTypeOf(m, 2).results).toEqual([ValType.I32, ValType.I64]);
    expect(m.codes[0]!.locals).toEqual([{ count: 1, type: ValType.I64 }, { count: 2, type: ValType.F32 }]);
    expect(() => funcTypeOf(m, 4)).toThrow(WasmDecodeError);
  });
});

function ops(body: Instr[]): string[] {
  return body.map((i) => Op[i.op]!);
}

describe('decodeBody: instructions and immediates', () => {
  it('keeps NaN payloads and 64-bit constants bit-exact', async () => {
    const m = decodeModule(await wat(`(module (func
      (drop (f32.const nan:0x200001)) (drop (f32.const -nan:0x1))
      (drop (f64.const nan:0x4000000000001)) (drop (f64.const -0.0))
      (drop (i64.const -9223372036854775808)) (drop (i64.const 0x7fffffffffffffff)) (drop (i64.const -1))
      (drop (i32.const -2147483648)) (drop (i32.const 0x7fffffff))))`));
    const consts = decodeBody(m, 0).filter((i) => i.op !== Op.Drop && i.op !== Op.End);
    expect(consts[0]).toMatchObject({ op: Op.F32Const, a: 0x7fa00001 });
    expect(consts[1]).toMatchObject({ op: Op.F32Const, a: 0xff800001 });
    expect(consts[2]).toMatchObject({ op: Op.F64Const, i64: 0x7ff4000000000001n });
    expect(consts[3]).toMatchObject({ op: Op.F64Const, i64: 0x8000000000000000n });
    expect(consts.slice(4, 7).map((i) => i.i64)).toEqual([-(2n ** 63n), 2n ** 63n - 1n, -1n]);
    expect(consts.slice(7).map((i) => i.a)).toEqual([-2147483648, 0x7fffffff]);
  });

  it('decodes control, memory, table, reference and 0xFC instructions', async () => {
    const m = decodeModule(await wat(`(module
      (type $t2 (func (param i32) (result i32 i32)))
      (memory 1) (table $a 4 funcref) (table $b 4 funcref) (data $d "abc") (elem $e func $f)
      (func $f (param i32)
        (block $out (result i32) (block $in (loop $l (br_table $in $l $in (local.get 0)))) (i32.const 7))
        (drop (i32.add (i32.load16_u offset=12 align=1 (local.get 0))))
        (local.get 0) (block (type $t2) (i32.const 1)) (drop) (drop)
        (call_indirect $b (param i32) (result i32) (local.get 0) (i32.const 1)) (drop)
        (select (result i32) (i32.const 1) (i32.const 2) (local.get 0)) (drop)
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $d)
        (memory.copy (i32.const 0) (i32.const 1) (i32.const 2)) (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))
        (table.init $b $e (i32.const 0) (i32.const 0) (i32.const 1)) (elem.drop $e)
        (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 1))
        (drop (table.grow $b (ref.null func) (i32.const 1))) (drop (ref.is_null (ref.func $f)))
        (drop (i32.trunc_sat_f64_u (f64.const 1))) (drop (memory.grow (memory.size)))))`));
    const body = decodeBody(m, 0);
    expect(body.at(-1)!.op).toBe(Op.End);
    const find = (op: Op) => body.find((i) => i.op === op)!;
    expect(find(Op.Block).blockType).toEqual({ kind: 'value', type: ValType.I32 });
    expect(find(Op.Loop).blockType).toEqual({ kind: 'empty' });
    expect(body.filter((i) => i.op === Op.Block)[2]!.blockType).toEqual({ kind: 'func', index: 0 });
    expect(find(Op.BrTable)).toMatchObject({ targets: [1, 0], a: 1 });
    expect(find(Op.I32Load16U)).toMatchObject({ a: 0, b: 12 });
    expect(find(Op.CallIndirect)).toMatchObject({ b: 1 });
    expect(find(Op.SelectT).types).toEqual([ValType.I32]);
    expect(find(Op.MemoryInit).a).toBe(0);
    expect(find(Op.TableInit)).toMatchObject({ a: 0, b: 1 });
    expect(find(Op.TableCopy)).toMatchObject({ a: 0, b: 1 });
    expect(find(Op.TableGrow).a).toBe(1);
    expect(find(Op.RefNull).a).toBe(ValType.FuncRef);
    expect(find(Op.RefFunc).a).toBe(0);
    expect(ops(body)).toEqual(expect.arrayContaining(['I32TruncSatF64U', 'MemoryCopy', 'MemoryFill', 'ElemDrop', 'DataDrop', 'MemoryGrow', 'MemorySize']));
    // readInstrs yields the same sequence with absolute positions.
    const code = m.codes[0]!;
    expect([...readInstrs(m.bytes, code.bodyStart, code.bodyEnd)]).toEqual(body);
    expect(body[0]!.pos).toBe(code.bodyStart);
  });
});

describe('element and data segment encodings (hand-made, §5.5.12, §5.5.14)', () => {
  const refFunc0 = [0xd2, 0x00, 0x0b];
  const i32c0 = [0x41, 0x00, 0x0b];
  const elems = [
    [0x00, ...i32c0, ...vec([[0x00]])],                          // 0: active table 0, func indices
    [0x01, 0x00, ...vec([[0x00]])],                              // 1: passive, elemkind
    [0x02, 0x01, ...i32c0, 0x00, ...vec([[0x00]])],              // 2: active explicit table
    [0x03, 0x00, ...vec([[0x00]])],                              // 3: declarative
    [0x04, ...i32c0, ...vec([refFunc0])],                        // 4: active, expressions
    [0x05, 0x70, ...vec([[0xd0, 0x70, 0x0b]])],                  // 5: passive, expressions
    [0x06, 0x81, 0x80, 0x80, 0x80, 0x00, ...i32c0, 0x6f, ...vec([[0xd0, 0x6f, 0x0b]])], // 6: padded table index 1
    [0x07, 0x70, ...vec([refFunc0])],                            // 7: declarative, expressions
  ];
  const datas = [
    [0x00, ...i32c0, ...str('ab')],
    [0x01, ...str('c')],
    [0x02, 0x80, 0x00, ...i32c0, ...str('')],                    // explicit memory 0, 2-byte LEB
  ];
  const [types, funcs, codes] = voidFuncs(1);
  const bytes = mod(types!, funcs!,
    section(4, vec([[0x70, 0x00, 0x01], [0x6f, 0x00, 0x01]])), section(5, vec([[0x00, 0x01]])),
    section(9, vec(elems)), section(12, u32(3)), codes!, section(11, vec(datas)));

  it('decodes all 8 element segment encodings', () => {
    const m = decodeModule(bytes);
    const modes = m.elems.map((e) => e.mode.kind);
    expect(modes).toEqual(['active', 'passive', 'active', 'declarative', 'active', 'passive', 'active', 'declarative']);
    expect(m.elems.map((e) => e.type)).toEqual([0x70, 0x70, 0x70, 0x70, 0x70, 0x70, 0x6f, 0x70]);
    expect(m.elems[2]!.mode).toMatchObject({ table: 1, offset: [{ op: Op.I32Const, a: 0 }] });
    expect(m.elems[6]!.mode).toMatchObject({ table: 1 });
    expect(m.elems[0]!.items).toMatchObject([[{ op: Op.RefFunc, a: 0 }]]);
    expect(m.elems[5]!.items).toMatchObject([[{ op: Op.RefNull, a: 0x70 }]]);
  });

  it('decodes the 3 data segment encodings and the data count', () => {
    const m = decodeModule(bytes);
    expect(m.dataCount).toBe(3);
    expect(m.datas.map((d) => d.mode.kind)).toEqual(['active', 'passive', 'active']);
    expect(m.datas.map((d) => [...d.bytes])).toEqual([[0x61, 0x62], [0x63], []]);
    expect(m.datas[2]!.mode).toMatchObject({ memory: 0 });
  });
});

describe('malformed binaries: WasmDecodeError with offset and reason', () => {
  const good = mod(...voidFuncs(2));

  it('rejects bad magic and version', () => {
    expect(decodeError(new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]))).toMatchObject({ offset: 0, reason: 'magic header not detected' });
    expect(decodeError(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).toMatchObject({ offset: 4, reason: 'unknown binary version' });
  });

  it('rejects every truncation of a valid module', () => {
    const [t] = voidFuncs(2);
    const wellFormedPrefixes = [8, 8 + t!.length]; // preamble alone; preamble + type section
    for (let n = 0; n < good.length; n++) {
      if (!wellFormedPrefixes.includes(n)) expect(decodeError(good.subarray(0, n))).toBeInstanceOf(WasmDecodeError);
    }
  });

  it('rejects over-long and too-large LEB128 but accepts padding within the limit', () => {
    // function section count as a 6-byte u32: error at the 5th byte.
    const longLeb = mod(section(1, vec([[0x60, 0, 0]])), [3, 7, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00]);
    expect(decodeError(longLeb)).toMatchObject({ offset: 8 + 6 + 2 + 4, reason: 'integer representation too long' });
    const tooLarge = mod(section(1, vec([[0x60, 0, 0]])), [3, 6, 0x81, 0x80, 0x80, 0x80, 0x10, 0x00]);
    expect(decodeError(tooLarge)).toMatchObject({ offset: 8 + 6 + 2 + 4, reason: 'integer too large' });
    const padded = mod(section(1, vec([[0x60, 0, 0]])), [3, 6, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00],
      section(10, vec([[0x02, 0x00, 0x0b]])));
    expect(decodeModule(padded).funcs).toEqual([0]);
  });

  it('rejects sections out of order, duplicated, or with a bad id', () => {
    const [t, f, c] = voidFuncs(1);
    expect(decodeError(mod(t!, c!, f!))).toMatchObject({ offset: 8 + t!.length + c!.length });
    expect(decodeError(mod(t!, t!, f!, c!)).reason).toMatch(/unexpected content after last section/);
    expect(decodeError(mod(t!, [13, 0]))).toMatchObject({ offset: 8 + t!.length, reason: 'malformed section id 13' });
  });

  it('rejects count mismatches', () => {
    const [t, f] = voidFuncs(2);
    const c1 = section(10, vec([[0x02, 0x00, 0x0b]]));
    expect(decodeError(mod(t!, f!, c1)).reason).toMatch(/^function and code section have inconsistent lengths/);
    expect(decodeError(mod(t!, f!)).reason).toMatch(/^function and code section/);
    expect(decodeError(mod(section(12, u32(1)))).reason).toMatch(/^data count and data section have inconsistent lengths/);
  });

  it('rejects a section whose size does not match its contents', () => {
    const [t] = voidFuncs(1);
    const junk = mod([1, 5, 1, 0x60, 0, 0, 0xaa]); // one type + 1 junk byte
    expect(decodeError(junk)).toMatchObject({ offset: 8 + 6, reason: expect.stringMatching(/^section size mismatch/) });
    expect(decodeError(mod([1, 0x40, ...t!.slice(2)])).reason).toMatch(/^length out of bounds/);
  });

  it('rejects bad bodies: missing end, junk after end, SIMD, illegal opcode, too many locals', () => {
    const [t, f] = voidFuncs(1);
    const withBody = (b: number[]) => mod(t!, f!, section(10, vec([[...u32(b.length), ...b]])));
    expect(decodeError(withBody([0x00, 0x01])).reason).toMatch(/END opcode expected/);
    expect(decodeError(withBody([0x00, 0x0b, 0x01])).reason).toMatch(/^section size mismatch/);
    const bodyAt = 8 + t!.length + f!.length + 4;
    expect(decodeError(withBody([0x00, 0xfd, 0x0c, 0x0b]))).toMatchObject({ offset: bodyAt + 1, reason: 'unsupported: SIMD' });
    expect(decodeError(withBody([0x00, 0x06, 0x0b]))).toMatchObject({ offset: bodyAt + 1, reason: 'illegal opcode 0x6' });
    expect(decodeError(withBody([0x00, 0xfc, 0x12, 0x0b])).reason).toMatch(/^illegal opcode 0xfc 18/);
    const many = [0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x01, 0x7e, 0x0b];
    expect(decodeError(withBody(many))).toMatchObject({ offset: bodyAt, reason: 'too many locals' });
    expect(decodeError(withBody([0x01, 0x01, 0x7a, 0x0b])).reason).toMatch(/^malformed value type/);
    expect(decodeError(withBody([0x00, 0x3f, 0x01, 0x1a, 0x0b])).reason).toBe('zero byte expected');
  });

  it('rejects invalid UTF-8 in names and a missing data count', () => {
    const bad = mod(section(7, vec([[0x02, 0xc0, 0x80, 0x00, 0x00]])));
    expect(decodeError(bad)).toMatchObject({ offset: 8 + 4, reason: 'malformed UTF-8 encoding' });
    const [t, f] = voidFuncs(1);
    const dataDrop = [0x00, 0xfc, 0x09, 0x00, 0x0b];
    const m = mod(t!, f!, section(5, vec([[0, 1]])), section(10, vec([[...u32(dataDrop.length), ...dataDrop]])),
      section(11, vec([[0x01, 0x00]])));
    expect(decodeError(m).reason).toMatch(/^data count section required/);
  });

  it('never leaks a non-WasmDecodeError on corrupted input', () => {
    const base = mod(...voidFuncs(3), section(0, [...str('name'), 1, 4, 1, 0, 1, 0x61]));
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let k = 0; k < 3000; k++) {
      const b = base.slice();
      for (let j = 0; j < 3; j++) b[8 + (rand() % (b.length - 8))] = rand() & 0xff;
      try {
        const m = decodeModule(b);
        m.codes.forEach((_, i) => decodeBody(m, i));
      } catch (e) {
        expect(e).toBeInstanceOf(WasmDecodeError);
      }
    }
  });
});

describe('AssemblyScript output', () => {
  it('decodes an asc -O3 module and every body, with names from --debug', async () => {
    const src = `
      @external("hw", "outb") declare function outb(port: u16, v: u8): void;
      export function fib(n: i32): i64 { let a: i64 = 0, b: i64 = 1; for (let i = 0; i < n; i++) { const t = a + b; a = b; b = t; } return a; }
      export function hello(): void { const s = "hi"; for (let i = 0; i < s.length; i++) outb(0x3f8, <u8>s.charCodeAt(i)); }
      export function sq(x: f64): f64 { return Math.sqrt(x) * 1.5; }`;
    const m = decodeModule(await asc(src, ['-O3', '--debug', '--runtime', 'stub']));
    expect(m.imports.some((i) => i.module === 'hw' && i.name === 'outb')).toBe(true);
    const exported = m.exports.filter((e) => e.kind === 'func').map((e) => e.name);
    expect(exported).toEqual(expect.arrayContaining(['fib', 'hello', 'sq']));
    for (let i = 0; i < m.codes.length; i++) expect(decodeBody(m, i).at(-1)!.op).toBe(Op.End);
    const fib = m.exports.find((e) => e.name === 'fib')!;
    expect(funcName(m, fib.index)).toMatch(/fib/);
    expect(funcTypeOf(m, fib.index)).toEqual({ params: [ValType.I32], results: [ValType.I64] });
  });
});
