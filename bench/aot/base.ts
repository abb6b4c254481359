// bench/aot/base.ts — `--base REF`: the tools/ tree of git commit REF,
// extracted once into .cache/aot-base/<sha>/ (inside the repository, so its
// Linux runtime finds the checkout's wasi/ layer), whose tools/aot builds the
// `aot-base` runner: the compiler before and after a change timed in one run.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runProc } from '../host/index.ts';

/** The directory holding REF's tools/ (extracted on first use). */
export async function baseTree(ref: string): Promise<string> {
  const r = await runProc('git', ['-C', ROOT, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const sha = r.stdout.trim();
  if (r.exitCode !== 0 || !/^[0-9a-f]{40}$/.test(sha)) throw new Error(`bench: E_USAGE --base ${ref} is not a commit of this repository`);
  const dir = join(ROOT, '.cache', 'aot-base', sha);
  if (existsSync(join(dir, 'tools', 'aot'))) return dir;
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const x = await runProc('sh', ['-c', `git -C '${ROOT}' archive ${sha} tools | tar -x -C '${tmp}'`], 120_000);
  if (x.exitCode !== 0) throw new Error(`bench: E_BASE extracting tools/ of ${sha}: ${x.stderr.trim().split('\n')[0]}`);
  renameSync(tmp, dir);
  return dir;
}
