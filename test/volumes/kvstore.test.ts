// images/kvstore (issues 6, 11): persistence across boots on a 9p volume,
// crash recovery and damage. Logs are written and checked on the host with
// tools/fuzz/kvlog.ts, the format written out a second time from its
// definition (LevelDB's log: 32 KiB blocks, masked CRC-32C fragments), so the
// bytes on disk are checked, not only what the guest says about them.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine, QemuResult } from '../../tools/qemu/index.ts';
import { BLOCK, decodeStrict, encodeLog, listOf, recordSpans, type KvRecord } from '../../tools/fuzz/kvlog.ts';
import { killMidRun } from '../../tools/fuzz/kill.ts';
import { bootVol, freshDir, imageElf, linesOf, panicked, VOL_MACHINES } from './helpers.ts';

let elf = '';
/** The machine of the describe block running now (blocks run one after the other). */
let machine: Machine = 'pc';
beforeAll(async () => { elf = await imageElf('kvstore'); }, 180_000);

/** One boot; a leading run of dots (once seen under load: the rest of SeaBIOS's "Booting from ROM..") is not the app's. */
async function kv(dir: string, cmds: string): Promise<QemuResult> {
  const r = await bootVol({ machine, kernel: elf, volumes: [{ src: dir, dst: '/data', readonly: false }], cmds, timeoutMs: 240_000 });
  return { ...r, serial: r.serial.replace(/^\.+(?:\r?\n)?/, '') };
}

/** The app's output lines (after the boot lines). */
const out = (r: QemuResult) => linesOf(r.serial).filter((l) => l.length > 0);

/** n puts k000..k(n-1) with values long enough that the log spans several blocks. */
function puts(n: number, size = 500): KvRecord[] {
  return Array.from({ length: n }, (_, i) => ({ seq: i + 1, op: 'put' as const, key: `k${String(i).padStart(3, '0')}`, value: `v${i}-`.padEnd(size, String.fromCharCode(97 + (i % 26))) }));
}

const lossLine = /^kvstore: warning: \/data\/kv\.log: (\d+) records? lost to damaged bytes \(the first at offset (\d+)\); the other (\d+) records are intact$/;

describe.each(VOL_MACHINES)('kvstore on a 9p volume, -M %s', (m) => {
  beforeAll(() => { machine = m; });
  it('a put in one boot is read in the next; del and list persist too', async () => {
    const dir = freshDir('kv-persist');
    const a = await kv(dir, 'put greeting hello world; put n 42; put gone soon; del gone; get n');
    expect(a.timedOut).toBe(false);
    expect(out(a)).toEqual(['ok', 'ok', 'ok', 'ok', '42']);
    expect(a.guestExit).toBe(0);
    const log = readFileSync(join(dir, 'kv.log'));
    const d = decodeStrict(log);
    expect(d.recs.map((r) => `${r.seq} ${r.op} ${r.key} ${r.value}`)).toEqual([
      '1 put greeting hello world', '2 put n 42', '3 put gone soon', '4 del gone ']);
    expect(d.end).toBe(log.length);

    const b = await kv(dir, 'get greeting; list; get gone');
    expect(out(b)).toEqual(['hello world', 'greeting hello world', 'n 42', 'kvstore: get gone: not found']);
    expect(b.guestExit).toBe(1);
    expect(panicked(b.serial)).toBe(false);
  });

  it('one flipped byte in the middle of a 200-record log costs only records of its block, counted; the put succeeds', async () => {
    const dir = freshDir('kv-flip');
    const recs = puts(200);
    const log = encodeLog(recs);
    expect(log.length).toBeGreaterThan(3 * BLOCK);
    const spans = recordSpans(recs);
    const file = join(dir, 'kv.log');
    // A payload byte of record 100 and, separately, the length field of record 150.
    log[spans[100].start + 20] ^= 0x10;
    log[spans[150].start + 5] ^= 0x01;
    writeFileSync(file, log);

    const r = await kv(dir, 'put new value; list');
    const lines = out(r);
    expect(r.guestExit).toBe(0);
    const m = lossLine.exec(lines[0]);
    expect(m, lines[0]).not.toBeNull();
    const listed = lines.slice(2);
    expect(lines[1]).toBe('ok');
    const want = new Set(listOf(recs));
    const missing = [...want].filter((l) => !listed.includes(l));
    expect(Number(m![1])).toBe(missing.length); // the count is exact
    expect(Number(m![2])).toBe(spans[100].start);
    for (const l of missing) { // every record lost lies in a damaged block
      const i = Number(l.slice(1, 4));
      expect([Math.floor(spans[100].start / BLOCK), Math.floor(spans[150].start / BLOCK)]).toContain(Math.floor(spans[i].start / BLOCK));
    }
    expect(missing.length).toBeGreaterThanOrEqual(2);
    expect(listed).toContain('new value');
    expect(listed.length).toBe(200 - missing.length + 1);
    // Nothing good was cut: the old bytes are all there, the new record after them.
    const after = readFileSync(file);
    expect(after.subarray(0, log.length)).toEqual(log);

    const again = await kv(dir, 'get new; get k199');
    expect(out(again)).toEqual([lines[0].replace(/the other \d+/, `the other ${200 - missing.length + 1}`), 'value', recs[199].value]);
  });

  it('a log cut short mid-record recovers silently; the next put follows the last good record', async () => {
    const dir = freshDir('kv-torn');
    const recs = puts(80, 300);
    const log = encodeLog(recs);
    const spans = recordSpans(recs);
    const file = join(dir, 'kv.log');
    writeFileSync(file, log.subarray(0, spans[79].start + 100)); // the crash: 79's last bytes never reached the disk

    const r = await kv(dir, 'get k078; put d 4; get d; get k079');
    expect(out(r)).toEqual([recs[78].value, 'ok', '4', 'kvstore: get k079: not found']);
    expect(r.guestExit).toBe(1);
    const after = decodeStrict(readFileSync(file));
    expect(after.end).toBe(readFileSync(file).length);
    expect(after.recs.map((x) => x.seq)).toEqual([...Array.from({ length: 79 }, (_, i) => i + 1), 80]);
    expect(after.recs.at(-1)).toMatchObject({ key: 'd', value: '4' });
  });

  it('SIGKILL of QEMU in the middle of a run of puts: the reopened store holds a prefix of them, silently', async () => {
    const dir = freshDir('kv-kill');
    const cmds = Array.from({ length: 40 }, (_, i) => `put p${String(i).padStart(2, '0')} ${'x'.repeat(60)}${i}`).join('; ');
    const killed = await killMidRun({ machine, kernel: elf, volumes: [{ src: dir, dst: '/data', readonly: false }], cmds, afterLines: 8, timeoutMs: 120_000 });
    expect(killed.oks).toBeGreaterThanOrEqual(8);
    const r = await kv(dir, 'list; put after 1');
    const lines = out(r);
    expect(r.guestExit).toBe(0);
    expect(lines.at(-1)).toBe('ok');
    const listed = lines.slice(0, -1);
    expect(listed.length).toBeGreaterThanOrEqual(killed.oks);
    expect(listed).toEqual(Array.from({ length: listed.length }, (_, i) => `p${String(i).padStart(2, '0')} ${'x'.repeat(60)}${i}`));
    const log = readFileSync(join(dir, 'kv.log'));
    const d = decodeStrict(log);
    expect(d.end).toBe(log.length);
    expect(d.recs.at(-1)).toMatchObject({ key: 'after', seq: listed.length + 1 });
  });

  it('a log in the old KVR1 format is refused with one line, untouched', async () => {
    const dir = freshDir('kv-old');
    const file = join(dir, 'kv.log');
    const old = Buffer.from('KVR1\x01\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00a1', 'latin1');
    writeFileSync(file, old);
    const r = await kv(dir, 'put a 2');
    expect(out(r)).toEqual(['kvstore: error: /data/kv.log: a log in the old KVR1 format (before 32 KiB blocks) is not read: move it aside to start a new log']);
    expect(r.guestExit).toBe(2);
    expect(readFileSync(file)).toEqual(old);
  });
});
