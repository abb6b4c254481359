// A clean console (issue 13): `asuk run` of the default image prints exactly
// the app's output on stdout, byte for byte, on -M microvm (the default) and
// -M pc (qboot: no SeaBIOS escapes or banner); kernel diagnostics appear only
// with --verbose and only on stderr; on a real terminal (a pty) the terminal
// settings after the run equal those before, also after Ctrl-C.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASUK, haltingElf, REPO } from '../cli/helpers.ts';
import { tmp } from './helpers.ts';

/** What images/demo prints (serial: CR LF), its boot time masked as N. */
const DEMO = [
  'asuk demo: booted in N us, rootfs embedded in the image', '/', '  etc/', '    demo.conf  (105 bytes)',
  '  nginx/', '    html/', '      about.html  (68 bytes)', '      index.html  (76 bytes)', '  tmp/',
  '/etc/demo.conf says:', '  server_name = demo.asuk.local', '  root = /nginx/html',
  '/tmp/note.txt reads back: written at boot by asuk (0 args) (ok)', 'demo: all good, exiting 0', '',
].join('\r\n');
const mask = (s: string) => s.replace(/^asuk demo: booted in \d+ us/, 'asuk demo: booted in N us');

const run = (args: string[]) => execa(process.execPath, [ASUK, 'run', ...args], {
  cwd: REPO, reject: false, stdin: 'ignore', timeout: 180_000, encoding: 'utf8', stripFinalNewline: false,
});

/** Runs `asuk ARGS` on a fresh pty (test/qemu/pty-run.py); Ctrl-C typed `interruptS` after the first output. */
async function onPty(args: string[], interruptS?: number) {
  const pre = interruptS === undefined ? [] : ['--interrupt-after', String(interruptS)];
  const r = await execa('python3', [join(REPO, 'test/qemu/pty-run.py'), ...pre, process.execPath, ASUK, 'run', ...args],
    { cwd: REPO, reject: false, timeout: 180_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { status: number; before: unknown; after: unknown; output: string; interrupted: boolean };
}

describe('asuk run demo: only the app on stdout', () => {
  for (const machine of ['microvm', 'pc']) {
    it(`-M ${machine}: stdout is the app's output byte for byte, stderr is empty`, async () => {
      const r = await run(machine === 'microvm' ? ['demo'] : ['demo', '--machine', 'pc']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('\x1b');
      expect(mask(r.stdout)).toBe(DEMO);
      expect(r.stderr).toBe('');
    }, 200_000);
  }

  it('--verbose: the same stdout; the kernel diagnostics on stderr only', async () => {
    const r = await run(['demo', '--verbose']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(mask(r.stdout)).toBe(DEMO);
    expect(r.stderr).toMatch(new RegExp('^boot: stub \\d+ us, memory \\d+ us, cmdline \\d+ us, mounts \\d+ us; '
      + 'stub entry to main \\d+ us \\(tsc \\d+ MHz, [a-z0-9 ]+\\)\nmount: \\d+ us\n$'));
  }, 200_000);
});

describe('the terminal is left as found', () => {
  it('a normal run on -M pc: no escape bytes, settings unchanged', async () => {
    const r = await onPty(['demo', '--machine', 'pc', '--timeout', '120']);
    expect(r.status).toBe(0);
    expect(r.output).toContain('demo: all good, exiting 0');
    expect(r.output).not.toContain('\x1b');
    expect(r.after).toEqual(r.before);
  }, 200_000);

  it('Ctrl-C on a guest that never exits: exit 130, settings unchanged', async () => {
    const elf = join(tmp, 'hang.elf');
    writeFileSync(elf, haltingElf());
    const r = await onPty([elf, '--timeout', '60'], 2);
    expect(r.interrupted).toBe(true);
    expect(r.status).toBe(130);
    expect(r.after).toEqual(r.before);
  }, 200_000);
});
