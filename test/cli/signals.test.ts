// Stopping a running guest: Ctrl-C (SIGINT) stops QEMU cleanly and asuk
// exits 130; SIGTERM stops QEMU too; --timeout gives 124. The guest is a
// hand-made multiboot ELF32 that halts forever (cli; hlt), so nothing but
// asuk's signal handling can end the run. No QEMU may be left behind.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASUK, tmp } from './helpers.ts';

/** A minimal ELF32 (ELF spec) with one PT_LOAD at 1 MiB holding a multiboot header (0.6.96 §3.1) and `cli; hlt; jmp $-1`. */
function haltingElf(): Buffer {
  const b = Buffer.alloc(100);
  const base = 0x100000, mb = 84, code = 96;
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  b.writeUInt16LE(2, 16); b.writeUInt16LE(3, 18); b.writeUInt32LE(1, 20);
  b.writeUInt32LE(base + code, 24); b.writeUInt32LE(52, 28);
  b.writeUInt16LE(52, 40); b.writeUInt16LE(32, 42); b.writeUInt16LE(1, 44); b.writeUInt16LE(40, 46);
  b.writeUInt32LE(1, 52); b.writeUInt32LE(0, 56); b.writeUInt32LE(base, 60); b.writeUInt32LE(base, 64);
  b.writeUInt32LE(b.length, 68); b.writeUInt32LE(b.length, 72); b.writeUInt32LE(5, 76); b.writeUInt32LE(0x1000, 80);
  b.writeUInt32LE(0x1badb002, mb); b.writeUInt32LE(0, mb + 4); b.writeUInt32LE((-0x1badb002) >>> 0, mb + 8);
  b.set([0xfa, 0xf4, 0xeb, 0xfd], code);
  return b;
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** Starts `asuk run hang.elf`, waits for its QEMU child, returns both. */
async function startHanging(extra: string[] = []) {
  const elf = join(tmp, 'hang.elf');
  writeFileSync(elf, haltingElf());
  const child = execa(process.execPath, [ASUK, 'run', elf, '--timeout', '60', ...extra], { reject: false, stdin: 'ignore', timeout: 90_000 });
  let qemu = 0;
  for (let i = 0; i < 100 && !qemu; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const ps = await execa('pgrep', ['-P', String(child.pid), '-f', 'qemu-system-x86_64'], { reject: false });
    qemu = Number(ps.stdout.trim().split('\n')[0]) || 0;
  }
  return { child, qemu };
}

describe('stopping a running guest', () => {
  it('SIGINT (Ctrl-C): QEMU stops, asuk exits 130', async () => {
    const { child, qemu } = await startHanging();
    expect(qemu).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(alive(qemu)).toBe(false);
  });

  it('SIGTERM: QEMU stops with asuk, exit 143', async () => {
    const { child, qemu } = await startHanging();
    expect(qemu).toBeGreaterThan(0);
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(143);
    expect(alive(qemu)).toBe(false);
  });

  it('--timeout stops QEMU: exit 124 and one line', async () => {
    const elf = join(tmp, 'hang2.elf');
    writeFileSync(elf, haltingElf());
    const r = await execa(process.execPath, [ASUK, 'run', elf, '--timeout', '2'], { reject: false, stdin: 'ignore', timeout: 30_000 });
    expect(r.exitCode).toBe(124);
    expect(r.stderr).toMatch(/^asuk: QEMU stopped after --timeout 2 s$/m);
  });
});
