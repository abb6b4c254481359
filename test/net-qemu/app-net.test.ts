// An app in its own folder that uses "asuk/net": `asuk run -p`
// on the default machine (microvm, virtio-net over virtio-mmio) gives it a
// NIC, DHCP an address, and a host client two answers through the forward.
import { execa } from 'execa';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ASUK, REPO } from '../cli/helpers.ts';
import { freePort, rawRequest, tmp } from './helpers.ts';

const APP = `import { log } from "asuk";
import { netStart, netIp, ipToString, tcpListen, tcpAccept, netPoll, sockSendString, sockClose, POLLIN } from "asuk/net";

export function main(args: string[]): i32 {
  let r = netStart();
  if (r < 0) { log("netStart failed: " + r.toString()); return 1; }
  log("up at " + ipToString(netIp()));
  let ls = tcpListen(80, 16);
  let socks: i32[] = [ls], ev: i32[] = [POLLIN], rev: i32[] = [0];
  let served = 0;
  while (served < 2) {
    netPoll(socks, ev, rev, -1);
    let c = tcpAccept(ls);
    if (c >= 0) { sockSendString(c, "hello " + served.toString() + " over asuk/net\\n"); sockClose(c); served++; }
  }
  for (let i = 0; i < 25; i++) netPoll(socks, ev, rev, 20); // let the FINs go out
  return 0;
}
`;

it('an app importing "asuk/net" serves TCP through asuk run -p on microvm', async () => {
  const dir = join(tmp, 'netapp');
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO, join(dir, 'node_modules', 'asuk'));
  writeFileSync(join(dir, 'app.ts'), APP);
  const port = await freePort();
  const run = execa(process.execPath, [ASUK, 'run', '-p', `${port}:80`, '--timeout', '200'], { cwd: dir, reject: false, all: true });
  let out = '';
  run.all?.on('data', (b: Buffer) => { out += b.toString(); });
  try {
    for (let i = 0; i < 400 && !out.includes('up at') && run.exitCode === null; i++) await new Promise((r) => setTimeout(r, 500));
    expect(out).toContain('up at 10.0.2.15');
    expect(await rawRequest(port, '')).toBe('hello 0 over asuk/net\n');
    expect(await rawRequest(port, '')).toBe('hello 1 over asuk/net\n');
    const r = await run;
    expect(r.exitCode).toBe(0);
  } finally {
    run.kill('SIGKILL');
  }
}, 300_000);
