// fs/9p codec under Node: every T-message checked byte for byte against
// vectors computed by hand from the 9P2000.L layouts (fs/9p/layout.ts), every
// R-message decoded from hand-built replies, every malformed-reply fault.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAs, instantiate } from '../kernel/harness.ts';

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { wasm = (await compileAs('test/9p/as/codec-entry.ts')).wasm; }, 60_000);

const EIO = -5;
const F = { SHORT: 1, SIZE: 2, TAG: 3, TYPE: 4, TRUNC: 5, TRAILING: 6, VALUE: 7 };

function hex(s: string): number[] { return s.trim().split(/\s+/).map((b) => parseInt(b, 16)); }

/** Little-endian byte builders for reply vectors. */
const le = {
  u8: (v: number) => [v & 0xff],
  u16: (v: number) => [v & 0xff, (v >> 8) & 0xff],
  u32: (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff],
  u64: (v: bigint) => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)),
  str: (s: string) => { const b = [...Buffer.from(s)]; return [...le.u16(b.length), ...b]; },
  qid: (t: number, ver: number, path: bigint) => [t, ...le.u32(ver), ...le.u64(path)],
};
/** A whole message: size[4] type[1] tag[2] body. */
function frame(type: number, tag: number, body: number[]): number[] {
  return [...le.u32(7 + body.length), type, ...le.u16(tag), ...body];
}

function setup() {
  const { machine, exports: k } = instantiate(wasm);
  const buf = k.alloc(1 << 20) as number;
  const scratch = k.alloc(1 << 17) as number;
  const mem = () => new Uint8Array(machine.memory.buffer);
  const args = (...ss: string[]) => {
    k.argsClear();
    for (const s of ss) { const b = Buffer.from(s); mem().set(b, scratch); k.arg(scratch, b.length); }
  };
  const bytes = (n: number) => [...mem().slice(buf, buf + n)];
  const reply = (b: number[], len = b.length) => { mem().set(b, buf); k.reply(buf, len); };
  const out = () => Buffer.from(mem().slice(scratch, scratch + k.outStr(scratch))).toString();
  k.msg(buf, 8192);
  return { k, buf, scratch, mem, args, bytes, reply, out };
}

describe('T-messages, byte for byte', () => {
  it('Tversion: tag NOTAG, msize, "9P2000.L"', () => {
    const t = setup();
    t.args('9P2000.L');
    expect(t.k.tVersion(8192)).toBe(21);
    expect(t.bytes(21)).toEqual(hex('15 00 00 00 64 ff ff 00 20 00 00 08 00 39 50 32 30 30 30 2e 4c'));
  });

  it('Tattach: fid, afid NOFID, uname, empty aname, n_uname', () => {
    const t = setup();
    t.args('root', '');
    expect(t.k.tAttach(1, 0, 0xffffffff, 0)).toBe(27);
    expect(t.bytes(27)).toEqual(hex('1b 00 00 00 68 01 00 00 00 00 00 ff ff ff ff 04 00 72 6f 6f 74 00 00 00 00 00 00'));
  });

  it('Twalk of two names, one name, and zero names (clone)', () => {
    const t = setup();
    t.args('a', 'bc');
    expect(t.k.tWalk(2, 0, 1)).toBe(24);
    expect(t.bytes(24)).toEqual(hex('18 00 00 00 6e 02 00 00 00 00 00 01 00 00 00 02 00 01 00 61 02 00 62 63'));
    t.args('x');
    expect(t.k.tWalk1(2, 7, 8)).toBe(20);
    expect(t.bytes(20)).toEqual(hex('14 00 00 00 6e 02 00 07 00 00 00 08 00 00 00 01 00 01 00 78'));
    t.args();
    expect(t.k.tWalk(3, 0, 9)).toBe(17);
    expect(t.bytes(17)).toEqual(hex('11 00 00 00 6e 03 00 00 00 00 00 09 00 00 00 00 00'));
  });

  it('Twalk of more than 16 names is -EINVAL', () => {
    const t = setup();
    t.args(...Array.from({ length: 17 }, (_, i) => `n${i}`));
    expect(t.k.tWalk(1, 0, 1)).toBe(-22);
  });

  it('Tlopen, Tlcreate', () => {
    const t = setup();
    expect(t.k.tLopen(3, 1, 2)).toBe(15);
    expect(t.bytes(15)).toEqual(hex('0f 00 00 00 0c 03 00 01 00 00 00 02 00 00 00'));
    t.args('f');
    expect(t.k.tLcreate(4, 1, 0o101, 0o644, 0)).toBe(26);
    expect(t.bytes(26)).toEqual(hex('1a 00 00 00 0e 04 00 01 00 00 00 01 00 66 41 00 00 00 a4 01 00 00 00 00 00 00'));
  });

  it('Tread with a 64-bit offset', () => {
    const t = setup();
    expect(t.k.tRead(5, 1, 0x100000002n, 4096)).toBe(23);
    expect(t.bytes(23)).toEqual(hex('17 00 00 00 74 05 00 01 00 00 00 02 00 00 00 01 00 00 00 00 10 00 00'));
  });

  it('Twrite with data inline, and the zero-copy head whose size counts data sent elsewhere', () => {
    const t = setup();
    const data = t.scratch + 1000;
    t.mem().set([0x68, 0x69], data);
    expect(t.k.tWrite(6, 1, 3n, data, 2)).toBe(25);
    expect(t.bytes(25)).toEqual(hex('19 00 00 00 76 06 00 01 00 00 00 03 00 00 00 00 00 00 00 02 00 00 00 68 69'));
    expect(t.k.tWriteHead(6, 1, 3n, 1000)).toBe(23);
    expect(t.bytes(23)).toEqual(hex('ff 03 00 00 76 06 00 01 00 00 00 03 00 00 00 00 00 00 00 e8 03 00 00'));
  });

  it('Treaddir, Tgetattr', () => {
    const t = setup();
    expect(t.k.tReaddir(7, 2, 0n, 8168)).toBe(23);
    expect(t.bytes(23)).toEqual(hex('17 00 00 00 28 07 00 02 00 00 00 00 00 00 00 00 00 00 00 e8 1f 00 00'));
    expect(t.k.tGetattr(8, 3, 0x7ffn)).toBe(19);
    expect(t.bytes(19)).toEqual(hex('13 00 00 00 18 08 00 03 00 00 00 ff 07 00 00 00 00 00 00'));
  });

  it('Tsetattr: all ten fields in order', () => {
    const t = setup();
    expect(t.k.tSetattr(9, 3, 0x1a9, 0o600, 1000, 100, 10n, 1n, 2n, 3n, 4n)).toBe(67);
    expect(t.bytes(67)).toEqual(frame(26, 9, [
      ...le.u32(3), ...le.u32(0x1a9), ...le.u32(0o600), ...le.u32(1000), ...le.u32(100), ...le.u64(10n),
      ...le.u64(1n), ...le.u64(2n), ...le.u64(3n), ...le.u64(4n),
    ]));
  });

  it('Tmkdir, Tunlinkat, Trenameat, Tsymlink, Tlink', () => {
    const t = setup();
    t.args('d');
    expect(t.k.tMkdir(10, 0, 0o755, 0)).toBe(22);
    expect(t.bytes(22)).toEqual(hex('16 00 00 00 48 0a 00 00 00 00 00 01 00 64 ed 01 00 00 00 00 00 00'));
    expect(t.k.tUnlinkat(11, 0, 0x200)).toBe(18);
    expect(t.bytes(18)).toEqual(hex('12 00 00 00 4c 0b 00 00 00 00 00 01 00 64 00 02 00 00'));
    t.args('a', 'bb');
    expect(t.k.tRenameat(12, 4, 5)).toBe(22);
    expect(t.bytes(22)).toEqual(hex('16 00 00 00 4a 0c 00 04 00 00 00 01 00 61 05 00 00 00 02 00 62 62'));
    t.args('l', '../t');
    expect(t.k.tSymlink(13, 0, 7)).toBe(24);
    expect(t.bytes(24)).toEqual(frame(16, 13, [...le.u32(0), ...le.str('l'), ...le.str('../t'), ...le.u32(7)]));
    t.args('h');
    expect(t.k.tLink(15, 0, 5)).toBe(18);
    expect(t.bytes(18)).toEqual(hex('12 00 00 00 46 0f 00 00 00 00 00 05 00 00 00 01 00 68'));
  });

  it('fid-only messages and Tfsync (fid + datasync, as QEMU reads it)', () => {
    const t = setup();
    expect(t.k.tReadlink(14, 5)).toBe(11);
    expect(t.bytes(11)).toEqual(hex('0b 00 00 00 16 0e 00 05 00 00 00'));
    expect(t.k.tStatfs(14, 5)).toBe(11);
    expect(t.bytes(11)).toEqual(hex('0b 00 00 00 08 0e 00 05 00 00 00'));
    expect(t.k.tClunk(14, 5)).toBe(11);
    expect(t.bytes(11)).toEqual(hex('0b 00 00 00 78 0e 00 05 00 00 00'));
    expect(t.k.tFsync(16, 5, 1)).toBe(15);
    expect(t.bytes(15)).toEqual(hex('0f 00 00 00 32 10 00 05 00 00 00 01 00 00 00'));
  });

  it('names are UTF-8 from UTF-16, surrogate pairs joined', () => {
    const t = setup();
    t.args('é€😀');
    expect(t.k.tWalk1(1, 0, 1)).toBe(17 + 2 + 9);
    expect(t.bytes(28).slice(17)).toEqual(hex('09 00 c3 a9 e2 82 ac f0 9f 98 80'));
  });

  it('refuses a message larger than the buffer and a string over 65535 bytes', () => {
    const t = setup();
    t.k.msg(t.buf, 20);
    expect(t.k.tRead(1, 1, 0n, 1)).toBe(-22); // 23 bytes > 20
    t.k.msg(t.buf, 1 << 20);
    t.args('x'.repeat(65536));
    expect(t.k.tWalk1(1, 0, 1)).toBe(-36);
    t.args('x'.repeat(65535));
    expect(t.k.tWalk1(1, 0, 1)).toBe(17 + 2 + 65535);
  });
});

describe('R-messages', () => {
  it('Rversion gives the msize and version', () => {
    const t = setup();
    t.reply(frame(101, 0xffff, [...le.u32(512000), ...le.str('9P2000.L')]));
    expect(t.k.rVersion()).toBe(512000);
    expect(t.out()).toBe('9P2000.L');
  });

  it('Rattach, Rmkdir, Rsymlink give the qid', () => {
    const t = setup();
    for (const [type, fn] of [[105, 'rAttach'], [73, 'rMkdir'], [17, 'rSymlink']] as const) {
      t.reply(frame(type, 4, le.qid(0x80, 7, 0x1122334455667788n)));
      expect(t.k[fn](4)).toBe(0);
      expect(t.k.qidType()).toBe(0x80);
      expect(t.k.qidVersion()).toBe(7);
      expect(BigInt.asUintN(64, t.k.qidPath())).toBe(0x1122334455667788n);
    }
  });

  it('Rwalk: full and partial walks, the last qid', () => {
    const t = setup();
    t.reply(frame(111, 2, [...le.u16(2), ...le.qid(0x80, 0, 5n), ...le.qid(0, 1, 6n)]));
    expect(t.k.rWalk(2, 2)).toBe(2);
    expect(BigInt(t.k.qidPath())).toBe(6n);
    t.reply(frame(111, 2, [...le.u16(1), ...le.qid(0x80, 0, 5n)]));
    expect(t.k.rWalk(2, 3)).toBe(1);
    t.reply(frame(111, 2, le.u16(0)));
    expect(t.k.rWalk(2, 0)).toBe(0);
  });

  it('Rlopen and Rlcreate give qid and iounit', () => {
    const t = setup();
    t.reply(frame(13, 3, [...le.qid(0, 2, 9n), ...le.u32(65512)]));
    expect(t.k.rLopen(3)).toBe(65512);
    expect(BigInt(t.k.qidPath())).toBe(9n);
    t.reply(frame(15, 3, [...le.qid(0, 0, 10n), ...le.u32(0)]));
    expect(t.k.rLcreate(3)).toBe(0);
    expect(BigInt(t.k.qidPath())).toBe(10n);
  });

  it('Rread: count, data right after the 11-byte head; also when the data went to another buffer', () => {
    const t = setup();
    t.reply(frame(117, 5, [...le.u32(3), 0x61, 0x62, 0x63]));
    expect(t.k.rRead(5, 4096)).toBe(3);
    expect(t.bytes(14).slice(11)).toEqual([0x61, 0x62, 0x63]);
    expect(t.k.rPos()).toBe(11);
    // zero copy: 11 head bytes here, size[4] counts 1000 data bytes the device put elsewhere
    t.reply(frame(117, 5, [...le.u32(1000), ...new Array(1000).fill(0)]).slice(0, 11), 1011);
    expect(t.k.rRead(5, 1000)).toBe(1000);
    t.reply(frame(117, 5, le.u32(0)));
    expect(t.k.rRead(5, 10)).toBe(0);
  });

  it('Rwrite: the count', () => {
    const t = setup();
    t.reply(frame(119, 6, le.u32(2)));
    expect(t.k.rWrite(6, 2)).toBe(2);
  });

  it('Rreaddir: entries with qid, offset cookie, type, name', () => {
    const t = setup();
    const ents = [['.', 0x80, 1n, 4], ['..', 0x80, 2n, 4], ['file é', 0, 3n, 8], ['link', 2, 4n, 10]] as const;
    const data = ents.flatMap(([name, qt, path, dt], i) => [...le.qid(qt, 0, path), ...le.u64(BigInt(100 + i)), dt, ...le.str(name)]);
    t.reply(frame(41, 7, [...le.u32(data.length), ...data]));
    expect(t.k.rReaddir(7, 8168)).toBe(data.length);
    const got: [string, number, bigint, number, bigint][] = [];
    while (t.k.dirNext() === 1) got.push([t.out(), t.k.qidType(), BigInt(t.k.qidPath()), t.k.entType(), BigInt(t.k.entOffset())]);
    expect(got).toEqual(ents.map(([n, qt, p, dt], i) => [n, qt, p, dt, BigInt(100 + i)]));
    expect(t.k.dirNext()).toBe(0);
    t.reply(frame(41, 7, le.u32(0)));
    expect(t.k.rReaddir(7, 8168)).toBe(0);
    expect(t.k.dirNext()).toBe(0);
  });

  it('Rgetattr: every field in order', () => {
    const t = setup();
    const u64s = [5n, 6n, 7n, 4096n, 16n, 11n, 12n, 13n, 14n, 15n, 16n, 17n, 18n, 19n, 20n];
    t.reply(frame(25, 8, [...le.u64(0x7ffn), ...le.qid(0, 3, 42n), ...le.u32(0o100644), ...le.u32(1000), ...le.u32(100),
      ...u64s.flatMap(le.u64)]));
    expect(t.k.rGetattr(8)).toBe(0);
    expect(BigInt(t.k.qidPath())).toBe(42n);
    const fields = Array.from({ length: 19 }, (_, i) => BigInt.asUintN(64, t.k.attrField(i)));
    expect(fields).toEqual([0x7ffn, 0o100644n, 1000n, 100n, ...u64s]);
  });

  it('Rstatfs: every field in order', () => {
    const t = setup();
    t.reply(frame(9, 1, [...le.u32(0x01021997), ...le.u32(4096), ...[1n, 2n, 3n, 4n, 5n, 6n].flatMap(le.u64), ...le.u32(255)]));
    expect(t.k.rStatfs(1)).toBe(0);
    expect(Array.from({ length: 9 }, (_, i) => BigInt(t.k.statfsField(i)))).toEqual([0x01021997n, 4096n, 1n, 2n, 3n, 4n, 5n, 6n, 255n]);
  });

  it('Rreadlink gives the target', () => {
    const t = setup();
    t.reply(frame(23, 1, le.str('../x/ÿ')));
    expect(t.k.rReadlink(1)).toBe(0);
    expect(t.out()).toBe('../x/ÿ');
  });

  it('empty replies: Rsetattr Runlinkat Rrenameat Rlink Rfsync Rclunk', () => {
    const t = setup();
    for (const [type, fn] of [[27, 'rSetattr'], [77, 'rUnlinkat'], [75, 'rRenameat'], [71, 'rLink'], [51, 'rFsync'], [121, 'rClunk']] as const) {
      t.reply(frame(type, 3, []));
      expect(t.k[fn](3)).toBe(0);
      t.reply(frame(type + 2, 3, []));
      expect(t.k[fn](3)).toBe(EIO);
      expect(t.k.fault()).toBe(F.TYPE);
    }
  });

  it('Rlerror becomes the negative Linux errno, for any expected reply', () => {
    const t = setup();
    t.reply(frame(7, 3, le.u32(2)));
    expect(t.k.rLopen(3)).toBe(-2);
    t.reply(frame(7, 3, le.u32(30)));
    expect(t.k.rWrite(3, 10)).toBe(-30);
    t.reply(frame(7, 3, le.u32(39)));
    expect(t.k.rUnlinkat(3)).toBe(-39);
    t.reply(frame(7, 0xffff, le.u32(22)));
    expect(t.k.rVersion()).toBe(-22);
  });
});

describe('malformed replies are -EIO with the reason', () => {
  function bad(t: ReturnType<typeof setup>, r: number, fault: number) {
    expect(r).toBe(EIO);
    expect(t.k.fault()).toBe(fault);
  }

  it('fewer than 7 bytes, or size < 7', () => {
    const t = setup();
    t.reply([5, 0, 0, 0, 121, 3], 6);
    bad(t, t.k.rClunk(3), F.SHORT);
    t.reply([6, 0, 0, 0, 121, 3, 0]);
    bad(t, t.k.rClunk(3), F.SHORT);
  });

  it('size past the bytes received', () => {
    const t = setup();
    const m = frame(117, 5, [...le.u32(3), 1, 2, 3]);
    t.reply(m, m.length - 1);
    bad(t, t.k.rRead(5, 10), F.SIZE);
    t.reply([...le.u32(0x7fffffff), 121, 3, 0], 7);
    bad(t, t.k.rClunk(3), F.SIZE);
  });

  it('wrong tag, wrong type', () => {
    const t = setup();
    t.reply(frame(121, 4, []));
    bad(t, t.k.rClunk(3), F.TAG);
    t.reply(frame(119, 3, le.u32(1)));
    bad(t, t.k.rRead(3, 1), F.TYPE);
  });

  it('a field past size, a string past size', () => {
    const t = setup();
    t.reply(frame(105, 1, le.qid(0, 0, 1n).slice(0, 12)));
    bad(t, t.k.rAttach(1), F.TRUNC);
    t.reply(frame(23, 1, [...le.u16(10), 0x61, 0x62]));
    bad(t, t.k.rReadlink(1), F.TRUNC);
    t.reply(frame(25, 8, new Array(152).fill(0)));
    bad(t, t.k.rGetattr(8), F.TRUNC);
    t.reply(frame(117, 5, [...le.u32(4), 1, 2, 3]));
    bad(t, t.k.rRead(5, 10), F.TRUNC);
  });

  it('bytes left over', () => {
    const t = setup();
    t.reply(frame(121, 3, [0]));
    bad(t, t.k.rClunk(3), F.TRAILING);
    t.reply(frame(117, 5, [...le.u32(1), 1, 2]));
    bad(t, t.k.rRead(5, 10), F.TRAILING);
    t.reply(frame(7, 3, [...le.u32(2), 0]));
    bad(t, t.k.rClunk(3), F.TRAILING);
  });

  it('impossible values: errno 0 or > 4095, count > asked, more qids than names', () => {
    const t = setup();
    t.reply(frame(7, 3, le.u32(0)));
    bad(t, t.k.rClunk(3), F.VALUE);
    t.reply(frame(7, 3, le.u32(5000)));
    bad(t, t.k.rClunk(3), F.VALUE);
    t.reply(frame(117, 5, [...le.u32(3), 1, 2, 3]));
    bad(t, t.k.rRead(5, 2), F.VALUE);
    t.reply(frame(119, 5, le.u32(3)));
    bad(t, t.k.rWrite(5, 2), F.VALUE);
    t.reply(frame(111, 2, [...le.u16(2), ...le.qid(0, 0, 1n), ...le.qid(0, 0, 2n)]));
    bad(t, t.k.rWalk(2, 1), F.VALUE);
  });

  it('a directory entry cut short inside a well-formed Rreaddir', () => {
    const t = setup();
    const data = [...le.qid(0, 0, 1n), ...le.u64(1n), 8, ...le.str('ok'), ...le.qid(0, 0, 2n), ...le.u64(2n), 8, ...le.u16(9), 0x61];
    t.reply(frame(41, 7, [...le.u32(data.length), ...data]));
    expect(t.k.rReaddir(7, 8168)).toBe(data.length);
    expect(t.k.dirNext()).toBe(1);
    expect(t.out()).toBe('ok');
    bad(t, t.k.dirNext(), F.TRUNC);
  });
});
