// A WASI command as the unikernel's app (issue 15 part 2), through the CLI
// as a user runs it: `asuk run prog.wasm --rootfs DIR -v HOST:/data -e K=V
// -- args` boots a microvm whose app is the program AOT-compiled into the
// image. C programs are built by Debian's clang + wasi-libc.

import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { asuk, freshDir } from '../cli/helpers.ts';
import { runQemu } from '../../tools/qemu/index.ts';

const HERE = import.meta.dirname;
let dir = '';
const wasm = (n: string) => join(dir, `${n}.wasm`);
/** The serial console's text with its CRLF line ends as LF. */
const out = (s: unknown) => String(s).replace(/\r\n/g, '\n');

beforeAll(async () => {
  dir = freshDir('wasi-app');
  // clang runs a wasm-opt it finds on PATH, and binaryen's (node_modules/.bin) drops the name section the trap line reads
  const env = { PATH: '/usr/bin:/bin' };
  for (const p of ['app', 'oob']) {
    await execa('clang', ['--target=wasm32-wasi', '-O2', join(HERE, 'c', `${p}.c`), '-o', wasm(p)], { env, extendEnv: false });
  }
  await execa('wat2wasm', [join(HERE, 'c', 'imports.wat'), '-o', wasm('imports')]);
  mkdirSync(join(dir, 'root', 'etc'), { recursive: true });
  writeFileSync(join(dir, 'root', 'etc', 'motd'), 'message of the day\n');
}, 240_000);

describe('asuk run prog.wasm', () => {
  it('runs a C program: argv word for word, env, a rootfs file, a file on a volume, /tmp, clocks, random, its exit status', async () => {
    const data = freshDir('wasi-app-data');
    writeFileSync(join(data, 'host.txt'), 'from the host\n');
    const run = () => asuk(['run', wasm('app'), '--rootfs', join(dir, 'root'), '-v', `${data}:/data`, '-e', 'GREETING=hi there',
      '--timeout', '120', '--', 'one', 'two words', 'q"uote'], { timeoutMs: 240_000 });
    const r = await run();
    expect(r.exitCode).toBe(7);
    const lines = out(r.stdout).split('\n');
    expect(lines.slice(0, 10)).toEqual(['argv[0]=app', 'argv[1]=one', 'argv[2]=two words', 'argv[3]=q"uote', 'GREETING=hi there',
      'motd: message of the day', 'tmp works', 'listed 2', 'year>=2024 1 monotonic 1', expect.stringMatching(/^random [0-9a-f]{32}$/)]);
    expect(readFileSync(join(data, 'out.txt'), 'utf8')).toBe('written by app\n');
    // random_get is RDRAND (TCG's -cpu max): never the same bytes twice
    const again = await run();
    expect(again.exitCode).toBe(7);
    expect(out(again.stdout).split('\n')[9]).not.toBe(lines[9]);
  }, 300_000);

  it('an out-of-bounds access traps with a line naming the app function, and the guest stops', async () => {
    const r = await asuk(['run', wasm('oob'), '--timeout', '120'], { timeoutMs: 240_000 });
    expect(out(r.stdout)).toContain('before\n');
    expect(out(r.stdout)).toContain('panic: trap: out of bounds memory access in peek_far');
    expect(r.exitCode).toBe(127);
  }, 300_000);

  it('refuses a program importing what the kernel does not give, naming every such import (exit 1)', async () => {
    const r = await asuk(['run', wasm('imports'), '--timeout', '60'], { timeoutMs: 120_000 });
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain('imports the kernel does not give: wasi_snapshot_preview1.no_such_call, env.host_thing, '
      + 'wasi_snapshot_preview1.proc_exit (wrong type)');
  }, 120_000);

  it('refuses a .wasm that is missing, not Wasm, malformed or not a command, with one line each (exit 1)', async () => {
    writeFileSync(join(dir, 'text.wasm'), 'not wasm\n');
    writeFileSync(join(dir, 'cut.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 9]));
    writeFileSync(join(dir, 'lib.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));  // an empty module: no _start
    for (const [f, why] of [['gone.wasm', 'no such file'], ['text.wasm', 'not a WebAssembly module'], ['cut.wasm', 'not a valid WebAssembly module'],
      ['lib.wasm', 'not a WASI command: it exports no function _start']]) {
      const r = await asuk(['run', join(dir, f!), '--timeout', '30']);
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toContain(why!);
    }
  }, 120_000);

  it('asuk pkg in a folder whose Kraftfile names the .wasm: one ELF with the rootfs, cmd and env baked in', async () => {
    const app = freshDir('wasi-app-kraft');
    copyFileSync(wasm('app'), join(app, 'app.wasm'));
    cpSync(join(dir, 'root'), join(app, 'rootfs'), { recursive: true });
    mkdirSync(join(app, 'rootfs', 'data'));
    writeFileSync(join(app, 'Kraftfile'), 'spec: v0.6\nname: app\nwasm: app.wasm\nrootfs: ./rootfs\ncmd: ["x", "y z"]\nenv:\n  GREETING: baked\n');
    const p = await asuk(['pkg'], { cwd: app, timeoutMs: 240_000 });
    expect(p.exitCode, String(p.stderr)).toBe(0);
    const r = await runQemu({ kernel: join(app, 'app.elf'), machine: 'microvm', extraArgs: ['-cpu', 'max'], timeoutMs: 120_000 });
    expect(r.guestExit).toBe(7);
    expect(out(r.serial).split('\n').slice(0, 7)).toEqual(['argv[0]=app', 'argv[1]=x', 'argv[2]=y z', 'GREETING=baked',
      'motd: message of the day', 'tmp works', 'listed 1']);
  }, 300_000);
});
