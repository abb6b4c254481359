// files: create, write, read, seek, pread/pwrite, truncate, stat, rename,
// directories (mkdir, readdir, rmdir), symlinks (symlink, readlink, lstat),
// unlink. Leaves a tree behind that the test compares.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define R "/sandbox/"
static void check(int ok, const char *what) {
  printf("%s: %s\n", what, ok ? "ok" : strerror(errno));
}

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { printf("opendir %s: %s\n", dir, strerror(errno)); return; }
  char *names[64]; int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)  // . and .. : wasmtime lists them, Node's WASI does not
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("%s:", dir);
  for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}

int main(void) {
  FILE *f = fopen(R "a.txt", "w");
  check(f != NULL, "fopen w");
  for (int i = 0; i < 100; i++) fprintf(f, "line %d\n", i);
  fclose(f);
  int fd = open(R "a.txt", O_RDWR);
  check(fd >= 0, "open rdwr");
  char buf[64] = {0};
  printf("lseek end=%ld\n", (long)lseek(fd, 0, SEEK_END));
  printf("pread=%zd ", pread(fd, buf, 10, 7)); printf("[%.10s]\n", buf);
  printf("pwrite=%zd\n", pwrite(fd, "XYZ", 3, 0));
  printf("lseek cur=%ld\n", (long)lseek(fd, 0, SEEK_CUR));
  check(ftruncate(fd, 50) == 0, "ftruncate");
  struct stat st;
  check(fstat(fd, &st) == 0, "fstat");
  printf("size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  close(fd);
  check(mkdir(R "d1", 0755) == 0, "mkdir d1");
  check(mkdir(R "d1/d2", 0755) == 0, "mkdir d1/d2");
  check(mkdir(R "d1", 0755) == 0, "mkdir d1 again");
  check(rename(R "a.txt", R "d1/b.txt") == 0, "rename file");
  check(rename(R "d1/d2", R "d3") == 0, "rename dir");
  check(symlink("d1/b.txt", R "link") == 0, "symlink");
  char target[64] = {0};
  ssize_t tl = readlink(R "link", target, sizeof target - 1);
  printf("readlink=%zd [%s]\n", tl, tl > 0 ? target : "");
  check(lstat(R "link", &st) == 0 && S_ISLNK(st.st_mode), "lstat is link");
  check(stat(R "link", &st) == 0 && st.st_size == 50, "stat through link");
  f = fopen(R "link", "r");
  check(f != NULL && fgets(buf, sizeof buf, f) != NULL, "read through link");
  printf("first line [%s]", buf);
  if (f) fclose(f);
  check(unlink(R "missing") == 0, "unlink missing");
  check(rmdir(R "d1") == 0, "rmdir nonempty");
  f = fopen(R "d3/gone.txt", "w"); fputs("bye\n", f); fclose(f);
  check(unlink(R "d3/gone.txt") == 0, "unlink");
  check(rmdir(R "d3") == 0, "rmdir d3");
  check(access(R "d3", F_OK) != 0, "d3 gone");
  f = fopen(R "d1/new.txt", "a"); fputs("appended\n", f); fclose(f);
  list(R);
  list(R "d1");
  return 0;
}
