// plan.ts: the pass switches, and the decisions the plan records for shapes
// the visitors then read (each pass's effect on code is in the goldens).

import { describe, it, expect } from 'vitest';
import { decodeBody, decodeModule } from '../../tools/wasm/index.ts';
import { resolvePasses, PASS_NAMES } from '../../tools/aot/index.ts';
import { planFunction, Fuse } from '../../tools/aot/plan.ts';
import { compileWat } from './linux-runner.ts';

describe('AotPasses', () => {
  it('are on by default but webs; the env spec and options switch them', () => {
    expect(Object.entries(resolvePasses()).filter(([, on]) => !on).map(([n]) => n)).toEqual(['webs']);
    expect(resolvePasses({}, '+webs').webs).toBe(true);
    expect(Object.values(resolvePasses({}, 'all')).every(Boolean)).toBe(true);
    expect(resolvePasses({}, '-regalloc').regalloc).toBe(false);
    expect(Object.values(resolvePasses({}, 'none')).some(Boolean)).toBe(false);
    const p = resolvePasses({ bitset: false }, '-rotate,+rotate,-unroll');
    expect(p).toMatchObject({ rotate: true, unroll: false, bitset: false, fuse: true });
    expect(Object.keys(p).sort()).toEqual([...PASS_NAMES].sort());
  });
  it('name an unknown pass in one error', () => {
    expect(() => resolvePasses({}, '-rotat')).toThrow(/unknown pass 'rotat'.*have rotate/);
  });
});

describe('planFunction', () => {
  it('records fusion, absorbed positions, rotation and the replay after the back edge', async () => {
    const m = decodeModule(await compileWat(`(module (func (param i32) (local i32)
      (loop $L (if (i32.lt_u (local.get 1) (local.get 0))
        (then (local.set 1 (i32.add (local.get 1) (i32.const 1))) (br $L))))))`));
    const instrs = decodeBody(m, 0);
    const all = planFunction(instrs, [0x7f, 0x7f], 1, m.types, resolvePasses());
    const lt = instrs.findIndex((i) => i.op === 0x49);
    expect(all.fuse[lt]).toBe(Fuse.If);
    expect(all.absorbed[lt + 1]).toBe(1);
    expect(all.rotations.get(0)).toEqual({ start: 1, ifPc: lt + 1 });
    expect(all.setAfter[lt + 4]).toBe(1);                       // i32.add; local.set 1
    expect(all.steps.length).toBeGreaterThan(instrs.length);    // br $L is followed by the header again
    const none = planFunction(instrs, [0x7f, 0x7f], 1, m.types, resolvePasses({}, 'none'));
    expect(none.fuse[lt]).toBe(Fuse.None);
    expect(none.rotations.size).toBe(0);
    expect(none.steps).toEqual(instrs.map((_, k) => k));
  });
});
