// bench/fs/main.ts — `npm run bench:fs -- [--runs N] [--sizes 1,64,256] [--no-build-time] [--no-work]`:
// runs bench/fs (index.ts), prints the table, writes bench/results/fs-<date>[-N].json.
import { writeResult } from '../host/index.ts';
import { parseArgs, runFsBench } from './index.ts';

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const r = await runFsBench(o);
  const accel = (r.json as { accel: string }).accel.toUpperCase();
  console.log(`\nfilesystem benchmark under ${accel}, -M pc (medians of ${o.runs} runs; ms: lower is better, MiB/s: higher is better)\n`);
  console.log(r.table);
  const out = writeResult('fs', r.json);
  console.log(`\nwrote ${out}`);
}

main().catch((e: Error) => { console.error(e.message); process.exit(1); });
