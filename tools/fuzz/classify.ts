// tools/fuzz/classify.ts — what a case's run came to, and reading the
// guest's answer: the classes, the find lines (escaped as `ls -b` prints
// names, unescaped here back to bytes), panics.

import { PANIC_EXIT, type QemuResult } from '../qemu/index.ts';

/**
 * error     a clean error: nonzero exit and a line saying what is wrong
 * accepted  exit 0 and a sane result (the tree, the store, the command)
 * The rest are failures:
 * panic     a kernel panic, an internal error, a Node stack
 * hang      the hard timeout passed
 * escape    something above `/` or outside the volume / lock was reached
 * loss      data silently lost or changed (a name that became another, a
 *           record gone without a word, good bytes overwritten)
 * ignored   input known to be wrong accepted without a word
 * mute      a nonzero exit with no line saying why
 */
export type Class = 'error' | 'accepted' | 'panic' | 'hang' | 'escape' | 'loss' | 'ignored' | 'mute';
export const CLASSES: Class[] = ['error', 'accepted', 'panic', 'hang', 'escape', 'loss', 'ignored', 'mute'];
export const FAILURES = new Set<Class>(['panic', 'hang', 'escape', 'loss', 'ignored', 'mute']);

export interface Outcome { cls: Class; why: string }
export const ok = (why = ''): Outcome => ({ cls: 'accepted', why });
export const outcome = (cls: Class, why: string): Outcome => ({ cls, why });

/** The guest's serial lines without SeaBIOS's banner and CRs. */
export function serialLines(serial: string): string[] {
  return serial.replace(/^[\s\S]*?Booting from ROM\.\./, '').replace(/\r/g, '').split('\n');
}

/** The failure classes every boot is checked for first: hang, panic. Null when neither. */
export function bootTrouble(r: QemuResult): Outcome | null {
  if (r.timedOut) return outcome('hang', `no exit within the timeout (${Math.round(r.wallMs)} ms)`);
  if (/panic:/.test(r.serial) || r.guestExit === PANIC_EXIT) {
    const line = serialLines(r.serial).find((l) => /panic:/.test(l)) ?? `exit ${r.guestExit}`;
    return outcome('panic', line);
  }
  if (r.guestExit === null) return outcome('panic', `QEMU ended without a guest exit status (status ${r.status}): ${r.stderr.split('\n')[0]}`);
  return null;
}

/** Bytes of a name printed escaped as `ls -b` does (\\ \n \t \v \f \r \a \b \e \ooo); other text as UTF-8. */
export function unescapeName(s: string): Buffer {
  const out: number[] = [];
  const simple: Record<string, number> = { '\\': 92, n: 10, t: 9, v: 11, f: 12, r: 13, a: 7, b: 8, e: 27, ' ': 32 };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1];
      if (/[0-7]/.test(n)) {
        const m = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0];
        out.push(parseInt(m, 8) & 0xff);
        i += m.length;
        continue;
      }
      if (n in simple) { out.push(simple[n]); i++; continue; }
    }
    out.push(...Buffer.from(String.fromCodePoint(s.codePointAt(i)!), 'utf8'));
    if (s.codePointAt(i)! > 0xffff) i++;
  }
  return Buffer.from(out);
}

/** One `find` line: TYPE MODE SIZE SHA256 PATH[ -> TARGET], the rest as raw bytes. */
export interface FindLine { type: string; mode: string; size: string; sha: string; rest: Buffer; line: string }

/** The find lines of a run (lines that start `T MMMM `). */
export function findLines(lines: string[]): FindLine[] {
  const out: FindLine[] = [];
  for (const l of lines) {
    const m = /^([dflpscb]) ([0-7]{4}) (\S+) (\S+) (.*)$/.exec(l);
    if (m) out.push({ type: m[1], mode: m[2], size: m[3], sha: m[4], rest: unescapeName(m[5]), line: l });
  }
  return out;
}

/** The lines that are neither find lines nor empty: what the kernel and app said. */
export function messageLines(lines: string[]): string[] {
  return lines.filter((l) => l.trim().length > 0 && !/^[dflpscb] [0-7]{4} /.test(l) && !/^mount: \d+ us$/.test(l));
}

/** True when the path (bytes) has a `..` or `.` component, or does not start at `/`. */
export function escapesRoot(path: Buffer): boolean {
  if (path[0] !== 0x2f) return true;
  return path.toString('latin1').split('/').some((c) => c === '..' || c === '.');
}
