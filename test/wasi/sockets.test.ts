// sock_accept / sock_recv / sock_send / sock_shutdown on the Linux target:
// test/wasi/c/echo.c serves one connection on the socket `--tcplisten`
// makes (wasmtime's option); the test is the client.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../ports.ts';
import { execa } from 'execa';
import { buildLinuxExecutable } from '../../tools/aot/linux/index.ts';

const HERE = dirname(new URL(import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), 'asuk-wasi-sock-'));
const exe = join(work, 'echo');

describe('WASI sockets on the Linux target', () => {
  beforeAll(async () => {
    await execa('clang', ['--target=wasm32-wasi', '-O2', join(HERE, 'c', 'echo.c'), '-o', `${exe}.wasm`]);
    writeFileSync(exe, buildLinuxExecutable(new Uint8Array(readFileSync(`${exe}.wasm`)), { mode: 'command' }), { mode: 0o755 });
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('accepts, receives, sends and shuts down', async () => {
    const port = await freePort();
    const proc = execa(exe, ['--tcplisten', `127.0.0.1:${port}`], { reject: false, timeout: 30_000, stdin: 'ignore' });
    await new Promise<void>((ok) => proc.stdout!.once('data', () => ok()));
    const reply = await new Promise<string>((ok, fail) => {
      let got = '';
      const c = connect(port, '127.0.0.1', () => c.write('ping\n'));
      c.on('data', (d) => { got += d; });
      c.on('end', () => ok(got));
      c.on('error', fail);
    });
    const r = await proc;
    expect({ reply, exit: r.exitCode, stdout: r.stdout }).toEqual({ reply: 'pong: ping\n', exit: 0, stdout: 'ready\nserved 5 bytes' });
  }, 60_000);

  it('refuses a malformed --tcplisten or a --dir it cannot open with one line', async () => {
    const r = await execa(exe, ['--tcplisten', '1.2.3:4'], { reject: false, timeout: 30_000 });
    expect({ exit: r.exitCode, stderr: r.stderr }).toEqual({ exit: 2, stderr: 'asuk-wasi: --tcplisten 1.2.3:4: expected A.B.C.D:PORT' });
    const d = await execa(exe, ['--dir', join(work, 'no-such-dir')], { reject: false, timeout: 30_000 });
    expect({ exit: d.exitCode, stderr: d.stderr }).toEqual({ exit: 2, stderr: `asuk-wasi: --dir ${join(work, 'no-such-dir')}: cannot open that directory (errno 2)` });
  }, 60_000);
});
