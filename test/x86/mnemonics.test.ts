// tools/x86/mnemonics.ts is generated from the encoder table: it must be
// current (regenerate with `npx vite-node tools/x86/gen-mnemonics.ts`), and
// a mnemonic outside the table must be a type error (checked by `tsc`, which
// `npm run typecheck` runs over this file).

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { MNEMONICS_FILE, mnemonicsSource } from '../../tools/x86/mnemonic-source.ts';
import { allForms } from '../../tools/x86/rows.ts';

const FORMS = allForms();
import { Assembler, EncodeError, r32, RAX } from '../../tools/x86/index.ts';

describe('Mnemonic type', () => {
  it('mnemonics.ts is current with the table', () => {
    expect(readFileSync(MNEMONICS_FILE, 'utf8')).toBe(mnemonicsSource());
  });
  it('lists every mnemonic of the table once', () => {
    const src = mnemonicsSource();
    for (const mn of FORMS.keys()) expect(src).toContain(`'${mn}'`);
    expect(src.match(/'[^']+'/g)!.length).toBe(FORMS.size);
  });
  it('a typo is a type error (and still an encoding error at run time)', () => {
    const a = new Assembler();
    // @ts-expect-error 'movzz' is not in the table
    expect(() => a.i('movzz', r32(RAX), r32(RAX))).toThrow(EncodeError);
  });
});
