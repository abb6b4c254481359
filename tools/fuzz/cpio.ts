// tools/fuzz/cpio.ts — the `cpio` target: a random tree as a newc archive,
// mutated (bad names, duplicates, type changes, links to nowhere, deep and
// wide trees, then byte flips, truncation, huge size fields), booted as the
// shell's root (`-initrd`) with `-- find /`. The listed tree is checked
// against what the archive holds: nothing above `/`, no name that is not one
// of the archive's (or a parent of one), and with no warning printed every
// entry there with its type and content.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runQemu } from '../qemu/index.ts';
import {
  bootTrouble, escapesRoot, findLines, messageLines, outcome, serialLines, type FindLine, type Outcome,
} from './classify.ts';
import { fuzzElf } from './images.ts';
import {
  encodeArchive, entryOffsets, normName, parseArchive, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT,
  S_IFREG, S_IFSOCK, type Entry,
} from './newc.ts';
import type { Rng } from './rng.ts';
import type { CaseResult, Target } from './target.ts';

const B = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : Buffer.from(s));
const mk = (name: Buffer, mode: number, body: Buffer = Buffer.alloc(0)): Entry => ({ name, mode, body, ino: 0, nlink: mode & S_IFDIR ? 2 : 1 });

/** A random small tree: directories first (parents before children), files, symlinks. */
export function randomTree(rng: Rng): Entry[] {
  const dirs = ['', ...Array.from({ length: rng.range(1, 4) }, () => '')];
  const out: Entry[] = [];
  for (let i = 1; i < dirs.length; i++) {
    const parent = dirs[rng.int(i)];
    dirs[i] = `${parent ? `${parent}/` : ''}${rng.word()}`;
    out.push(mk(B(dirs[i]), S_IFDIR | 0o755));
  }
  for (let i = rng.range(1, 8); i > 0; i--) {
    const at = rng.pick(dirs);
    const name = B(`${at ? `${at}/` : ''}${rng.word()}`);
    if (rng.chance(0.2)) out.push(mk(name, S_IFLNK | 0o777, B(rng.word())));
    else out.push(mk(name, S_IFREG | 0o644, <Buffer>rng.bytes(rng.pick([0, 1, 5, 100, 4096, 5000]))));
  }
  return out;
}

const BAD_NAMES: (() => Buffer)[] = [
  () => B([0xff, 0xfe]), () => B('etc/passwd\xff'), () => B('a\xffb'), () => B('\xc3'), () => B('x\xed\xa0\x80'),
  () => B('new\nline'), () => B('esc\x1b[31mred'), () => B('tab\there'), () => B('back\\slash'),
  () => B('..'), () => B('../up'), () => B('a/../../b'), () => B(''), () => B('/'), () => B('.'), () => B('./dot'),
  () => B('//a//b//'), () => B('trail/'), () => B('x'.repeat(300)), () => B('/abs/name'), () => B('tmp'),
];

/** Entry-level mutations; each returns a word for the case description. */
const MUTATIONS: ((rng: Rng, es: Entry[]) => string)[] = [
  (rng, es) => { const e = rng.pick(es); e.name = rng.pick(BAD_NAMES)(); return 'badname'; },
  (rng, es) => { const e = rng.pick(es); es.splice(rng.int(es.length + 1), 0, { ...e, body: rng.bytes(rng.range(0, 40)), mode: rng.chance(0.5) ? e.mode : S_IFREG | 0o600 }); return 'dup'; },
  (rng, es) => { const e = rng.pick(es); e.mode = rng.pick([S_IFDIR, S_IFREG, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK, 0, S_IFMT]) | 0o644; return 'type'; },
  (rng, es) => { es.push(mk(B(rng.word()), S_IFLNK | 0o777, B(rng.pick(['/nowhere', '../../..', '/etc/passwd', '', 'a/../../b', 'x'.repeat(200)])))); return 'symlink'; },
  (rng, es) => { const e = rng.pick(es); e.nlink = rng.range(2, 3); e.ino = rng.range(1, 3); return 'hardlink'; },
  (rng, es) => { es.push(mk(B(`${rng.word()}/${rng.word()}/${rng.word()}`), S_IFREG | 0o644, B('orphan'))); return 'orphan'; },
  (rng, es) => {
    const depth = rng.pick([50, 300, 900]);
    let p = 'deep';
    for (let i = 0; i < depth; i++) { es.push(mk(B(p), S_IFDIR | 0o755)); p += '/d'; }
    es.push(mk(B(`${p}`), S_IFREG | 0o644, B('bottom')));
    return `deep${depth}`;
  },
  (rng, es) => {
    const width = rng.pick([100, 1000, 3000]);
    es.push(mk(B('wide'), S_IFDIR | 0o755));
    for (let i = 0; i < width; i++) es.push(mk(B(`wide/f${i}`), S_IFREG | 0o644, B(`${i}`)));
    return `wide${width}`;
  },
];

/** Byte-level mutations of the encoded archive. */
function mutateBytes(rng: Rng, a: Buffer, offs: number[]): [Buffer, string] {
  const k = rng.int(5);
  if (k === 0) { for (let n = rng.range(1, 8); n > 0; n--) a[rng.int(a.length)] ^= 1 << rng.int(8); return [a, 'flip']; }
  if (k === 1) return [a.subarray(0, rng.int(a.length)), 'trunc'];
  if (k === 2 || k === 3) {
    const at = rng.pick(offs) + rng.pick([54, 94]); // filesize or namesize field
    a.write(rng.pick(['FFFFFFFF', '7FFFFFFF', '00100000', '00000000', 'GGGGGGGG']), at, 'latin1');
    return [a, k === 2 ? 'hugesize' : 'namesize'];
  }
  a.write('07070X', rng.pick(offs), 'latin1');
  return [a, 'magic'];
}

/** Returns the archive of a case and what was done to it. */
export function cpioCase(rng: Rng): { archive: Buffer; what: string; names: Buffer[] } {
  const es = randomTree(rng);
  const done: string[] = [];
  // The last two (deep, wide) are slow to list over the serial line: rarer.
  for (let n = rng.range(0, 3); n > 0; n--) done.push(rng.pick(MUTATIONS.slice(0, rng.chance(0.1) ? MUTATIONS.length : -2))(rng, es));
  const names = es.map((e) => e.name);
  const trailer = !rng.chance(0.05);
  if (!trailer) done.push('notrailer');
  let archive = encodeArchive(es, trailer);
  if (rng.chance(0.45)) { let w: string; [archive, w] = mutateBytes(rng, Buffer.from(archive), entryOffsets(es)); done.push(w); }
  return { archive, what: done.join('+') || 'clean', names };
}

const letter = (mode: number) => ({ [S_IFDIR]: 'd', [S_IFREG]: 'f', [S_IFLNK]: 'l', [S_IFIFO]: 'p', [S_IFCHR]: 'c', [S_IFBLK]: 'b', [S_IFSOCK]: 's' } as Record<number, string>)[mode & S_IFMT];
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The path of a find line (before ` -> ` of a symlink). */
function pathOf(l: FindLine): Buffer {
  if (l.type !== 'l') return l.rest;
  const i = l.rest.indexOf(' -> ');
  return i < 0 ? l.rest : l.rest.subarray(0, i);
}

/** Ancestors of a normalized path, and itself, as latin1 keys. */
function withParents(p: Buffer): string[] {
  const s = p.toString('latin1');
  const out = [s];
  for (let i = s.lastIndexOf('/'); i > 0; i = s.lastIndexOf('/', i - 1)) out.push(s.slice(0, i));
  return out;
}

/** Checks an exit-0 listing against the archive (see the file comment). */
export function checkTree(archive: Buffer, names: Buffer[], found: FindLine[], quiet: boolean, mounts: string[]): Outcome {
  const parsed = parseArchive(archive);
  const allowed = new Set<string>(['/', ...mounts]);
  for (const n of [...names, ...parsed.entries.map((e) => e.name)]) { const p = normName(n); if (p) withParents(p).forEach((x) => allowed.add(x)); }
  const listed = new Map<string, FindLine>();
  for (const l of found) {
    const p = pathOf(l);
    if (escapesRoot(p)) return outcome('escape', `listed ${l.line}`);
    const key = p.toString('latin1');
    if (!allowed.has(key) && ![...mounts].some((m) => key.startsWith(`${m}/`))) return outcome('loss', `listed a name the archive does not hold: ${l.line}`);
    listed.set(key, l);
  }
  if (!quiet || !parsed.valid) return outcome('accepted', parsed.valid ? 'with warnings' : 'lenient');
  const byName = new Map<string, Entry[]>();
  for (const e of parsed.entries) { const p = normName(e.name); if (p) byName.set(p.toString('latin1'), [...(byName.get(p.toString('latin1')) ?? []), e]); }
  for (const [name, es] of byName) {
    const l = listed.get(name);
    if (!l) return outcome('loss', `${JSON.stringify(name)} is in the archive, not in the tree, and nothing was said`);
    const types = es.map((e) => letter(e.mode));
    if (!types.includes(l.type)) return outcome('loss', `${JSON.stringify(name)} is ${types.join('/')} in the archive, ${l.type} in the tree, and nothing was said`);
    if (l.type === 'f' && es.every((e) => e.nlink <= 1) && !es.some((e) => letter(e.mode) === 'f' && sha(e.body) === l.sha)) {
      return outcome('loss', `${JSON.stringify(name)}: content differs from the archive's, and nothing was said`);
    }
  }
  return outcome('accepted', 'tree matches');
}

export const cpioTarget: Target<string> = {
  name: 'cpio',
  prepare: () => fuzzElf('shell'),
  async run(elf, rng, work): Promise<CaseResult> {
    const { archive, what, names } = cpioCase(rng);
    const file = join(work, 'case.cpio');
    writeFileSync(file, archive);
    const r = await runQemu({ kernel: elf, initrd: [file], append: '-- find /', machine: 'microvm', memory: '256M', timeoutMs: 240_000 });
    const trouble = bootTrouble(r);
    if (trouble) return { ...trouble, what };
    const lines = serialLines(r.serial);
    const msgs = messageLines(lines);
    if (r.guestExit !== 0) return { ...(msgs.length ? outcome('error', msgs[0]) : outcome('mute', `exit ${r.guestExit} and no line`)), what };
    const c = checkTree(archive, names, findLines(lines), msgs.length === 0, ['/tmp']);
    return { ...c, why: c.why === 'with warnings' ? `${c.why}: ${msgs[0]}` : c.why, what };
  },
};
