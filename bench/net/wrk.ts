// bench/net/wrk.ts — runs wrk (Debian package) against a URL and reads its
// report: requests/s, transfer/s, latency percentiles (--latency).
import { execa } from 'execa';

export interface WrkResult { rps: number; mibps: number; p50ms: number; p99ms: number; requests: number; errors: number }

function ms(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60000 : n;
}
function mib(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'KB' ? n / 1024 : unit === 'GB' ? n * 1024 : unit === 'B' ? n / 1048576 : n;
}

export function parseWrk(out: string): WrkResult {
  const lat = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)`, 'm').exec(out);
    return m ? ms(m[1], m[2]) : NaN;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const tr = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(out);
  const reqs = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const e = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (e ? e.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  return { rps, mibps: tr ? mib(tr[1], tr[2]) : NaN, p50ms: lat('50'), p99ms: lat('99'), requests: reqs, errors };
}

/** wrk -t THREADS -c CONNS -d SECONDS --latency URL. */
export async function wrk(url: string, conns: number, seconds: number, threads = 2): Promise<WrkResult & { raw: string }> {
  const r = await execa('wrk', ['-t', String(Math.min(threads, conns)), '-c', String(conns), '-d', `${seconds}s`, '--timeout', '10s', '--latency', url],
    { reject: false, timeout: (seconds + 30) * 1000 });
  if ((r as { code?: string }).code === 'ENOENT') throw new Error('bench/net: E_SETUP wrk not found: apt-get install wrk');
  if (r.exitCode !== 0) throw new Error(`bench/net: wrk failed (${r.exitCode}): ${r.stderr || r.stdout}`);
  return { ...parseWrk(r.stdout), raw: r.stdout };
}
