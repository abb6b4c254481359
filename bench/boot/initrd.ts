// Boot with an initrd (issue 4): 0, 1, 64 and 256 MiB archives of 100 files
// each, the shell image on -M microvm: launch-to-exit, boot-to-app, the
// kernel's `mount: N us`, and the least -m (MiB) that boots each.
//   npx vite-node bench/boot/initrd.ts
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packDirectory } from '../../tools/cpio/index.ts';
import { buildImage, ROOT } from '../../tools/image/index.ts';
import { runQemu } from '../../tools/qemu/index.ts';
import { median } from '../host/index.ts';

const tmp = join(ROOT, 'build', 'bench-initrd');
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
const elf = (await buildImage('shell', { out: join(tmp, 'shell.elf') })).elf;
const boot = (initrd: string | undefined, memory: string) => runQemu({
  kernel: elf, machine: 'microvm', memory, initrd: initrd ? [initrd] : undefined, append: '-- uptime', timeoutMs: 60_000, verbose: true,
});

async function archive(mib: number): Promise<string | undefined> {
  if (!mib) return undefined;
  const d = join(tmp, `t${mib}`);
  mkdirSync(d);
  const per = Math.floor((mib * 1048576) / 100);
  for (let i = 0; i < 100; i++) writeFileSync(join(d, `f${i}`), Buffer.alloc(per, i));
  const cpio = join(tmp, `t${mib}.cpio`);
  await packDirectory(d, cpio);
  return cpio;
}

for (const mib of [0, 1, 64, 256]) {
  const cpio = await archive(mib);
  const wall: number[] = [], app: number[] = [], mount: number[] = [];
  for (let k = 0; k < 5; k++) {
    const r = await boot(cpio, `${mib + 64}M`);
    if (r.guestExit !== 0) throw new Error(r.serial);
    wall.push(r.wallMs);
    app.push(Number(/boot: (\d+) us/.exec(r.serial)![1]));
    const m = /mount: (\d+) us/.exec(r.diag); // a kernel diagnostic (debugcon)
    if (m) mount.push(Number(m[1]));
  }
  let least = 0;
  for (let m = Math.max(4, mib); m <= mib + 64 && !least; m++) {
    const r = await boot(cpio, `${m}M`);
    if (r.guestExit === 0 && r.serial.includes('boot:')) least = m;
  }
  console.log(`${mib} MiB (${cpio ? statSync(cpio).size : 0} bytes): launch-to-exit ${median(wall).toFixed(0)} ms, `
    + `boot-to-app ${(median(app) / 1000).toFixed(1)} ms, mount ${mount.length ? `${(median(mount) / 1000).toFixed(1)} ms` : '-'}, `
    + `least -m ${least}M`);
}
