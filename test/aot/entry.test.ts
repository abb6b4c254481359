// Function entries (func.ts emitEntry/finishEntry): the prologue sits before
// the body and falls through into it; its frame size is written once the body
// is compiled. A leaf whose frame is over LEAF_FRAME needs the stack check the
// entry was emitted without: a full entry follows the trap stubs and the first
// one jumps to it. Both run as Node runs them.
import { describe, expect, it } from 'vitest';
import { compileModule } from '../../tools/aot/index.ts';
import { decodeModule } from '../../tools/wasm/index.ts';
import { Assembler } from '../../tools/x86/index.ts';
import { differential } from './differential.ts';
import { compileWat } from './linux-runner.ts';

/** A leaf with `n` i64 locals, each live to the end: its frame is about 8n bytes. */
function leafWithLocals(n: number): string {
  const ls = Array.from({ length: n }, (_, k) => `(local $l${k} i64)`).join(' ');
  const sets = Array.from({ length: n }, (_, k) => `(local.set $l${k} (i64.add (local.get 0) (i64.const ${k * 7})))`).join('\n');
  let sum = '(i64.const 0)';
  for (let k = 0; k < n; k++) sum = `(i64.xor (i64.rotl ${sum} (i64.const 5)) (local.get $l${k}))`;
  return `(func $leaf${n} (export "leaf${n}") (param i64) (result i64) ${ls}\n${sets}\n${sum})`;
}

const WAT = `(module ${leafWithLocals(4)} ${leafWithLocals(300)}
  (func (export "caller") (param i64) (result i64) (i64.add (call $leaf4 (local.get 0)) (call $leaf300 (local.get 0)))))`;

function entryBytes(wasm: Uint8Array, name: string): Uint8Array {
  const asm = new Assembler({ bits: 64 });
  for (const l of ['trap', 'abort', 'poweroff', 'bt_print_from']) { asm.bind(asm.sym(l)); asm.i('ud2'); }
  compileModule(decodeModule(wasm), asm, { target: 'kernel', passes: { inline: false } });
  const code = asm.finish(0);
  const at = asm.symbols().find((s) => s.name === name)!.offset;
  return code.subarray(at, at + 4);
}

describe('function entries', () => {
  it('fall through into the body; a large leaf jumps to a checking entry', async () => {
    const wasm = await compileWat(WAT);
    expect([...entryBytes(wasm, 'func:0')]).toEqual([0x55, 0x48, 0x89, 0xe5]);     // push rbp; mov rbp, rsp
    expect(entryBytes(wasm, 'func:1')[0]).toBe(0xe9);                              // jmp rel32
    const { mismatches, count } = await differential(wasm, [
      { name: 'leaf4', args: [[0n], [5n], [0xffffffffffffffffn]] },
      { name: 'leaf300', args: [[0n], [5n], [0x8000000000000000n]] },
      { name: 'caller', args: [[1n], [0x123456789n]] },
    ]);
    expect(count).toBe(8);
    expect(mismatches).toEqual([]);
  }, 60_000);
});
