// tools/wasm: the WebAssembly binary decoder (core spec 2.0 §5, no SIMD).
//
// Map, bottom to top:
//   reader.ts    bounds-checked cursor: bytes, LEB128, names, value types
//   instrs.ts    one instruction and its immediates; expressions
//   sections.ts  the known sections' contents
//   names.ts     the `name` custom section (advisory, never an error)
//   decode.ts    preamble + section loop + count checks -> Module;
//                decodeBody for one function (decodeBodyReuse: into reused
//                instruction objects); index-space helpers
//   validate-sigs.ts   operand types of numeric/conversion/memory ops
//   validate-body.ts   §A.3 algorithm over one body (operand + control stacks)
//   validate.ts        module rules (§3.4) -> validateModule, WasmValidateError
// types.ts (Module IR) and opcodes.ts (opcode table) are the shared
// interfaces tools/aot consumes. Everything malformed throws WasmDecodeError;
// a well-formed but invalid module throws WasmValidateError from validateModule.

export {
  decodeModule, decodeBody, decodeBodyReuse, funcTypeOf, funcTypeIndexOf, funcName,
  numImportedFuncs, numImportedTables, numImportedMemories, numImportedGlobals,
  numFuncs, numTables, numMemories, numGlobals, tableTypeOf, memTypeOf, globalTypeOf,
} from './decode.ts';
export { readInstrs, type InstrPool } from './instrs.ts';
export * from './types.ts';
export * from './opcodes.ts';
export { validateModule, WasmValidateError } from './validate.ts';
