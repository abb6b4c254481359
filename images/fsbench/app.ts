// images/fsbench — the asuk side of the filesystem benchmarks (bench/fs,
// issue 8). Map:
//
//   app.ts   main: argv names the workloads, run in order
//   out.ts   `bench <name> <value> <unit>` lines, `bench error ...`
//   tree.ts  tree DIR: readdir + lstat every entry, read every file
//   tmp.ts   tmp: create/write, read back, delete 10,000 small files in /tmp
//   p9.ts    9p: mount tag fs0, 64 MiB sequential read and write, list 10,000
//
// argv (after `--`): any of `boot` (only the boot line), `tree DIR`, `tmp`,
// `9p`. Every run first prints `bench boot-guest N us`: microseconds from the
// boot stub's first instruction to main (kernel clock), initrd unpacking
// included. Ends with `bench done`; the exit status is the failure count.
import { bootTimeUs, println } from "asuk/kernel/index";
import { fail, failures, report } from "./out";
import { treeBench } from "./tree";
import { tmpBench } from "./tmp";
import { p9Bench } from "./p9";

export function main(argv: string[]): i32 {
  report("boot-guest", bootTimeUs(), "us"); // calibrates the TSC (after the mark: not boot time)
  for (let i = 0; i < argv.length; i++) {
    let w = argv[i];
    if (w == "boot") continue;
    if (w == "tree" && i + 1 < argv.length) treeBench(argv[++i]);
    else if (w == "tmp") tmpBench();
    else if (w == "9p") p9Bench();
    else fail("usage: unknown workload '" + w + "' (boot, tree DIR, tmp, 9p)", 0);
  }
  println("bench done");
  return failures();
}
