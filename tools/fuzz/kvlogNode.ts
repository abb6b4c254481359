// tools/fuzz/kvlogNode.ts — the `kvlog` target: images/kvstore's log reader
// itself, compiled to Wasm (tools/fuzz/as/kvreader.ts) and run in Node on
// damaged logs: thousands of cases a second, no QEMU. The oracle is the
// kvstore target's, on the reader's answer: every record it returns is one
// that was written, whole (its key and value digest), in order; records
// outside damaged blocks and before the cut are all returned; `lost` counts
// exactly the records missing (a torn tail silent); no trap.

import asc from 'assemblyscript/asc';
import { join } from 'node:path';
import { ROOT } from '../image/index.ts';
import { outcome, type Outcome } from './classify.ts';
import { BLOCK, crc32c, encodeLog, recordSpans, type KvRecord } from './kvlog.ts';
import type { Rng } from './rng.ts';
import type { CaseResult, Target } from './target.ts';

export interface Reader { ex: Record<string, any>; mem: WebAssembly.Memory }

/** images/kvstore's reader compiled to Wasm for Node (tools/fuzz/as/kvreader.ts). */
export async function compileReader(): Promise<Reader> {
  let wasm: Uint8Array | undefined;
  const errs: string[] = [];
  const { error } = await asc.main(['tools/fuzz/as/kvreader.ts', '-O2', '--runtime', 'incremental', '--baseDir', ROOT, '-o', 'out.wasm', '--exportRuntime'], {
    stdout: { write: () => true }, stderr: { write: (s: string | Uint8Array) => { errs.push(String(s)); return true; } },
    writeFile: (name: string, c: Uint8Array | string) => { if (name.endsWith('.wasm') && typeof c !== 'string') wasm = new Uint8Array(c); },
  } as any);
  if (error || !wasm) throw new Error(`asc failed for the kvstore reader: ${error?.message} ${errs.join('')}`);
  const { instance } = await WebAssembly.instantiate(wasm as BufferSource, { env: { abort: (_m: number, _f: number, line: number) => { throw new Error(`abort at line ${line}`); } } });
  const ex = instance.exports as Record<string, any>;
  return { ex, mem: ex.memory as WebAssembly.Memory };
}

const CH = 'abcdefgh ijk\u00e9\u6f22';

function recs(rng: Rng): KvRecord[] {
  const n = rng.range(1, rng.pick([5, 50, 400]));
  return Array.from({ length: n }, (_, i) => {
    const len = rng.chance(0.03) ? rng.range(30000, 80000) : rng.range(0, rng.pick([10, 200, 3000]));
    let v = '';
    for (let k = 0; k < len; k++) v += CH[rng.int(CH.length)];
    return { seq: i + 1, op: 'put' as const, key: `k${i}`, value: v };
  });
}

/** Runs the reader on `log`; returns its answer. */
export function read(r: Reader, log: Buffer) {
  const p = r.ex.alloc(Math.max(1, log.length)) as number;
  new Uint8Array(r.mem.buffer, p, log.length).set(log);
  r.ex.scan(p, log.length);
  const n = r.ex.records.value as number;
  return {
    seqs: Array.from({ length: n }, (_, i) => (r.ex.seqAt(i) as number) >>> 0),
    sums: Array.from({ length: n }, (_, i) => (r.ex.sumAt(i) as number) >>> 0),
    lost: r.ex.lost.value as number, exact: (r.ex.lostExact.value as number) === 1,
  };
}

function check(rs: KvRecord[], log: Buffer, cut: number, bytes: number[], a: ReturnType<typeof read>): Outcome {
  const spans = recordSpans(rs);
  const bad = new Set(bytes.map((x) => Math.floor(x / BLOCK)));
  let prev = 0;
  for (let i = 0; i < a.seqs.length; i++) {
    const s = a.seqs[i];
    if (s <= prev || s > rs.length) return outcome('loss', `returned seq ${s} after ${prev}`);
    prev = s;
    if (a.sums[i] !== crc32c(Buffer.from(`${rs[s - 1].key} ${rs[s - 1].value}`))) return outcome('loss', `record ${s} returned changed`);
  }
  const got = new Set(a.seqs);
  let missing = 0;
  const lastIn = spans.map((sp) => sp.end <= cut).lastIndexOf(true);
  for (let i = 0; i <= lastIn; i++) {
    if (got.has(i + 1)) continue;
    let inBad = false;
    for (let b = Math.floor(spans[i].start / BLOCK); b <= Math.floor((spans[i].end - 1) / BLOCK); b++) inBad ||= bad.has(b);
    if (!inBad) return outcome('loss', `record ${i + 1} missing outside every damaged block`);
    missing++;
  }
  const ambiguous = lastIn >= 0 && !got.has(lastIn + 1) && bytes.some((x) => x >= spans[lastIn].start && x < spans[lastIn].end);
  // The record cut by the end, damaged too, may be counted as damage rather than dropped as the torn tail.
  const partial = spans.findIndex((sp) => sp.start < cut && sp.end > cut);
  const partialHit = partial >= 0 && bytes.some((x) => x >= spans[partial].start && x < cut);
  const ok = a.exact ? a.lost === missing || (ambiguous && a.lost === missing - 1) || (partialHit && a.lost === missing + 1) : a.lost >= 1 && a.lost <= missing + (partialHit ? 1 : 0);
  return ok ? outcome('accepted', missing ? `${missing} lost` : '') : outcome('loss', `${missing} missing, reader said ${a.exact ? '' : 'at least '}${a.lost}`);
}

export const kvlogTarget: Target<Reader> = {
  name: 'kvlog',
  prepare: compileReader,
  async run(r, rng): Promise<CaseResult> {
    const rs = recs(rng);
    const log = encodeLog(rs);
    const b = Buffer.from(log);
    const bytes: number[] = [];
    for (let n = rng.range(0, 4); n > 0; n--) { const at = rng.int(b.length); if (rng.chance(0.3)) { const m = rng.range(1, 40); for (let i = at; i < Math.min(b.length, at + m); i++) { b[i] = 0; bytes.push(i); } } else { b[at] ^= 1 << rng.int(8); bytes.push(at); } }
    const cut = rng.chance(0.4) ? rng.int(b.length + 1) : b.length;
    const what = `${rs.length} records, ${log.length} bytes, ${bytes.length} damaged bytes, cut at ${cut}`;
    try {
      return { ...check(rs, log, cut, bytes.filter((x) => x < cut), read(r, b.subarray(0, cut))), what };
    } catch (e) {
      return { ...outcome('panic', `trap: ${(e as Error).message}`), what };
    }
  },
};
