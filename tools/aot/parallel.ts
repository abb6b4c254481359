// Compiling a large module's chunks on several threads (module.ts splits
// and merges; worker.ts is a worker's entry). compileModule stays
// synchronous: the calling thread compiles chunks too, and blocks on a shared
// counter (Atomics.wait) only while the next chunk to merge is a worker's,
// then takes the workers' results with receiveMessageOnPort. Chunks are
// claimed from a shared counter, so a worker that starts late (tens of ms)
// only takes fewer of them. Workers stay for the next module (warm JIT).
//
//   ctl[0]  next chunk to claim         ctl[1]  results posted by workers

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { AotError, type AotErrorCode } from './errors.ts';
import type { AotOptions } from './context.ts';

/** What a worker is started with (besides its port and the control words). */
export interface ChunkJob { wasm: Uint8Array; opts: AotOptions; bounds: number[] }

/** A worker's answer for chunk i: the result, or the error compiling it raised. */
export type ChunkMessage<R> = ({ i: number; r: R } | { i: number; error: { code: AotErrorCode; message: string } }) & { byWorker?: boolean };
/** A job as a worker receives it: the chunks, the shared control words, the job's id (answers carry it). */
export interface ChunkJobMessage extends ChunkJob { ctl: Int32Array; id: number }

/**
 * Threads to compile with: opts.threads, else ASUK_AOT_THREADS (`cores`: the
 * machine's, at most 4), else 1. One by default: each worker is a V8 isolate
 * of its own whose JIT starts cold, so a one-shot compile (the CLI builds one
 * image per process) was 2x slower on 2 threads (synth-2000, 700 KB: 1.0-1.2 s
 * vs 2.0-2.2 s wall); warm workers (a process compiling many large modules)
 * were ~15% faster in wall time for 1.5x the CPU time (STATUS.md, round 7a).
 */
export function threadCount(opts: AotOptions): number {
  const v = process.env.ASUK_AOT_THREADS;
  const env = v === 'cores' ? Math.min(availableParallelism(), 4) : Number(v);
  const n = opts.threads ?? (Number.isInteger(env) && env > 0 ? env : 1);
  return Math.max(1, Math.floor(n));
}

/** How long the calling thread waits for a worker's chunk before giving up. */
const WAIT_MS = 120_000;

/**
 * Runs chunks 0..n-1: `local(i)` on this thread and in up to threads-1
 * workers, and hands each result to `merge` in order; a chunk this thread
 * claims when every earlier one is merged is `inPlace(i)` (compiled straight
 * into the module: the same bytes, no chunk to make and merge). Returns false (nothing
 * ran) when there is no worker to start (one thread, or no worker script):
 * the caller then compiles in place. Throws the error of the first chunk, in
 * order, that failed.
 */
export function runChunks<R>(
  n: number, threads: number, job: ChunkJob, local: (i: number) => R, merge: (r: R) => void, inPlace: (i: number) => void,
): boolean {
  const helpers = workers(Math.min(threads - 1, n - 1));
  if (helpers.length === 0) return false;
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const id = ++jobs;
  for (const h of helpers) h.worker.postMessage({ ...job, ctl, id });
  const results: (ChunkMessage<R> | undefined)[] = new Array(n);
  let next = 0;
  try {
    while (next < n) {
      for (const h of helpers) while (take(h.port, id, results));
      for (; next < n && results[next] !== undefined; next++) {
        const m = results[next]!;
        results[next] = undefined;
        if ('error' in m) throw new AotError(m.error.code, m.error.message);
        if (m.byWorker) workerChunks++;
        merge(m.r);
      }
      if (next >= n) break;
      const i = Atomics.add(ctl, 0, 1);
      if (i === next) { inPlace(i); next++; continue; }   // every earlier chunk is merged: no chunk to make
      if (i < n) { results[i] = runLocal(i, local); continue; }
      const seen = Atomics.load(ctl, 1);
      if (helpers.some((h) => take(h.port, id, results))) continue;
      if (Atomics.wait(ctl, 1, seen, WAIT_MS) === 'timed-out') {
        throw new AotError('internal', `compile worker did not return chunk ${next} of ${n} within ${WAIT_MS / 1000} s`);
      }
    }
  } finally {
    Atomics.store(ctl, 0, n);        // after an error: the workers claim nothing more (late answers carry this job's id: dropped)
  }
  return true;
}

interface Helper { worker: Worker; port: MessagePort }
const pool: Helper[] = [];
let jobs = 0;
/** Chunks compiled by workers so far in this process (for tests). */
let workerChunks = 0;
export function chunksFromWorkers(): number { return workerChunks; }

/**
 * Up to `k` workers, started on first use and kept (unref'd: they never hold
 * the process) so later modules find their JIT warm. Each gets a port of its
 * own for results; jobs arrive as messages.
 */
function workers(k: number): Helper[] {
  if (k <= 0) return [];
  const file = workerScript();
  if (file === null) return [];
  while (pool.length < k) {
    const ch = new MessageChannel();
    const opts = { workerData: { port: ch.port2 }, transferList: [ch.port2] };
    const worker = 'file' in file ? new Worker(file.file, opts) : new Worker(file.code, { ...opts, eval: true });
    worker.unref();
    ch.port1.unref();
    const h = { worker, port: ch.port1 };
    const drop = (): void => { const j = pool.indexOf(h); if (j >= 0) pool.splice(j, 1); };
    worker.on('error', drop).on('exit', drop);       // seen between compiles: the next one starts a new worker
    pool.push(h);
  }
  return pool.slice(0, k);
}

/** Takes a message waiting on `p` into `results` (dropped if of an earlier job); true if there was one. */
function take<R>(p: MessagePort, id: number, results: (ChunkMessage<R> | undefined)[]): boolean {
  const msg = receiveMessageOnPort(p);
  if (!msg) return false;
  const m = msg.message as ChunkMessage<R> & { id: number };
  if (m.id === id) results[m.i] = { ...m, byWorker: true };
  return true;
}

function runLocal<R>(i: number, local: (i: number) => R): ChunkMessage<R> {
  try {
    return { i, r: local(i) };
  } catch (e) {
    if (e instanceof AotError) return { i, error: { code: e.code, message: stripCode(e) } };
    throw e;
  }
}

/** An AotError's message without the "aot <code>: " its constructor adds. */
export function stripCode(e: AotError): string {
  const p = `aot ${e.code}: `;
  return e.message.startsWith(p) ? e.message.slice(p.length) : e.message;
}

let script: { file: string } | { code: string } | null | undefined;

/**
 * The worker's script: aot-worker.mjs beside this file when bundled (the CLI's
 * dist/, scripts/bundle.mjs), else worker.ts bundled once in memory with
 * esbuild (a checkout running the sources, e.g. under vite-node). null: none.
 */
function workerScript(): { file: string } | { code: string } | null {
  if (script !== undefined) return script;
  const here = fileURLToPath(import.meta.url);
  const beside = join(dirname(here), 'aot-worker.mjs');
  if (existsSync(beside)) return (script = { file: beside });
  const src = join(dirname(here), 'worker.ts');
  script = null;
  if (!here.endsWith('.ts') || !existsSync(src)) return script;
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const r = esbuild.buildSync({ entryPoints: [src], write: false, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'silent' });
    script = { code: r.outputFiles[0].text };
  } catch {
    script = null;                   // no esbuild: compile on one thread (the same code)
  }
  return script;
}
