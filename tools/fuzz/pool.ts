// tools/fuzz/pool.ts — runs cases with at most `jobs` at once, in index order.

/** Calls `work(i)` for i in [0, n), `jobs` at a time; resolves when all are done. */
export async function pool(n: number, jobs: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < n) { const i = next++; await work(i); } };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, n)) }, worker));
}
