// Every numeric op family, differentially against Node's WebAssembly, with
// edge values (INT_MIN/-1, shifts >= width, NaN/-0 for min/max, conversion
// boundaries): plain operands, constant operands (immediate folding) and
// compares fused into if/br_if/select.

import { describe, it, expect } from 'vitest';
import { ValType } from '../../tools/wasm/index.ts';
import { compileWat } from './linux-runner.ts';
import { combos, differential, edges } from './differential.ts';

const T: Record<string, ValType> = { i32: ValType.I32, i64: ValType.I64, f32: ValType.F32, f64: ValType.F64 };

interface OpCase { name: string; params: string[]; result: string; body: string }

function ops(): OpCase[] {
  const out: OpCase[] = [];
  const bin = (t: string, names: string[], r = t) =>
    names.forEach((n) => out.push({ name: `${t}.${n}`, params: [t, t], result: r, body: `(${t}.${n} (local.get 0) (local.get 1))` }));
  const un = (t: string, names: string[], r = t) =>
    names.forEach((n) => out.push({ name: `${t}.${n}`, params: [t], result: r, body: `(${t}.${n} (local.get 0))` }));
  for (const t of ['i32', 'i64']) {
    bin(t, ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr']);
    bin(t, ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'], 'i32');
    un(t, ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s']);
    un(t, ['eqz'], 'i32');
  }
  un('i64', ['extend32_s']);
  for (const t of ['f32', 'f64']) {
    bin(t, ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign']);
    bin(t, ['eq', 'ne', 'lt', 'gt', 'le', 'ge'], 'i32');
    un(t, ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest']);
  }
  const conv = (name: string, from: string, to: string) =>
    out.push({ name, params: [from], result: to, body: `(${name} (local.get 0))` });
  for (const to of ['i32', 'i64']) for (const from of ['f32', 'f64']) for (const s of ['s', 'u']) {
    conv(`${to}.trunc_${from}_${s}`, from, to);
    conv(`${to}.trunc_sat_${from}_${s}`, from, to);
  }
  for (const to of ['f32', 'f64']) for (const from of ['i32', 'i64']) for (const s of ['s', 'u']) conv(`${to}.convert_${from}_${s}`, from, to);
  conv('i32.wrap_i64', 'i64', 'i32'); conv('i64.extend_i32_s', 'i32', 'i64'); conv('i64.extend_i32_u', 'i32', 'i64');
  conv('f32.demote_f64', 'f64', 'f32'); conv('f64.promote_f32', 'f32', 'f64');
  conv('i32.reinterpret_f32', 'f32', 'i32'); conv('i64.reinterpret_f64', 'f64', 'i64');
  conv('f32.reinterpret_i32', 'i32', 'f32'); conv('f64.reinterpret_i64', 'i64', 'f64');
  return out;
}

/** Variants: second operand constant; compare fused into if / br_if / select. */
function variants(c: OpCase): OpCase[] {
  const out: OpCase[] = [];
  if (c.params.length === 2 && c.params[0].startsWith('i')) {
    for (const k of c.params[0] === 'i32' ? ['-1', '0', '1', '31', '0x80000000'] : ['-1', '0', '1', '63', '0x7fffffffffff']) {
      out.push({ ...c, name: `${c.name}/k${k}`, params: [c.params[0]], body: c.body.replace('(local.get 1)', `(${c.params[0]}.const ${k})`) });
    }
  }
  if (c.result === 'i32' && /\.(eq|ne|lt|gt|le|ge)/.test(c.name)) {
    out.push({ ...c, name: `${c.name}/if`, body: `(if (result i32) ${c.body} (then (i32.const 7)) (else (i32.const 9)))` });
    out.push({ ...c, name: `${c.name}/br_if`, body: `(block (result i32) (drop (br_if 0 (i32.const 5) ${c.body})) (i32.const 6))` });
    out.push({ ...c, name: `${c.name}/select`, body: `(select (i32.const 11) (i32.const 12) ${c.body})` });
  }
  return out;
}

function moduleOf(cases: OpCase[]): string {
  const fns = cases.map((c) =>
    `(func (export "${c.name}") ${c.params.map((p) => `(param ${p})`).join(' ')} (result ${c.result}) ${c.body})`);
  return `(module ${fns.join('\n')})`;
}

describe('op families vs Node WebAssembly', () => {
  const all = ops();
  const groups: Record<string, OpCase[]> = {};
  for (const c of all) {
    const fam = c.name.includes('trunc') || c.name.includes('convert') || c.name.includes('_i') || c.name.includes('_f')
      ? 'conversions' : c.name.slice(0, 3);
    (groups[fam] ??= []).push(c, ...variants(c));
  }
  for (const [fam, cases] of Object.entries(groups)) {
    it(`${fam} (${cases.length} functions)`, async () => {
      const wasm = await compileWat(moduleOf(cases));
      const calls = cases.map((c) => ({ name: c.name, args: combos(c.params.map((p) => T[p])) }));
      const { mismatches, count } = await differential(wasm, calls);
      expect(count).toBeGreaterThan(cases.length);
      expect(mismatches.slice(0, 20)).toEqual([]);
    }, 120_000);
  }
  // The host CPU has SSE4.1/POPCNT/LZCNT/BMI1: check the feature paths too.
  for (const fam of ['i32', 'i64', 'f32', 'f64']) {
    it(`${fam} with sse41/popcnt/lzcnt/bmi1`, async () => {
      const cases = groups[fam].filter((c) => /clz|ctz|popcnt|ceil|floor|trunc|nearest/.test(c.name));
      const wasm = await compileWat(moduleOf(cases));
      const calls = cases.map((c) => ({ name: c.name, args: combos(c.params.map((p) => T[p])) }));
      const feats = { sse41: true, popcnt: true, lzcnt: true, bmi1: true };
      const { mismatches } = await differential(wasm, calls, feats);
      expect(mismatches.slice(0, 20)).toEqual([]);
    }, 120_000);
  }
  it('edge tables are non-trivial', () => { expect(edges(ValType.F64).length).toBeGreaterThan(30); });
});
