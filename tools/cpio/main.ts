// tools/cpio/main.ts — `mkcpio DIR OUT [--mtime N]`: packs DIR into the newc
// archive OUT. One line per failure on stderr, exit status 1.
import { pathToFileURL } from 'node:url';
import { packDirectory } from './index.ts';

const USAGE = 'usage: mkcpio DIR OUT [--mtime SECONDS]';

/** Runs the command with `args` (no program name); returns the exit status. */
export async function mkcpioMain(args: string[], err: (line: string) => void = (l) => console.error(l)): Promise<number> {
  const pos: string[] = [];
  let mtime: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--mtime') {
      const v = args[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) > 0xffffffff) {
        err(`mkcpio: error: --mtime wants seconds since the epoch (0..4294967295), got ${v ?? 'nothing'}`);
        return 1;
      }
      mtime = Number(v);
    } else if (a.startsWith('--')) {
      err(`mkcpio: error: unknown option ${a}; ${USAGE}`);
      return 1;
    } else pos.push(a);
  }
  if (pos.length !== 2) {
    err(`mkcpio: error: expected DIR and OUT; ${USAGE}`);
    return 1;
  }
  try {
    const r = await packDirectory(pos[0], pos[1], { mtime });
    console.log(`mkcpio: ${pos[1]}: ${r.entries} entries, ${r.bytes} bytes`);
    return 0;
  } catch (e) {
    const m = (e as Error).message.replace(/^mkcpio: /, '');
    err(`mkcpio: error: ${m.split('\n')[0]}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await mkcpioMain(process.argv.slice(2));
}
