// time: wall clock and monotonic clock move forward; sleeping takes time.
#include <stdio.h>
#include <time.h>

int main(void) {
  struct timespec a, b, w, res;
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_REALTIME, &w);
  struct timespec d = { 0, 20 * 1000 * 1000 };
  nanosleep(&d, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("slept>=20ms: %d\n", ns >= 20 * 1000 * 1000);
  printf("wall after 2020: %d\n", w.tv_sec > 1577836800);
  printf("time() agrees: %d\n", time(NULL) - w.tv_sec < 5);
  printf("monotonic res ok: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0);
  return 0;
}
