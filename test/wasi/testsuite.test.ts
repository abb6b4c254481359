// The official WASI test suite (vendor/wasi-testsuite: 72 programs in
// AssemblyScript, C and Rust) on the Linux target: every program compiled
// by asuk and run natively must give the exit code and output its spec asks.

import { describe, expect, it } from 'vitest';
import { suiteCases, runCase } from './suite.ts';

const cases = suiteCases();

describe('wasi-testsuite on the Linux target', () => {
  it('vendors all 72 programs', () => {
    expect(cases.length).toBe(72);
  });
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCase(c);
      expect({ exit: r.exitCode, stderr: r.exitCode === c.exitCode ? '' : r.stderr }).toEqual({ exit: c.exitCode, stderr: '' });
      if (c.stdout !== undefined) expect(r.stdout).toBe(c.stdout);
      if (c.stderr !== undefined) expect(r.stderr).toBe(c.stderr);
    }, 120_000);
  }
});
