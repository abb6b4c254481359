// The seed's case through the asuk command, verbatim but for a free host
// port: `asuk run -d --name web -p PORT:80 --rootfs ./rootfs.cpio -v
// ./html:/nginx/html httpd`, curl shows html/index.html, an edit on the host
// shows at the next curl, `asuk stop web`; and the lifecycle around it: ps
// says running / stopped / crashed truthfully, logs, rm.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { asuk, REPO } from '../cli/helpers.ts';
import { freePort, tmp } from './helpers.ts';

const state = join(tmp, 'state');
const env = { XDG_STATE_HOME: state };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function curl(port: number): Promise<string> {
  const r = await execa('curl', ['-sS', '--max-time', '20', `http://127.0.0.1:${port}/`], { reject: false });
  return r.stdout;
}

async function ps(): Promise<{ name: string; state: string; status: string; pid: number }[]> {
  const r = await asuk(['ps', '--json'], { env });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return JSON.parse(String(r.stdout));
}

afterAll(async () => {
  for (const n of ['web', 'doomed']) await asuk(['rm', '-f', n], { env });
});

it('runs the seed case detached, serves the live volume, stops', async () => {
  const dir = join(tmp, 'seed');
  mkdirSync(join(dir, 'html'), { recursive: true });
  mkdirSync(join(dir, 'rootfs', 'etc'), { recursive: true });
  writeFileSync(join(dir, 'rootfs', 'etc', 'hostname'), 'web\n');
  writeFileSync(join(dir, 'html', 'index.html'), '<h1>first</h1>\n');
  expect((await asuk(['mkcpio', 'rootfs', 'rootfs.cpio'], { cwd: dir })).exitCode).toBe(0);
  const port = await freePort();
  const run = await asuk(['run', '-d', '--name', 'web', '-p', `${port}:80`, '--rootfs', './rootfs.cpio', '-v', './html:/nginx/html', 'httpd'],
    { cwd: dir, env, timeoutMs: 300_000 });
  expect(run.exitCode, String(run.stderr)).toBe(0);
  expect(String(run.stdout).trim()).toBe('web');
  let body = '';
  for (let t = 0; t < 60 && !body.includes('first'); t++) { body = await curl(port); if (!body) await sleep(500); }
  expect(body).toBe('<h1>first</h1>');
  writeFileSync(join(dir, 'html', 'index.html'), '<h1>edited</h1>\n');
  expect(await curl(port)).toBe('<h1>edited</h1>');
  expect((await ps()).find((i) => i.name === 'web')?.state).toBe('running');
  const logs = await asuk(['logs', 'web'], { env });
  expect(String(logs.stdout)).toMatch(/httpd: serving \/nginx\/html on http:\/\/10\.0\.2\.15:80\//);
  const again = await asuk(['run', '-d', '--name', 'web', 'httpd'], { cwd: dir, env, timeoutMs: 300_000 });
  expect(again.exitCode).not.toBe(0);
  expect(String(again.stderr)).toMatch(/already running/);
  const stop = await asuk(['stop', 'web'], { env });
  expect(stop.exitCode, String(stop.stderr)).toBe(0);
  expect((await ps()).find((i) => i.name === 'web')?.state).toBe('stopped');
  expect(await curl(port)).toBe('');
  expect((await asuk(['rm', 'web'], { env })).exitCode).toBe(0);
  expect((await ps()).find((i) => i.name === 'web')).toBeUndefined();
}, 400_000);

it('shows a killed instance as crashed, never running, and refuses a bad -p', async () => {
  const port = await freePort();
  const run = await asuk(['run', '-d', '--name', 'doomed', '-p', `${port}:80`, 'httpd', '--', '--root', '/'], { cwd: REPO, env, timeoutMs: 300_000 });
  expect(run.exitCode, String(run.stderr)).toBe(0);
  const before = (await ps()).find((i) => i.name === 'doomed')!;
  expect(before.state).toBe('running');
  process.kill(before.pid, 'SIGKILL');
  for (let t = 0; t < 50 && (await ps()).find((i) => i.name === 'doomed')!.state === 'running'; t++) await sleep(100);
  const after = (await ps()).find((i) => i.name === 'doomed')!;
  expect(after.state).toBe('crashed');
  expect(after.status).toMatch(/SIGKILL/);
  expect((await asuk(['rm', 'doomed'], { env })).exitCode).toBe(0);
  const bad = await asuk(['run', '-d', '-p', '80:99999', 'httpd'], { cwd: REPO, env });
  expect(bad.exitCode).not.toBe(0);
  expect(String(bad.stderr)).toMatch(/^asuk: bad port mapping '80:99999': guest port 99999 is outside 1\.\.65535/);
}, 400_000);
