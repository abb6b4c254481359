// test/platform/env.test.ts — the app environment on the host side: the
// Kraftfile's env: (a mapping or a KEY=VALUE list), -e merging, and the
// kernel option it becomes. Random Kraftfile values (seeded) either parse or
// fail with one KraftfileError naming env; nothing else escapes.
import { describe, expect, it } from 'vitest';
import { bootOptions, mergeEnv } from '../../tools/cli/app.ts';
import { UsageError } from '../../tools/cli/errors.ts';
import { KraftfileError, parseKraftfile } from '../../tools/kraftfile/index.ts';

const parse = (v: unknown) => parseKraftfile(v, '/app/Kraftfile', 'Kraftfile');

describe('Kraftfile env:', () => {
  it('takes a mapping or a KEY=VALUE list, in file order', () => {
    expect(parse({ env: { A: 'x', B: 2, C: true, D: null } }).env).toEqual(['A=x', 'B=2', 'C=true', 'D=']);
    expect(parse({ env: ['A=x=y', 'B='] }).env).toEqual(['A=x=y', 'B=']);
    expect(parse({}).env).toEqual([]);
  });

  it.each([
    [{ env: 'A=b' }, /'env' must be a mapping/],
    [{ env: ['A'] }, /env 'A': expected KEY=VALUE/],
    [{ env: ['1A=b'] }, /env '1A': a variable name/],
    [{ env: [3] }, /env\[0\]: expected a KEY=VALUE string/],
    [{ env: { A: { nested: 1 } } }, /env\.A: expected a string/],
    [{ env: { 'A B': 'x' } }, /env 'A B': a variable name/],
    [{ env: ['A=x\u0000y'] }, /env 'A': the value holds a NUL byte/],
  ])('rejects %j with one line', (v, re) => {
    expect(() => parse(v)).toThrow(KraftfileError);
    expect(() => parse(v)).toThrow(re);
  });

  it('random values: a result or a KraftfileError, never anything else', () => {
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const atoms = ['', 'A', 'A=', '=x', 'A=b c', 'Z_9=ü', '9=x', ' A=x', 'A\u0000=x', 'PATH=/bin:/usr/bin'];
    const value = (d: number): unknown => {
      switch (rnd(d > 2 ? 4 : 7)) {
        case 0: return atoms[rnd(atoms.length)];
        case 1: return rnd(1000) - 500;
        case 2: return rnd(2) === 0;
        case 3: return null;
        case 4: return Array.from({ length: rnd(4) }, () => value(d + 1));
        default: return Object.fromEntries(Array.from({ length: rnd(4) }, () => [atoms[rnd(atoms.length)], value(d + 1)]));
      }
    };
    let ok = 0;
    for (let i = 0; i < 3000; i++) {
      try {
        const kf = parse({ env: value(0) });
        for (const p of kf.env) expect(p).toMatch(/^[A-Za-z_][A-Za-z0-9_]*=/);
        ok++;
      } catch (e) {
        expect(e).toBeInstanceOf(KraftfileError);
        expect((e as Error).message).toMatch(/^Kraftfile: .*env/);
      }
    }
    expect(ok).toBeGreaterThan(100);
  });
});

describe('-e and the kernel option', () => {
  it('a later KEY replaces an earlier one, order of first appearance kept', () => {
    expect(mergeEnv(['A=1', 'B=2'], ['A=3', 'C=4'])).toEqual(['A=3', 'B=2', 'C=4']);
  });

  it('bad -e is one UsageError', () => {
    expect(() => mergeEnv([], ['NOEQUALS'])).toThrow(UsageError);
    expect(() => mergeEnv([], ['NOEQUALS'])).toThrow(/-e 'NOEQUALS': expected KEY=VALUE/);
  });

  it('env.vars quotes every pair; quotes and backslashes are escaped; -a words follow raw', () => {
    expect(bootOptions(['A=b c', 'Q=say "hi" \\o/'], ['netdev.ip=10.0.2.15/24', 'vfs.fstab=[ "fs0:/d:9pfs:::mkmp" ]'])).toEqual([
      'env.vars=[ "A=b c" "Q=say \\"hi\\" \\\\o/" ]', 'netdev.ip=10.0.2.15/24', 'vfs.fstab=[ "fs0:/d:9pfs:::mkmp" ]',
    ]);
    expect(bootOptions([], [])).toEqual([]);
    expect(() => bootOptions([], ['--'])).toThrow(UsageError);
  });
});
