// The layers below TCP, each against frames built or read by an independent
// TypeScript codec: the Internet checksum (RFC 1071's example and a plain
// reference), address text, netdev.ip= parsing, IPv4 input checks,
// ARP (replies, cache expiry, the pending queue), ICMP echo, UDP sockets,
// DHCP messages, TCP options and RFC 9293's acceptability test.
import { beforeAll, describe, expect, it } from 'vitest';
import { A, B, E, Net, netWasm, arpFrame, ipFrame, udpPayload, refChecksum, macBytes } from './harness.ts';

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { wasm = await netWasm(); }, 120_000);

const RAW = 2, RAW_IP = 0x0a000101, RAW_MAC = 0x020000000003n, PEER = 0x0a000164, PEER_MAC = 0x020000000064n;
function raw(): Net { const n = new Net(wasm); n.k.setupRaw(); return n; }
function inject(n: Net, f: Uint8Array, iface = RAW) { const p = n.put(f); n.k.inject(iface, p, f.length, 0); n.k.free(p); }
function counter(n: Net, name: string): bigint { return n.k.netCounter(n.str(name)); }

function asBytes(n: Net, p: number): number { const b = n.bytes(p, 2); return (b[0] << 8) | b[1]; }

describe('checksum', () => {
  it('RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d', () => {
    const n = new Net(wasm);
    const p = n.put(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0, 0]));
    const c = n.k.csum(p, 8);
    new DataView(n.mem.buffer).setUint16(p + 8, c, true); // stored natively, as the stack stores it
    expect(asBytes(n, p + 8)).toBe(0x220d);
  });

  it('matches the reference for lengths 0..300 at every alignment', () => {
    const n = new Net(wasm);
    const buf = n.k.alloc(400);
    let seed = 12345;
    for (let len = 0; len <= 300; len++) {
      for (const align of [0, 1, 2, 3, 5, 7]) {
        const data = new Uint8Array(len).map(() => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; });
        new Uint8Array(n.mem.buffer, buf + align, len).set(data);
        const c = n.k.csum(buf + align, len);
        const stored = ((c & 0xff) << 8) | (c >> 8); // bytes as stored little-endian, read big-endian
        expect(stored, `len ${len} align ${align}`).toBe(refChecksum(data));
      }
    }
  });

  it('all-ones words: the sum carries around many times', () => {
    const n = new Net(wasm);
    const data = new Uint8Array(4096).fill(0xff);
    const p = n.put(data);
    const c = n.k.csum(p, data.length);
    expect(((c & 0xff) << 8) | (c >> 8)).toBe(refChecksum(data));
  });

  it('a TCP segment checksum verifies with its pseudo-header and fails when a byte flips', () => {
    const n = new Net(wasm);
    const src = 0xc0a80001, dst = 0xc0a800c7;
    const seg = new Uint8Array(21).map((_, i) => i * 7);
    seg[16] = 0; seg[17] = 0;
    const pseudo = new Uint8Array([192, 168, 0, 1, 192, 168, 0, 199, 0, 6, 0, 21]);
    const c = refChecksum(Buffer.concat([pseudo, seg]));
    seg[16] = c >> 8; seg[17] = c & 0xff;
    const p = n.put(seg);
    expect(n.k.csumVerify(src, dst, 6, p, seg.length)).toBe(1);
    new Uint8Array(n.mem.buffer)[p + 20] ^= 1;
    expect(n.k.csumVerify(src, dst, 6, p, seg.length)).toBe(0);
  });
});

describe('addresses and configuration', () => {
  it('parses and prints dotted quads, refusing anything else', () => {
    const n = new Net(wasm);
    expect(n.k.ipParse(n.str('10.0.2.15'))).toBe(0x0a00020fn);
    expect(n.k.ipParse(n.str('255.255.255.255'))).toBe(0xffffffffn);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', 'a.b.c.d', '1.2.3.4 ', '-1.2.3.4']) {
      expect(n.k.ipParse(n.str(bad)), bad).toBe(-1n);
    }
    expect(n.lift(n.k.ipToString(0xc0a80001))).toBe('192.168.0.1');
  });

  it('netdev.ip=IP/PREFIX:GW[:DNS] (Unikraft syntax), dotted masks too; bad values say what is wrong', () => {
    const n = new Net(wasm);
    expect(n.k.parseIpOption(n.str('10.0.2.15/24:10.0.2.2:10.0.2.3'))).toBe(1);
    expect([0, 1, 2, 3].map((i) => n.k.cfgField(i) >>> 0)).toEqual([0x0a00020f, 0xffffff00, 0x0a000202, 0x0a000203]);
    expect(n.k.parseIpOption(n.str('172.44.0.2/255.255.0.0:172.44.0.1'))).toBe(1);
    expect(n.k.cfgField(1) >>> 0).toBe(0xffff0000);
    expect(n.k.cfgField(3)).toBe(0);
    const bad: [string, string][] = [
      ['10.0.2.15:10.0.2.2', 'missing /PREFIX'], ['10.0.2.15/33:10.0.2.2', 'bad prefix'],
      ['10.0.2.15/255.0.255.0:1.1.1.1', 'bad prefix or netmask'], ['10.0.2/24:10.0.2.2', 'bad address'],
      ['10.0.2.15/24:gw', 'bad gateway'], ['10.0.2.15/24:10.0.2.2:x', 'bad DNS'], ['10.0.2.15/24', 'expected'],
    ];
    for (const [v, why] of bad) {
      expect(n.k.parseIpOption(n.str(v)), v).toBe(0);
      expect(n.lift(n.k.cfgError())).toContain(why);
    }
  });
});

describe('IPv4 input', () => {
  it('drops a bad header checksum and refuses fragments (counted)', () => {
    const n = raw();
    const echo = icmpEcho(1, 1, new Uint8Array(8));
    const f = ipFrame({ src: PEER, dst: RAW_IP, proto: 1, dstMac: RAW_MAC, payload: echo });
    f[24] ^= 0xff;
    inject(n, f);
    expect(counter(n, 'rx_bad')).toBe(1n);
    inject(n, ipFrame({ src: PEER, dst: RAW_IP, proto: 1, dstMac: RAW_MAC, payload: echo, mf: true }));
    inject(n, ipFrame({ src: PEER, dst: RAW_IP, proto: 1, dstMac: RAW_MAC, payload: echo, fragOff: 100 }));
    expect(counter(n, 'ip_frag_dropped')).toBe(2n);
    expect(counter(n, 'icmp_echo')).toBe(0n);
  });
});

function icmpEcho(id: number, seq: number, data: Uint8Array): Uint8Array {
  const m = new Uint8Array(8 + data.length);
  const v = new DataView(m.buffer);
  m[0] = 8; v.setUint16(4, id); v.setUint16(6, seq); m.set(data, 8);
  v.setUint16(2, refChecksum(m));
  return m;
}

describe('ARP and ICMP', () => {
  it('answers a request for its address and learns the sender (RFC 826 merge)', () => {
    const n = raw();
    inject(n, arpFrame(1, PEER_MAC, PEER, 0n, RAW_IP));
    const r = n.frames(RAW).at(-1)!;
    expect([...r.subarray(0, 6)]).toEqual(macBytes(PEER_MAC));
    expect((r[20] << 8) | r[21]).toBe(2); // reply
    expect([...r.subarray(22, 28)]).toEqual(macBytes(RAW_MAC));
    expect(new DataView(r.buffer).getUint32(28)).toBe(RAW_IP);
    expect(new DataView(r.buffer).getUint32(38)).toBe(PEER);
    expect(n.k.arpMac(RAW, PEER)).toBe(PEER_MAC);
  });

  it('a request for another address is not answered and adds nothing', () => {
    const n = raw();
    inject(n, arpFrame(1, PEER_MAC, PEER, 0n, 0x0a000199));
    expect(n.frames(RAW).length).toBe(0);
    expect(n.k.arpEntries(RAW)).toBe(0);
  });

  it('entries expire after 60 s', () => {
    const n = raw();
    inject(n, arpFrame(1, PEER_MAC, PEER, 0n, RAW_IP));
    n.k.advance(59_000_000n);
    expect(n.k.arpMac(RAW, PEER)).toBe(PEER_MAC);
    n.k.advance(2_000_000n);
    expect(n.k.arpMac(RAW, PEER)).toBe(-1n);
  });

  it('packets wait for resolution, go out with the learnt MAC; unanswered requests give up after 3 tries', () => {
    const n = raw();
    const d = n.put(new Uint8Array([1, 2, 3, 4]));
    expect(n.k.sendRaw(RAW, PEER, d, 4)).toBe(1);
    expect(n.k.sendRaw(RAW, PEER, d, 4)).toBe(1);
    expect(n.frames(RAW).length).toBe(1); // one request for both
    inject(n, arpFrame(2, PEER_MAC, PEER, RAW_MAC, RAW_IP));
    const out = n.frames(RAW);
    expect(out.length).toBe(3);
    expect([...out[1].subarray(0, 6)]).toEqual(macBytes(PEER_MAC));
    expect(out[2][23]).toBe(253);
    // An address nobody answers for.
    n.k.sendRaw(RAW, 0x0a000177, d, 4);
    n.k.runFor(5_000_000n, 100_000n);
    const reqs = n.frames(RAW).slice(3).filter((f) => f[12] === 8 && f[13] === 6);
    expect(reqs.length).toBe(3);
    expect(counter(n, 'arp_dropped')).toBe(1n);
    expect(n.k.arpPendingCount(RAW)).toBe(0);
  });

  it('echo request -> echo reply with the same id, sequence and data, valid checksum', () => {
    const n = raw();
    inject(n, arpFrame(1, PEER_MAC, PEER, 0n, RAW_IP));
    const data = new Uint8Array(56).map((_, i) => i);
    inject(n, ipFrame({ src: PEER, dst: RAW_IP, proto: 1, dstMac: RAW_MAC, payload: icmpEcho(0x1234, 7, data) }));
    const r = n.frames(RAW).at(-1)!;
    expect(r[23]).toBe(1);
    const icmp = r.subarray(34);
    expect(icmp[0]).toBe(0);
    expect((icmp[4] << 8) | icmp[5]).toBe(0x1234);
    expect((icmp[6] << 8) | icmp[7]).toBe(7);
    expect([...icmp.subarray(8)]).toEqual([...data]);
    expect(refChecksum(icmp)).toBe(0);
    expect(refChecksum(r.subarray(14, 34))).toBe(0);
  });
});

describe('UDP', () => {
  it('datagrams between two sockets, with source address and port; sizes and errors', () => {
    const n = new Net(wasm);
    const a = n.k.udpOpen(5000), b = n.k.udpOpen(6000);
    expect(n.k.udpOpen(5000)).toBe(E.EADDRINUSE);
    const msg = n.put(new Uint8Array([104, 105]));
    expect(n.k.udpSendTo(a, B, 6000, msg, 2)).toBe(2);
    n.settle();
    const buf = n.k.alloc(100);
    expect(n.k.udpRecvFrom(b, buf, 100)).toBe(2);
    expect([...n.bytes(buf, 2)]).toEqual([104, 105]);
    expect(n.k.udpFromIp(b)).toBe(A);
    expect(n.k.udpFromPort(b)).toBe(5000);
    expect(n.k.udpRecvFrom(b, buf, 100)).toBe(E.EAGAIN);
    const big = n.k.alloc(2000);
    expect(n.k.udpSendTo(a, B, 6000, big, 1473)).toBe(E.EMSGSIZE);
    expect(n.k.udpSendTo(a, B, 6000, big, 1472)).toBe(1472);
    n.settle();
    expect(n.k.udpRecvFrom(b, buf, 100)).toBe(1472); // truncated copy, full length returned
    const e = n.k.udpOpen(0);
    expect(n.k.sockLocalPort(e)).toBeGreaterThanOrEqual(49152);
  });

  it('a bad UDP checksum is dropped; a datagram to a closed port is counted', () => {
    const n = raw();
    const s = n.k.udpOpen(7);
    const u = udpPayload(PEER, RAW_IP, 1000, 7, new Uint8Array([1, 2, 3]));
    u[8] ^= 1;
    inject(n, ipFrame({ src: PEER, dst: RAW_IP, proto: 17, dstMac: RAW_MAC, payload: u }));
    expect(counter(n, 'rx_bad_csum')).toBe(1n);
    u[8] ^= 1;
    inject(n, ipFrame({ src: PEER, dst: RAW_IP, proto: 17, dstMac: RAW_MAC, payload: u }));
    const buf = n.k.alloc(10);
    expect(n.k.udpRecvFrom(s, buf, 10)).toBe(3);
    inject(n, ipFrame({ src: PEER, dst: RAW_IP, proto: 17, dstMac: RAW_MAC, payload: udpPayload(PEER, RAW_IP, 1000, 8, new Uint8Array(1)) }));
    expect(counter(n, 'udp_noport')).toBe(1n);
  });
});

describe('DHCP messages', () => {
  it('DISCOVER and REQUEST carry what RFC 2131 asks for', () => {
    const n = new Net(wasm);
    const p = n.k.alloc(576);
    const len = n.k.dhcpMake(p, 3, 0xdeadbeef, 0x525400123456n, 0x0a00020f, 0x0a000202);
    expect(len).toBe(300);
    const m = n.bytes(p, len);
    const v = new DataView(m.buffer);
    expect([m[0], m[1], m[2]]).toEqual([1, 1, 6]);
    expect(v.getUint32(4)).toBe(0xdeadbeef);
    expect(v.getUint16(10)).toBe(0x8000);
    expect([...m.subarray(28, 34)]).toEqual([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
    expect(v.getUint32(236)).toBe(0x63825363);
    const opts = parseOptions(m.subarray(240));
    expect(opts.get(53)).toEqual([3]);
    expect(opts.get(50)).toEqual([10, 0, 2, 15]);
    expect(opts.get(54)).toEqual([10, 0, 2, 2]);
    expect(opts.get(55)).toEqual([1, 3, 6, 51]);
  });

  it('parses an OFFER built here (as QEMU sends it) and refuses truncated or foreign messages', () => {
    const n = new Net(wasm);
    const m = offer(0x11223344, [[53, [2]], [54, [10, 0, 2, 2]], [1, [255, 255, 255, 0]], [3, [10, 0, 2, 2]], [6, [10, 0, 2, 3]], [51, [0, 1, 81, 128]]]);
    const p = n.put(m);
    expect(n.k.dhcpRead(p, m.length)).toBe(1);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => n.k.dhcpField(i) >>> 0)).toEqual([2, 2, 0x11223344, 0x0a00020f, 0x0a000202, 0xffffff00, 0x0a000202, 0x0a000203, 86400]);
    expect(n.k.dhcpRead(p, 239)).toBe(0);
    const cut = offer(1, [[53, [2]], [6, [10, 0, 2, 3]]]).subarray(0, 240 + 5); // option 6 runs past the end
    const q = n.put(cut);
    expect(n.k.dhcpRead(q, cut.length)).toBe(0);
    const noType = offer(1, [[1, [255, 0, 0, 0]]]);
    const r = n.put(noType);
    expect(n.k.dhcpRead(r, noType.length)).toBe(0);
  });
});

function parseOptions(b: Uint8Array): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < b.length && b[i] !== 255;) {
    if (b[i] === 0) { i++; continue; }
    m.set(b[i], [...b.subarray(i + 2, i + 2 + b[i + 1])]);
    i += 2 + b[i + 1];
  }
  return m;
}
function offer(xid: number, opts: [number, number[]][]): Uint8Array {
  const body = opts.flatMap(([c, v]) => [c, v.length, ...v]);
  const m = new Uint8Array(240 + body.length + 1);
  const v = new DataView(m.buffer);
  m[0] = 2; m[1] = 1; m[2] = 6; v.setUint32(4, xid); v.setUint32(16, 0x0a00020f); v.setUint32(236, 0x63825363);
  m.set(body, 240); m[240 + body.length] = 255;
  return m;
}

describe('DHCP client', () => {
  function sentDhcp(n: Net): { type: number; xid: number; opts: Map<number, number[]>; dstIp: number; dstMac: number[] }[] {
    return n.frames(RAW).filter((f) => f.length > 42 && f[23] === 17 && ((f[36] << 8) | f[37]) === 67).map((f) => {
      const m = f.subarray(42);
      const opts = parseOptions(m.subarray(240));
      return { type: opts.get(53)![0], xid: new DataView(m.buffer, m.byteOffset).getUint32(4), opts, dstIp: new DataView(f.buffer).getUint32(30), dstMac: [...f.subarray(0, 6)] };
    });
  }
  function reply(n: Net, xid: number, type: number) {
    const m = offer(xid, [[53, [type]], [54, [10, 0, 1, 2]], [1, [255, 255, 255, 0]], [3, [10, 0, 1, 2]], [6, [10, 0, 1, 3]], [51, [0, 0, 14, 16]]]);
    m.set(macBytes(RAW_MAC), 28);
    new DataView(m.buffer).setUint32(16, 0x0a00010f);
    inject(n, ipFrame({ src: 0x0a000102, dst: 0xffffffff, proto: 17, dstMac: 0xffffffffffffn, payload: udpPayload(0x0a000102, 0xffffffff, 67, 68, m) }));
  }

  it('DISCOVER (resent with backoff) -> OFFER -> REQUEST -> ACK configures the interface', () => {
    const n = raw();
    expect(n.k.dhcpBegin()).toBe(1);
    expect(n.k.dhcpRun()).toBe(0);
    let sent = sentDhcp(n);
    expect(sent.map((x) => x.type)).toEqual([1]);
    expect(sent[0].dstIp >>> 0).toBe(0xffffffff);
    expect(sent[0].dstMac).toEqual([255, 255, 255, 255, 255, 255]);
    n.k.advance(500_000n); n.k.dhcpRun();
    expect(sentDhcp(n).length).toBe(1);
    n.k.advance(600_000n); n.k.dhcpRun();
    n.k.advance(1_000_000n); n.k.dhcpRun();
    expect(sentDhcp(n).length).toBe(2); // second try waits 2 s
    n.k.advance(1_100_000n); n.k.dhcpRun();
    expect(sentDhcp(n).map((x) => x.type)).toEqual([1, 1, 1]);
    reply(n, n.k.dhcpXid() + 1, 2); // a stranger's xid: ignored
    n.k.dhcpRun();
    expect(sentDhcp(n).length).toBe(3);
    reply(n, n.k.dhcpXid(), 2);
    expect(n.k.dhcpRun()).toBe(0);
    sent = sentDhcp(n);
    expect(sent.at(-1)!.type).toBe(3);
    expect(sent.at(-1)!.opts.get(50)).toEqual([10, 0, 1, 15]);
    expect(sent.at(-1)!.opts.get(54)).toEqual([10, 0, 1, 2]);
    reply(n, n.k.dhcpXid(), 5);
    expect(n.k.dhcpRun()).toBe(1);
    expect([0, 1, 2, 3].map((i) => n.k.ifField(RAW, i) >>> 0)).toEqual([0x0a00010f, 0xffffff00, 0x0a000102, 0x0a000103]);
  });

  it('a NAK sends the client back to DISCOVER', () => {
    const n = raw();
    n.k.dhcpBegin();
    n.k.dhcpRun();
    reply(n, n.k.dhcpXid(), 2);
    n.k.dhcpRun();
    reply(n, n.k.dhcpXid(), 6);
    expect(n.k.dhcpRun()).toBe(0);
    expect(sentDhcp(n).map((x) => x.type)).toEqual([1, 3, 1]);
  });
});

describe('TCP codec pieces', () => {
  it('options: MSS and window scale (capped at 14), NOPs, end; malformed lengths refused', () => {
    const n = new Net(wasm);
    const opt = (b: number[]) => { const p = n.put(Uint8Array.from(b)); return n.k.parseTcpOptions(p, b.length); };
    expect(opt([2, 4, 0x05, 0xb4, 1, 3, 3, 7, 0])).toBe(1);
    expect([n.k.optMss(), n.k.optWs()]).toEqual([1460, 7]);
    expect(opt([1, 1, 3, 3, 20, 0, 0, 0])).toBe(1);
    expect([n.k.optMss(), n.k.optWs()]).toEqual([-1, 14]);
    expect(opt([4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8])).toBe(1); // SACK-permitted, timestamps: skipped
    expect(opt([2, 4, 5])).toBe(0);
    expect(opt([2, 1, 0, 0])).toBe(0);
    expect(opt([8, 0])).toBe(0);
  });

  it("RFC 9293 §3.10.7.4's acceptability table, including wrap-around", () => {
    const n = new Net(wasm);
    const ok = (rn: number, w: number, s: number, l: number) => n.k.acceptable(rn >>> 0, w, s >>> 0, l);
    expect(ok(100, 0, 100, 0)).toBe(1);
    expect(ok(100, 0, 101, 0)).toBe(0);
    expect(ok(100, 0, 100, 1)).toBe(0);
    expect(ok(100, 10, 109, 0)).toBe(1);
    expect(ok(100, 10, 110, 0)).toBe(0);
    expect(ok(100, 10, 95, 10)).toBe(1); // ends inside
    expect(ok(100, 10, 90, 10)).toBe(0); // all old
    expect(ok(0xfffffff0, 0x40, 0x10, 5)).toBe(1);
    expect(ok(0xfffffff0, 0x40, 0xffffffe0, 5)).toBe(0);
  });
});
