/* test/wasi-qemu/c/app.c — a WASI command as the unikernel's app: argv, env,
 * a file of the rootfs, a file written on a -v volume, a directory listing
 * through the root preopen, /tmp, the clocks, random_get, an exit status. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  const char *g = getenv("GREETING");
  printf("GREETING=%s\n", g ? g : "(unset)");
  FILE *f = fopen("/etc/motd", "r");
  if (!f) { perror("open /etc/motd"); return 3; }
  char buf[128];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  printf("motd: %s", buf);
  FILE *o = fopen("/data/out.txt", "w");
  if (!o) { perror("open /data/out.txt"); return 4; }
  fprintf(o, "written by %s\n", argv[0]);
  fclose(o);
  FILE *t = fopen("/tmp/scratch", "w+");
  if (!t) { perror("open /tmp/scratch"); return 5; }
  fputs("tmp works\n", t);
  rewind(t);
  if (!fgets(buf, sizeof buf, t)) return 6;
  fclose(t);
  printf("%s", buf);
  DIR *d = opendir("/data");
  if (!d) { perror("opendir /data"); return 8; }
  int seen = 0;
  for (struct dirent *e; (e = readdir(d));) if (!strcmp(e->d_name, "out.txt") || !strcmp(e->d_name, "host.txt")) seen++;
  closedir(d);
  printf("listed %d\n", seen);
  struct timespec rt, m1, m2;
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_MONOTONIC, &m1);
  clock_gettime(CLOCK_MONOTONIC, &m2);
  printf("year>=2024 %d monotonic %d\n", rt.tv_sec > 1704067200, m2.tv_sec > m1.tv_sec || (m2.tv_sec == m1.tv_sec && m2.tv_nsec >= m1.tv_nsec));
  unsigned char r[16];
  if (getentropy(r, sizeof r) != 0) return 9;
  printf("random ");
  for (int i = 0; i < 16; i++) printf("%02x", r[i]);
  printf("\n");
  return 7;
}
