// bench/host/node-run.ts — the entry of the benchmark's V8 runners:
// `node [--no-liftoff | --liftoff-only ...] node-run.mjs PROG.wasm ARGS...`
// runs a WASI command with bench/host/wasi-shim.ts, output straight to the
// process's fds, exit status as the program's. Bundled by esbuild at bench
// time (bench/host/v8.ts), since Node 20 cannot load .ts itself.
import { readFileSync, writeSync } from 'node:fs';
import { runWasi } from './wasi-shim.ts';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('node-run: E_USAGE node-run.mjs PROG.wasm [ARGS...]\n');
  process.exit(2);
}
const r = runWasi(new Uint8Array(readFileSync(file)), [file, ...rest], {
  write: (fd, b) => { let off = 0; while (off < b.length) off += writeSync(fd, b, off); },
});
if (r.trap) process.stderr.write(`trap: ${r.trap}\n`);
process.exitCode = r.exitCode;
