// images/hello — the smallest asuk app: greets, echoes argv, reports RAM and boot time.
import {
  bootTimeUs, print, println, printU64, ramSize, tscMhz,
} from "asuk/kernel/index";

export function main(argv: string[]): i32 {
  println("hello from asuk");
  for (let i = 0; i < argv.length; i++) {
    print("argv[");
    printU64(<u64>i);
    print("]=");
    println(argv[i]);
  }
  print("ram: ");
  printU64((ramSize() + (1 << 19)) >> 20);
  println(" MiB");
  let us = bootTimeUs(); // calibrates the TSC on first use (not counted in `us`)
  print("boot: ");
  printU64(us);
  print(" us (tsc ");
  printU64(tscMhz());
  println(" MHz)");
  return 0;
}
