// images/kvstore (issue 6): persistence across boots on a 9p volume, and
// crash recovery. The host side reads the log with its own decoder of the
// record format (images/kvstore/record.ts: "KVR1", op, key and value
// lengths, CRC-32 as zlib computes it) so the bytes on disk are checked, not
// only what the guest says about them.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine, QemuResult } from '../../tools/qemu/index.ts';
import { bootVol, freshDir, imageElf, linesOf, panicked, VOL_MACHINES } from './helpers.ts';

let elf = '';
beforeAll(async () => { elf = await imageElf('kvstore'); }, 120_000);

/** CRC-32 (ISO-HDLC, zlib's), written out here from its definition. */
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface Rec { op: 'put' | 'del'; key: string; value: string; end: number }

/** Decodes whole valid records from the start of the log; stops at the first that is not one. */
function decode(log: Buffer): Rec[] {
  const out: Rec[] = [];
  let off = 0;
  while (off + 16 <= log.length) {
    if (log.toString('latin1', off, off + 4) !== 'KVR1') break;
    const op = log[off + 4], k = log.readUInt16LE(off + 6), v = log.readUInt32LE(off + 8);
    const end = off + 16 + k + v;
    if (end > log.length) break;
    const sum = crc32(Buffer.concat([log.subarray(off, off + 12), log.subarray(off + 16, end)]));
    if (sum !== log.readUInt32LE(off + 12)) break;
    out.push({ op: op === 1 ? 'put' : 'del', key: log.toString('utf8', off + 16, off + 16 + k), value: log.toString('utf8', off + 16 + k, end), end });
    off = end;
  }
  return out;
}

function kv(machine: Machine, dir: string, cmds: string): Promise<QemuResult> {
  return bootVol({ machine, kernel: elf, volumes: [{ src: dir, dst: '/data', readonly: false }], cmds });
}

/** The app's output lines (after the boot lines). */
const out = (r: QemuResult) => linesOf(r.serial).filter((l) => l.length > 0);

describe.each(VOL_MACHINES)('-M %s', (machine) => {
  describe('kvstore on a 9p volume', () => {
    it('a put in one boot is read in the next; del and list persist too', async () => {
      const dir = freshDir(`kv-persist-${machine}`);
      const a = await kv(machine, dir, 'put greeting hello world; put n 42; put gone soon; del gone; get n');
      expect(a.timedOut).toBe(false);
      expect(out(a)).toEqual(['ok', 'ok', 'ok', 'ok', '42']);
      expect(a.guestExit).toBe(0);
      const log = readFileSync(join(dir, 'kv.log'));
      expect(decode(log).map((r) => `${r.op} ${r.key} ${r.value}`)).toEqual([
        'put greeting hello world', 'put n 42', 'put gone soon', 'del gone ']);
      expect(decode(log).at(-1)!.end).toBe(log.length);

      const b = await kv(machine, dir, 'get greeting; list; get gone');
      expect(out(b)).toEqual(['hello world', 'greeting hello world', 'n 42', 'kvstore: get gone: not found']);
      expect(b.guestExit).toBe(1);
      expect(panicked(b.serial)).toBe(false);
    });

    it('a log cut short mid-record loses only that record; the next put follows the last good one', async () => {
      const dir = freshDir(`kv-crash-${machine}`);
      const a = await kv(machine, dir, 'put a 1; put b 2; put c three');
      expect(a.guestExit).toBe(0);
      const file = join(dir, 'kv.log');
      const full = readFileSync(file);
      const recs = decode(full);
      expect(recs.map((r) => r.key)).toEqual(['a', 'b', 'c']);
      truncateSync(file, full.length - 3); // the crash: c's last bytes never reached the disk

      const b = await kv(machine, dir, 'list; put d 4; get d');
      const lines = out(b);
      expect(lines[0]).toBe(`kvstore: warning: /data/kv.log: ${recs[2].end - recs[1].end - 3} bytes at offset ${recs[1].end} are not a whole record (a write cut short), ignored`);
      expect(lines.slice(1)).toEqual(['a 1', 'b 2', `kvstore: /data/kv.log: cut the log back to ${recs[1].end} bytes`, 'ok', '4']);
      expect(b.guestExit).toBe(0);
      const after = readFileSync(file);
      expect(after.subarray(0, recs[1].end)).toEqual(full.subarray(0, recs[1].end));
      expect(decode(after).map((r) => `${r.key}=${r.value}`)).toEqual(['a=1', 'b=2', 'd=4']);
      expect(decode(after).at(-1)!.end).toBe(after.length);

      const c = await kv(machine, dir, 'list');
      expect(out(c)).toEqual(['a 1', 'b 2', 'd 4']);
    });

    it('a record with a bad checksum at the tail is dropped the same way', async () => {
      const dir = freshDir(`kv-crc-${machine}`);
      expect((await kv(machine, dir, 'put x 1; put y 2')).guestExit).toBe(0);
      const file = join(dir, 'kv.log');
      const log = readFileSync(file);
      log[log.length - 1] ^= 0xff; // y's value byte flipped
      writeFileSync(file, log);
      const r = await kv(machine, dir, 'list; get y');
      expect(out(r).slice(1)).toEqual(['x 1', 'kvstore: get y: not found']);
      expect(out(r)[0]).toMatch(/^kvstore: warning: \/data\/kv\.log: 18 bytes at offset 18 are not a whole record/);
      expect(readFileSync(file)).toEqual(log); // reads never rewrite the log
    });
  });
});
