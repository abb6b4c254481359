// asuk as a TCP client (images/netclient) to a Node server on the host's
// 127.0.0.1, reached from the guest as 10.0.2.2 through QEMU's user network:
// bytes checked in both directions.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { imageElf, startGuest } from './helpers.ts';

const pattern = (i: number) => (i * 7 + 3) & 0xff;
const SEND = 200_000, RECV = 1 << 20;
let seen = { header: '', bytes: 0, ok: true };

const server = createServer((sock) => {
  let head = '';
  let inBody = false;
  sock.on('data', (b: Buffer) => {
    let i = 0;
    if (!inBody) {
      const nl = b.indexOf(10);
      if (nl < 0) { head += b.toString('latin1'); return; }
      head += b.subarray(0, nl).toString('latin1');
      inBody = true;
      i = nl + 1;
      seen.header = head;
    }
    for (; i < b.length; i++) if (b[i] !== pattern(seen.bytes++)) seen.ok = false;
    if (seen.bytes === SEND) {
      const out = Buffer.alloc(RECV);
      for (let k = 0; k < RECV; k++) out[k] = pattern(k);
      sock.end(out);
    }
  });
  sock.on('error', () => {});
});
afterAll(() => server.close());

it('connects to a host server through 10.0.2.2 and moves bytes both ways', async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kernel = await imageElf('netclient');
  const g = await startGuest({ kernel, args: ['10.0.2.2', String(port), String(SEND), String(RECV)], timeoutMs: 180_000 });
  const status = await g.exited;
  expect(g.serial()).toContain(`netclient: sent ${SEND}, received ${RECV}, pattern ok`);
  expect(status).toBe(1); // isa-debug-exit: guest code 0
  expect(seen).toEqual({ header: `asuk ${SEND} ${RECV}`, bytes: SEND, ok: true });
}, 240_000);
