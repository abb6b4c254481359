// A small deterministic slice of every fuzz target (tools/fuzz, issue 11):
// the same seeds and cases every run, each under real QEMU (the CLI target
// runs the asuk command, kvlog the kvstore reader compiled to Wasm, wasipath a
// WASI command's paths beneath its preopen), and 0
// failures asserted: no panic, hang, escape, silent loss, silently ignored
// input or mute error. The full runs are `npm run fuzz -- TARGET --count N`.
import { describe, expect, it } from 'vitest';
import { TARGETS, runTarget } from '../../tools/fuzz/index.ts';

const SLICES: [string, number, number][] = [
  // target, seed, cases
  ['cpio', 7, 6],
  ['cmdline', 7, 6],
  ['9p', 7, 2],
  ['kvstore', 7, 4],
  ['cli', 7, 3],
  ['kvlog', 7, 60],
  ['wasipath', 7, 6],
];

describe('fuzz slices: 0 failures', () => {
  for (const [name, seed, count] of SLICES) {
    it(`${name}: ${count} cases of seed ${seed}`, async () => {
      const t = await runTarget(TARGETS[name], { seed, count, jobs: 2 });
      expect(t.failures.map((f) => `${f.cls}: ${f.why} [${f.what}] — ${f.repro}`)).toEqual([]);
      const classified = Object.values(t.counts).reduce((a, b) => a + b, 0);
      expect(classified).toBe(count);
    }, 600_000);
  }
});
