// Prints every spec failure of the files in SPEC_DETAIL (a debugging aid for
// the compiler; skipped unless the variable is set).
import { it } from 'vitest';
import { join } from 'node:path';
import { SPEC_DIR, loadDeps, runSpecFile } from '../spec/harness.ts';

it.skipIf(!process.env.SPEC_DETAIL)('spec failures in detail', async () => {
  const deps = await loadDeps();
  for (const f of process.env.SPEC_DETAIL!.split(',')) {
    const r = await runSpecFile(join(SPEC_DIR, `${f}.wast`), deps);
    console.log(`${f}: ${r.passed} passed, ${r.failed} failed`);
    for (const x of r.failures) console.log(`  ${f}.wast:${x.line}: ${x.reason}`);
  }
}, 600_000);
