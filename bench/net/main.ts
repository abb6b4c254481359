// bench/net/main.ts — `npm run bench:net -- [--seconds N]`: asuk's httpd
// against the Linux peers (peer.ts: busybox httpd and nginx) on the same QEMU
// (-M pc, TCG), the same user network and host forward, loaded by wrk from
// the host; ratios are against the better Linux server of each row:
//
//   page    30 connections on a 612-byte index.html: req/s, p50, p99
//   big     4 connections on a 1 MiB file: MiB/s
//   idle    the QEMU process's host CPU time over 10 s with no traffic,
//           once after boot and once after the load
//
// Each side gets a 3 s wrk warm-up first: QEMU's user network accepts host
// connections with a listen backlog of 1, so a burst of 30 connects waits
// for SYN retries (both sides alike). Results: bench/results/net-<date>.json.
import { execa, type ResultPromise } from 'execa';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileImageWasm } from '../../tools/image/index.ts';
import { buildKernelElf } from '../../tools/link/index.ts';
import { qemuArgs } from '../../tools/qemu/index.ts';
import { dir, file, newcArchive } from '../fs/newc.ts';
import { LINUX_APPEND } from '../fs/linux.ts';
import { writeResult } from '../host/index.ts';
import { linuxPeer, nginxVersion, type PeerServer } from './peer.ts';
import { freePort } from '../../test/ports.ts';
import { wrk, type WrkResult } from './wrk.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmp = mkdtempSync(join(tmpdir(), 'asuk-bench-net-'));

/** A 612-byte index.html, the size of nginx's default page (Unikraft EuroSys'21 setup). */
function page(): Buffer {
  const head = '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to asuk!</title>\n</head>\n<body>\n<h1>Welcome!</h1>\n<p>';
  const tail = '</p>\n</body>\n</html>\n';
  return Buffer.from(head + 'x'.repeat(612 - head.length - tail.length) + tail);
}
const www = new Map<string, Uint8Array>([['index.html', page()], ['big.bin', Buffer.alloc(1 << 20, 0x61)]]);

function cpuTicks(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
}

interface Side { name: string; page: WrkResult; big: WrkResult; idleBootCpuS: number; idleCpuS: number }

/** Host CPU seconds QEMU used over 10 s. */
async function idleCpu(pid: number): Promise<number> {
  const c0 = cpuTicks(pid);
  await sleep(10_000);
  return (cpuTicks(pid) - c0) / 100;
}

async function measure(name: string, args: string[], ready: RegExp, port: number, seconds: number): Promise<Side> {
  const child: ResultPromise = execa('qemu-system-x86_64', args, { reject: false, stdin: 'ignore', all: true, timeout: 600_000, killSignal: 'SIGKILL' });
  let out = '';
  child.all?.on('data', (b: Buffer) => { out += b.toString(); });
  try {
    const t0 = Date.now();
    while (!ready.test(out)) {
      if (Date.now() - t0 > 120_000 || child.exitCode !== null) throw new Error(`bench/net: ${name} did not start:\n${out}`);
      await sleep(100);
    }
    const base = `http://127.0.0.1:${port}`;
    const idleBoot = await idleCpu(child.pid!);
    await wrk(`${base}/index.html`, 30, 3);
    const pg = await wrk(`${base}/index.html`, 30, seconds);
    const big = await wrk(`${base}/big.bin`, 4, seconds);
    await sleep(2000);
    const idle = await idleCpu(child.pid!);
    console.log(`${name}: ${pg.rps.toFixed(0)} req/s p50 ${pg.p50ms} ms p99 ${pg.p99ms} ms (${pg.errors} errors); 1 MiB: ${big.mibps.toFixed(1)} MiB/s; `
      + `idle CPU per 10 s: ${idleBoot.toFixed(2)} s after boot, ${idle.toFixed(2)} s after the load`);
    return { name, page: pg, big, idleBootCpuS: idleBoot, idleCpuS: idle };
  } finally {
    child.kill('SIGKILL');
    await child;
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--seconds');
  const seconds = i > 0 ? Number(process.argv[i + 1]) : 10;
  const { wasm } = await compileImageWasm('httpd');
  const elf = join(tmp, 'httpd.elf');
  writeFileSync(elf, buildKernelElf(wasm).elf);
  const rootfs = join(tmp, 'www.cpio');
  writeFileSync(rootfs, newcArchive([dir('www'), ...[...www].map(([n, b]) => file(`www/${n}`, b))]));
  const p1 = await freePort();
  const fwd = (p: number) => [{ bind: '127.0.0.1', host: p, guest: 80, proto: 'tcp' as const }];
  const asuk = await measure('asuk httpd', qemuArgs({ kernel: elf, memory: '256M', initrd: [rootfs], append: '-- --root /www --port 80', net: fwd(p1) }),
    /httpd: serving/, p1, seconds);
  let version = '';
  const linux = async (server: PeerServer): Promise<Side> => {
    const peer = linuxPeer(server, www);
    version = peer.version;
    const initrd = join(tmp, `linux-${server}.cpio`);
    writeFileSync(initrd, peer.initrd);
    const port = await freePort();
    return measure(`linux ${server}`, qemuArgs({ kernel: peer.kernel, memory: '256M', initrd: [initrd], append: LINUX_APPEND, net: fwd(port), debugExit: false }),
      /bench ready/, port, seconds);
  };
  const busybox = await linux('busybox');
  const nginx = await linux('nginx');

  const strip = (s: Side) => ({ page: { ...s.page, raw: undefined }, big: { ...s.big, raw: undefined }, idleBootCpuS: s.idleBootCpuS, idleCpuS: s.idleCpuS });
  const hi = (f: (s: Side) => number) => Math.max(f(busybox), f(nginx));   // the better Linux server per row
  const lo = (f: (s: Side) => number) => Math.min(f(busybox), f(nginx));
  const ratios = {
    pageRps: asuk.page.rps / hi((s) => s.page.rps),
    pageP50: lo((s) => s.page.p50ms) / asuk.page.p50ms,
    pageP99: lo((s) => s.page.p99ms) / asuk.page.p99ms,
    bigMibps: asuk.big.mibps / hi((s) => s.big.mibps),
  };
  const json = {
    date: new Date().toISOString(), accel: 'tcg', machine: 'pc', seconds, hostLoad: loadavg()[0], linux: version, nginx: nginxVersion(),
    asuk: strip(asuk), linuxBusybox: strip(busybox), linuxNginx: strip(nginx), ratios,
  };
  console.log('\nratios (asuk / the better Linux server of the row, > 1 means asuk is better):');
  console.log(`  612-byte page req/s  ${ratios.pageRps.toFixed(2)}x   p50 ${ratios.pageP50.toFixed(2)}x   p99 ${ratios.pageP99.toFixed(2)}x`);
  console.log(`  1 MiB file MiB/s     ${ratios.bigMibps.toFixed(2)}x`);
  console.log(`  idle CPU over 10 s   after boot: asuk ${asuk.idleBootCpuS.toFixed(2)} s, busybox ${busybox.idleBootCpuS.toFixed(2)} s, nginx ${nginx.idleBootCpuS.toFixed(2)} s; `
    + `after load: asuk ${asuk.idleCpuS.toFixed(2)} s, busybox ${busybox.idleCpuS.toFixed(2)} s, nginx ${nginx.idleCpuS.toFixed(2)} s`);
  console.log(`\nwrote ${writeResult('net', json)}`);
}

main().catch((e: Error) => { console.error(e.message); process.exit(1); });
