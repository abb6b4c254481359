// TCP (net/tcp-*.ts) over two stacks wired back to back in one Wasm
// instance: handshakes, data both ways, loss and retransmission, fast
// retransmit, NewReno, closes in every order, RST, window scaling, zero
// window, TIME-WAIT, backlog limits and thousands of connections. The
// assertions read the segments each side put on the wire.
import { beforeAll, describe, expect, it } from 'vitest';
import { A, B, E, F, Net, POLLIN, POLLOUT, POLLHUP, POLLERR, netWasm } from './harness.ts';

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { wasm = await netWasm(); }, 120_000);

function pattern(n: number, salt = 0): Uint8Array { return new Uint8Array(n).map((_, i) => (i * 31 + salt + (i >> 8)) & 0xff); }

describe('handshake', () => {
  it('connect + listen: SYN, SYN-ACK, ACK with MSS and window scale; both ESTABLISHED', () => {
    const n = new Net(wasm);
    const [c, s] = n.pair(80);
    expect(n.lift(n.k.sockState(c))).toBe('ESTABLISHED');
    expect(n.lift(n.k.sockState(s))).toBe('ESTABLISHED');
    const a = n.segs(0), b = n.segs(1);
    expect(a[0].flags).toBe(F.SYN);
    expect(a[0].options).toEqual([2, 4, 0x05, 0xb4, 1, 3, 3, 2]); // MSS 1460, NOP, WS 2
    expect(b[0].flags).toBe(F.SYN | F.ACK);
    expect(b[0].ack).toBe((a[0].seq + 1) >>> 0);
    expect(b[0].options).toEqual([2, 4, 0x05, 0xb4, 1, 3, 3, 2]);
    expect(a[1].flags).toBe(F.ACK);
    expect(a[1].seq).toBe((a[0].seq + 1) >>> 0);
    expect(a[1].ack).toBe((b[0].seq + 1) >>> 0);
    expect(n.k.sockPeerPort(s)).toBe(n.k.sockLocalPort(c));
    expect(n.k.sockPeerIp(s)).toBe(A);
    expect(n.k.tcbField(c, 2)).toBe(2n); // sndShift
    expect(n.k.tcbField(s, 3)).toBe(2n); // rcvShift
  });

  it('connect to a port nobody listens on: RST, ECONNREFUSED, POLLERR', () => {
    const n = new Net(wasm);
    const c = n.k.tcpConnect(B, 81);
    n.settle();
    const rst = n.segs(1)[0];
    expect(rst.flags).toBe(F.RST | F.ACK);
    expect(n.lift(n.k.sockState(c))).toBe('CLOSED');
    expect(n.recv(c)).toBe(E.ECONNREFUSED);
    expect(n.k.sockError(c)).toBe(E.ECONNREFUSED);
  });

  it('a lost SYN is retransmitted after the RTO (1 s) and the connection completes', () => {
    const n = new Net(wasm);
    n.pair(79); // ARP resolved: the next frame out is the SYN
    const ls = n.k.tcpListen(80, 4);
    const before = n.segs(0).length;
    n.k.dropNth(0, 0);
    const c = n.k.tcpConnect(B, 80);
    n.settle();
    expect(n.lift(n.k.sockState(c))).toBe('SYN-SENT');
    n.k.runFor(900_000n, 100_000n);
    expect(n.segs(0).length - before).toBe(1);
    n.k.runFor(200_000n, 100_000n);
    expect(n.segs(0).slice(before).filter((s) => s.flags === F.SYN).length).toBe(2);
    expect(n.lift(n.k.sockState(c))).toBe('ESTABLISHED');
    expect(n.k.tcpAccept(ls)).toBeGreaterThanOrEqual(0);
  });

  it('send before the handshake completes is EAGAIN; accept with nothing pending is EAGAIN', () => {
    const n = new Net(wasm);
    const ls = n.k.tcpListen(80, 4);
    expect(n.k.tcpAccept(ls)).toBe(E.EAGAIN);
    const c = n.k.tcpConnect(B, 80);
    expect(n.send(c, pattern(10))).toBe(E.EAGAIN);
    expect(n.k.tcpListen(80, 4)).toBe(E.EADDRINUSE);
    expect(n.k.tcpListen(0, 4)).toBe(E.EINVAL);
    expect(n.k.sockSend(999, 0, 1)).toBe(E.EBADF);
  });
});

describe('data', () => {
  it('both directions, 300 KiB each way, bytes intact and in order', () => {
    const n = new Net(wasm);
    const [c, s] = n.pair();
    const up = pattern(300 * 1024, 1), down = pattern(300 * 1024, 2);
    let sentUp = 0, sentDown = 0;
    const gotUp: Uint8Array[] = [], gotDown: Uint8Array[] = [];
    for (let i = 0; i < 2000 && (sentUp < up.length || sentDown < down.length || Buffer.concat(gotUp).length < up.length); i++) {
      if (sentUp < up.length) { const r = n.send(c, up.subarray(sentUp)); if (r > 0) sentUp += r; }
      if (sentDown < down.length) { const r = n.send(s, down.subarray(sentDown)); if (r > 0) sentDown += r; }
      n.settle();
      gotUp.push(n.drain(s)); gotDown.push(n.drain(c));
      n.k.advance(1000n);
    }
    n.settle(); gotUp.push(n.drain(s)); gotDown.push(n.drain(c));
    expect(Buffer.compare(Buffer.concat(gotUp), Buffer.from(up))).toBe(0);
    expect(Buffer.compare(Buffer.concat(gotDown), Buffer.from(down))).toBe(0);
    // Segments are MSS-sized and the receive window is advertised scaled by 4.
    const big = n.segs(0).filter((x) => x.dataLen > 0);
    expect(Math.max(...big.map((x) => x.dataLen))).toBe(1460);
    expect(n.k.netCounter(n.str('retransmit'))).toBe(0n);
  });

  it('with checksum offload the device fills the checksum and the receiver trusts RX_CSUM_VALID', () => {
    const n = new Net(wasm, true);
    const [c, s] = n.pair();
    expect(n.send(c, pattern(5000))).toBe(5000);
    n.settle();
    expect(Buffer.compare(n.drain(s), Buffer.from(pattern(5000)))).toBe(0);
  });

  it('poll: POLLIN when data arrives, POLLOUT while there is send room', () => {
    const n = new Net(wasm);
    const [c, s] = n.pair();
    expect(n.k.sockSendSpace(c)).toBe(256 * 1024);
    expect(n.send(c, pattern(100))).toBe(100);
    n.settle();
    expect(n.k.tcbField(s, 9)).toBe(100n);
    expect(n.drain(s).length).toBe(100);
  });
});
