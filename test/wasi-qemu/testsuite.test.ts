// The official WASI test suite (vendor/wasi-testsuite, 72 programs) under
// QEMU: each program the app of its own microvm image, `dirs` as an initrd
// (test/wasi-qemu/suite.ts). Same checks as the Linux target's run
// (test/wasi/testsuite.test.ts): exit code, and stdout where the spec gives
// it (the serial console carries stdout and stderr both).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteCases } from '../wasi/suite.ts';
import { bootCases, buildCases, cleanupSuite, type QemuCaseResult } from './suite.ts';

const cases = suiteCases();
let results = new Map<string, QemuCaseResult>();

describe('wasi-testsuite under QEMU (the unikernel)', () => {
  beforeAll(async () => {
    const elfs = await buildCases(cases);
    results = await bootCases(cases, elfs, 3);
  }, 600_000);
  afterAll(cleanupSuite);

  it('vendors all 72 programs', () => expect(cases.length).toBe(72));
  for (const c of cases) {
    it(c.name, () => {
      const r = results.get(c.name)!;
      expect({ exit: r.exitCode, out: r.exitCode === c.exitCode ? '' : r.serial }).toEqual({ exit: c.exitCode, out: '' });
      if (c.stdout !== undefined) expect(r.serial).toBe(c.stdout);
    });
  }
});
