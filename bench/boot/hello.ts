// Boot figures of images/hello (issues 2, 13):
//   - the ratio: hello's QEMU launch-to-exit wall time on -M microvm over that
//     of the smallest multiboot kernel (minimal.ts: writes the exit port,
//     nothing else), same run, alternating boots, medians. What QEMU itself
//     costs cancels out; what is left is asuk's boot path and hello's work.
//     Targets (issue 13): <= 1.20 first, <= 1.10 the goal.
//   - hello's own TSC boot time (stub entry to main), medians;
//   - launch-to-exit on -M pc (qboot) for comparison.
// TCG unless ASUK_ACCEL=kvm.
//   npx vite-node bench/boot/hello.ts [-- --runs N]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage, ROOT } from '../../tools/image/index.ts';
import { runQemu, type Machine } from '../../tools/qemu/index.ts';
import { median } from '../host/index.ts';
import { minimalKernel } from './minimal.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21;
const elf = (await buildImage('hello', { out: join(ROOT, 'build', 'bench-hello.elf') })).elf;
const minimal = join(ROOT, 'build', 'bench-minimal.elf');
writeFileSync(minimal, minimalKernel());

async function once(kernel: string, machine: Machine): Promise<{ wall: number; bootUs: number }> {
  const r = await runQemu({ kernel, machine, memory: '128M', timeoutMs: 30_000 });
  if (r.guestExit !== 0) throw new Error(`${kernel} failed on ${machine}:\n${r.serial}`);
  const m = /boot: (\d+) us/.exec(r.serial);
  return { wall: r.wallMs, bootUs: m ? Number(m[1]) : 0 };
}

await once(elf, 'microvm'); // warm the host's caches for both
await once(minimal, 'microvm');
const hw: number[] = [], mw: number[] = [], boot: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const first = i % 2 === 0; // alternate which goes first
  if (first) { const h = await once(elf, 'microvm'); hw.push(h.wall); boot.push(h.bootUs); }
  mw.push((await once(minimal, 'microvm')).wall);
  if (!first) { const h = await once(elf, 'microvm'); hw.push(h.wall); boot.push(h.bootUs); }
}
const ratio = median(hw) / median(mw);
console.log(`microvm: hello launch-to-exit median ${median(hw).toFixed(1)} ms, minimal kernel ${median(mw).toFixed(1)} ms, `
  + `ratio ${ratio.toFixed(3)} (target <= 1.20, goal <= 1.10; ${RUNS} alternating pairs)`);
console.log(`microvm: hello boot (TSC, stub entry to main) median ${median(boot)} us (min ${Math.min(...boot)})`);

const pw: number[] = [], pb: number[] = [];
for (let i = 0; i < 5; i++) { const h = await once(elf, 'pc'); pw.push(h.wall); pb.push(h.bootUs); }
console.log(`pc (qboot): hello launch-to-exit median ${median(pw).toFixed(0)} ms, boot median ${median(pb)} us`);
