// capability rules: nothing outside the preopen resolves, whatever the path
// says (.., absolute, symlinks absolute or relative, chains of them). The
// symlinks are made by the test on the host (Node's WASI refuses to create
// ones that point out; wasmtime and asuk store any relative target).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *p) {
  int fd = open(p, O_RDONLY);
  printf("open %s: %s\n", p, fd >= 0 ? "opened" : "denied");
  if (fd >= 0) close(fd);
}

int main(void) {
  try_open("/sandbox/../outside.txt");
  try_open("/sandbox/sub/../../outside.txt");
  try_open("/sandbox/abs/passwd");
  try_open("/sandbox/up/outside.txt");
  try_open("/sandbox/chain2/outside.txt");
  try_open("/sandbox/sub/rel");
  try_open("/sandbox/sub/../sub/./");
  printf("mkdir via up: %s\n", mkdir("/sandbox/up/made", 0755) == 0 ? "made" : "denied");
  printf("unlink via chain: %s\n", unlink("/sandbox/chain/outside.txt") == 0 ? "removed" : "denied");
  struct stat st;
  printf("stat via abs: %s\n", stat("/sandbox/abs/passwd", &st) == 0 ? "seen" : "denied");
  return 0;
}
