// images/fsbench/out.ts — the result lines bench/fs parses:
//   bench <name> <value> <unit>
// and `bench error <workload>: <what>: <ENAME>` when a step fails.
import { print, printU64, println } from "asuk/kernel/index";
import { errnoName } from "asuk/kernel/vfs/index";

let failed = 0;

/** Prints `bench NAME VALUE UNIT`. */
export function report(name: string, value: u64, unit: string): void {
  print("bench ");
  print(name);
  print(" ");
  printU64(value);
  print(" ");
  println(unit);
}

/** Prints `bench error WHAT: ENAME` (or the raw value when r >= 0); counts the failure. */
export function fail(what: string, r: i64): void {
  failed++;
  println("bench error " + what + ": " + (r < 0 ? errnoName(<i32>r) : r.toString()));
}

/** The number of failures so far (the exit status). */
export function failures(): i32 { return failed; }
