// Wrong CLI input found by issue 11's tester: each is refused with one line
// `...` on stderr and exit 1, never a Node stack, a silent acceptance or a
// QEMU that loops in its firmware. No QEMU boots here: every case fails first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asuk, freshDir } from './helpers.ts';

const cwd = freshDir('refusals');
mkdirSync(join(cwd, 'd'), { recursive: true });
writeFileSync(join(cwd, 'd/a'), 'a\n');

/** Exactly one stderr line, matching `re`; exit status 1; nothing like a stack. */
function oneLine(r: { exitCode?: number; stderr: unknown }, re: RegExp): void {
  const err = String(r.stderr).replace(/\n$/, '');
  expect(err.split('\n'), err).toHaveLength(1);
  expect(err).toMatch(re);
  expect(err).not.toMatch(/\n\s+at |node:internal|triggerUncaughtException/);
  expect(r.exitCode).toBe(1);
}

describe('the CLI refuses bad input in one line', () => {
  it('-m 1 and -m 1M: below what the image needs (QEMU would loop in SeaBIOS)', async () => {
    for (const m of ['1', '1M']) {
      const r = await asuk(['run', '-m', m, '--timeout', '20', 'shell', '--', 'echo', 'hi'], { cwd, timeoutMs: 180_000 });
      oneLine(r, /^asuk: -m 1M is below what the image \([\d.]+ MiB loaded\) needs: give at least -m \d+M/);
    }
  }, 200_000);

  it('mkcpio into a missing directory, or onto a directory', async () => {
    oneLine(await asuk(['mkcpio', 'd', 'missing/dir/o.cpio'], { cwd }), /^mkcpio: error: cannot write missing\/dir\/o\.cpio: its directory missing\/dir does not exist \(ENOENT\)$/);
    oneLine(await asuk(['mkcpio', 'd', '.'], { cwd }), /^mkcpio: error: cannot write \.: it is a directory \(EISDIR\)$/);
  });

  it('-v SRC:DST:rw (the only mode is ro) and a volume with too many fields', async () => {
    oneLine(await asuk(['run', '-v', 'd:/b:rw', 'shell'], { cwd }), /^asuk: bad volume 'd:\/b:rw': unknown mode 'rw'/);
    oneLine(await asuk(['run', '-v', 'd:/b:ro:x', 'shell'], { cwd }), /^asuk: bad volume 'd:\/b:ro:x': wrong number of fields/);
  });

  it('build --locked without a rootfs: nothing to lock', async () => {
    oneLine(await asuk(['build', 'shell', '--locked', '-o', 'x.elf'], { cwd }), /^asuk: --locked locks an embedded rootfs: give --rootfs PATH too/);
  });

  it('--timeout that is not a number of seconds (an empty value is not "no timeout")', async () => {
    for (const t of ['', '-1', 'abc', '1e3']) {
      oneLine(await asuk(['run', '--timeout', t, 'hello'], { cwd }), new RegExp(`^asuk: bad --timeout '${t}': give seconds \\(0: none\\)$`));
    }
  });
});
