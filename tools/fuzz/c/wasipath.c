/* tools/fuzz/c/wasipath.c — the guest of the `wasipath` fuzz target: a WASI
 * command that opens every path listed in /cases/list.txt beneath the
 * preopen /sandbox (fd 4; /cases is fd 3) and prints one line per path:
 * `P <n> ok <first bytes>` or `P <n> err <errno>`, then `done`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  FILE *list = fopen("/cases/list.txt", "r");
  if (!list) { perror("open /cases/list.txt"); return 2; }
  char path[1024], buf[65];
  for (int n = 0; fgets(path, sizeof path, list); n++) {
    path[strcspn(path, "\n")] = 0;
    int fd = openat(4, path, O_RDONLY);
    if (fd < 0) { printf("P %d err %d\n", n, errno); continue; }
    ssize_t got = read(fd, buf, 64);
    buf[got > 0 ? got : 0] = 0;
    for (char *c = buf; *c; c++) if (*c == '\n') *c = ' ';
    printf("P %d ok %s\n", n, got < 0 ? "(a directory)" : buf);
    close(fd);
  }
  printf("done\n");
  return 0;
}
