// @ts-nocheck — AssemblyScript source (compiled by asc in the tests), not checked by tsc.
// Test-only entry: exports the whole public surface so asc compiles (and checks) every function.
export * from "../../../kernel/index";
export * from "../../../kernel/hw";
