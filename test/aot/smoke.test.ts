// Smoke test: the first module compiled end to end (params, recursion, if/else).
import { test, expect } from 'vitest';
import { compileWat, NativeInstance } from './linux-runner.ts';

test('smoke', async () => {
  const wasm = await compileWat(`(module
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "fac") (param i64) (result i64)
      (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
        (else (i64.mul (local.get 0) (call 1 (i64.sub (local.get 0) (i64.const 1)))))))
  )`);
  const inst = await NativeInstance.start(wasm);
  try {
    expect(await inst.invoke('add', [2n, 3n])).toEqual({ results: [5n] });
    expect(await inst.invoke('fac', [20n])).toEqual({ results: [2432902008176640000n] });
  } finally { await inst.close(); }
});
