// test/volumes/kvreader.test.ts — images/kvstore's log reader (compiled to Wasm,
// run in Node) on hand-made damage the fuzz targets found: a flipped length
// that makes a damaged fragment claim the first bytes of the next record must
// not cost that record, and the count of lost records stays exact.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeLog, recordSpans, type KvRecord } from '../../tools/fuzz/kvlog.ts';
import { compileReader, read, type Reader } from '../../tools/fuzz/kvlogNode.ts';

const recs: KvRecord[] = ['alpha', 'b'.repeat(190), 'gamma-value', 'd'.repeat(12), 'e'.repeat(13)]
  .map((value, i) => ({ seq: i + 1, op: 'put', key: `r${i}`, value }));
let reader: Reader;
beforeAll(async () => { reader = await compileReader(); }, 120_000);

describe('kvstore log reader', () => {
  it('a damaged length reaching into the next record: the next record is still read, 1 lost, exact', () => {
    const log = encodeLog(recs);
    const spans = recordSpans(recs);
    const at = spans[3].start;
    log[at] ^= 0x20; // the CRC: the fragment is damaged
    log[at + 4] += 1; // its length now claims the first byte of record 5
    const a = read(reader, log);
    expect(a.seqs).toEqual([1, 2, 3, 5]);
    expect(a.lost).toBe(1);
    expect(a.exact).toBe(true);
  });

  it('two damaged records, the second one last with a grown length: both counted, record 5 kept', () => {
    const log = encodeLog(recs);
    const spans = recordSpans(recs);
    log[spans[1].start + 60] ^= 0x10; // payload of record 2
    log[spans[3].start + 2] ^= 0x01;
    log[spans[3].start + 4] += 1;
    const a = read(reader, log);
    expect(a.seqs).toEqual([1, 3, 5]);
    expect(a.lost).toBe(2);
  });

  it('the last record damaged so its length runs past the end reads as a torn tail: silent, the rest kept', () => {
    const log = encodeLog(recs);
    const spans = recordSpans(recs);
    log[spans[4].start] ^= 0x01;
    log[spans[4].start + 4] += 1;
    const a = read(reader, log);
    expect(a.seqs).toEqual([1, 2, 3, 4]);
    expect(a.lost).toBe(0); // the one ambiguity of the format: nothing follows to tell it from a cut write
  });
});
