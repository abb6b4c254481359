// tools/aot: the ahead-of-time compiler, WebAssembly -> x86-64 (ABI.md).
//
// Layers (Winch-like), top to bottom; imports point down only (test/aot/import-cycles.test.ts):
//   worker.ts     a compile worker's entry (bundled as dist/aot-worker.mjs): compiles chunks
//   module.ts     compileModule: ModCtx (context.ts), functions, import wrappers,
//                 export thunks, `instantiate`, the module's data; large modules in
//                 chunks (compileChunk / mergeChunk), byte-identical on any thread count
//   parallel.ts   runs chunks on this thread and on kept worker threads (Atomics.wait,
//                 receiveMessageOnPort: compileModule stays synchronous)
//   func.ts       FuncCompiler: plans a body, walks the plan's steps, dispatches each
//                 op to the visitor its family registered (`on`), prologue/epilogue, traps
//   plan.ts       the pure analysis pass per function: structure, the shapes each
//                 code-speed pass applies to (unroll.ts's counted loops, rotation,
//                 bit-test chains, compare fusion, `x && y` ifs, set targets), the
//                 emission order; AotPasses switches each off
//   inline.ts     pass inline, before planning: calls to small leaf functions become the callee's body
//   selectif.ts   pass selectIf, before planning: a select with a costly second operand becomes if/else
//   webs.ts       pass webs (off by default), before planning: a local holding unrelated values split in webs
//   liveranges.ts live ranges of locals (plan.ts, pass regalloc): loop-aware, one interval each
//   scratch.ts    per-function typed arrays of the analyses, views on one buffer (reset per function)
//   pins.ts       locals kept in registers: linear scan over the live ranges (regalloc),
//                 or whole-function pins by loop weight (regalloc off)
//   control.ts    blocks, branches, merges (the merge convention), select, fused ifs
//   rotate.ts     loop rotation's branches (the plan replays headers at back edges)
//   bitset.ts     `c == K1 | c == K2 | ...` as one bit test (from the i32.eq visitor)
//   settarget.ts  an op followed by `local.set x` (x pinned) computes into x's register
//   intops.ts / floatops.ts / convert.ts / memory.ts / calls.ts / tables.ts / hw.ts
//                 per-op visitors, one file per family
//   blocks.ts     control-frame types shared by func.ts and the control visitors
//   frame.ts      the value stack cached in registers, spill slots, register allocation
//   masm.ts       the macro-assembler: value moves, constant pool, code alignment (over tools/x86);
//                 CALLEE_SAVED (r12-r14, ABI.md), CODE_ALIGN (function entries and chunks)
//   traps.ts      TrapKind (shared with the targets); errors.ts AotError
//   srcmap.ts     CodeMap: code address -> Wasm offset for the functions asked for (AotOptions.codeMap)

export { compileModule, type AotStats, type BacktraceFuncs } from './module.ts';
export { AotError, type AotErrorCode } from './errors.ts';
export { TrapKind, trapMessages } from './traps.ts';
export type { AotOptions, AotFeatures } from './context.ts';
export { PASS_NAMES, resolvePasses, type AotPasses } from './plan.ts';
export { HW_OPS } from './hw.ts';
export { CodeMap, type CodeMapEntry } from './srcmap.ts';
