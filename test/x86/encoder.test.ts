// Every row of tools/x86/table.ts, checked against GNU objdump.
//
// For each row and mode, instances.ts builds concrete instances (low and
// extended registers, every ModRM/SIB path: [rsp]/[r12] via SIB, [rbp+0]/[r13+0]
// via disp8, disp8, disp32, no base, absolute, RIP/label) and the text objdump
// should print. All instances of a mode go into one binary and one objdump run
// (`objdump -D -b binary -m i386:x86-64 -M intel`, `-m i386` for 32-bit rows).
// An instance counts only if the encoder selects exactly that row for it.
//
// Where objdump's syntax differs from the table's, the expectation follows objdump:
// - memory operands carry `BYTE/WORD/DWORD/QWORD/XMMWORD PTR` (none for `m`: lea, lgdt, fxsave);
// - immediates print unsigned in hex at the width they are sign-extended to
//   (`add rax,-3` is `add rax,0xfffffffffffffffd`);
// - `mov r64, imm64` prints as `movabs`, `sal` as `shl`, condition-code aliases
//   as the canonical name (`jz` -> `je`, `setc` -> `setb`, `cmovnae` -> `cmovb`);
// - string ops print their implicit operands (`rep movs BYTE PTR es:[rdi],BYTE PTR ds:[rsi]`);
// - `xchg r, r/m` prints r/m first; `iretd` prints as `iret`; `lgdt` in 32-bit mode as `lgdtd`
//   (same for lidt/sgdt/sidt); `invlpg m` prints `BYTE PTR`, which we drop;
// - `mov Sreg, r/m16` (and back) carries no 66 prefix, so objdump names the register at 32 bits;
// - jump targets and RIP-relative operands print as absolute addresses: we rewrite
//   `[rip+0x1a]        # 0x47` to `[rip->0x47]`; 32-bit absolute operands print as `ds:0x...`.
import { describe, expect, it } from 'vitest';
import { Assembler, type Mnemonic } from '../../tools/x86/index.ts';
import { selectForm } from '../../tools/x86/encode.ts';
import { allForms, type Form } from '../../tools/x86/rows.ts';

const FORMS = allForms();
import { objdump } from './objdump.ts';
import { expectedText, instancesOf, type Bits, type Choice, type Ctx } from './instances.ts';

interface Rec { f: Form; choice: Choice[]; ctx: Ctx; start: number; end: number }

function assembleAll(bits: Bits): { recs: Rec[]; bytes: Uint8Array; forms: Form[] } {
  const a = new Assembler({ bits });
  const far = a.label();
  const recs: Rec[] = [];
  const forms: Form[] = [];
  for (const list of FORMS.values()) {
    for (const f of list) {
      if (f.mode !== 0 && f.mode !== bits) continue;
      forms.push(f);
      for (const choice of instancesOf(f, bits)) {
        const near = a.label();
        a.bind(near);
        const ctx: Ctx = { a, bits, near, far, farAddr: () => a.offsetOf(far) };
        const ops = choice.map((c) => c.op(ctx));
        if (selectForm(a, f.mn, ops) !== f) continue; // an earlier, shorter row takes it
        const start = a.pos;
        a.i(f.mn as Mnemonic, ...ops);
        recs.push({ f, choice, ctx, start, end: a.pos });
      }
    }
  }
  a.align(16);
  a.bind(far);
  a.bytes([0x90, 0x90, 0x90, 0x90]);
  return { recs, bytes: a.finish(0), forms };
}

for (const bits of [64, 32] as const) {
  describe(`every table row, ${bits}-bit mode, against objdump`, () => {
    const { recs, bytes, forms } = assembleAll(bits);
    const dis = objdump(bytes, bits);
    const addrs = [...dis.keys()].sort((x, y) => x - y);
    const next = new Map(addrs.map((x, i) => [x, addrs[i + 1]]));

    it('decodes each instance to the expected text and length', () => {
      const bad: string[] = [];
      for (const r of recs) {
        const want = expectedText(r.f, r.choice, r.ctx);
        const got = dis.get(r.start);
        const len = next.get(r.start) === r.end;
        if (got !== want || !len) {
          const hexBytes = [...bytes.subarray(r.start, r.end)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
          bad.push(`${r.f.text}: want "${want}", objdump "${got}"${len ? '' : ' (length differs)'} [${hexBytes}]`);
        }
      }
      expect(bad).toEqual([]);
      expect(recs.length).toBeGreaterThan(bits === 64 ? 2000 : 1000);
    });

    it('exercises every row of this mode at least once', () => {
      const seen = new Set(recs.map((r) => r.f));
      expect(forms.filter((f) => !seen.has(f)).map((f) => f.text)).toEqual([]);
    });
  });
}
