// tools/fuzz/cli.ts — the `cli` target: argument lists for the asuk command
// (run, build, pkg, mkcpio, aot and wrong words) from a small grammar of good
// and wrong values: memory sizes, volume specs, rootfs kinds, machines,
// timeouts, outputs in missing folders, unknown flags. Each runs
// `node scripts/asuk.mjs ...` in a scratch folder (QEMU, when a case boots,
// under --timeout). Wrong input must give one line and a nonzero exit; a
// Node stack or an internal error is a panic; a case known wrong that exits
// 0 is ignored input.

import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileImageWasm, ROOT } from '../image/index.ts';
import { outcome } from './classify.ts';
import { encodeArchive, S_IFDIR, S_IFREG } from './newc.ts';
import type { Rng } from './rng.ts';
import type { CaseResult, Target } from './target.ts';

type Choice = [string, boolean]; // [value, known wrong]
const G = (good: string[], bad: string[]): Choice[] => [...good.map((v): Choice => [v, false]), ...bad.map((v): Choice => [v, true])];

const IMAGES = G(['shell', 'hello'], ['nosuch', '../x', 'file.txt', 'd']);
const MEMORY = G(['64M', '128M', '1G', '96Mi'], ['1', '1M', '0', '-5', 'abc', '3K', '', '99999999G', '1e3']);
const VOLUMES = G(['d:/data', 'd:/data:ro'], ['d:/data:rw', 'a:b', 'missing:/x', ':/x', 'd:', 'd:/a:ro:x', 'd:rel', 'file.txt:/f']);
const ROOTFS = G(['d', 'ok.cpio', 'empty'], ['nothere', 'file.txt', 'bad.cpio']); // an empty folder is an empty root (with /tmp)
const MACHINE = G(['pc', 'microvm'], ['junk', '']);
const TIMEOUT = G(['20'], ['-1', 'abc', '']);
const OUTS = G(['out.elf', 'sub/../o.elf', 'missing/dir/o.elf'], ['d', '']); // build and pkg create the output's folder
const NAMES = G(['pkgname', '.'], ['bad/name', '', 'a b']);

/** One argument list; `bad` when some part is known wrong. */
export function cliCase(rng: Rng): { args: string[]; bad: boolean } {
  let bad = false;
  const args: string[] = [];
  const opt = (flag: string, cs: Choice[], p = 0.4) => { if (!rng.chance(p)) return; const [v, b] = rng.pick(cs); args.push(flag, v); bad ||= b; };
  const cmd = rng.pick(['run', 'run', 'run', 'build', 'pkg', 'mkcpio', 'aot', 'bogus', '']);
  if (cmd) args.push(cmd);
  if (cmd === 'bogus' || cmd === '') bad = true;
  if (cmd === 'run' || cmd === 'build' || cmd === 'pkg') {
    if (rng.chance(0.8)) { const [v, b] = rng.pick(IMAGES); args.push(v); bad ||= b; }
    opt('--rootfs', ROOTFS, cmd === 'pkg' ? 0.8 : 0.3);
    if (cmd === 'pkg' && !args.includes('--rootfs')) bad = true;
  }
  if (cmd === 'run') {
    opt('-m', MEMORY); opt('-v', VOLUMES); opt('-v', VOLUMES, 0.1); opt('--machine', MACHINE, 0.2);
    if (args.includes('--rootfs') && args.some((a) => a.endsWith(':/'))) bad = true;
    const [t] = rng.pick(TIMEOUT);
    args.push('--timeout', rng.chance(0.9) ? '20' : t);
    bad ||= args.at(-1) !== '20';
    if (rng.chance(0.7)) args.push('--', 'echo', 'hi');
  }
  if (cmd === 'build' || cmd === 'pkg') {
    opt('--out', OUTS);
    if (rng.chance(0.2)) { args.push('--locked'); if (cmd === 'build' && !args.includes('--rootfs')) bad = true; }
  }
  if (cmd === 'pkg') opt('--name', NAMES, 0.3);
  if (cmd === 'mkcpio') {
    const [dir, b1] = rng.pick(G(['d'], ['nothere', 'file.txt']));
    const [out, b2] = rng.pick(G(['o.cpio'], ['missing/dir/o.cpio', 'd', '']));
    args.push(dir, out);
    bad ||= b1 || b2;
    opt('--mtime', G(['1'], ['-1', 'abc', '99999999999']), 0.2);
  }
  if (cmd === 'aot') {
    const [input, b] = rng.pick(G([], ['nothere.wasm', 'file.txt', 'bad.wasm']));
    args.push(input, '-o', rng.pick(['o.bin', 'missing/dir/o.bin']));
    bad ||= b;
    opt('--target', G(['linux'], ['junk']), 0.3);
  }
  if (rng.chance(0.05)) { args.splice(rng.int(args.length + 1), 0, '--bogus'); bad = true; }
  return { args, bad };
}

/** The scratch folder every case starts from. */
function scratch(work: string): void {
  mkdirSync(join(work, 'd'), { recursive: true });
  writeFileSync(join(work, 'd/a.txt'), 'a\n');
  mkdirSync(join(work, 'empty'));
  mkdirSync(join(work, 'sub'));
  writeFileSync(join(work, 'file.txt'), 'not an archive\n');
  const ok = encodeArchive([{ name: Buffer.from('etc'), mode: S_IFDIR | 0o755, body: Buffer.alloc(0), ino: 0, nlink: 2 },
    { name: Buffer.from('etc/x'), mode: S_IFREG | 0o644, body: Buffer.from('x\n'), ino: 0, nlink: 1 }]);
  writeFileSync(join(work, 'ok.cpio'), ok);
  writeFileSync(join(work, 'bad.cpio'), ok.subarray(0, 150));
  writeFileSync(join(work, 'bad.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff]));
}

const STACK = /^\s+at |node:internal|triggerUncaughtException|^\w*Error: /m;

export const cliTarget: Target<null> = {
  name: 'cli',
  // asc output of the images a case may build, compiled once (cached by tools/image): a case times QEMU, not asc.
  prepare: async () => { for (const i of ['demo', 'shell', 'hello']) await compileImageWasm(i); return null; },
  async run(_c, rng, work): Promise<CaseResult> {
    const { args, bad } = cliCase(rng);
    scratch(work);
    const what = `asuk ${args.map((a) => (a === '' || /\s/.test(a) ? `'${a}'` : a)).join(' ')}`;
    const r = await execa(process.execPath, [join(ROOT, 'scripts/asuk.mjs'), ...args], {
      cwd: work, reject: false, stdin: 'ignore', timeout: 300_000, killSignal: 'SIGKILL', env: { ASUK_ACCEL: 'tcg' },
    });
    const err = String(r.stderr ?? '');
    const lines = err.split('\n').filter((l) => l.length && !/^asuk: warning: /.test(l));
    if (r.timedOut) return { ...outcome('hang', 'no exit within 300 s'), what };
    if (STACK.test(err)) return { ...outcome('panic', `a Node stack: ${err.split('\n').slice(0, 2).join(' | ')}`), what };
    if (r.exitCode === 70 || /internal error/.test(err)) return { ...outcome('panic', lines[0] ?? 'exit 70'), what };
    if (r.exitCode === 0) return { ...(bad ? outcome('ignored', 'known wrong, exit 0') : outcome('accepted', '')), what };
    if (!lines.length) return { ...outcome('mute', `exit ${r.exitCode} and no line`), what };
    return { ...outcome('error', lines[0]), what };
  },
};
