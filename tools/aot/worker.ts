// A compile worker's entry (parallel.ts starts it; bundled as aot-worker.mjs).
// For each job: decodes the module, then claims chunks from the job's shared
// counter until none is left, posting each chunk's code (module.ts
// compileChunk) or error on its port, tagged with the job's id.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { decodeModule } from '../wasm/index.ts';
import { AotError } from './errors.ts';
import { compileChunk, type ChunkResult } from './module.ts';
import { stripCode, type ChunkJobMessage, type ChunkMessage } from './parallel.ts';

const port = (workerData as { port: MessagePort }).port;

function runJob(job: ChunkJobMessage): void {
  const { wasm, opts, bounds, ctl, id } = job;
  const m = decodeModule(wasm);
  for (;;) {
    const i = Atomics.add(ctl, 0, 1);
    if (i >= bounds.length - 1) break;
    let msg: ChunkMessage<ChunkResult> & { id: number };
    let transfer: ArrayBuffer[] = [];
    try {
      const r = compileChunk(m, opts, bounds[i], bounds[i + 1]);
      msg = { id, i, r };
      transfer = [r.bytes.buffer as ArrayBuffer, r.fx.buffer as ArrayBuffer, r.labelOff.buffer as ArrayBuffer];
    } catch (e) {
      const error = e instanceof AotError ? { code: e.code, message: stripCode(e) } : { code: 'internal' as const, message: `compile worker: ${(e as Error).message}` };
      msg = { id, i, error };
    }
    port.postMessage(msg, transfer);
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
}

parentPort!.on('message', runJob);
