// The whole 9P stack under real QEMU, on -M pc (PCI enumeration, the virtio
// modern PCI transport, BAR moved below 4 GiB) and -M microvm (the virtio-mmio
// transport): the split virtqueue, virtio-9p, the 9P
// codec and the 9pfs glue against QEMU's own 9p server on two host
// directories. The guest prints a test table (test/9p/as/qemu-entry.ts) and
// exits with its failure count; afterwards the host directories are checked
// byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAs } from '../kernel/harness.ts';
import { ASC_FLAGS } from '../../tools/image/index.ts';
import { buildKernelElf } from '../../tools/link/index.ts';
import { runQemu, type Machine, type QemuResult } from '../../tools/qemu/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'asuk-9p-'));
let elf = '';
let in64: Buffer;

/** The 64-bit ELF of test/9p/as/qemu-entry.ts, compiled with the image flags. */
async function buildElf(): Promise<string> {
  // compileAs already passes the first flags of ASC_FLAGS (-O3 ... --use abort=...)
  const extra = ASC_FLAGS.slice(ASC_FLAGS.indexOf('--noExportMemory'));
  const { wasm } = await compileAs('test/9p/as/qemu-entry.ts', extra);
  const elf = join(tmp, 'p9.elf');
  writeFileSync(elf, buildKernelElf(wasm).elf);
  // ASUK_KEEP_9P_ELF=path keeps a copy to boot by hand (other machines, more RAM)
  if (process.env.ASUK_KEEP_9P_ELF) writeFileSync(process.env.ASUK_KEEP_9P_ELF, readFileSync(elf));
  return elf;
}

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >>> 9)) & 0xff;
  return b;
}

beforeAll(async () => {
  in64 = randomBytes(64 << 20);
  elf = await buildElf();
}, 300_000);

afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

describe.each<Machine>(['pc', 'microvm'])('9pfs under QEMU -M %s', (machine) => {
  const rw = join(tmp, machine, 'rw');
  const ro = join(tmp, machine, 'ro');
  let run: QemuResult;
  const dev = machine === 'microvm' ? 'virtio-9p-device' : 'virtio-9p-pci';

  beforeAll(async () => {
    mkdirSync(join(rw, 'many'), { recursive: true });
    mkdirSync(ro);
    writeFileSync(join(rw, 'hello.txt'), 'hello from the host\n');
    chmodSync(join(rw, 'hello.txt'), 0o640);
    for (let i = 0; i < 10000; i++) writeFileSync(join(rw, 'many', `f${i}`), '');
    writeFileSync(join(ro, 'keep.txt'), 'keep me\n');
    writeFileSync(join(rw, 'in64.bin'), in64);
    run = await runQemu({
      kernel: elf, machine, memory: '256M', timeoutMs: 120_000,
      extraArgs: [
        '-fsdev', `local,id=f0,path=${rw},security_model=none`, '-device', `${dev},fsdev=f0,mount_tag=fs0`,
        '-fsdev', `local,id=f1,path=${ro},security_model=none`, '-device', `${dev},fsdev=f1,mount_tag=fs1`,
      ],
    });
  }, 300_000);

  it('the guest test table passes', () => {
    if (run.guestExit !== 0) console.log(run.serial, run.stderr);
    expect(run.timedOut).toBe(false);
    const lines = run.serial.split(/\r?\n/).filter((l) => / \.\.\. /.test(l));
    expect(lines.filter((l) => !l.endsWith(' ... ok'))).toEqual([]);
    expect(lines.length).toBe(11);
    expect(run.serial).toContain('all ok');
    expect(run.guestExit).toBe(0);
    for (const l of run.serial.split(/\r?\n/)) if (l.startsWith('bench')) console.log(l);
  });

  it('a 64 MiB file read in the guest and written back has the same SHA-256', () => {
    const sha = (f: string) => createHash('sha256').update(readFileSync(join(rw, f))).digest('hex');
    expect(statSync(join(rw, 'out64.bin')).size).toBe(64 << 20);
    expect(sha('out64.bin')).toBe(sha('in64.bin'));
  });

  it('guest writes are on the host, byte for byte', () => {
    expect(readFileSync(join(rw, 'out.txt'), 'utf8')).toBe('written by asuk\nappended\n');
    const big = readFileSync(join(rw, 'big.bin'));
    const want = pattern(3 * 1024 * 1024 + 12345);
    expect(big.length).toBe(want.length);
    expect(createHash('sha256').update(big).digest('hex')).toBe(createHash('sha256').update(want).digest('hex'));
    expect(readFileSync(join(rw, 'moved', 'b.txt'), 'utf8')).toBe('A');
    expect(existsSync(join(rw, 'newdir'))).toBe(false);
    expect(readlinkSync(join(rw, 'moved', 'link'))).toBe('b.txt');
    expect(statSync(join(rw, 'moved', 'hard')).ino).toBe(statSync(join(rw, 'moved', 'b.txt')).ino);
    expect(existsSync(join(rw, 'gone.txt'))).toBe(false);
    expect(existsSync(join(rw, 'gonedir'))).toBe(false);
    expect(readFileSync(join(rw, 'trunc.txt'), 'utf8')).toBe('0123');
    expect(lstatSync(join(rw, 'moved', 'link')).isSymbolicLink()).toBe(true);
  });

  it('the read-only share is unchanged', () => {
    expect(readFileSync(join(ro, 'keep.txt'), 'utf8')).toBe('keep me\n');
    expect(existsSync(join(ro, 'new.txt'))).toBe(false);
    expect(existsSync(join(ro, 'd'))).toBe(false);
  });
});
