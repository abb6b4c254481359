// The WASI layer on the Linux target: wasi/ (AssemblyScript, one
// implementation of WASI preview1) compiled by asc, then by tools/aot into
// the same blob as the app, as an instance with the label prefix `wasi.`
// and its own linear memory (tools/aot/ABI.md "Several instances").
//
//   app --call--> import:wasi_snapshot_preview1.NAME (thunk: saves the app's
//                 r15, copies the arguments, calls wasi.export:NAME, restores r15)
//   wasi layer --call--> import:host.* (a few instructions each, below):
//     sys(nr, a..f)  one raw Linux syscall      copy(dst, src, n)  rep movsb
//     app_base/app_size  the app memory's cells own_base  the layer's memory base
//     argv/envp      the process's native arrays
//     call2(fn, a, b)    a native System V call (the vDSO's clock_gettime, wasi/vdso.ts)
// The layer checks every app pointer against app_size before it touches it.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RAX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R15, type Label } from '../../x86/index.ts';
import { decodeModule, funcTypeOf, type FuncType, type Module } from '../../wasm/index.ts';
import { type Rt, q, d, i, m, rip } from './emit.ts';

export const WASI_MODULE = 'wasi_snapshot_preview1';
export const LAYER_PREFIX = 'wasi.';
const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--debug', '--initialMemory', '2'];

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'asuk') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the asuk repository above ${from}`);
  }
}

let cached: { wasm: Uint8Array; module: Module; types: Map<string, FuncType> } | null = null;

/**
 * The layer's Wasm, compiled by asc on first use and cached under
 * build/wasi/ (a temp folder when the package is read-only) by a hash of
 * wasi/*.ts and the flags: one asc run per change of the layer, not per program.
 */
export function wasiLayer(): { wasm: Uint8Array; module: Module; types: Map<string, FuncType> } {
  if (cached) return cached;
  const root = findRoot(dirname(new URL(import.meta.url).pathname));
  const src = join(root, 'wasi');
  const h = createHash('sha256').update(ASC_FLAGS.join(' '));
  for (const f of readdirSync(src).filter((f) => f.endsWith('.ts')).sort()) h.update(f).update(readFileSync(join(src, f)));
  const name = `layer-${h.digest('hex').slice(0, 16)}.wasm`;
  const out = [join(root, 'build', 'wasi', name), join(tmpdir(), `asuk-wasi-${process.getuid?.() ?? 0}`, name)]
    .find((f) => existsSync(f)) ?? compileLayer(root, name);
  const wasm = new Uint8Array(readFileSync(out));
  const module = decodeModule(wasm);
  const types = new Map<string, FuncType>();
  for (const e of module.exports) if (e.kind === 'func') types.set(e.name, funcTypeOf(module, e.index));
  cached = { wasm, module, types };
  return cached;
}

/** Runs asc on wasi/index.ts into build/wasi/ (or a temp folder when the package is read-only); returns the file. */
function compileLayer(root: string, name: string): string {
  const asc = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');
  for (const dir of [join(root, 'build', 'wasi'), join(tmpdir(), `asuk-wasi-${process.getuid?.() ?? 0}`)]) {
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = join(dir, `${name}.${process.pid}.tmp`);
      execFileSync(process.execPath, [asc, join('wasi', 'index.ts'), ...ASC_FLAGS, '-o', tmp], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      renameSync(tmp, join(dir, name));
      return join(dir, name);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw e;
    }
  }
  throw new Error('cannot write the compiled WASI layer anywhere (build/wasi and the temp folder are read-only)');
}

/** Imports the layer gets from the target, and what it gives env.abort (the runtime's `abort`). */
export const LAYER_HOST_IMPORTS = ['sys', 'app_base', 'app_size', 'own_base', 'copy', 'argv', 'envp', 'call2'];

/** `import:wasi_snapshot_preview1.NAME` for the app: a call into the layer's export with the layer's r15. */
export function emitWasiThunk(rt: Rt, name: string, params: number): void {
  const { asm } = rt;
  const slots = Math.max(1, params) + (Math.max(1, params) & 1);
  asm.i('push', q(RBP));
  asm.i('mov', q(RBP), q(RSP));
  asm.i('push', q(R15));
  asm.i('sub', q(RSP), i(8 + 8 * slots));
  for (let k = 0; k < params; k++) {
    asm.i('mov', q(RAX), m(RBP, 16 + 8 * k));
    asm.i('mov', m(RSP, 8 * k), q(RAX));
  }
  asm.i('call', asm.sym(`${LAYER_PREFIX}export:${name}`));
  asm.i('mov', q(R15), m(RBP, -8));
  asm.i('leave');
  asm.i('ret');
}

/** The layer's `import:host.*` functions. `appCells` is the app memory's cells (null: the app has none). */
export function emitLayerHost(rt: Rt, appCells: Label | null, ownCells: Label): void {
  const { asm } = rt;
  const P = (k: number) => m(RSP, 8 + 8 * k);
  const fn = (name: string, body: () => void) => { asm.bind(asm.sym(`import:host.${name}`)); body(); asm.i('ret'); };
  fn('sys', () => {
    asm.i('mov', q(RAX), P(0));
    asm.i('mov', q(RDI), P(1));
    asm.i('mov', q(RSI), P(2));
    asm.i('mov', q(RDX), P(3));
    asm.i('mov', q(R10), P(4));
    asm.i('mov', q(R8), P(5));
    asm.i('mov', q(R9), P(6));
    asm.i('syscall');
  });
  const cell = (l: Label | null, off: number) => () => {
    if (l) asm.i('mov', q(RAX), rip(l, off));
    else asm.i('xor', d(RAX), d(RAX));
  };
  fn('app_base', cell(appCells, 8));
  fn('app_size', cell(appCells, 16));
  fn('own_base', cell(ownCells, 8));
  fn('copy', () => {
    asm.i('mov', q(RDI), P(0));
    asm.i('mov', q(RSI), P(1));
    asm.i('mov', q(RCX), P(2));
    asm.i('rep movsb');
  });
  // call2(fn, a, b): a System V call of a native function (the vDSO's clock_gettime), rsp 16-aligned.
  fn('call2', () => {
    asm.i('push', q(RBP));
    asm.i('mov', q(RBP), q(RSP));
    asm.i('and', q(RSP), i(-16));
    asm.i('mov', q(RDI), m(RBP, 24));
    asm.i('mov', q(RSI), m(RBP, 32));
    asm.i('call', m(RBP, 16));
    asm.i('leave');
  });
  fn('argv', () => asm.i('mov', q(RAX), rip(rt.L('argv'))));
  fn('envp', () => asm.i('mov', q(RAX), rip(rt.L('envp'))));
}
