// The Assembler's typed forms (direct.ts) against the table: for every
// register pair, op, size and a spread of immediates and branch distances,
// aluRR / aluRI / movRI / movaps / jmp / jcc write the same bytes and
// fixups as i() with the same operands, and the same error where i() has one.
import { describe, expect, it } from 'vitest';
import { Assembler, EncodeError, gpr, imm, xmm, type AluImmOp, type AluOp, type Cond, type Label } from '../../tools/x86/index.ts';

const ALU: AluOp[] = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test', 'mov'];
const ALU_IMM: (AluImmOp | 'test')[] = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test'];
const CONDS: Cond[] = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
/** Immediates around every boundary the forms choose by: imm8, imm32 signed and unsigned, 64-bit, non-integers. */
const IMMS: (number | bigint)[] = [
  0, -0, 1, -1, 127, 128, -128, -129, 255, 256, 0x7fff, 0x8000, 0x7fffffff, 0x80000000, -0x80000000, -0x80000001,
  0xffffffff, 0x100000000, -0xffffffff, 2 ** 52, -(2 ** 53), 1.5, NaN,
  0n, -1n, 127n, 128n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, -0x80000000n, -0x80000001n,
  0xffffffffffffffffn, 0x8000000000000000n, -(2n ** 63n),
];

/** finish()ed bytes of `f`'s code (hex), or the error code it throws. */
function out(f: (a: Assembler) => void): string {
  const a = new Assembler({ bits: 64 });
  try { f(a); } catch (e) { if (e instanceof EncodeError) return `error ${e.code}`; throw e; }
  return Buffer.from(a.finish(0x1000)).toString('hex');
}

describe('typed forms write what i() writes', () => {
  it('aluRR: every op, size and register pair', () => {
    let n = 0;
    for (const op of ALU) for (const size of [32, 64] as const) for (let d = 0; d < 16; d++) for (let s = 0; s < 16; s++) {
      expect(out((a) => a.aluRR(op, size, d, s)), `${op}${size} ${d},${s}`).toBe(out((a) => a.i(op, gpr(d, size), gpr(s, size))));
      n++;
    }
    expect(n).toBe(ALU.length * 2 * 256);
  });

  it('aluRI: every op with an immediate, both sizes, each register, immediates at every boundary', () => {
    for (const op of ALU_IMM) for (const size of [32, 64] as const) for (let d = 0; d < 16; d++) for (const v of IMMS) {
      expect(out((a) => a.aluRI(op, size, d, v)), `${op}${size} r${d}, ${v}`).toBe(out((a) => a.i(op, gpr(d, size), imm(v))));
    }
  });

  it('movRI: both sizes, each register, immediates at every boundary', () => {
    for (const size of [32, 64] as const) for (let d = 0; d < 16; d++) for (const v of IMMS) {
      expect(out((a) => a.movRI(size, d, v)), `mov${size} r${d}, ${v}`).toBe(out((a) => a.i('mov', gpr(d, size), imm(v))));
    }
  });

  it('movaps: every xmm pair', () => {
    for (let d = 0; d < 16; d++) for (let s = 0; s < 16; s++) {
      expect(out((a) => a.movaps(d, s)), `movaps ${d},${s}`).toBe(out((a) => a.i('movaps', xmm(d), xmm(s))));
    }
  });

  it('register numbers out of range throw as i() does', () => {
    for (const r of [-1, 16, 1.5]) {
      expect(out((a) => a.aluRR('add', 32, r, 0))).toMatch(/^error X86_BAD_REGISTER/);
      expect(out((a) => a.aluRI('cmp', 64, r, 1))).toMatch(/^error X86_BAD_REGISTER/);
      expect(out((a) => a.movRI(32, r, 1))).toMatch(/^error X86_BAD_REGISTER/);
      expect(out((a) => a.movaps(0, r))).toMatch(/^error X86_BAD_REGISTER/);
    }
  });

  it('jmp and jcc: backward at every distance across the rel8 edge, forward, and from cold code', () => {
    // `pad` bytes between a bound label and the jump back to it; then a forward jump bound after `pad` more
    const emit = (a: Assembler, jump: (l: Label) => void, pad: number, cold: boolean): void => {
      const back = a.label(), fwd = a.label();
      a.bind(back);
      for (let k = 0; k < pad; k++) a.u8(0x90);
      if (cold) a.beginCold();
      jump(back);
      jump(fwd);
      if (cold) { a.endCold(); a.flushCold(); }
      for (let k = 0; k < pad; k++) a.u8(0x90);
      a.bind(fwd);
    };
    for (const pad of [0, 1, 100, 123, 124, 125, 126, 127, 128, 129, 130, 300]) for (const cold of [false, true]) {
      expect(out((a) => emit(a, (l) => a.jmp(l), pad, cold)), `jmp pad ${pad}${cold ? ' cold' : ''}`)
        .toBe(out((a) => emit(a, (l) => a.i('jmp', l), pad, cold)));
      for (const c of CONDS) {
        expect(out((a) => emit(a, (l) => a.jcc(c, l), pad, cold)), `j${c} pad ${pad}${cold ? ' cold' : ''}`)
          .toBe(out((a) => emit(a, (l) => a.i(`j${c}`, l), pad, cold)));
      }
    }
  });

  it('a jmp to the label bound right after it is removed, as from i()', () => {
    const code = (jump: (a: Assembler, l: Label) => void): string => out((a) => {
      const l = a.label(), m = a.label();
      a.i('nop');
      jump(a, l);
      a.bind(m);           // bound after the jump, before its own label: moves back with it
      a.bind(l);
      a.jmp(m);            // backward, rel8 to the nop's end
    });
    expect(code((a, l) => a.jmp(l))).toBe(code((a, l) => a.i('jmp', l)));
    expect(code((a, l) => a.jmp(l))).toBe('90ebfe');    // nop; jmp $ (the removed jump's label is where the nop ends)
  });

  it('a label of another assembler is refused', () => {
    const other = new Assembler().label();
    expect(out((a) => a.jmp(other))).toBe('error X86_FOREIGN_LABEL');
    expect(out((a) => a.jcc('e', other))).toBe('error X86_FOREIGN_LABEL');
  });
});
