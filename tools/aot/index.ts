// tools/aot: the ahead-of-time compiler, WebAssembly -> x86-64 (ABI.md).
//
// Layers (Winch-like), top to bottom:
//   module.ts     compileModule: ModCtx (context.ts), functions, import wrappers,
//                 export thunks, `instantiate`, the module's data
//   func.ts       FuncCompiler: one pass over a body, op dispatch, prologue/epilogue, trap stubs
//   control.ts    blocks, branches, merges (the merge convention), select, `x && y` ifs
//   rotate.ts     loop rotation: loop headers re-emitted at back edges (from control.ts)
//   bitset.ts     `c == K1 | c == K2 | ...` as one bit test (from the i32.eq visitor)
//   unroll.ts     full unrolling of small counted loops (from control.ts; pins.ts weighs them)
//   intops.ts / floatops.ts / convert.ts / memory.ts / calls.ts / tables.ts / hw.ts
//                 per-op visitors, one file per family
//   frame.ts      the value stack cached in registers, spill slots, register allocation
//   masm.ts       the macro-assembler: value moves, constant pool (over tools/x86)
//   traps.ts      TrapKind (shared with the targets); errors.ts AotError

export { compileModule, type AotStats } from './module.ts';
export { AotError, type AotErrorCode } from './errors.ts';
export { TrapKind, trapMessages } from './traps.ts';
export type { AotOptions, AotFeatures } from './context.ts';
export { HW_OPS } from './hw.ts';
