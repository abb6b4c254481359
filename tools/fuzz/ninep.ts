// tools/fuzz/ninep.ts — the `9p` target: a host tree with odd names (bytes
// that are not UTF-8, control bytes, spaces, 255-byte names), deep chains,
// wide directories, hard links and symlinks pointing out of the volume (to a
// canary file beside it, by relative and absolute paths), shared over
// virtio-9p at /data. The guest's `find /data` must list exactly the host's
// tree (names as bytes, types, file sizes and digests); the canary's content
// must never appear (an escape); `cat` through the links must fail cleanly.

import { createHash } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelCmdline, runQemu, volumeFstab } from '../qemu/index.ts';
import { bootTrouble, findLines, messageLines, outcome, serialLines } from './classify.ts';
import { fuzzElf } from './images.ts';
import type { Rng } from './rng.ts';
import type { CaseResult, Target } from './target.ts';

const B = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s));
const ODD: (() => Buffer)[] = [
  () => B([0x61, 0xff, 0x62]), () => B([0xff, 0xfe]), () => B('new\nline'), () => B('esc\x1b[31m'), () => B('sp ace'),
  () => B('x'.repeat(255)), () => B('\u00fcml\u00e4ut'), () => B('...'), () => B('back\\slash'), () => B([0xc3]), () => B('tab\t'),
];

const jb = (dir: Buffer, name: Buffer) => Buffer.concat([dir, B('/'), name]);

/** Builds the tree under `vol` (a Buffer path); returns what was done. */
export function makeTree(rng: Rng, vol: Buffer, canary: string): string {
  const done: string[] = [];
  const dirs: Buffer[] = [vol];
  const used = new Set<string>();
  const fresh = (at: Buffer, name: Buffer) => { const p = jb(at, name); const k = p.toString('latin1'); if (used.has(k)) return null; used.add(k); return p; };
  for (let n = rng.range(1, 4); n > 0; n--) { const p = fresh(rng.pick(dirs), B(rng.word())); if (p) { mkdirSync(p); dirs.push(p); } }
  for (let n = rng.range(1, 6); n > 0; n--) { const p = fresh(rng.pick(dirs), B(rng.word())); if (p) writeFileSync(p, rng.bytes(rng.pick([0, 3, 5000]))); }
  for (let n = rng.range(0, 3); n > 0; n--) {
    const p = fresh(rng.pick(dirs), rng.pick(ODD)());
    if (!p) continue;
    if (rng.chance(0.3)) { mkdirSync(p); dirs.push(p); } else writeFileSync(p, rng.bytes(7));
    done.push('odd');
  }
  const k = rng.int(12);
  if (k === 0) {
    const depth = rng.pick([50, 300, 900]);
    let p = jb(vol, B('deep'));
    mkdirSync(p);
    for (let i = 1; i < depth && p.length < 3900; i++) { p = jb(p, B('d')); mkdirSync(p); }
    writeFileSync(jb(p, B('bottom')), 'bottom');
    done.push(`deep${depth}`);
  } else if (k === 1) {
    const width = rng.pick([100, 1000, 3000]);
    const w = jb(vol, B('wide'));
    mkdirSync(w);
    for (let i = 0; i < width; i++) writeFileSync(jb(w, B(`f${i}`)), `${i}`);
    done.push(`wide${width}`);
  }
  if (rng.chance(0.6)) {
    symlinkSync('../canary', jb(vol, B('out')));
    symlinkSync(canary, jb(vol, B('abs')));
    symlinkSync('../../../../../../..', jb(vol, B('up')));
    symlinkSync('self', jb(vol, B('self')));
    symlinkSync('/nowhere', jb(vol, B('dangling')));
    done.push('symlinks');
  }
  if (rng.chance(0.2)) { writeFileSync(jb(vol, B('h1')), 'linked'); linkSync(jb(vol, B('h1')), jb(vol, B('h2'))); done.push('hardlink'); }
  return done.join('+') || 'plain';
}

/** The host tree as the guest's find prints it: `T SIZE SHA PATH[ -> TARGET]` per entry, PATH as latin1 of the bytes. */
export function hostEntries(vol: Buffer, at: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (abs: Buffer, shown: Buffer) => {
    const st = lstatSync(abs);
    const key = shown.toString('latin1');
    if (st.isSymbolicLink()) {
      const t = readlinkSync(abs, { encoding: 'buffer' });
      out.set(`${key} -> ${t.toString('latin1')}`, `l ${t.length} -`);
    } else if (st.isDirectory()) {
      out.set(key, 'd - -');
      for (const n of readdirSync(abs, { encoding: 'buffer' })) visit(jb(abs, n), jb(shown, n));
    } else {
      out.set(key, `f ${st.size} ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`);
    }
  };
  visit(vol, B(at));
  return out;
}

export const ninepTarget: Target<string> = {
  name: '9p',
  prepare: () => fuzzElf('shell'),
  async run(elf, rng, work): Promise<CaseResult> {
    const vol = join(work, 'vol'), canary = join(work, 'canary');
    const secret = `canary-${rng.u32().toString(16)}-outside-the-volume`;
    writeFileSync(canary, `${secret}\n`);
    mkdirSync(vol);
    const what = makeTree(rng, B(vol), canary);
    const volumes = [{ src: vol, dst: '/data', readonly: rng.chance(0.3) }];
    const cmds = 'find /data; cat /data/out; cat /data/abs; cat /data/up/canary; ls /data/up';
    const append = kernelCmdline({ fstab: volumeFstab(volumes), args: [cmds] });
    const r = await runQemu({ kernel: elf, volumes, append, machine: 'pc', memory: '256M', timeoutMs: 240_000 });
    const trouble = bootTrouble(r);
    if (trouble) return { ...trouble, what };
    if (r.serial.includes(secret)) return { ...outcome('escape', 'the canary beside the volume was read through it'), what };
    const lines = serialLines(r.serial);
    const findErr = messageLines(lines).find((l) => /^find:|^error: find/.test(l));
    if (findErr) return { ...outcome('error', findErr), what };
    const want = hostEntries(B(vol), '/data');
    const got = new Map<string, string>();
    for (const f of findLines(lines)) got.set(f.rest.toString('latin1'), `${f.type} ${f.size} ${f.sha}`);
    for (const [k, v] of want) {
      if (!got.has(k)) return { ...outcome('loss', `host entry ${JSON.stringify(k)} not listed`), what };
      if (got.get(k) !== v) return { ...outcome('loss', `${JSON.stringify(k)}: host ${v}, guest ${got.get(k)}`), what };
    }
    for (const k of got.keys()) if (!want.has(k)) return { ...outcome('loss', `listed ${JSON.stringify(k)}, which the host does not hold`), what };
    return { ...outcome('accepted', ''), what };
  },
};
