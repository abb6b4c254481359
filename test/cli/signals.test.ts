// Stopping a running guest: Ctrl-C (SIGINT) stops QEMU cleanly and asuk
// exits 130; SIGTERM stops QEMU too; --timeout gives 124. The guest is a
// hand-made multiboot ELF32 that halts forever (cli; hlt), so nothing but
// asuk's signal handling can end the run. No QEMU may be left behind.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASUK, haltingElf, tmp } from './helpers.ts';


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
