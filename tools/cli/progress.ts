// tools/cli/progress.ts — progress lines for long steps (building, packing,
// flattening), on stderr when it is a terminal, silent otherwise (pipes, CI,
// tests). ASUK_PROGRESS=1 forces them on, =0 off.

const forced = process.env.ASUK_PROGRESS;
const enabled = forced !== undefined ? forced === '1' : process.stderr.isTTY === true;

/** Prints `message` as a progress line when progress is shown. */
export function progress(message: string): void {
  if (enabled) process.stderr.write(`asuk: ${message}...\n`);
}

/** Times `step`; prints `message` before it and `message: done in N ms` after, when progress is shown. */
export async function step<T>(message: string, run: () => Promise<T>): Promise<T> {
  if (!enabled) return run();
  const t0 = performance.now();
  progress(message);
  const r = await run();
  process.stderr.write(`asuk: ${message}: done in ${(performance.now() - t0).toFixed(0)} ms\n`);
  return r;
}
