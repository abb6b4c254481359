// The Assembler's typed forms (direct.ts) against the table: for every
// register pair, op, size and a spread of immediates and branch distances,
// aluRR / aluRI / movRI / movaps / jmp / jcc write the same bytes and
// fixups as i() with the same operands, and the same error where i() has one.
import { describe, expect, it } from 'vitest';
import {
  Assembler, EncodeError, gpr, imm, mem, memIdx, r64, ripMem, xmm, type AluImmOp, type AluOp, type Cond, type Label, type Mem, type MemSize,
} from '../../tools/x86/index.ts';

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

  /** Memory operands of every addressing shape: each base (rsp, rbp, r12, r13 are special), with and without index and scale, displacements at the disp8/disp32 edges, RIP-relative; sized `size` (undefined: unsized). */
  const mems = (a: Assembler, size: MemSize | undefined): Mem[] => {
    const out: Mem[] = [];
    const end = a.label();
    for (let base = 0; base < 16; base++) for (const disp of [0, 1, -128, 127, 128, -129, 0x7fffffff, -0x80000000]) out.push(mem(base, disp, size));
    for (const base of [0, 4, 5, 12, 13, 15]) for (const index of [0, 5, 8, 13, 15]) for (const scale of [1, 2, 4, 8] as const) for (const disp of [0, 8, 1000]) {
      out.push(memIdx(base, index, scale, disp, size));
    }
    out.push(memIdx(null, 3, 4, 16, size), ripMem(end, 0, size), ripMem(end, -8, size));
    return out;
  };
  /** `f(a, m)` for each operand of mems(): the bytes, the label bound after them. */
  const eachMem = (size: MemSize | undefined, f: (a: Assembler, m: Mem) => void) => (a: Assembler): void => {
    const ms = mems(a, size);
    for (const m of ms) f(a, m);
    a.bind(ms[ms.length - 1].label!);
  };

  it('load, store, lea, loadExt, loadF, storeF: every addressing shape, register and operand size', () => {
    for (const r of [0, 3, 4, 5, 7, 8, 12, 15]) {
      for (const size of [32, 64] as const) for (const ms of [size, undefined]) {
        expect(out(eachMem(ms, (a, m) => a.load(size, r, m))), `load${size} r${r} m${ms}`).toBe(out(eachMem(ms, (a, m) => a.i('mov', gpr(r, size), m))));
        expect(out(eachMem(ms, (a, m) => a.lea(size, r, m))), `lea${size} r${r}`).toBe(out(eachMem(ms, (a, m) => a.i('lea', gpr(r, size), m))));
      }
      for (const size of [8, 16, 32, 64] as const) for (const ms of [size, undefined]) {
        expect(out(eachMem(ms, (a, m) => a.store(size, m, r))), `store${size} r${r} m${ms}`).toBe(out(eachMem(ms, (a, m) => a.i('mov', m, gpr(r, size)))));
      }
      for (const op of ['movzx', 'movsx'] as const) for (const size of [32, 64] as const) for (const from of [8, 16] as const) {
        expect(out(eachMem(from, (a, m) => a.loadExt(op, size, r, m))), `${op}${size} m${from}`).toBe(out(eachMem(from, (a, m) => a.i(op, gpr(r, size), m))));
      }
      expect(out(eachMem(32, (a, m) => a.loadExt('movsxd', 64, r, m)))).toBe(out(eachMem(32, (a, m) => a.i('movsxd', r64(r), m))));
      for (const f64 of [false, true]) for (const ms of [f64 ? 64 : 32, undefined] as const) {
        const mn = f64 ? 'movsd' : 'movss';
        expect(out(eachMem(ms, (a, m) => a.loadF(f64, r, m))), `${mn} x${r}, m`).toBe(out(eachMem(ms, (a, m) => a.i(mn, xmm(r), m))));
        expect(out(eachMem(ms, (a, m) => a.storeF(f64, m, r))), `${mn} m, x${r}`).toBe(out(eachMem(ms, (a, m) => a.i(mn, m, xmm(r)))));
      }
    }
  });

  it('a memory operand of the wrong size, or a displacement out of range, errs as i() does', () => {
    const bad = mem(0, 0, 16);
    expect(out((a) => a.load(32, 1, bad))).toBe(out((a) => a.i('mov', gpr(1, 32), bad)));
    expect(out((a) => a.store(64, bad, 1))).toBe(out((a) => a.i('mov', bad, gpr(1, 64))));
    expect(out((a) => a.loadExt('movzx', 32, 1, mem(0, 0, 32)))).toBe(out((a) => a.i('movzx', gpr(1, 32), mem(0, 0, 32))));
    expect(out((a) => a.loadExt('movzx', 32, 1, mem(0, 0, 32)))).toMatch(/^error /);
    const far = mem(0, 2 ** 31, 32);
    expect(out((a) => a.load(32, 1, far))).toBe('error X86_BAD_MEMORY');
    expect(out((a) => { a.i('nop'); try { a.load(32, 1, far); } catch { /* nothing of it is kept */ } })).toBe('90');
  });

  it('movsxd and call', () => {
    for (let d = 0; d < 16; d++) for (let s = 0; s < 16; s++) {
      expect(out((a) => a.movsxd(d, s))).toBe(out((a) => a.i('movsxd', r64(d), gpr(s, 32))));
    }
    const calls = (call: (a: Assembler, l: Label) => void) => out((a) => { const l = a.label(); a.bind(l); call(a, l); const m = a.label(); call(a, m); a.bind(m); });
    expect(calls((a, l) => a.call(l))).toBe(calls((a, l) => a.i('call', l)));
  });

  it('SSE scalar arithmetic, ucomis, xorps, cvtsi2s: every register pair and addressing shape', () => {
    const ARITH = ['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt'] as const;
    for (const f64 of [false, true]) {
      const sx = f64 ? 'sd' : 'ss', ms = f64 ? 64 : 32;
      for (const op of ARITH) {
        for (let d = 0; d < 16; d += 3) for (let s = 0; s < 16; s += 2) {
          expect(out((a) => a.sseArith(op, f64, d, s)), `${op}${sx} ${d},${s}`).toBe(out((a) => a.i(`${op}${sx}`, xmm(d), xmm(s))));
        }
        for (const r of [0, 7, 8, 15]) for (const size of [ms, undefined] as const) {
          expect(out(eachMem(size, (a, m) => a.sseArith(op, f64, r, m))), `${op}${sx} x${r}, m`).toBe(out(eachMem(size, (a, m) => a.i(`${op}${sx}`, xmm(r), m))));
        }
      }
      const u = f64 ? 'ucomisd' : 'ucomiss';
      for (let d = 0; d < 16; d++) for (let s = 0; s < 16; s++) expect(out((a) => a.ucomis(f64, d, s))).toBe(out((a) => a.i(u, xmm(d), xmm(s))));
      for (const r of [0, 9]) expect(out(eachMem(ms, (a, m) => a.ucomis(f64, r, m)))).toBe(out(eachMem(ms, (a, m) => a.i(u, xmm(r), m))));
      for (const size of [32, 64] as const) for (let d = 0; d < 16; d++) for (let s = 0; s < 16; s++) {
        expect(out((a) => a.cvtsi2s(f64, d, size, s))).toBe(out((a) => a.i(f64 ? 'cvtsi2sd' : 'cvtsi2ss', xmm(d), gpr(s, size))));
      }
      expect(out((a) => a.sseArith('add', f64, 1, mem(0, 0, 16)))).toBe(out((a) => a.i(`add${sx}`, xmm(1), mem(0, 0, 16))));
    }
    for (let d = 0; d < 16; d++) for (let s = 0; s < 16; s++) expect(out((a) => a.xorps(d, s))).toBe(out((a) => a.i('xorps', xmm(d), xmm(s))));
  });

  it('shifts and rotates by a constant: every op, size, register and count edge', () => {
    for (const op of ['rol', 'ror', 'shl', 'shr', 'sar'] as const) for (const size of [32, 64] as const) for (let d = 0; d < 16; d++) {
      for (const n of [0, 1, 2, 31, 63, 64, 255, 256, -1, 1.5]) {
        expect(out((a) => a.shiftRI(op, size, d, n)), `${op}${size} r${d}, ${n}`).toBe(out((a) => a.i(op, gpr(d, size), imm(n))));
      }
    }
  });

  it('32-bit mode: the typed forms give what i() gives there, REX-free or an error', () => {
    const out32 = (f: (a: Assembler) => void): string => {
      const a = new Assembler({ bits: 32 });
      try { f(a); } catch (e) { if (e instanceof EncodeError) return `error ${e.code}`; throw e; }
      return Buffer.from(a.finish(0x1000)).toString('hex');
    };
    for (const [d, s] of [[1, 2], [9, 1]]) {
      expect(out32((a) => a.aluRR('add', 32, d, s))).toBe(out32((a) => a.i('add', gpr(d, 32), gpr(s, 32))));
      expect(out32((a) => a.aluRI('cmp', 32, d, 1000))).toBe(out32((a) => a.i('cmp', gpr(d, 32), imm(1000))));
      expect(out32((a) => a.movRI(32, d, 5))).toBe(out32((a) => a.i('mov', gpr(d, 32), imm(5))));
      expect(out32((a) => a.load(32, d, mem(s, 4, 32)))).toBe(out32((a) => a.i('mov', gpr(d, 32), mem(s, 4, 32))));
      expect(out32((a) => a.movaps(d, s))).toBe(out32((a) => a.i('movaps', xmm(d), xmm(s))));
    }
    expect(out32((a) => a.aluRR('add', 32, 9, 1))).toBe('error X86_NEEDS_REX');
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
