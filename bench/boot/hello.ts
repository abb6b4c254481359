// Boot figures of images/hello (issue 2): QEMU launch-to-exit wall time and
// the guest's own TSC boot time (stub entry to main), -M pc and -M microvm,
// 11 runs each, medians. TCG unless ASUK_ACCEL=kvm.
//   npx vite-node bench/boot/hello.ts
import { join } from 'node:path';
import { buildImage, ROOT } from '../../tools/image/index.ts';
import { runQemu } from '../../tools/qemu/index.ts';
import { median } from '../host/index.ts';

const elf = (await buildImage('hello', { out: join(ROOT, 'build', 'bench-hello.elf') })).elf;
for (const machine of ['pc', 'microvm'] as const) {
  const wall: number[] = [], boot: number[] = [];
  for (let i = 0; i < 11; i++) {
    const r = await runQemu({ kernel: elf, machine, memory: '128M', timeoutMs: 30_000 });
    if (r.guestExit !== 0) throw new Error(`hello failed on ${machine}:\n${r.serial}`);
    wall.push(r.wallMs);
    boot.push(Number(/boot: (\d+) us/.exec(r.serial)![1]));
  }
  console.log(`${machine}: launch-to-exit median ${median(wall).toFixed(0)} ms (min ${Math.min(...wall).toFixed(0)}), `
    + `boot (TSC, stub entry to main) median ${median(boot)} us (min ${Math.min(...boot)})`);
}
