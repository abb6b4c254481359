// tools/aot and tools/x86 import downwards only: no module reaches itself
// through its imports, counting `import type` too (a type cycle is still two
// files that cannot be understood apart). The graph is read from the sources.

import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const DIRS = ['tools/aot', 'tools/x86'];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (e.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative imports and re-exports of `file`, as absolute paths. */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const re = /^\s*(?:import|export)\b[^'"]*?(?:from\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;
  return [...src.matchAll(re)].map((m) => resolve(dirname(file), m[1]!));
}

function findCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((g) => files.includes(g))]));
  return cyclesOf(graph).map((c) => c.map((p) => relative(ROOT, p)));
}

/** One cycle per back edge of a depth-first search over `graph` (node -> its imports). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 1);
    path.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 1) cycles.push([...path.slice(path.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    path.pop();
    state.set(f, 2);
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

describe('import graph', () => {
  it('reads imports and finds a cycle when there is one (the checker itself)', () => {
    const files = DIRS.flatMap((d) => tsFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(20);
    expect(importsOf(join(ROOT, 'tools/aot/func.ts'))).toContain(join(ROOT, 'tools/aot/plan.ts'));
    expect(importsOf(join(ROOT, 'tools/aot/pins.ts'))).toContain(join(ROOT, 'tools/aot/frame.ts'));   // `import type`
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(cyclesOf(g)).toEqual([['a', 'b', 'c', 'a']]);
    expect(cyclesOf(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  for (const d of DIRS) {
    it(`${d} has no import cycles`, () => {
      expect(findCycles(tsFiles(join(ROOT, d)))).toEqual([]);
    });
  }
});
