// tools/aot/srcmap.ts — where compiled code came from. For the functions a
// caller selects (AotOptions.codeMap), the per-function compiler (func.ts)
// records (code label, Wasm byte offset) as it emits: one entry before each
// instruction it compiles, one per trap site (a selected function gets a trap
// stub per site, not one per kind, so the stub's return address names the
// site), and -1 where the code belongs to no instruction (out-of-line paths,
// shared stubs, the prologue, the end of the function). A machine-code address
// then maps to the last entry below it; asc's source map turns the offset into
// file:line (tools/image/srcmap.ts; the guest prints it: boot/backtrace.ts).
// Offsets are Module.bytes offsets (Instr.pos), what Binaryen's source map
// calls the generated column.

import type { Assembler, Label } from '../x86/index.ts';

export interface CodeMapEntry { code: Label; pos: number }

export class CodeMap {
  readonly entries: CodeMapEntry[] = [];
  /** `wants(i)`: record function i (index space, imports first). */
  constructor(readonly wants: (funcIndex: number) => boolean) {}

  /**
   * Binds a label here for Wasm offset `pos` (-1: no instruction); a repeat of the last offset
   * adds nothing unless `again` (the code moved on to another stream: Assembler cold code).
   */
  mark(asm: Assembler, pos: number, again = false): void {
    if (!again && this.entries.length > 0 && this.entries[this.entries.length - 1].pos === pos) return;
    const code = asm.label();
    asm.bind(code);
    this.entries.push({ code, pos });
  }
}
