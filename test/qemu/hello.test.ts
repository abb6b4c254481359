// The hello image under real QEMU: -M pc and -M microvm, argv from the
// kernel command line, RAM size, boot time, exit code 0; and QEMU stops by
// itself when isa-debug-exit is absent.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildImage } from '../../tools/image/index.ts';
import { runQemu, type Machine } from '../../tools/qemu/index.ts';
import { tmp } from './helpers.ts';

let elf = '';
beforeAll(async () => {
  elf = (await buildImage('hello', { out: join(tmp, 'hello.elf') })).elf;
}, 120_000);

describe.each<Machine>(['pc', 'microvm'])('hello on -M %s', (machine) => {
  it('greets, echoes argv, reports RAM and boot time, exits 0', async () => {
    const r = await runQemu({ kernel: elf, machine, memory: '64M', append: 'quiet -- one "two words" 3', timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(r.serial).toContain('hello from asuk');
    expect(r.serial).toMatch(/argv\[0\]=one\b/);
    expect(r.serial).toMatch(/argv\[1\]=two words\b/);
    expect(r.serial).toMatch(/argv\[2\]=3\b/);
    const ram = Number(/ram: (\d+) MiB/.exec(r.serial)?.[1]);
    expect(ram).toBeGreaterThan(56);
    expect(ram).toBeLessThanOrEqual(64);
    const boot = Number(/boot: (\d+) us/.exec(r.serial)?.[1]);
    expect(boot).toBeGreaterThan(0);
    expect(boot).toBeLessThan(5_000_000);
    expect(r.guestExit).toBe(0);
  });
});

it('QEMU returns by itself without isa-debug-exit (ACPI power-off)', async () => {
  for (const machine of ['pc', 'microvm'] as const) {
    const r = await runQemu({ kernel: elf, machine, debugExit: false, timeoutMs: 30_000 });
    expect(r.timedOut, machine).toBe(false);
    expect(r.serial).toContain('hello from asuk');
    expect(r.status, machine).toBe(0);
  }
});
