// test/platform/package.test.ts — asuk as a user meets it: `npm pack`, the
// tarball installed into an empty folder outside the repository, `npx asuk
// init`, then the scaffolded app built and booted under QEMU (reads its
// rootfs, writes a -v volume, prints an -e variable and the wall-clock year);
// `asuk pkg` booted by plain QEMU prints what `asuk run` printed; a type error
// is shown as asc prints it; a trap names the app's function, then the backtrace.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'asuk-pkg-'));
const proj = join(work, 'proj');
const app = join(proj, 'hello');
const LIMIT = { timeout: 240_000, killSignal: 'SIGKILL' as const, reject: false, stdin: 'ignore' as const };

/** `npx asuk ARGS` in `cwd`, as a user types it. */
const npx = (cwd: string, args: string[]) => execa('npx', ['--no-install', 'asuk', ...args], { cwd, ...LIMIT });

/** The app's console lines: after the BIOS banner, without the kernel's `mount: N us` timing line. */
function appLines(out: string): string[] {
  const clean = out.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1bc/g, '');
  const from = clean.lastIndexOf('Booting from ROM..');
  return clean.slice(from < 0 ? 0 : from + 'Booting from ROM..'.length).split(/\r?\n/)
    .map((l) => l.trim()).filter((l) => l && !/^mount: \d+ us$/.test(l));
}

beforeAll(async () => {
  const pack = await execa('npm', ['pack', '--pack-destination', work, '--json'], { cwd: REPO, ...LIMIT });
  expect(pack.exitCode, pack.stderr).toBe(0);
  const tgz = join(work, (JSON.parse(pack.stdout) as { filename: string }[])[0].filename);
  mkdirSync(proj);
  const inst = await execa('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tgz], { cwd: proj, ...LIMIT });
  expect(inst.exitCode, inst.stderr).toBe(0);
  const init = await npx(proj, ['init', 'hello']);
  expect(init.exitCode, init.stderr).toBe(0);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('installs with no checkout: the CLI bundle and the AssemblyScript sources, no TypeScript tools', () => {
    const pkg = join(proj, 'node_modules', 'asuk');
    for (const f of ['dist/asuk.mjs', 'dist/aot-worker.mjs', 'index.ts', 'files.ts', 'api/index.ts', 'kernel/index.ts', 'fs/ramfs/index.ts', 'docs/api.md']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    expect(existsSync(join(pkg, 'tools'))).toBe(false);
    const scaffold = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(scaffold.dependencies.asuk).toMatch(/\d/);
    for (const f of ['Kraftfile', 'app.ts', 'rootfs/etc/motd', 'README.md']) expect(existsSync(join(app, f)), f).toBe(true);
  });

  it('init -> run: rootfs read, -v volume written, -e variable and the year printed, exit 0', async () => {
    mkdirSync(join(app, 'out'));
    const r = await npx(app, ['run', '-e', 'GREETING=howdy', '-v', './out:/data', '--timeout', '200']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = appLines(r.stdout);
    expect(lines).toContain('howdy from asuk');
    expect(lines).toContain('/etc/motd: Welcome to hello, an asuk unikernel.');
    expect(lines).toContain(`the year is ${new Date().getUTCFullYear()}`);
    expect(readFileSync(join(app, 'out', 'logs', 'hello.txt'), 'utf8')).toBe(`written by asuk in ${new Date().getUTCFullYear()}\n`);
  }, 300_000);

  it('pkg bakes cmd and env: plain qemu -kernel prints what asuk run printed', async () => {
    // A value with spaces, quotes and a backslash: through env.vars (run) and the baked literal (pkg).
    writeFileSync(join(app, 'Kraftfile'), 'spec: v0.6\nrootfs: ./rootfs\ncmd: ["one", "two words"]\nenv:\n  GREETING: \'bon "jour" \\ x\'\n');
    const run = await npx(app, ['run', '--timeout', '200']);
    expect(run.exitCode, run.stderr).toBe(0);
    const pkg = await npx(app, ['pkg']);
    expect(pkg.exitCode, pkg.stderr).toBe(0);
    const plain = await execa('qemu-system-x86_64', ['-kernel', join(app, 'hello.elf'), '-nographic', '-no-reboot'], { cwd: app, ...LIMIT });
    expect(plain.exitCode).toBe(0);
    expect(appLines(run.stdout)[0]).toBe('bon "jour" \\ x from asuk (args: one two words)');
    expect(appLines(plain.stdout)).toEqual(appLines(run.stdout));
  }, 300_000);

  it('a type error is shown as asc prints it: code, source line, file(line,col)', async () => {
    const dir = join(proj, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.ts'), 'export function main(args: string[]): i32 {\n  let n: i32 = "three";\n  return n;\n}\n');
    const r = await npx(dir, ['build']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('ERROR TS2322');
    expect(r.stderr).toContain('let n: i32 = "three";');
    expect(r.stderr).toContain('in app.ts(2,16)');
    expect(r.stderr.trimEnd().split('\n').pop()).toMatch(/^asuk: asc: 1 compile error/);
  }, 120_000);

  it('a trap in app code names the app function and its file:line; the exit status is 127', async () => {
    const dir = join(proj, 'trap');
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.ts'), [
      'import { log } from "asuk";',
      '',
      'function boom(n: i32): i32 {',
      '  if (n > 2) unreachable();', // line 4
      '  return n;',
      '}',
      '',
      'export function main(args: string[]): i32 {',
      '  log("before");',
      '  return boom(args.length + 5);', // line 10
      '}', ''].join('\n'));
    const r = await npx(dir, ['run', '--timeout', '200']);
    expect(r.exitCode).toBe(127);
    // Then the backtrace (appLines trims the two-space indent), out to the entry the stub called:
    // app frames carry asc's source map position of the trap and of the call.
    expect(appLines(r.stdout)).toEqual(['before', 'panic: trap: unreachable in app/boom at app.ts:4',
      'at app/boom (app.ts:4)', 'at app/main (app.ts:10)', 'at .asuk/entry/appMain', 'at ~lib/asuk/kernel/main/kernelMain',
      'at .asuk/entry/asuk_main']);
  }, 300_000);

  it('--rootfs on an app that uses no files is one error line, before QEMU', async () => {
    const r = await npx(join(proj, 'trap'), ['run', '--rootfs', join(app, 'rootfs'), '--timeout', '60']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^asuk: trap uses no files/);
  }, 120_000);
});
