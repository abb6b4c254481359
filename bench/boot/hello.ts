// Boot figures of images/hello (issues 2, 13):
//   - the ratio: hello's QEMU launch-to-exit wall time on -M microvm over that
//     of the smallest multiboot kernel (minimal.ts: writes the exit port,
//     nothing else), same run, alternating boots, medians. What QEMU itself
//     costs cancels out; what is left is asuk's boot path and hello's work.
//     Targets (issue 13): <= 1.20 first, <= 1.10 the goal.
//   - the same ratio of QEMU's CPU time (user + sys, from the shell's `times`):
//     on a busy host, wall time measures the scheduler as much as the boot;
//     CPU time is the work QEMU did.
//   - hello's own TSC boot time (stub entry to main), medians;
//   - launch-to-exit on -M pc (qboot) for comparison.
// TCG unless ASUK_ACCEL=kvm.
//   npx vite-node bench/boot/hello.ts [-- --runs N] [--baseline ELF]
// --baseline: another hello ELF (e.g. built from an older commit) measured in
// the same alternation, so a change is judged against its predecessor.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage, ROOT } from '../../tools/image/index.ts';
import { execa } from 'execa';
import { qemuArgs, type Machine } from '../../tools/qemu/index.ts';
import { median } from '../host/index.ts';
import { minimalKernel } from './minimal.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21;
const baseArg = process.argv.indexOf('--baseline');
const baseline = baseArg > 0 ? process.argv[baseArg + 1] : null;
const elf = (await buildImage('hello', { out: join(ROOT, 'build', 'bench-hello.elf') })).elf;
const minimal = join(ROOT, 'build', 'bench-minimal.elf');
writeFileSync(minimal, minimalKernel());

/** One boot through sh, whose `times` reports QEMU's CPU time (children's user and sys) on stderr. */
async function once(kernel: string, machine: Machine): Promise<{ wall: number; cpu: number; bootUs: number }> {
  const args = qemuArgs({ kernel, machine, memory: '128M' });
  const t0 = performance.now();
  const r = await execa('sh', ['-c', '"$0" "$@"; rc=$?; times >&2; exit $rc', 'qemu-system-x86_64', ...args],
    { reject: false, timeout: 30_000, stdin: 'ignore' });
  const wall = performance.now() - t0;
  if (r.exitCode !== 1) throw new Error(`${kernel} failed on ${machine} (status ${r.exitCode}):\n${r.stdout}${r.stderr}`);
  const t = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(String(r.stderr));
  if (!t) throw new Error(`no times output: ${r.stderr}`);
  const cpu = (Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4])) * 1000;
  const m = /boot: (\d+) us/.exec(String(r.stdout));
  return { wall, cpu, bootUs: m ? Number(m[1]) : 0 };
}

await once(elf, 'microvm'); // warm the host's caches for both
await once(minimal, 'microvm');
const hw: number[] = [], mw: number[] = [], hc: number[] = [], mc: number[] = [], boot: number[] = [];
const bw: number[] = [], bc: number[] = [];
const hello = async () => { const h = await once(elf, 'microvm'); hw.push(h.wall); hc.push(h.cpu); boot.push(h.bootUs); };
for (let i = 0; i < RUNS; i++) {
  const first = i % 2 === 0; // alternate which goes first
  if (first) await hello();
  const m = await once(minimal, 'microvm');
  mw.push(m.wall); mc.push(m.cpu);
  if (!first) await hello();
  if (baseline) { const b = await once(baseline, 'microvm'); bw.push(b.wall); bc.push(b.cpu); }
}
console.log(`microvm: hello launch-to-exit median ${median(hw).toFixed(1)} ms, minimal kernel ${median(mw).toFixed(1)} ms, `
  + `ratio ${(median(hw) / median(mw)).toFixed(3)} (target <= 1.20, goal <= 1.10; ${RUNS} alternating pairs)`);
console.log(`microvm: QEMU CPU time hello median ${median(hc).toFixed(0)} ms, minimal ${median(mc).toFixed(0)} ms, `
  + `ratio ${(median(hc) / median(mc)).toFixed(3)}`);
if (baseline) {
  console.log(`microvm: baseline ${baseline}: wall median ${median(bw).toFixed(1)} ms (ratio ${(median(bw) / median(mw)).toFixed(3)}), `
    + `CPU median ${median(bc).toFixed(0)} ms (ratio ${(median(bc) / median(mc)).toFixed(3)})`);
}
console.log(`microvm: hello boot (TSC, stub entry to main) median ${median(boot)} us (min ${Math.min(...boot)})`);

const pw: number[] = [], pb: number[] = [];
for (let i = 0; i < 5; i++) { const h = await once(elf, 'pc'); pw.push(h.wall); pb.push(h.bootUs); }
console.log(`pc (qboot): hello launch-to-exit median ${median(pw).toFixed(0)} ms, boot median ${median(pb)} us`);
