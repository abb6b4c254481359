// tools/fuzz/kvstore.ts — the `kvstore` target: logs written on the host
// (kvlog.ts) with unique keys, then damaged (byte flips, zeroed ranges,
// truncation) or cut by SIGKILL of QEMU in the middle of a run of puts, then
// opened by images/kvstore on a 9p volume: `list; put; get`. Checked:
//   - every listed record has its exact value (else loss);
//   - a record missing must lie in a damaged block or be the torn tail
//     (else loss: more was lost than the damage explains);
//   - the loss line's count equals the records missing (a torn tail silent);
//   - the put succeeds and no byte of a surviving record was rewritten;
//   - after a kill: every acknowledged put is there, nothing is reported lost.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelCmdline, runQemu, volumeFstab, type QemuResult } from '../qemu/index.ts';
import { bootTrouble, outcome, serialLines, type Outcome } from './classify.ts';
import { fuzzElf } from './images.ts';
import { killMidRun } from './kill.ts';
import { BLOCK, encodeLog, recordSpans, type KvRecord } from './kvlog.ts';
import type { Rng } from './rng.ts';
import type { CaseResult, Target } from './target.ts';

const CHARS = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:=+\u00e9\u00fc\u6f22\u{1f600}';

function value(rng: Rng): string {
  const n = rng.chance(0.01) ? rng.range(20000, 70000) : rng.range(0, rng.pick([10, 100, 400]));
  let s = '';
  for (let i = 0; i < n; i++) s += [...CHARS][rng.int([...CHARS].length)];
  return s.trim();
}

/** n puts with unique keys r0000.. */
export function records(rng: Rng, n: number): KvRecord[] {
  return Array.from({ length: n }, (_, i) => ({ seq: i + 1, op: 'put' as const, key: `r${String(i).padStart(4, '0')}`, value: value(rng) }));
}

const LOSS = /^kvstore: warning: \/data\/kv\.log: (at least )?(\d+) records? lost to damaged bytes/;

/** The store's answer: the loss line (if any) and the listed `key value` map. */
function answer(lines: string[]): { lost: number; atLeast: boolean; line: boolean; listed: Map<string, string>; rest: string[] } {
  const listed = new Map<string, string>();
  let lost = 0, atLeast = false, line = false;
  const rest: string[] = [];
  for (const l of lines) {
    const m = LOSS.exec(l);
    if (m) { line = true; lost = Number(m[2]); atLeast = !!m[1]; continue; }
    const k = /^(r\d{4}|p\d{3}) ?(.*)$/.exec(l);
    if (k) listed.set(k[1], k[2]); else if (l.length) rest.push(l);
  }
  return { lost, atLeast, line, listed, rest };
}

interface Damage { log: Buffer; bytes: number[]; cut: number; what: string }

/** Flips, zeroes or truncates `log`; returns the damaged offsets and the new length. */
function damage(rng: Rng, log: Buffer): Damage {
  const b = Buffer.from(log);
  const bytes: number[] = [];
  const what: string[] = [];
  let cut = b.length;
  const k = rng.int(5);
  if (k <= 1 || k === 4) { for (let n = rng.range(1, 4); n > 0; n--) { const at = rng.int(b.length); b[at] ^= 1 << rng.int(8); bytes.push(at); } what.push('flip'); }
  if (k === 2) { const at = rng.int(b.length), n = rng.range(1, 64); for (let i = at; i < Math.min(b.length, at + n); i++) { b[i] = 0; bytes.push(i); } what.push('zero'); }
  if (k === 3 || k === 4) { cut = rng.int(b.length + 1); what.push('trunc'); }
  return { log: b.subarray(0, cut), bytes: bytes.filter((x) => x < cut), cut, what: what.join('+') };
}

/** Checks a damaged-log run (file comment). */
function checkDamage(recs: KvRecord[], d: Damage, before: Buffer, after: Buffer, r: QemuResult): Outcome {
  const a = answer(serialLines(r.serial));
  if (r.guestExit !== 0) return a.rest.length ? outcome('error', a.rest[0]) : outcome('mute', `exit ${r.guestExit}`);
  if (a.rest.slice(-2).join('|') !== 'ok|v') return outcome('loss', `the put after the damage did not succeed: ${a.rest.slice(-2).join(' | ')}`);
  const spans = recordSpans(recs);
  const badBlocks = new Set(d.bytes.map((x) => Math.floor(x / BLOCK)));
  const inFile = recs.map((_, i) => spans[i].end <= d.cut);
  const damaged = recs.map((_, i) => d.bytes.some((x) => x >= spans[i].start && x < spans[i].end));
  const inBadBlock = recs.map((_, i) => { for (let b = Math.floor(spans[i].start / BLOCK); b <= Math.floor((spans[i].end - 1) / BLOCK); b++) if (badBlocks.has(b)) return true; return false; });
  const lastIn = inFile.lastIndexOf(true);
  let missing = 0;
  for (let i = 0; i < recs.length; i++) {
    const got = a.listed.get(recs[i].key);
    if (got !== undefined && got !== recs[i].value) return outcome('loss', `${recs[i].key} lists a value that is not its record's`);
    if (!inFile[i]) { if (got !== undefined && spans[i].start >= d.cut) return outcome('loss', `${recs[i].key} is listed but was cut off the file`); continue; }
    if (got !== undefined) {
      if (!after.subarray(spans[i].start, spans[i].end).equals(before.subarray(spans[i].start, spans[i].end))) return outcome('loss', `${recs[i].key}'s bytes were rewritten`);
      continue;
    }
    if (!inBadBlock[i]) return outcome('loss', `${recs[i].key} is missing, outside every damaged block`);
    missing++;
  }
  // The last whole record, damaged in its length, reads as a torn tail: silent (the one ambiguity).
  const tornAmbiguous = lastIn >= 0 && damaged[lastIn] && !a.listed.has(recs[lastIn].key);
  // The record cut by the end, damaged too, may be counted as damage rather than dropped as the torn tail.
  const partial = spans.findIndex((sp) => sp.start < d.cut && sp.end > d.cut);
  const partialHit = partial >= 0 && d.bytes.some((x) => x >= spans[partial].start);
  const ok = a.atLeast ? a.lost >= 1 && a.lost <= missing + (partialHit ? 1 : 0)
    : a.lost === missing || (tornAmbiguous && a.lost === missing - 1) || (partialHit && a.lost === missing + 1);
  if (!ok) return outcome('loss', `${missing} records missing, the store said ${a.line ? `${a.atLeast ? 'at least ' : ''}${a.lost}` : 'nothing'}`);
  return outcome('accepted', missing ? `${missing} lost, counted` : '');
}

interface Ctx { elf: string }

export const kvstoreTarget: Target<Ctx> = {
  name: 'kvstore',
  prepare: async () => ({ elf: await fuzzElf('kvstore') }),
  async run(c, rng, work): Promise<CaseResult> {
    const vol = join(work, 'vol');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(vol);
    const file = join(vol, 'kv.log');
    const volumes = [{ src: vol, dst: '/data', readonly: false }];
    const recs = records(rng, rng.range(1, rng.pick([20, 300])));
    const log = encodeLog(recs);
    const boot = async (cmds: string) => {
      const r = await runQemu({ kernel: c.elf, volumes, append: kernelCmdline({ fstab: volumeFstab(volumes), args: [cmds] }), machine: 'pc', memory: '256M', timeoutMs: 240_000 });
      return { ...r, serial: r.serial.replace(/^[\s\S]*?Booting from ROM\.\./, '') };
    };
    if (rng.chance(0.7)) {
      const d = damage(rng, log);
      writeFileSync(file, d.log);
      const r = await boot('list; put zz-new v; get zz-new');
      const what = `${recs.length} records, ${log.length} bytes, ${d.what}`;
      const trouble = bootTrouble(r);
      if (trouble) return { ...trouble, what };
      return { ...checkDamage(recs, d, d.log, readFileSync(file), r), what };
    }
    writeFileSync(file, log);
    const puts = rng.range(1, 30), after = rng.int(puts + 1);
    const words = Array.from({ length: puts }, (_, i) => `put p${String(i).padStart(3, '0')} ${'w'.repeat(rng.range(1, 400))}${i}`);
    const k = await killMidRun({ kernel: c.elf, volumes, cmds: words.join('; '), afterLines: after, extraMs: rng.int(40), timeoutMs: 90_000 });
    const what = `${recs.length} records, kill after ${after}/${puts} puts (+${k.oks} seen)`;
    if (!k.killed && k.status !== null && /panic:/.test(k.serial)) return { ...outcome('panic', 'before the kill'), what };
    const r = await boot('list');
    const trouble = bootTrouble(r);
    if (trouble) return { ...trouble, what };
    const a = answer(serialLines(r.serial));
    if (a.line) return { ...outcome('loss', `a crash reported as damage: ${a.lost} lost`), what };
    for (const x of recs) if (a.listed.get(x.key) !== x.value) return { ...outcome('loss', `${x.key} lost or changed after the kill`), what };
    const got = words.map((w) => w.split(' ')).filter(([, key, v]) => a.listed.get(key) === v).length;
    if (got < k.oks) return { ...outcome('loss', `${k.oks} puts acknowledged, ${got} there`), what };
    for (let i = 0; i < puts; i++) { const [, key, v] = words[i].split(' '); if ((i < got) !== (a.listed.get(key) === v)) return { ...outcome('loss', `the puts there are not a prefix (${key})`), what }; }
    return { ...outcome('accepted', `${got}/${puts} puts kept`), what };
  },
};
