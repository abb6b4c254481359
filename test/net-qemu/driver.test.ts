// drivers/virtio-net and kernel/irq below any stack (images/nettest builds
// frames by hand): ARP to QEMU's gateway, a UDP datagram echoed by a Node
// server on the host, and idle waiting that halts the CPU until the
// deadline; then the same without MRG_RXBUF and without MSI-X (the waiter
// falls back to short timed halts), and over virtio-mmio on microvm.
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { imageElf, startGuest } from './helpers.ts';

const echo = createSocket('udp4');
let port = 0;
let kernel = '';
beforeAll(async () => {
  echo.on('message', (m, r) => echo.send(Buffer.concat([Buffer.from('pong:'), m]), r.port, r.address));
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
  port = echo.address().port;
  kernel = await imageElf('nettest');
}, 180_000);
afterAll(() => echo.close());

/** Feature bits from the "features 0x..." line. */
function features(serial: string): bigint {
  const m = /features 0x([0-9a-f]+)/.exec(serial);
  return m ? BigInt(`0x${m[1]}`) : -1n;
}

it('talks ARP and UDP through QEMU user networking, idles halted', async () => {
  const g = await startGuest({ kernel, args: ['arp', 'udp', String(port), 'idle', '2'], timeoutMs: 120_000 });
  const status = await g.exited;
  const s = g.serial();
  expect(s).toContain('interrupts on');
  expect(features(s) & (1n << 15n)).toBe(1n << 15n); // MRG_RXBUF
  expect(features(s) & (1n << 32n)).toBe(1n << 32n); // VERSION_1
  expect(s).toMatch(/arp: 10\.0\.2\.2 is at 0x52550a000202\n/);
  expect(s).toContain("udp: reply 'pong:ping-asuk' checksum ok");
  const woke = Number(/idle: 2 s, woke (\d+) times/.exec(s)?.[1] ?? -1);
  expect(woke).toBeGreaterThan(0);
  expect(woke).toBeLessThan(10); // a busy-polling waiter would wake thousands of times
  expect(s).toContain('nettest: ok');
  expect(status).toBe(1);
}, 120_000);

it('works without MRG_RXBUF and without MSI-X', async () => {
  const g = await startGuest({ kernel, args: ['udp', String(port)], nicProps: 'mrg_rxbuf=off,vectors=0', timeoutMs: 120_000 });
  const status = await g.exited;
  const s = g.serial();
  expect(s).toContain('interrupts off');
  expect(features(s) & (1n << 15n)).toBe(0n);
  expect(s).toContain("udp: reply 'pong:ping-asuk' checksum ok");
  expect(status).toBe(1);
}, 120_000);

it('works over virtio-mmio on microvm', async () => {
  const g = await startGuest({ kernel, machine: 'microvm', args: ['arp', 'udp', String(port)], timeoutMs: 120_000 });
  const status = await g.exited;
  const s = g.serial();
  expect(s).toContain('virtio-net: 1 device(s)');
  expect(s).toContain('interrupts on'); // the slot's line routed through microvm's I/O APIC
  expect(s).toContain("udp: reply 'pong:ping-asuk' checksum ok");
  expect(status).toBe(1);
}, 120_000);
