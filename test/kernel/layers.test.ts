// The kernel's layers only point down (issue 13):
//   - every import between the AssemblyScript sources (kernel/, drivers/,
//     fs/, net/, images/) goes images -> fs/drivers/net -> kernel, never up,
//     and no file imports itself back through a cycle;
//   - images/hello (it imports no files API) links no symbol of the VFS,
//     rootfs, ramfs, CPIO, 9P, PCI or virtio: the ELF's symbol table (names
//     from the Wasm name section) is read back with binutils' readelf.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { buildImage, ROOT } from '../../tools/image/index.ts';

const TOPS = ['kernel', 'drivers', 'fs', 'net', 'images'];
/** Layer of a top folder: higher may import lower or equal, never higher. */
const LAYER: Record<string, number> = { kernel: 0, drivers: 1, fs: 1, net: 1, images: 2 };

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => !n.startsWith('.')).flatMap((n) => { // .asuk: build cache
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : n.endsWith('.ts') ? [p] : [];
  });
}

/**
 * The repo-relative files `file` imports: relative specifiers (`../x` -> x.ts
 * or x/index.ts) and the package's own ("asuk/kernel/x" -> kernel/x.ts; the
 * app API shims "asuk", "asuk/files", "asuk/net" sit above every layer here).
 */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const specs = [...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^;]*?from\s*"([^"]+)"|(?:^|[\s;])import\s*"([^"]+)"/g)]
    .map((m) => m[1] ?? m[2]).filter((s) => s.startsWith('.') || TOPS.some((t) => s.startsWith(`asuk/${t}/`)));
  return specs.map((s) => {
    const base = s.startsWith('asuk/') ? join(ROOT, s.slice(5)) : resolve(dirname(file), s);
    const hit = [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && statSync(p).isFile());
    if (!hit) throw new Error(`${relative(ROOT, file)}: import "${s}" resolves to no file`);
    return relative(ROOT, hit);
  });
}

const top = (f: string) => f.split('/')[0];

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const t of TOPS) for (const f of sources(join(ROOT, t))) g.set(relative(ROOT, f), importsOf(f));
  return g;
}

/** Every cycle found by a depth-first walk, as "a -> b -> a". */
function cycles(g: Map<string, string[]>): string[] {
  const state = new Map<string, number>(); // 1 on the stack, 2 done
  const stack: string[] = [];
  const found: string[] = [];
  const visit = (f: string) => {
    state.set(f, 1);
    stack.push(f);
    for (const d of g.get(f) ?? []) {
      if (state.get(d) === 1) found.push([...stack.slice(stack.indexOf(d)), d].join(' -> '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of g.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('imports between kernel, drivers, fs, net and images', () => {
  const g = graph();
  it('were found (the check is not vacuous)', () => {
    expect(g.size).toBeGreaterThan(50);
    expect(g.get('kernel/rootfs/mount.ts')).toContain('kernel/rootfs/drivers.ts');
  });
  it('point down only: kernel -> nothing above it; fs/drivers/net -> not images', () => {
    const up: string[] = [];
    for (const [f, deps] of g) {
      for (const d of deps) if (LAYER[top(d)] !== undefined && LAYER[top(d)] > LAYER[top(f)]) up.push(`${f} -> ${d}`);
    }
    expect(up).toEqual([]);
  });
  it('form no cycle', () => {
    expect(cycles(g)).toEqual([]);
  });
  it('the checker itself sees an upward import and a cycle', () => {
    const fake = new Map<string, string[]>([['kernel/a.ts', ['fs/b.ts']], ['fs/b.ts', ['kernel/a.ts']]]);
    expect(cycles(fake)).toEqual(['kernel/a.ts -> fs/b.ts -> kernel/a.ts']);
    expect(LAYER[top('fs/b.ts')] > LAYER[top('kernel/a.ts')]).toBe(true);
  });
});

describe('images/hello links no file or device code', () => {
  it('its ELF symbol table has kernel symbols and none of VFS, rootfs, ramfs, CPIO, 9P, PCI, virtio', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asuk-layers-'));
    try {
      const out = join(dir, 'hello.elf');
      await buildImage('hello', { out });
      const { stdout } = await execa('readelf', ['-s', '-W', out]);
      const names = stdout.split('\n').map((l) => l.trim().split(/\s+/)[7]).filter((n): n is string => !!n)
        .map((n) => n.replace(/^~lib\/asuk\//, '')); // the package's sources, as the app imports them
      expect(names).toContain('kernel/console/print');
      const banned = /kernel\/vfs|kernel\/rootfs|^fs\/|^drivers\/|Walker|RamFs|RamNode|Cpio|P9|V9p|Pci|Virtio|vfs[A-Z]/;
      expect(names.filter((n) => banned.test(n))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
