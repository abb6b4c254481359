// bench/fs's output parser. The benchmark itself is not part of `make test`
// (it needs the Linux peer of bench/fs/setup.sh and minutes): a smoke round is
// `npm run bench:fs -- --runs 1`, which checks that both systems did the same
// work (entry, byte and file counts) and throws if not.
import { describe, expect, it } from 'vitest';
import { parseBench } from '../../bench/fs/run.ts';

describe('bench/fs', () => {
  it('parses bench lines behind kernel noise and reports errors apart', () => {
    const p = parseBench('x\r\n[ 1.2] foo bench tree-stat 12 us\nbench error tmp: create: ENOSPC\nbench done\n');
    expect(p.values).toEqual({ 'tree-stat': 12 });
    expect(p.errors).toEqual(['tmp: create: ENOSPC']);
    expect(p.done).toBe(true);
  });
});
