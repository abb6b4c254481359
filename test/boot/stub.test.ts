// The boot stub alone under real QEMU: hand-written `asuk_main` bodies stand
// in for the compiler. Each run has a hard timeout; the exit status comes
// from isa-debug-exit ((code << 1) | 1) or, without it, from ACPI power-off.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runQemu, type Machine } from '../../tools/qemu/index.ts';
import { RAX, RBP, RCX, RDI, RSI, RSP, type Assembler, imm, mem, r32, r64, ripMem, xmm } from '../../tools/x86/index.ts';
import { PANIC_CODE } from '../../boot/index.ts';
import { handKernel, tmp, writeElf } from './helpers.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const T = 20_000;
const MACHINES: Machine[] = ['pc', 'microvm'];

/** Prints `text` on COM1 through the stub's own com1_putc. */
function say(a: Assembler, text: string): void {
  for (const ch of text) {
    a.i('mov', r32(RDI), imm(ch.charCodeAt(0)));
    a.i('call', a.sym('com1_putc'));
  }
}
/** Prints `name=<16 hex digits>\n` for the 64-bit value loaded by `load` into rdi. */
function sayHex(a: Assembler, name: string, load: () => void): void {
  say(a, `${name}=`);
  load();
  a.i('call', a.sym('com1_hex64'));
  say(a, '\n');
}

/** asuk_main that reports its arguments, the ABI state and the first boot module, then returns 3. */
function reportingMain(a: Assembler): void {
  a.i('push', r64(RBP));
  a.i('mov', r64(RBP), r64(RSP));
  sayHex(a, 'rsp', () => a.i('lea', r64(RDI), mem(RBP, 16)));     // rsp before the call
  sayHex(a, 'magic', () => a.i('mov', r32(RDI), mem(RBP, 16)));
  sayHex(a, 'mbi', () => a.i('mov', r32(RDI), mem(RBP, 24)));
  sayHex(a, 'tsc0', () => a.i('mov', r64(RDI), mem(RBP, 32)));
  sayHex(a, 'imageEnd', () => a.i('mov', r32(RDI), mem(RBP, 40)));
  sayHex(a, 'memPages', () => a.i('mov', r32(RDI), ripMem(a.sym('mem_pages'))));
  sayHex(a, 'memMaxPages', () => a.i('mov', r32(RDI), ripMem(a.sym('mem_max_pages'))));
  sayHex(a, 'stackLimit', () => a.i('mov', r64(RDI), ripMem(a.sym('stack_limit'))));
  sayHex(a, 'r15', () => a.i('mov', r64(RDI), r64(15)));
  // Multiboot info §3.3: flags bit 3 -> mods_count at +20, mods_addr at +24; module i: start, end.
  sayHex(a, 'modsCount', () => { a.i('mov', r32(RAX), mem(RBP, 24)); a.i('mov', r32(RDI), mem(RAX, 20)); });
  sayHex(a, 'mod0', () => {
    a.i('mov', r32(RAX), mem(RBP, 24));
    a.i('mov', r32(RCX), mem(RAX, 20));
    a.i('xor', r32(RDI), r32(RDI));
    const none = a.label();
    a.i('test', r32(RCX), r32(RCX));
    a.i('jz', none);
    a.i('mov', r32(RAX), mem(RAX, 24));
    a.i('mov', r32(RDI), mem(RAX, 0));
    a.bind(none);
  });
  // SSE is usable: 7.0 + 7.0 = 14.
  say(a, 'sse=');
  a.i('mov', r32(RAX), imm(7));
  a.i('cvtsi2sd', xmm(0), r32(RAX));
  a.i('addsd', xmm(0), xmm(0));
  a.i('cvttsd2si', r32(RDI), xmm(0));
  a.i('call', a.sym('com1_dec'));
  say(a, '\nhi\n');
  a.i('mov', r32(RAX), imm(3));
  a.i('pop', r64(RBP));
  a.i('ret');
}

function field(serial: string, name: string): bigint {
  const m = serial.match(new RegExp(`(?:^|\.\.)${name}=([0-9a-f]{16})$`, 'm'));
  if (!m) throw new Error(`no ${name}= line in serial output:\n${serial}`);
  return BigInt('0x' + m[1]);
}

describe('boot stub under QEMU', () => {
  for (const machine of MACHINES) {
    it(`${machine}: enters asuk_main with the ABI state and the exit code reaches QEMU`, async () => {
      const r = handKernel(reportingMain);
      const mod = join(tmp, 'mod.bin');
      writeFileSync(mod, Buffer.alloc(5000, 0x41));
      const q = await runQemu({ kernel: writeElf(r, `hi-${machine}`), machine, initrd: [mod], timeoutMs: T });
      expect(q.timedOut).toBe(false);
      expect(q.serial).toContain('hi\n');
      expect(q.guestExit).toBe(3);
      const s = q.serial;
      expect(field(s, 'magic')).toBe(0x2badb002n);
      expect(field(s, 'mbi')).toBeGreaterThan(0n);
      expect(field(s, 'tsc0')).toBeGreaterThan(0n);
      expect(field(s, 'imageEnd')).toBe(BigInt(r.stats.imageEnd));
      expect(field(s, 'rsp') % 16n).toBe(0n);
      expect(field(s, 'memPages')).toBe(BigInt(r.stats.heapEnd >> 16));
      expect(field(s, 'memMaxPages')).toBe(BigInt(r.stats.heapEnd >> 16));
      expect(field(s, 'r15')).toBe(0n);
      expect(field(s, 'stackLimit')).toBeLessThan(field(s, 'rsp'));
      expect(field(s, 'modsCount')).toBe(1n);
      expect(field(s, 'mod0')).toBeGreaterThanOrEqual(BigInt(r.stats.imageEnd));
      expect(s).toContain('sse=14\n');
    });
  }

  it('a null dereference panics with #PF and cr2=0', async () => {
    const r = handKernel((a) => { a.i('mov', r64(RAX), mem(null, 0)); a.i('ret'); });
    const q = await runQemu({ kernel: writeElf(r, 'null'), timeoutMs: T });
    expect(q.serial).toMatch(/panic: cpu exception 14 \(#PF\) error=0x0000000000000000 rip=0x[0-9a-f]{16} cr2=0x0000000000000000$/m);
    const rip = BigInt('0x' + q.serial.match(/rip=0x([0-9a-f]+)/)![1]);
    const main = r.symbols.find((s) => s.name === 'export:asuk_main')!;
    expect(rip).toBe(BigInt(main.addr));
    expect(q.guestExit).toBe(PANIC_CODE);
  });

  it('ud2 panics with #UD', async () => {
    const r = handKernel((a) => { a.i('ud2'); });
    const q = await runQemu({ kernel: writeElf(r, 'ud2'), machine: 'microvm', timeoutMs: T });
    expect(q.serial).toMatch(/panic: cpu exception 6 \(#UD\) error=0x0000000000000000 rip=0x[0-9a-f]{16} cr2=/m);
    expect(q.guestExit).toBe(PANIC_CODE);
  });

  it('a stack overflow hits the guard page and still panics (IST)', async () => {
    const r = handKernel((a) => {
      const f = a.label();
      a.bind(f);
      a.i('push', r64(RAX));
      a.i('call', f);
    });
    const q = await runQemu({ kernel: writeElf(r, 'overflow'), timeoutMs: T });
    const m = q.serial.match(/panic: cpu exception 14 \(#PF\) error=0x0000000000000002 rip=0x[0-9a-f]{16} cr2=0x([0-9a-f]{16})$/m);
    expect(m, q.serial).not.toBeNull();
    const guard = r.symbols.find((s) => s.name === 'stack_guard')!;
    const cr2 = Number(BigInt('0x' + m![1]));
    expect(cr2).toBeGreaterThanOrEqual(guard.addr);
    expect(cr2).toBeLessThan(guard.addr + 0x1000);
    expect(q.guestExit).toBe(PANIC_CODE);
  });

  it('trap prints the message and the function name', async () => {
    const r = handKernel((a) => {
      const name = a.label();
      a.i('mov', r32(RDI), imm(2));
      a.i('lea', r64(RSI), ripMem(name));
      a.i('call', a.sym('trap'));
      a.bind(name);
      a.bytes(Buffer.from('victim\0'));
    });
    const q = await runQemu({ kernel: writeElf(r, 'trap'), timeoutMs: T });
    expect(q.serial).toContain('panic: trap: integer divide by zero in victim\n');
    expect(q.guestExit).toBe(PANIC_CODE);
  });

  it('abort prints AssemblyScript strings, line and column', async () => {
    const r = handKernel((a) => {
      const msg = a.label(), file = a.label();
      a.i('lea', r64(RDI), ripMem(msg));
      a.i('lea', r64(RSI), ripMem(file));
      a.i('mov', r32(2), imm(42));
      a.i('mov', r32(RCX), imm(7));
      a.i('call', a.sym('abort'));
      for (const [l, s] of [[msg, 'out of memory'], [file, 'kernel/x.ts']] as const) {
        a.align(4, 0);
        a.u32(s.length * 2);
        a.bind(l);
        a.bytes(Buffer.from(s, 'utf16le'));
      }
    });
    const q = await runQemu({ kernel: writeElf(r, 'abort'), timeoutMs: T });
    expect(q.serial).toContain('panic: abort: out of memory at kernel/x.ts:42:7\n');
    expect(q.guestExit).toBe(PANIC_CODE);
  });

  for (const machine of MACHINES) {
    it(`${machine}: without isa-debug-exit QEMU exits by itself (ACPI power-off)`, async () => {
      const r = handKernel((a) => { say(a, 'bye\n'); a.i('xor', r32(RAX), r32(RAX)); a.i('ret'); });
      const q = await runQemu({ kernel: writeElf(r, `acpi-${machine}`), machine, debugExit: false, timeoutMs: T });
      expect(q.timedOut).toBe(false);
      expect(q.serial).toContain('bye\n');
      expect(q.status).toBe(0);
    });
  }
});

/** asuk_main that reports the module count and the last module: start, end, first 8 bytes, name. */
function modulesMain(a: Assembler): void {
  a.i('push', r64(RBP));
  a.i('mov', r64(RBP), r64(RSP));
  sayHex(a, 'mbiFlags', () => { a.i('mov', r32(RAX), mem(RBP, 24)); a.i('mov', r32(RDI), mem(RAX, 0)); });
  sayHex(a, 'imageEnd', () => a.i('mov', r32(RDI), mem(RBP, 40)));
  sayHex(a, 'count', () => { a.i('mov', r32(RAX), mem(RBP, 24)); a.i('mov', r32(RDI), mem(RAX, 20)); });
  const last = (disp: number) => () => {       // rdi = u32 field `disp` of the last module entry
    a.i('mov', r32(RAX), mem(RBP, 24));
    a.i('mov', r32(RCX), mem(RAX, 20));
    a.i('mov', r32(RAX), mem(RAX, 24));
    a.i('shl', r32(RCX), imm(4));
    a.i('add', r64(RAX), r64(RCX));
    a.i('mov', r32(RDI), mem(RAX, disp - 16));
  };
  sayHex(a, 'first0', () => { a.i('mov', r32(RAX), mem(RBP, 24)); a.i('mov', r32(RAX), mem(RAX, 24)); a.i('mov', r32(RDI), mem(RAX, 0)); });
  sayHex(a, 'start', last(0));
  sayHex(a, 'end', last(4));
  sayHex(a, 'bytes', () => { last(0)(); a.i('mov', r64(RDI), mem(RDI, 0)); });
  say(a, 'name=');
  last(8)();
  a.i('mov', r64(RSI), r64(RDI));
  a.i('call', a.sym('com1_puts'));
  say(a, '\n');
  a.i('xor', r32(RAX), r32(RAX));
  a.i('pop', r64(RBP));
  a.i('ret');
}

describe('embedded initrd', () => {
  const data = Buffer.alloc(5000, 0x5a);
  data.write('070701ab', 0, 'latin1');
  for (const withInitrd of [false, true]) {
    it(`is multiboot module "embedded"${withInitrd ? ' after the -initrd module' : ''}`, async () => {
      const r = handKernel(modulesMain, 17, data);
      const mod = join(tmp, 'mod2.bin');
      writeFileSync(mod, Buffer.alloc(3000, 0x41));
      const q = await runQemu({ kernel: writeElf(r, `einitrd-${withInitrd}`), initrd: withInitrd ? [mod] : undefined, timeoutMs: T });
      const s = q.serial;
      expect(q.guestExit).toBe(0);
      const at = r.symbols.find((x) => x.name === 'einitrd_start')!;
      expect(at.size).toBe(5000);
      expect(field(s, 'mbiFlags') & 8n).toBe(8n);
      expect(field(s, 'count')).toBe(withInitrd ? 2n : 1n);
      expect(field(s, 'start')).toBe(BigInt(at.addr));
      expect(field(s, 'end')).toBe(BigInt(at.addr + 5000));
      expect(field(s, 'imageEnd')).toBe(BigInt(r.stats.imageEnd));
      expect(BigInt(r.stats.imageEnd)).toBeGreaterThanOrEqual(BigInt(at.addr + 5000));
      expect(field(s, 'bytes')).toBe(data.readBigUInt64LE(0));
      expect(s).toContain('name=embedded\n');
      if (withInitrd) expect(field(s, 'first0')).toBeGreaterThanOrEqual(BigInt(r.stats.imageEnd));
    });
  }
});

describe('the ELF image', () => {
  it('objdump disassembles it as x86-64 with the stub symbols', async () => {
    const r = handKernel((a) => { a.i('xor', r32(RAX), r32(RAX)); a.i('ret'); });
    const p = writeElf(r, 'objdump');
    const { stdout } = await execa('objdump', ['-d', '-m', 'i386:x86-64', p]);
    for (const s of ['_start32', '_start64', 'isr_common', 'poweroff', 'trap', 'abort', 'export:asuk_main']) {
      expect(stdout).toContain(`<${s}>:`);
    }
    expect(stdout).toMatch(/<_start32>:\n\s+[0-9a-f]+:\s+89 c6\s+mov\s+%eax,%esi/);
  });
});
