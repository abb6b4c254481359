// Prints every spec failure of the named files: a debugging aid for the
// compiler, run by hand:  npx vite-node test/spec/detail.ts -- elem,linking
import { join } from 'node:path';
import { SPEC_DIR, loadDeps, runSpecFile } from './harness.ts';

const files = (process.argv.slice(2).find((a) => a !== '--') ?? '').split(',').filter(Boolean);
if (!files.length) {
  console.error('usage: npx vite-node test/spec/detail.ts -- FILE[,FILE...]   (names of vendor/wasm-spec/*.wast)');
  process.exit(2);
}
const deps = await loadDeps();
for (const f of files) {
  const r = await runSpecFile(join(SPEC_DIR, `${f}.wast`), deps);
  console.log(`${f}: ${r.passed} passed, ${r.failed} failed`);
  for (const x of r.failures) console.log(`  ${f}.wast:${x.line}: ${x.reason}`);
}
