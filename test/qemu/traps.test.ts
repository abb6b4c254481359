// Every trap kind, on the kernel target under real QEMU: one panic line
// naming the trap and the Wasm function, and the panic exit code.
import { describe, expect, it } from 'vitest';
import { PANIC_EXIT, runQemu } from '../../tools/qemu/index.ts';
import { watKernel } from './helpers.ts';

function kernel(body: string, extra = ''): string {
  return `(module
  (type $v (func))
  (type $i (func (result i32)))
  (table 4 funcref)
  (elem (i32.const 1) $ok)
  (memory 17)
  (global $zero (mut i32) (i32.const 0))
  (global $m1 (mut i32) (i32.const -1))
  (global $big (mut f64) (f64.const 1e300))
  (func $ok)
  ${extra}
  (func $victim (result i32) ${body})
  (func (export "asuk_main") (param i32 i32 i64 i32) (result i32) (call $victim)))`;
}

const cases: [string, string, string][] = [
  ['unreachable', 'unreachable', 'unreachable'],
  ['divzero', '(i32.div_u (i32.const 7) (global.get $zero))', 'integer divide by zero'],
  ['remzero', '(i64.rem_s (i64.const 7) (i64.extend_i32_s (global.get $zero))) (drop) (i32.const 0)', 'integer divide by zero'],
  ['overflow', '(i32.div_s (i32.const 0x80000000) (global.get $m1))', 'integer overflow'],
  ['f2i-overflow', '(i32.trunc_f64_s (global.get $big))', 'integer overflow'],
  ['f2i-nan', '(i32.trunc_f64_u (f64.div (f64.const 0) (f64.convert_i32_s (global.get $zero))))', 'invalid conversion to integer'],
  ['null-elem', '(call_indirect (type $v) (i32.const 0)) (i32.const 0)', 'uninitialized element'],
  ['oob-elem', '(call_indirect (type $v) (i32.const 9)) (i32.const 0)', 'undefined element'],
  ['sig', '(call_indirect (type $i) (i32.const 1))', 'indirect call type mismatch'],
];

describe('traps on the kernel target', () => {
  for (const [name, body, message] of cases) {
    it(`${name}: panics with "${message}"`, async () => {
      const elf = await watKernel(kernel(body), `trap-${name}`);
      const r = await runQemu({ kernel: elf, timeoutMs: 20_000 });
      expect(r.timedOut).toBe(false);
      expect(r.serial).toContain(`panic: trap: ${message} in victim`);
      expect(r.guestExit).toBe(PANIC_EXIT);
    });
  }

  it('a null dereference faults with CR2=0', async () => {
    const elf = await watKernel(kernel('(i32.load (global.get $zero))'), 'trap-null');
    const r = await runQemu({ kernel: elf, timeoutMs: 20_000 });
    expect(r.serial).toMatch(/panic: cpu exception 14 \(#PF\) error=0x[0-9a-f]+ rip=0x[0-9a-f]+ cr2=0x0+\b/);
    expect(r.guestExit).toBe(PANIC_EXIT);
  });

  it('unbounded recursion is a trap, not a crash', async () => {
    const elf = await watKernel(kernel('(call $deep (i32.const 0))',
      '(func $deep (param i32) (result i32) (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))'),
    'trap-stack');
    const r = await runQemu({ kernel: elf, timeoutMs: 20_000 });
    expect(r.serial).toContain('panic: trap: call stack exhausted in deep');
    expect(r.guestExit).toBe(PANIC_EXIT);
  });
});
