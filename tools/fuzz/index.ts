// tools/fuzz — the fuzzing harness of issue 11. Map:
//
//   main.ts      CLI: npm run fuzz -- TARGET [--count N] [--seed S] [--case I] [--jobs J]
//   run.ts       runs a target's cases in parallel, tallies classes, repro commands
//   pool.ts      at most J cases at once
//   target.ts    what a target is (prepare once, run one case)
//   classify.ts  the classes (error, accepted, panic, hang, escape, loss, ignored,
//                mute) and reading the guest's answer
//   rng.ts       the seeded PRNG (a case = seed + index)
//   images.ts    the kernels the targets boot, built once into build/fuzz/
//   newc.ts      CPIO archives with raw-byte names, a lenient reader
//   kvlog.ts     the kvstore log format, written out again for the host
//   kill.ts      SIGKILL of QEMU after N `ok` lines
//   targets:     cpio.ts, cmdline.ts, ninep.ts (9p), kvstore.ts, cli.ts, kvlogNode.ts, wasipath.ts
//                (paths a WASI app opens beneath its preopen: tools/image/wasm.ts)
//                (kvlog: the kvstore reader compiled from as/kvreader.ts, run in Node)
//
// Every case runs real QEMU (the CLI target runs the asuk command; kvlog runs
// the kvstore reader compiled to Wasm in Node) under a hard timeout.

import { cliTarget } from './cli.ts';
import { cmdlineTarget } from './cmdline.ts';
import { cpioTarget } from './cpio.ts';
import { kvlogTarget } from './kvlogNode.ts';
import { kvstoreTarget } from './kvstore.ts';
import { ninepTarget } from './ninep.ts';
import { wasipathTarget } from './wasipath.ts';
import type { Target } from './target.ts';

export { runTarget, tallyLine, reproCommand, type Tally } from './run.ts';

export const TARGETS: Record<string, Target<any>> = {
  cpio: cpioTarget,
  cmdline: cmdlineTarget,
  '9p': ninepTarget,
  kvstore: kvstoreTarget,
  cli: cliTarget,
  kvlog: kvlogTarget,
  wasipath: wasipathTarget,
};
