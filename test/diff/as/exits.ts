// @ts-nocheck — AssemblyScript source (compiled by asc in test/diff), not checked by tsc.
// Exit paths, chosen by argv[1]: "code" prints and exits with proc_exit(N);
// "abort" fails an assert (AS abort -> stderr + exit 134); "trap" reaches
// unreachable (a Wasm trap: exit 134 in both runners); anything else returns.
import { println, args, exit } from "../../../bench/lib/wasi";

function main(): void {
  const a = args();
  const mode = a.length > 1 ? a[1] : "";
  println("argc=" + a.length.toString() + " mode=" + mode + " args=" + a.slice(1).join("|"));
  if (mode == "code") { println("exiting 42"); exit(42); println("not reached"); }
  if (mode == "abort") { const n = a.length; assert(n == 99, "n must be 99"); }
  if (mode == "trap") { println("about to trap"); unreachable(); }
  println("normal return");
}
main();
