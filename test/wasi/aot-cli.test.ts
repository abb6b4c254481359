// `asuk aot --target linux` on a module whose imports the target lacks: a
// user error (exit 1) naming every such import in one line, not an internal one.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { compileWat } from '../aot/linux-runner.ts';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');

describe('asuk aot: unsupported imports', () => {
  it('exits 1 and lists every missing or mistyped import', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asuk-aot-cli-'));
    try {
      const wasm = join(dir, 'bad.wasm');
      writeFileSync(wasm, await compileWat(`(module
        (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "no_such_call" (func (param i32)))
        (import "env" "host_thing" (func (result i32)))
        (import "wasi_snapshot_preview1" "fd_read" (func (param i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "_start")))`));
      const r = await execa(process.execPath, [join(ROOT, 'scripts', 'asuk.mjs'), 'aot', '--target', 'linux', wasm, '-o', join(dir, 'bad')], { reject: false, timeout: 120_000 });
      expect(r.exitCode).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/3 unsupported imports: wasi_snapshot_preview1\.no_such_call; env\.host_thing; wasi_snapshot_preview1\.fd_read: type \(I32\) -> \(I32\)/);
      expect(lines[0]).not.toMatch(/internal/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
