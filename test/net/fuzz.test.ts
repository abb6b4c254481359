// Fuzz target for the packet parsers: random frames and mutations of valid
// ones (ARP, ICMP, UDP, DHCP, TCP with options, segments of a live
// connection) go into the stack's input. None may trap; afterwards the
// stack still answers ARP and a live connection still carries data.
// FUZZ_ITERS=N runs longer; FUZZ_SEED=S replays a seed.
import { beforeAll, describe, expect, it } from 'vitest';
import { A, B, F, Net, netWasm, arpFrame, ipFrame, udpPayload, tcpFrame } from './harness.ts';

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { wasm = await netWasm(); }, 120_000);

const ITERS = Number(process.env.FUZZ_ITERS ?? 4000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

describe('fuzz: packet parsers', () => {
  it('DHCP messages and TCP option lists: mutated and random bytes never trap', () => {
    const n = new Net(wasm);
    const next = rng(SEED ^ 0xd4c9);
    const base = new Uint8Array(300);
    base.set([2, 1, 6], 0);
    new DataView(base.buffer).setUint32(236, 0x63825363);
    base.set([53, 1, 2, 54, 4, 10, 0, 2, 2, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2, 6, 4, 10, 0, 2, 3, 51, 4, 0, 1, 81, 128, 255], 240);
    const buf = n.k.alloc(600);
    let parsed = 0;
    for (let i = 0; i < ITERS; i++) {
      const m = base.slice();
      for (let k = 0, flips = 1 + (next() % 8); k < flips; k++) m[236 + (next() % 64)] = next() & 0xff;
      const len = (next() & 3) === 0 ? next() % 300 : 300;
      new Uint8Array(n.mem.buffer, buf, len).set(m.subarray(0, len));
      parsed += n.k.dhcpRead(buf, len);
      const opts = new Uint8Array(next() % 41).map(() => next() & 0xff);
      new Uint8Array(n.mem.buffer, buf, opts.length).set(opts);
      n.k.parseTcpOptions(buf, opts.length);
    }
    expect(parsed).toBeGreaterThan(0); // the mutations still reach the option walk
  });


  it(`${ITERS} random and mutated frames never trap; the stack still works after`, () => {
    const n = new Net(wasm);
    n.k.setupRaw();
    const [c, s] = n.pair(80);
    const seg = n.segs(0).at(-1)!;
    const RAW_IP = 0x0a000101, RAW_MAC = 0x020000000003n, PEER = 0x0a000164, PEER_MAC = 0x020000000064n;
    const seeds: [number, Uint8Array][] = [
      [2, arpFrame(1, PEER_MAC, PEER, 0n, RAW_IP)],
      [2, arpFrame(2, PEER_MAC, PEER, RAW_MAC, RAW_IP)],
      [2, ipFrame({ src: PEER, dst: RAW_IP, proto: 1, dstMac: RAW_MAC, payload: Uint8Array.from([8, 0, 0xf7, 0xfe, 0, 1, 0, 0]) })],
      [2, ipFrame({ src: PEER, dst: RAW_IP, proto: 17, dstMac: RAW_MAC, payload: udpPayload(PEER, RAW_IP, 67, 68, new Uint8Array(300).fill(0x63)) })],
      [2, tcpFrame({ src: PEER, dst: RAW_IP, sport: 1234, dport: 80, seq: 1, ack: 0, flags: F.SYN, dstMac: RAW_MAC, options: [2, 4, 5, 0xb4, 1, 3, 3, 9, 4, 2, 0, 0] })],
      [0, tcpFrame({ src: B, dst: A, sport: seg.dport, dport: seg.sport, seq: seg.ack, ack: seg.seq, flags: F.ACK | F.PSH, dstMac: 0x020000000001n, data: new Uint8Array(100).fill(7) })],
      [0, tcpFrame({ src: B, dst: A, sport: seg.dport, dport: seg.sport, seq: seg.ack, ack: seg.seq, flags: F.FIN | F.ACK, dstMac: 0x020000000001n })],
    ];
    const next = rng(SEED);
    const dhcp = n.k.udpOpen(68);
    const udpBuf = n.k.alloc(2048);
    for (let i = 0; i < ITERS; i++) {
      const r = next();
      let iface: number, f: Uint8Array;
      if (r % 8 === 0) { // pure noise, sometimes with a plausible EtherType
        iface = 2; f = new Uint8Array(next() % 200).map(() => next() & 0xff);
        if (f.length > 14 && (r & 16)) { f[12] = 8; f[13] = (r & 32) ? 6 : 0; }
        if (f.length > 6 && (r & 64)) f.set([2, 0, 0, 0, 0, 3], 0);
      } else {
        const [ifc, base] = seeds[next() % seeds.length];
        iface = ifc; f = base.slice();
        const flips = 1 + (next() % 6);
        for (let k = 0; k < flips; k++) {
          const at = 14 + (next() % Math.max(1, f.length - 14));
          if (at < f.length) f[at] = next() & 0xff;
        }
        if ((r & 7) === 1) f = f.subarray(0, next() % (f.length + 1)); // truncate
      }
      const p = n.put(f);
      n.k.inject(iface, p, f.length, (r & 0x100) ? 1 : 0); // sometimes claim "checksum valid"
      n.k.free(p);
      n.k.udpRecvFrom(dhcp, udpBuf, 2048);
      if (i % 97 === 0) { n.k.advance(50_000n); n.settle(); }
    }
    // No ACK storm between the two ends of the fuzzed connection (RFC 5961 §7 rate limit).
    expect(n.k.logCount(0) + n.k.logCount(1)).toBeLessThan(4 * ITERS);
    // Still alive: ARP is answered, the connection carries data both ways (or was reset cleanly).
    const before = n.frames(2).length;
    const q = n.put(arpFrame(1, PEER_MAC, PEER, 0n, RAW_IP));
    n.k.inject(2, q, 60, 0);
    expect(n.frames(2).length).toBe(before + 1);
    const [c2, s2] = n.pair(81);
    expect(n.send(c2, new Uint8Array(5000).fill(1))).toBe(5000);
    n.settle();
    expect(n.drain(s2).length).toBe(5000);
    void c; void s;
  }, 120_000);
});
