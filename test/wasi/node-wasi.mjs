// Runs a WASI command under Node's WASI (the reference the C programs are
// compared with): node --no-turbo-fast-api-calls node-wasi.mjs PROG.wasm
// GUEST=HOSTDIR ENVJSON [args...]. Exit status = the program's.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, preopen, envJson, ...args] = process.argv.slice(2);
const [guest, host] = preopen.split('=');
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: JSON.parse(envJson), preopens: { [guest]: host }, returnOnExit: true });
const { instance } = await WebAssembly.instantiate(readFileSync(file), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
