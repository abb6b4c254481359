// @ts-nocheck — AssemblyScript source (compiled by asc in the tests), not checked by tsc.
// Test-only copy of the generated build/<image>/entry.ts for images/hello.
import { kernelMain } from "../../../kernel/index";
import { main } from "../../../images/hello/app";
export function asuk_main(magic: u32, mbi: u32, tsc0: u64, imageEnd: u32): i32 {
  return kernelMain(magic, mbi, tsc0, imageEnd, main);
}
