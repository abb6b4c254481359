/* bench/wasi/hello.c — the boot-to-exit figure's program: one line of stdio. */
#include <stdio.h>
int main(void) { printf("hello from WASI\n"); return 0; }
