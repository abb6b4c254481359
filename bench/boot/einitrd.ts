// einitrd against the same tree as an external -initrd (issue 5): image sizes
// with and without a 1 MiB embedded archive, and boot figures of both
// (shell image, -M microvm, 9 alternating runs, medians).
//   npx vite-node bench/boot/einitrd.ts
import { randomFillSync } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packDirectory } from '../../tools/cpio/index.ts';
import { buildImage, ROOT } from '../../tools/image/index.ts';
import { runQemu } from '../../tools/qemu/index.ts';
import { median } from '../host/index.ts';

const tmp = join(ROOT, 'build', 'bench-einitrd');
rmSync(tmp, { recursive: true, force: true });
mkdirSync(join(tmp, 'tree'), { recursive: true });
writeFileSync(join(tmp, 'tree', 'blob'), randomFillSync(Buffer.alloc(1 << 20)));
writeFileSync(join(tmp, 'tree', 'small'), 'hi\n');
const cpio = join(tmp, 'tree.cpio');
await packDirectory(join(tmp, 'tree'), cpio);
const plain = (await buildImage('shell', { out: join(tmp, 'plain.elf') })).elf;
const emb = (await buildImage('shell', { out: join(tmp, 'emb.elf'), rootfs: cpio })).elf;
console.log(`image: ${statSync(plain).size} bytes plain, ${statSync(emb).size} bytes with the ${statSync(cpio).size}-byte einitrd`);
const res = { embedded: { wall: [] as number[], app: [] as number[] }, external: { wall: [] as number[], app: [] as number[] } };
for (let i = 0; i < 9; i++) {
  for (const k of ['embedded', 'external'] as const) {
    const r = await runQemu({
      kernel: k === 'embedded' ? emb : plain, initrd: k === 'external' ? [cpio] : undefined,
      machine: 'microvm', memory: '32M', append: '-- uptime', timeoutMs: 30_000,
    });
    if (r.guestExit !== 0) throw new Error(r.serial);
    res[k].wall.push(r.wallMs);
    res[k].app.push(Number(/boot: (\d+) us/.exec(r.serial)![1]));
  }
}
for (const [k, v] of Object.entries(res)) {
  console.log(`${k}: launch-to-exit ${median(v.wall).toFixed(0)} ms, boot-to-app ${(median(v.app) / 1000).toFixed(1)} ms`);
}
