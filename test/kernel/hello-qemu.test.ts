// images/hello booted for real: asc -> tools/aot -> tools/link -> QEMU (TCG),
// on -M pc and -M microvm, with an -initrd module and a command line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAs } from './harness.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'asuk-kernel-'));
let elfPath = '';

describe('images/hello in QEMU', () => {
  beforeAll(async () => {
    const { wasm } = await compileAs('test/kernel/as/hello-entry.ts');
    const { buildKernelElf } = await import('../../tools/link/index.ts');
    elfPath = path.join(tmp, 'hello.elf');
    writeFileSync(elfPath, buildKernelElf(wasm).elf);
    writeFileSync(path.join(tmp, 'mod.bin'), Buffer.alloc(3 << 20, 0x5a)); // 3 MiB module after the image
  });

  for (const machine of ['pc', 'microvm'] as const) {
    it(`boots on -M ${machine}: greeting, argv, RAM, boot time, exit 0`, async () => {
      const { runQemu } = await import('../../tools/qemu/index.ts');
      const r = await runQemu({
        kernel: elfPath, machine, memory: '64M', timeoutMs: 20_000,
        initrd: [path.join(tmp, 'mod.bin')],
        append: 'vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ] -- one "two three"',
      });
      expect(r.timedOut).toBe(false);
      const lines = r.serial.split('\n');
      expect(r.guestExit, r.serial + r.stderr).toBe(0);
      const at = lines.findIndex((l) => l.endsWith('hello from asuk')); // SeaBIOS leaves 'Booting from ROM..' on the line
      expect(at).toBeGreaterThanOrEqual(0);
      expect(lines.slice(at + 1, at + 3)).toEqual(['argv[0]=one', 'argv[1]=two three']);
      expect(lines[at + 3]).toMatch(/^ram: (63|64) MiB$/);
      const m = /^boot: (\d+) us \(tsc (\d+) MHz\)$/.exec(lines[at + 4]);
      expect(m, lines[at + 4]).not.toBeNull();
      expect(Number(m![2])).toBeGreaterThan(100);
      console.log(`hello on ${machine}: ${lines[at + 4]}; wall ${r.wallMs.toFixed(0)} ms`);
    });
  }
});

describe('kernel exits in QEMU', () => {
  let exitsElf = '';
  beforeAll(async () => {
    const { wasm } = await compileAs('test/kernel/as/exits-entry.ts');
    const { buildKernelElf } = await import('../../tools/link/index.ts');
    exitsElf = path.join(tmp, 'exits.elf');
    writeFileSync(exitsElf, buildKernelElf(wasm).elf);
  });

  async function run(how: string) {
    const { runQemu } = await import('../../tools/qemu/index.ts');
    const r = await runQemu({ kernel: exitsElf, machine: 'microvm', memory: '32M', timeoutMs: 20_000, append: `-- ${how}` });
    expect(r.timedOut).toBe(false);
    expect(r.serial).toContain(`exits: ${how}\n`);
    return r;
  }

  it('main returning n exits with n', async () => {
    expect((await run('ret')).guestExit).toBe(9);
  });
  it('exit(code) from a nested call exits with code', async () => {
    expect((await run('exit')).guestExit).toBe(5);
  });
  it('panic prints its line and exits 0x7f', async () => {
    const r = await run('panic');
    expect(r.serial).toMatch(/\npanic: app: gave up\n$/);
    expect(r.guestExit).toBe(0x7f);
  });
  it('throw reaches kernelAbort: message, file, line, column; exits 0x7f', async () => {
    const r = await run('throw');
    // Then the backtrace from the function that threw out to the export the stub called.
    expect(r.serial).toMatch(/\npanic: abort: boom at test\/kernel\/as\/exits-entry\.ts:\d+:\d+\n/);
    expect(r.serial.slice(r.serial.indexOf('panic: abort:')).split('\n').slice(1)).toEqual([
      '  at test/kernel/as/exits-entry/main', '  at kernel/main/kernelMain', '  at test/kernel/as/exits-entry/asuk_main', '',
    ]);
    expect(r.guestExit).toBe(0x7f);
  });
  it.each([['recurse', 'downManaged'], ['recurse-plain', 'downPlain']])(
    'a stack overflow (%s) names the function that overflowed', async (how, fn) => {
      const r = await run(how);
      // The backtrace of a runaway recursion is cut after 16 lines.
      const at = `  at test/kernel/as/exits-entry/${fn}\n`;
      expect(r.serial, r.serial).toMatch(new RegExp(`\npanic: trap: call stack exhausted in test/kernel/as/exits-entry/${fn}\n(${at}){16}  \\.\\.\\.\n$`));
      expect(r.guestExit).toBe(0x7f);
    });
  it('running out of RAM stops with a panic line, not a hang', async () => {
    const r = await run('oom');
    expect(r.serial).toMatch(/\npanic: .+\n( {2}at .+\n)+$/);
    expect(r.guestExit).toBe(0x7f);
  });
});
