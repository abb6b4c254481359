// tools/fuzz/cmdline.ts — the `cmdline` target: kernel command lines built
// from fstab entries (odd mount points, devices, types, flags, options),
// other options, module arguments (`-initrd "evil.cpio /."`) and app words,
// with quotes and brackets left open. Half the cases boot the shell with a
// locked embedded root: whatever the line says, `/` must still be that root
// (its canary listed with its content) or the boot must fail with a line —
// anything else is a lock bypass (escape). Input known to be wrong (an unknown
// option, type or flag, an unclosed quote or list) must not run silently.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runQemu } from '../qemu/index.ts';
import { bootTrouble, escapesRoot, findLines, messageLines, outcome, serialLines } from './classify.ts';
import { fuzzElf, LOCK_CANARY } from './images.ts';
import { encodeArchive, S_IFDIR, S_IFREG, type Entry } from './newc.ts';
import type { Rng } from './rng.ts';
import type { CaseResult, Target } from './target.ts';

const dir = (n: string): Entry => ({ name: Buffer.from(n), mode: S_IFDIR | 0o755, body: Buffer.alloc(0), ino: 0, nlink: 2 });
const file = (n: string, b: string): Entry => ({ name: Buffer.from(n), mode: S_IFREG | 0o644, body: Buffer.from(b), ino: 0, nlink: 1 });

const DEVS = ['initrd0', 'initrd1', 'embedded', 'fs0', 'nodev', ''];
const PATHS = ['/', '/.', '//', '/etc/..', '/etc/../..', '/opt', '/opt/', '/a/./b/../c', 'rel', '', '/x y', '/tmp', `/${'p'.repeat(300)}`, '/\u00fc', '/etc', '/./.', '/..'];
const TYPES = ['extract', 'ramfs', '9pfs', '', 'nosuchfs'];
const FLAGS = ['', '', '1', '0', 'x'];
const OPTS = ['', '', 'ramfs=1', 'mkmp', 'bogus=1', 'nofail', 'ramfs=1,mkmp'];
const APPS = ['find /', 'find /', 'cat /etc/hello', 'cat "/etc/hello', 'ls /etc; cat /etc/evil', "cat '/etc/hello'", 'find / "', 'cat /locked-root'];

interface Line { append: string; modules: string[]; bad: string[]; pc: boolean }

/** One command line and the modules it boots with; `bad` names what is known to be wrong in it. */
export function cmdlineCase(rng: Rng): Line {
  const bad: string[] = [];
  const words: string[] = [];
  if (rng.chance(0.15)) { const v = rng.pick(['0', '1', '2', 'x']); words.push(`vfs.rootfs_required=${v}`); if (v === '2' || v === 'x') bad.push('rootfs_required'); }
  if (rng.chance(0.15)) words.push(rng.pick(['foo=bar', 'kvstore.log=/x', 'quiet', 'a="b c"']));
  let pc = false;
  if (rng.chance(0.7)) {
    const entries: string[] = [];
    for (let n = rng.range(1, 3); n > 0; n--) {
      const [dev, path, type, flags, opts] = [rng.pick(DEVS), rng.pick(PATHS), rng.pick(TYPES), rng.pick(FLAGS), rng.pick(OPTS)];
      if (dev === 'fs0') pc = true;
      if (type === 'nosuchfs') bad.push('fstype');
      if (flags === 'x') bad.push('flags');
      if (opts.includes('bogus')) bad.push('option');
      entries.push(`${dev}:${path}:${type}:${flags}:${opts}:${rng.chance(0.1) ? 'zzz' : ''}`);
    }
    const quoteOpen = rng.chance(0.1), listOpen = rng.chance(0.1);
    if (quoteOpen) bad.push('quote');
    if (listOpen) bad.push('list');
    const q = entries.map((e, i) => (quoteOpen && i === entries.length - 1 ? `"${e}` : `"${e}"`));
    words.push(`vfs.fstab=[ ${q.join(' ')}${listOpen ? '' : ' ]'}`);
  }
  const app = rng.pick(APPS);
  if (app.split('"').length % 2 === 0) bad.push('app quote');
  words.push('--', app);
  const modules = ['base.cpio'];
  if (rng.chance(0.5)) modules.push(`evil.cpio ${rng.pick(PATHS.filter((p) => p && !p.includes(' ')))}`);
  if (rng.chance(0.1)) modules.reverse();
  return { append: words.join(' '), modules, bad, pc };
}

interface Ctx { plain: string; locked: string; base: string; evil: string; vol: string }

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export const cmdlineTarget: Target<Ctx> = {
  name: 'cmdline',
  async prepare() {
    const [plain, locked] = [await fuzzElf('shell'), await fuzzElf('shell-locked')];
    const { FUZZ_DIR } = await import('./images.ts');
    const base = join(FUZZ_DIR, 'cmdline-base.cpio'), evil = join(FUZZ_DIR, 'cmdline-evil.cpio'), vol = join(FUZZ_DIR, 'cmdline-vol');
    writeFileSync(base, encodeArchive([dir('etc'), file('etc/hello', 'hello\n')]));
    writeFileSync(evil, encodeArchive([dir('etc'), file('etc/evil', 'evil\n'), file('locked-root', 'replaced\n')]));
    mkdirSync(vol, { recursive: true });
    writeFileSync(join(vol, 'vol-file'), 'from the volume\n');
    return { plain, locked, base, evil, vol };
  },
  async run(c, rng): Promise<CaseResult> {
    const isLocked = rng.chance(0.5);
    const l = cmdlineCase(rng);
    const what = `${isLocked ? 'locked ' : ''}-initrd "${l.modules.join(',')}" -append '${l.append}'`;
    const initrd = l.modules.map((m) => m.replace('base.cpio', c.base).replace('evil.cpio', c.evil));
    const volumes = l.pc ? [{ src: c.vol, dst: '/vol', readonly: false }] : [];
    const r = await runQemu({ kernel: isLocked ? c.locked : c.plain, initrd, append: l.append, machine: l.pc ? 'pc' : 'microvm', volumes, memory: '128M', timeoutMs: 120_000 });
    const trouble = bootTrouble(r);
    if (trouble) return { ...trouble, what };
    const lines = serialLines(r.serial);
    const msgs = messageLines(lines).filter((x) => !/^(hello|evil|from the volume|the locked einitrd is \/|replaced)$/.test(x));
    if (r.guestExit !== 0) return { ...(msgs.length ? outcome('error', msgs[0]) : outcome('mute', `exit ${r.guestExit} and no line`)), what };
    const found = findLines(lines);
    for (const f of found) if (escapesRoot(f.type === 'l' ? f.rest.subarray(0, Math.max(0, f.rest.indexOf(' -> '))) : f.rest)) return { ...outcome('escape', `listed ${f.line}`), what };
    if (isLocked) {
      const canary = lines.includes(LOCK_CANARY.body.trim()) || found.some((f) => f.rest.toString() === LOCK_CANARY.path && f.sha === sha(LOCK_CANARY.body));
      const catReplaced = lines.includes('replaced');
      if (catReplaced || (found.length && !canary)) return { ...outcome('escape', `the locked root was replaced: ${found.slice(0, 3).map((f) => f.line).join(' | ')}`), what };
    }
    if (l.bad.length && msgs.length === 0) return { ...outcome('ignored', `known wrong (${l.bad.join(', ')}), ran without a word`), what };
    return { ...outcome('accepted', msgs[0] ?? ''), what };
  },
};
