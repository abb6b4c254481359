// The default image (`make run`): its einitrd is the root, the config reads,
// /tmp is writable, and it exits 0 under plain `qemu -kernel`, no -initrd.
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { buildImage, DEFAULT_IMAGE } from '../../tools/image/index.ts';
import { runQemu } from '../../tools/qemu/index.ts';
import { tmp } from './helpers.ts';

it('the default image boots from its embedded rootfs and exits 0', async () => {
  expect(DEFAULT_IMAGE).toBe('demo');
  const r0 = await buildImage(DEFAULT_IMAGE, { out: join(tmp, 'demo.elf') });
  expect(r0.einitrdBytes).toBeGreaterThan(0);
  const r = await runQemu({ kernel: r0.elf, machine: 'microvm', memory: '32M', timeoutMs: 30_000 });
  expect(r.serial).toMatch(/^ {6}index\.html {2}\(76 bytes\)$/m);
  expect(r.serial).toContain('  server_name = demo.asuk.local');
  expect(r.serial).toContain('/tmp/note.txt reads back: written at boot by asuk (0 args) (ok)');
  expect(r.serial).toContain('demo: all good, exiting 0');
  expect(r.guestExit).toBe(0);

  // demo imports the VFS, not "asuk/files": no PCI/virtio/9P code, a clear line, boots on
  const v = await runQemu({ kernel: r0.elf, memory: '32M', timeoutMs: 30_000, append: 'vfs.fstab=[ "embedded:/:extract::ramfs=1:" "fs0:/data:9pfs:::mkmp" ]' });
  expect(v.serial).toContain('rootfs: error: fstab entry "fs0:/data:9pfs:::mkmp": driver 9pfs is not built into this image (import from "asuk/files" in the app), skipped');
  expect(v.serial).toContain('demo: all good, exiting 0');
  expect(v.guestExit).toBe(0);
}, 120_000);
