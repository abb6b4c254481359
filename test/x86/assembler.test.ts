// Labels, jumps (rel8/rel32 choice), finish() with a base address, data
// references, immediate selection, mode switching and errors. Code is checked
// by disassembling it with objdump (see objdump.ts); data by reading bytes.
import { describe, expect, it } from 'vitest';
import {
  Assembler, EncodeError, cr, imm, mem, memIdx, r16, r32, r64, r8, ripMem, sreg, xmm,
  DS, R12, RAX, RBX, RCX, RSI, RSP,
  type Mnemonic,
} from '../../tools/x86/index.ts';
import { objdump } from './objdump.ts';

/** [offset, text] of every instruction in `bytes`. */
function lines(bytes: Uint8Array, bits: 32 | 64 = 64): [number, string][] {
  return [...objdump(bytes, bits).entries()];
}
const u32At = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

function err(f: () => unknown): EncodeError {
  try { f(); } catch (e) { if (e instanceof EncodeError) return e; throw e; }
  throw new Error('expected an EncodeError');
}

describe('labels and jumps', () => {
  it('uses rel8 for a bound label in range and rel32 otherwise', () => {
    const a = new Assembler();
    const top = a.label();
    a.bind(top);
    a.i('nop');
    a.i('jne', top);            // backward, near: 75 cb
    a.i('jmp', top);            // backward, near: eb cb
    const fwd = a.label();
    a.i('je', fwd);             // forward: always 0f 84 cd
    a.i('jmp', fwd);            // forward: e9 cd
    a.i('call', fwd);           // e8 cd
    a.bind(fwd);
    a.bytes(new Array(200).fill(0x90));
    a.i('jl', top);             // backward, far: 0f 8c cd
    a.i('jmp', top);            // backward, far: e9 cd
    const code = a.finish(0);
    const l = lines(code);
    expect(l.slice(0, 6)).toEqual([
      [0, 'nop'], [1, 'jne 0x0'], [3, 'jmp 0x0'], [5, 'je 0x15'], [11, 'jmp 0x15'], [16, 'call 0x15'],
    ]);
    expect(l.slice(-2)).toEqual([[0x15 + 200, 'jl 0x0'], [0x15 + 206, 'jmp 0x0']]);
    expect(code.length).toBe(0x15 + 211);
  });

  it('resolves RIP-relative operands to the end of the instruction, after immediates', () => {
    const a = new Assembler();
    const k = a.sym('k');
    a.i('mov', ripMem(k, 0, 32), imm(0x12345678));
    a.i('movsd', xmm(9), ripMem(k, 8));
    a.i('lea', r64(RSI), ripMem(k));
    a.bind(k);
    a.u64(0);
    expect(lines(a.finish(0)).slice(0, 3)).toEqual([
      [0, 'mov DWORD PTR [rip->0x1a],0x12345678'],
      [10, 'movsd xmm9,QWORD PTR [rip->0x22]'],
      [19, 'lea rsi,[rip->0x1a]'],
    ]);
  });

  it('labels: named symbols, offsets, rebinding and foreign labels are checked', () => {
    const a = new Assembler();
    const b = a.sym('b'), x = a.sym('a');
    expect(a.sym('b')).toBe(b);
    a.i('nop'); a.bind(b); a.i('ret'); a.bind(x);
    const anon = a.label();
    a.bind(anon);
    expect(a.isBound(b)).toBe(true);
    expect(a.offsetOf(x)).toBe(2);
    expect(a.symbols()).toEqual([{ name: 'b', offset: 1 }, { name: 'a', offset: 2 }]);
    expect(err(() => a.bind(b)).code).toBe('X86_LABEL_REBOUND');
    expect(err(() => a.offsetOf(a.label())).code).toBe('X86_LABEL_UNBOUND');
    expect(err(() => new Assembler().bind(b)).code).toBe('X86_FOREIGN_LABEL');
  });

  it('finish() lists every referenced but unbound label by name', () => {
    const a = new Assembler();
    a.i('call', a.sym('missing_fn'));
    a.i('jmp', a.sym('missing_fn'));
    a.addr64(a.sym('missing_data'));
    a.i('jne', a.label());
    const e = err(() => a.finish(0));
    expect(e.code).toBe('X86_UNBOUND_LABEL');
    expect(e.message).toContain('missing_fn');
    expect(e.message).toContain('missing_data');
    expect(e.message).toMatch(/#\d+/);
  });
});

describe('data and finish(base)', () => {
  it('drops a jmp to the label bound right after it, with the labels bound in between', () => {
    const a = new Assembler();
    const x = a.label(), y = a.label(), keep = a.label();
    a.i('je', y);               // forward reference to a label bound after the jmp
    a.i('jmp', x);
    a.bind(y);
    a.bind(x);                  // the jmp would go to the next instruction: it goes, y moves back
    a.i('nop');
    a.i('jmp', keep);
    a.i('nop');                 // code in between keeps this one
    a.bind(keep);
    a.i('ret');
    const code = a.finish(0);
    expect(lines(code)).toEqual([[0, 'je 0x6'], [6, 'nop'], [7, 'jmp 0xd'], [12, 'nop'], [13, 'ret']]);
    expect(a.offsetOf(y)).toBe(6);
    expect(a.offsetOf(x)).toBe(6);
  });

  it('threads jumps and branches to a jmp through to its target, not calls or data', () => {
    const a = new Assembler();
    const hop = a.label(), end = a.label(), self = a.label();
    a.i('jne', hop);            // 0: -> hop, which jumps to end
    a.i('jmp', hop);            // 6
    a.i('call', hop);           // 11: a call keeps its target
    a.i('jmp', self);           // 16: -> self, a jmp to itself: threading stops
    a.bind(hop);
    a.i('jmp', end);            // 21
    a.bind(self);
    a.i('jmp', self);           // 26: backward, rel8
    a.bind(end);
    a.i('ret');                 // 28
    a.rel32(hop);               // 29: data keeps its target
    const code = a.finish(0);
    expect(lines(code.subarray(0, 29))).toEqual([
      [0, 'jne 0x1c'], [6, 'jmp 0x1c'], [11, 'call 0x15'], [16, 'jmp 0x1a'], [21, 'jmp 0x1c'], [26, 'jmp 0x1a'], [28, 'ret'],
    ]);
    expect(u32At(code, 29) | 0).toBe(21 - 33);
  });

  it('writes absolute and relative label references for a load address', () => {
    const a = new Assembler();
    const base = 0x100000;
    const t = a.sym('t');
    a.u8(0xaa); a.u16(0xbbcc); a.u32(0xddeeff00); a.u64(0x1122334455667788n); a.u64(-1);
    a.align(32, 0);
    a.addr64(t, 4);     // 0x20
    a.addr32(t);        // 0x28
    a.rel32(t);         // 0x2c, relative to 0x30
    a.align(64);
    a.bind(t);          // 0x40
    const b = a.finish(base);
    expect([...b.subarray(0, 7)]).toEqual([0xaa, 0xcc, 0xbb, 0x00, 0xff, 0xee, 0xdd]);
    expect(new DataView(b.buffer).getBigUint64(7, true)).toBe(0x1122334455667788n);
    expect(new DataView(b.buffer).getBigInt64(15, true)).toBe(-1n);
    expect(new DataView(b.buffer).getBigUint64(0x20, true)).toBe(BigInt(base + 0x44));
    expect(u32At(b, 0x28)).toBe(base + 0x40);
    expect(u32At(b, 0x2c)).toBe(0x40 - 0x30);
    expect(b[0x30]).toBe(0x90); // code alignment fill
    expect(b.length).toBe(0x40);
    expect(err(() => a.align(3)).code).toBe('X86_BAD_ALIGN');
  });

  it('places cold code where flushCold is called, its labels and references rebased', () => {
    const a = new Assembler();
    const top = a.label(), cold = a.label(), back = a.label(), inner = a.label(), data = a.label();
    a.bind(top);
    a.i('nop');                 // 0
    a.i('je', cold);            // 1: main -> cold, forward
    a.beginCold();
    a.bind(cold);
    a.i('inc', r32(RAX));       // cold 0
    a.bind(inner);
    a.i('jne', inner);          // a cold label reads unbound until the flush: rel32
    a.i('jmp', top);            // a main label is in the other buffer: rel32, not rel8
    a.i('mov', r32(RAX), ripMem(data, 0, 32));
    a.i('jmp', back);           // cold -> main, forward
    expect(a.inCold).toBe(true);
    a.endCold();
    a.i('nop');                 // 7: main resumes after the je
    a.bind(back);
    a.i('ret');                 // 8
    expect(err(() => a.finish(0)).code).toBe('X86_COLD');
    a.align(16);
    a.flushCold();              // cold code at 16
    a.bind(data);
    a.u32(0x12345678);
    const code = a.finish(0);
    expect(lines(code.subarray(0, 9))).toEqual([[0, 'nop'], [1, 'je 0x10'], [7, 'nop'], [8, 'ret']]);
    expect(lines(code.subarray(0, 40)).slice(-5).map(([o, t]) => [o, t.replace(/\[rip.*\]/, '[rip]')])).toEqual([
      [16, 'inc eax'], [18, 'jne 0x12'], [24, 'jmp 0x0'], [29, 'mov eax,DWORD PTR [rip]'], [35, 'jmp 0x8'],
    ]);
    expect(u32At(code, 31)).toBe(40 - 35);     // the rip-relative field, to data after the flush
    expect(a.offsetOf(cold)).toBe(16);
    expect(a.offsetOf(data)).toBe(40);
    expect(err(() => a.endCold()).code).toBe('X86_COLD');
    a.beginCold();
    expect(err(() => a.beginCold()).code).toBe('X86_COLD');
    expect(err(() => a.flushCold()).code).toBe('X86_COLD');
  });

  it('finish() is repeatable with different bases', () => {
    const a = new Assembler();
    const t = a.label();
    a.addr32(t);
    a.bind(t);
    expect(u32At(a.finish(0x1000), 0)).toBe(0x1004);
    expect(u32At(a.finish(0x2000), 0)).toBe(0x2004);
  });
});

describe('32-bit mode and mode switching', () => {
  it('encodes a boot-stub style sequence: absolute operands, far jump, then 64-bit code', () => {
    const a = new Assembler({ bits: 32 });
    const gdtr = a.sym('gdtr'), long = a.sym('long_mode');
    a.i('lgdt', ripMem(gdtr));                    // absolute [disp32] in 32-bit mode
    a.i('mov', r32(RAX), cr(0));
    a.i('or', r32(RAX), imm(0x80000001));
    a.i('mov', cr(0), r32(RAX));
    a.i('mov', mem(null, 0xb8000, 16), imm(0x0f41));
    a.i('mov', sreg(DS), r16(RAX));
    a.i('jmpf', imm(0x08), long);
    a.bits = 64;
    a.bind(long);
    a.i('mov', r64(RSP), ripMem(a.sym('stack_top')));
    a.i('hlt');
    a.bind(gdtr); a.u16(23); a.u32(0);
    a.bind(a.sym('stack_top')); a.u64(0);
    const base = 0x100000;
    const b = a.finish(base);
    const l32 = lines(b.subarray(0, a.offsetOf(long)), 32);
    expect(l32.map((x) => x[1])).toEqual([
      `lgdtd ds:0x${(base + a.offsetOf(gdtr)).toString(16)}`,
      'mov eax,cr0', 'or eax,0x80000001', 'mov cr0,eax',
      'mov WORD PTR ds:0xb8000,0xf41', 'mov ds,eax',
      `jmp 0x8:0x${(base + a.offsetOf(long)).toString(16)}`,
    ]);
    const l64 = lines(b.subarray(a.offsetOf(long), a.offsetOf(gdtr)), 64);
    expect(l64.map((x) => x[1])).toEqual([`mov rsp,QWORD PTR [rip->0x${(a.offsetOf(a.sym('stack_top')) - a.offsetOf(long)).toString(16)}]`, 'hlt']);
  });

  it('rejects what 32-bit mode cannot encode', () => {
    const a = new Assembler({ bits: 32 });
    expect(err(() => a.i('add', r64(RAX), imm(1))).code).toBe('X86_NO_FORM');
    expect(err(() => a.i('mov', r32(R12), imm(1))).code).toBe('X86_NEEDS_REX');
    expect(err(() => a.i('mov', r8(RSI), imm(1))).code).toBe('X86_NEEDS_REX');
    expect(err(() => a.i('mov', r32(RAX), mem(R12))).code).toBe('X86_NEEDS_REX');
    expect(err(() => a.i('syscall')).code).toBe('X86_NO_FORM');
  });
});

describe('operand and immediate selection', () => {
  const enc = (f: (a: Assembler) => void): string => {
    const a = new Assembler();
    f(a);
    return [...a.finish(0)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  };
  it('picks the shortest mov r64, imm form (SDM: mov r32 zero-extends)', () => {
    expect(enc((a) => a.i('mov', r64(RAX), imm(0xffffffff)))).toBe('b8 ff ff ff ff');
    expect(enc((a) => a.i('mov', r64(RCX), imm(-1)))).toBe('48 c7 c1 ff ff ff ff');
    expect(enc((a) => a.i('mov', r64(RCX), imm(0xffffffffffffffffn)))).toBe('48 c7 c1 ff ff ff ff');
    expect(enc((a) => a.i('mov', r64(RAX), imm(2 ** 32)))).toBe('48 b8 00 00 00 00 01 00 00 00');
    expect(enc((a) => a.i('movabs', r64(RAX), imm(1)))).toBe('48 b8 01 00 00 00 00 00 00 00');
    expect(enc((a) => a.i('mov', r64(R12), imm(0)))).toBe('41 bc 00 00 00 00');
  });

  it('takes unsigned i32 immediates and sign-extends imm8 where it fits', () => {
    expect(enc((a) => a.i('add', r32(RCX), imm(0xffffffff)))).toBe('83 c1 ff');
    expect(enc((a) => a.i('and', r32(RAX), imm(0x80000000)))).toBe('25 00 00 00 80');
    expect(enc((a) => a.i('cmp', r64(RBX), imm(-129)))).toBe('48 81 fb 7f ff ff ff');
    expect(enc((a) => a.i('add', r8(RSI), imm(0xff)))).toBe('40 80 c6 ff');
    expect(enc((a) => a.i('shl', r64(RAX), imm(63)))).toBe('48 c1 e0 3f');
    expect(err(() => new Assembler().i('add', r64(RAX), imm(0xffffffff))).code).toBe('X86_NO_FORM');
    expect(err(() => new Assembler().i('add', r32(RAX), imm(2 ** 32))).code).toBe('X86_NO_FORM');
    expect(err(() => new Assembler().i('add', r32(RAX), imm(1.5))).code).toBe('X86_NO_FORM');
  });

  it('needs a memory size only when no register fixes it', () => {
    expect(enc((a) => a.i('mov', mem(RBX, 8), r32(RCX)))).toBe('89 4b 08');
    expect(enc((a) => a.i('movsd', xmm(0), memIdx(RSP, RCX, 8, 0)))).toBe('f2 0f 10 04 cc');
    expect(enc((a) => a.i('inc', mem(RAX, 0, 32)))).toBe('ff 00');
    expect(enc((a) => a.i('movzx', r32(RAX), mem(RSI, 0, 8)))).toBe('0f b6 06');
    const e = err(() => new Assembler().i('inc', mem(RAX)));
    expect(e.code).toBe('X86_NO_FORM');
    expect(e.message).toContain('may need a size');
    expect(err(() => new Assembler().i('movzx', r32(RAX), mem(RSI))).code).toBe('X86_NO_FORM');
    // ...or when every form of the mnemonic agrees on the memory size
    expect(enc((a) => a.i('movd', xmm(1), mem(RAX)))).toBe('66 0f 6e 08');
    expect(enc((a) => a.i('sete', mem(RAX)))).toBe('0f 94 00');
    expect(enc((a) => a.i('push', mem(RAX)))).toBe('ff 30');
    expect(enc((a) => a.i('movq', mem(RAX), xmm(2)))).toBe('66 0f d6 10');
    expect(err(() => new Assembler().i('cvtsi2sd', xmm(0), mem(RAX))).code).toBe('X86_NO_FORM');
  });

  it('reports unknown mnemonics and impossible operands with codes', () => {
    const a = new Assembler();
    expect(err(() => a.i('frobnicate' as Mnemonic)).code)   // a type error without the cast.toBe('X86_UNKNOWN_MNEMONIC');
    const e = err(() => a.i('add', xmm(0), r64(RAX)));
    expect(e.code).toBe('X86_NO_FORM');
    expect(e.message).toContain('add xmm0, rax');
    expect(err(() => a.i('mov', r32(RAX), mem(RAX, 2 ** 31))).code).toBe('X86_BAD_MEMORY');
    expect(err(() => memIdx(RAX, RSP, 1)).code).toBe('X86_BAD_MEMORY');
    expect(err(() => cr(5)).code).toBe('X86_BAD_REGISTER');
    expect(err(() => r64(16)).code).toBe('X86_BAD_REGISTER');
    expect(a.pos).toBe(0); // failed instructions emit nothing
  });
});
