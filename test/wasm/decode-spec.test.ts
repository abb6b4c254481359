// The official spec suite decides: every binary assert_malformed module is
// rejected with WasmDecodeError, every module that should be well-formed
// (module, assert_invalid, assert_unlinkable, ...) decodes, bodies included.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WasmDecodeError, decodeBody, decodeModule } from '../../tools/wasm/index.ts';
import { SPEC_DIR, specCommands } from './helpers.ts';

function decodeAll(bytes: Uint8Array): void {
  const m = decodeModule(bytes);
  for (let i = 0; i < m.codes.length; i++) decodeBody(m, i);
}

/** Decodes every binary module of one .wast; returns the failures as strings. */
async function checkWast(file: string): Promise<{ failures: string[]; malformed: number; wellFormed: number }> {
  const { commands, load } = await specCommands(file);
  const failures: string[] = [];
  let malformed = 0;
  let wellFormed = 0;
  for (const c of commands) {
    if (!c.filename?.endsWith('.wasm')) continue;
    let err: unknown = null;
    try { decodeAll(load(c.filename)); } catch (e) { err = e; }
    if (err !== null && !(err instanceof WasmDecodeError)) failures.push(`${file}:${c.line} leaked ${String(err)}`);
    if (c.type === 'assert_malformed') {
      if (c.module_type !== 'binary') continue;
      malformed++;
      if (err === null) failures.push(`${file}:${c.line} accepted, expected "${c.text}"`);
    } else if (c.type === 'assert_invalid' && err instanceof WasmDecodeError && /data count section required/.test(err.reason)) {
      // wat2wasm omits the data count section for modules without data; the
      // spec's binary format then makes data.drop/memory.init malformed (§5.5.16).
    } else {
      wellFormed++;
      if (err !== null) failures.push(`${file}:${c.line} ${c.type} rejected: ${(err as Error).message}`);
    }
  }
  return { failures, malformed, wellFormed };
}

describe('spec suite: binary format', () => {
  for (const file of ['binary.wast', 'binary-leb128.wast']) {
    it(`${file}: rejects every malformed binary, decodes every module`, async () => {
      const r = await checkWast(file);
      expect(r.failures).toEqual([]);
      expect(r.malformed).toBeGreaterThan(50);
    });
  }

  it('all 90 .wast files: malformed binaries rejected, other modules decode', async () => {
    const files = readdirSync(SPEC_DIR).filter((f) => f.endsWith('.wast'));
    expect(files.length).toBe(90);
    const results = await Promise.all(files.map(checkWast));
    const failures = results.flatMap((r) => r.failures);
    expect(failures).toEqual([]);
    const malformed = results.reduce((n, r) => n + r.malformed, 0);
    const wellFormed = results.reduce((n, r) => n + r.wellFormed, 0);
    expect(malformed).toBeGreaterThan(700);
    expect(wellFormed).toBeGreaterThan(2600);
  }, 120_000);
});
