// The spec harness's result comparison (test/spec/harness.ts checkReturn):
// bit-exact values, NaN classes of the spec (§4.3.3), references, traps.

import { describe, it, expect } from 'vitest';
import { checkReturn } from './harness.ts';

const ok = (...results: bigint[]) => ({ results });

describe('checkReturn', () => {
  it('compares integers and floats bit-exactly', () => {
    expect(checkReturn(ok(2n), [{ type: 'i32', value: '2' }])).toBeNull();
    expect(checkReturn(ok(3n), [{ type: 'i32', value: '2' }])).toMatch(/expected i32 0x2, got 0x3/);
    expect(checkReturn(ok(0x80000000n), [{ type: 'f32', value: '0' }])).not.toBeNull(); // -0 is not +0
    expect(checkReturn(ok(0x7fc00001n), [{ type: 'f32', value: String(0x7fc00001) }])).toBeNull();
  });
  it('classifies canonical and arithmetic NaNs', () => {
    const canon = [{ type: 'f32', value: 'nan:canonical' }], arith = [{ type: 'f32', value: 'nan:arithmetic' }];
    expect(checkReturn(ok(0x7fc00000n), canon)).toBeNull();
    expect(checkReturn(ok(0xffc00000n), canon)).toBeNull();
    expect(checkReturn(ok(0x7fc00001n), canon)).not.toBeNull();
    expect(checkReturn(ok(0x7fc00001n), arith)).toBeNull();
    expect(checkReturn(ok(0x7f800001n), arith)).not.toBeNull(); // signalling
    expect(checkReturn(ok(0x3f800000n), arith)).not.toBeNull();
    expect(checkReturn(ok(0x7ff8000000000000n), [{ type: 'f64', value: 'nan:canonical' }])).toBeNull();
    expect(checkReturn(ok(0x7ff0000000000001n), [{ type: 'f64', value: 'nan:arithmetic' }])).not.toBeNull();
  });
  it('compares references, result counts and traps', () => {
    expect(checkReturn(ok(0n), [{ type: 'externref', value: 'null' }])).toBeNull();
    expect(checkReturn(ok(3n), [{ type: 'externref', value: '2' }])).toBeNull();
    expect(checkReturn(ok(3n), [{ type: 'externref', value: 'null' }])).toMatch(/expected null, got ref.extern 2/);
    expect(checkReturn(ok(0x401000n), [{ type: 'funcref' }])).toBeNull();
    expect(checkReturn(ok(0n), [{ type: 'funcref' }])).not.toBeNull();
    expect(checkReturn(ok(1n, 2n), [{ type: 'i32', value: '1' }])).toMatch(/expected 1 results, got 2/);
    expect(checkReturn({ trap: 'unreachable', results: [] }, [])).toBe('trapped: unreachable');
  });
});
