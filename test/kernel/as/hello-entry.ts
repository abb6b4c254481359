// @ts-nocheck — AssemblyScript source (compiled by asc in the tests), not checked by tsc.
// Test-only entry for images/hello (the generated one is images/hello/.asuk/entry.ts),
// importing the package as images/hello does.
import { kernelMain } from "asuk/kernel/index";
import { main } from "../../../images/hello/app";
export function asuk_main(magic: u32, mbi: u32, tsc0: u64, imageEnd: u32): i32 {
  return kernelMain(magic, mbi, tsc0, imageEnd, main);
}
