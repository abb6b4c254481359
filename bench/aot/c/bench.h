/* bench/aot/c/bench.h — the harness of the C programs of bench/aot: the
 * iteration count from argv[1], a monotonic clock and the result line
 * `kernel=NAME iters=N checksum=C ns=T` that bench/aot/runners.ts parses,
 * through the WASI calls every bench runner provides (fd_write, proc_exit,
 * args_*, clock_time_get), so no stdio. */
#ifndef BENCH_H
#define BENCH_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static uint64_t bench_now(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static char *bench_put(char *p, const char *s) { while (*s) *p++ = *s++; return p; }

static char *bench_u64(char *p, uint64_t v) {
  char tmp[24];
  int n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

static void bench_report(const char *name, int iters, uint64_t checksum, uint64_t ns) {
  char line[160], *p = line;
  p = bench_put(p, "kernel="); p = bench_put(p, name);
  p = bench_put(p, " iters="); p = bench_u64(p, (uint64_t)iters);
  p = bench_put(p, " checksum="); p = bench_u64(p, checksum);
  p = bench_put(p, " ns="); p = bench_u64(p, ns);
  *p++ = '\n';
  __wasi_ciovec_t iov = { (const uint8_t *)line, (size_t)(p - line) };
  size_t written;
  (void)__wasi_fd_write(1, &iov, 1, &written);
}

static int bench_iters(int argc, char **argv, int dflt) {
  if (argc < 2) return dflt;
  int v = 0;
  for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++) v = v * 10 + (*s - '0');
  return v > 0 ? v : dflt;
}

static uint32_t bench_xorshift(uint32_t s) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; return s; }

#endif
