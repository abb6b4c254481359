// WASI sockets on the unikernel (issue 15): `asuk run prog.wasm -p HOST:GUEST`
// links the network into the image, brings it up at boot and preopens a
// listening socket on GUEST as wasmtime's --tcplisten does, numbered after
// the preopened `/` (fd 4). The host connects through QEMU's forwarded port.
// Programs: test/wasi/c/echo.c (blocking accept/recv/send/shutdown, as on
// the Linux target) and c/sockpoll.c (fstat, O_NONBLOCK, poll_oneoff,
// fd_read/fd_write and close on sockets), built by Debian's clang + wasi-libc.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../ports.ts';
import { execa, type ResultPromise } from 'execa';
import { ASUK, asuk, freshDir } from '../cli/helpers.ts';

const HERE = import.meta.dirname;
let dir = '';
const wasm = (n: string) => join(dir, `${n}.wasm`);
const out = (s: unknown) => String(s).replace(/\r\n/g, '\n');
/** Guests still running when a test ends (it failed): asuk run stops QEMU on SIGTERM. */
const live = new Set<ResultPromise>();
afterEach(() => {
  for (const r of live) r.kill('SIGTERM');
  live.clear();
});


/** Boots `target` (a .wasm or an ELF) with -p PORT:80 and the listening fd as its argument; resolves once it printed the line `ready`. */
async function boot(target: string, port: number): Promise<{ run: ResultPromise; early: string }> {
  const run = execa(process.execPath, [ASUK, 'run', target, '-p', `${port}:80`, '--timeout', '120', '--', '4'],
    { cwd: dir, reject: false, stdin: 'ignore', timeout: 240_000, killSignal: 'SIGTERM', forceKillAfterDelay: 5000 });
  live.add(run);
  void run.then(() => live.delete(run));
  let early = '';
  await new Promise<void>((ok, fail) => {
    run.stdout!.on('data', (d) => { early += d; if (out(early).includes('ready\n')) ok(); });
    run.then((r) => fail(new Error(`ended before ready: ${r.exitCode}\n${r.stdout}\n${r.stderr}`)), fail);
  });
  return { run, early };
}

/** Connects to the forwarded port, sends `text`, returns all the guest sent until it closed. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise<string>((ok, fail) => {
    let got = '';
    const c = connect(port, '127.0.0.1', () => c.write(text));
    c.on('data', (d) => { got += d; });
    c.on('end', () => ok(got));
    c.on('error', fail);
    c.setTimeout(60_000, () => { c.destroy(); fail(new Error(`no answer in 60 s; got ${JSON.stringify(got)}`)); });
  });
}

beforeAll(async () => {
  dir = freshDir('wasi-sock');
  const env = { PATH: '/usr/bin:/bin' }; // not node_modules/.bin's wasm-opt
  await execa('clang', ['--target=wasm32-wasi', '-O2', join(HERE, '..', 'wasi', 'c', 'echo.c'), '-o', wasm('echo')], { env, extendEnv: false });
  await execa('clang', ['--target=wasm32-wasi', '-O2', join(HERE, 'c', 'sockpoll.c'), '-o', wasm('sockpoll')], { env, extendEnv: false });
}, 120_000);

describe('asuk run prog.wasm -p HOST:GUEST', () => {
  it('echo.c: accepts the host\'s connection, receives ping, sends the echo, shuts down, exits 0', async () => {
    const port = await freePort();
    const { run } = await boot(wasm('echo'), port);
    const reply = await exchange(port, 'ping\n');
    const r = await run;
    expect({ reply, exit: r.exitCode }).toEqual({ reply: 'pong: ping\n', exit: 0 });
    expect(out(r.stdout)).toMatch(/ready\nserved 5 bytes\n?$/);
  }, 300_000);

  it('sockpoll.c: a socket to fstat, EAGAIN when non-blocking, poll waits for the client, read/write/close, status 3', async () => {
    const port = await freePort();
    const { run, early } = await boot(wasm('sockpoll'), port);
    expect(out(early)).toContain('accept now: EAGAIN\nready\n');
    const reply = await exchange(port, 'hello');
    const r = await run;
    expect({ reply, exit: r.exitCode }).toEqual({ reply: 'hello', exit: 3 });
    expect(out(r.stdout)).toMatch(/poll 1 POLLIN 1\nechoed 5\n?$/);
  }, 300_000);

  it('asuk pkg prog.wasm --tcplisten 0.0.0.0:80: the listener and the network baked into the ELF', async () => {
    const elf = join(dir, 'echo-net.elf');
    const bad = await asuk(['pkg', wasm('echo'), '--tcplisten', '0.0.0.0:99999', '-o', elf], { cwd: dir });
    expect({ exit: bad.exitCode, err: String(bad.stderr).trim() }).toEqual({ exit: 1, err: expect.stringContaining("bad --tcplisten '0.0.0.0:99999': expected A.B.C.D:PORT") });
    const pkg = await asuk(['pkg', wasm('echo'), '--tcplisten', '0.0.0.0:80', '-o', elf], { cwd: dir, timeoutMs: 240_000 });
    expect(pkg.exitCode).toBe(0);
    const port = await freePort();
    const { run } = await boot(elf, port);
    const reply = await exchange(port, 'ping\n');
    const r = await run;
    expect({ reply, exit: r.exitCode }).toEqual({ reply: 'pong: ping\n', exit: 0 });
  }, 300_000);

  it('a listening socket asked for in an image built without -p (no network linked): one line, exit 1', async () => {
    const r = await execa(process.execPath, [ASUK, 'run', wasm('echo'), '-a', 'wasi.tcplisten=0.0.0.0:80', '--timeout', '120', '--', '4'],
      { cwd: dir, reject: false, stdin: 'ignore', timeout: 240_000 });
    expect(out(r.stdout)).toContain('wasi: wasi.tcplisten needs an image with the network: asuk run prog.wasm -p HOST:GUEST');
    expect(r.exitCode).toBe(1);
  }, 300_000);
});
