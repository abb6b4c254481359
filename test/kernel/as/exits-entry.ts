// @ts-nocheck — AssemblyScript source (compiled by asc in the tests), not checked by tsc.
// Test-only kernel: args[0] picks how the app leaves (QEMU test of kernel exits).
import { kernelMain, exit, panic, println } from "../../../kernel/index";

function deep(n: i32): void { if (n == 0) exit(5); else deep(n - 1); }

/** Unbounded recursion holding a managed value across the call (AssemblyScript's shadow stack is used too). */
function downManaged(s: string, n: i32): i32 { return downManaged(s, n + 1) + s.length; }
/** Unbounded recursion on plain values only. */
function downPlain(n: i64): i64 { return downPlain(n + 1) + n; }

function main(args: string[]): i32 {
  let how = args.length > 0 ? args[0] : "";
  println("exits: " + how);
  if (how == "throw") throw new Error("boom");
  if (how == "panic") panic("app: gave up");
  if (how == "exit") deep(10);
  if (how == "recurse") return downManaged(how, 0);
  if (how == "recurse-plain") return <i32>downPlain(0);
  if (how == "oom") {
    let keep = new Array<ArrayBuffer>();
    for (;;) keep.push(new ArrayBuffer(4 << 20));
  }
  return 9;
}

export function asuk_main(magic: u32, mbi: u32, tsc0: u64, imageEnd: u32): i32 {
  return kernelMain(magic, mbi, tsc0, imageEnd, main);
}
