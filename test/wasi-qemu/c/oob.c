/* test/wasi-qemu/c/oob.c — reads far past the app's linear memory: the
 * access must trap, naming this function, and touch no kernel memory. */
#include <stdio.h>
#include <stdint.h>

__attribute__((noinline)) int peek_far(uintptr_t at) { return *(volatile int *)at; }

int main(int argc, char **argv) {
  printf("before\n");
  fflush(stdout);
  return peek_far(0xfff00000u + (uintptr_t)argc);
}
