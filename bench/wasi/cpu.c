/* bench/wasi/cpu.c — a CPU-bound C program for the WASI figures: integer
 * hashing, a sieve, and double-precision n-body steps. Prints the bench/aot
 * line `kernel=c-cpu iters=N checksum=C ns=T` with raw write(2) only, so its
 * imports are the few every runner provides (args, clock, fd_write, exit). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t hash_round(uint32_t n) {
  uint64_t h = 1469598103934665603ull;
  for (uint32_t i = 0; i < n; i++) { h ^= i * 2654435761u; h *= 1099511628211ull; h ^= h >> 29; }
  return h;
}

static uint8_t sieve_buf[1 << 20];
static uint64_t sieve(void) {
  uint32_t n = sizeof sieve_buf, count = 0;
  memset(sieve_buf, 1, n);
  for (uint32_t i = 2; i < n; i++) {
    if (!sieve_buf[i]) continue;
    count++;
    for (uint32_t j = i + i; j < n; j += i) sieve_buf[j] = 0;
  }
  return count;
}

#define BODIES 5
static double px[BODIES], py[BODIES], pz[BODIES], vx[BODIES], vy[BODIES], vz[BODIES], ms[BODIES];
static uint64_t nbody(int steps) {
  for (int i = 0; i < BODIES; i++) { px[i] = i; py[i] = i * 0.5; pz[i] = -i; vx[i] = vy[i] = vz[i] = 0; ms[i] = 1.0 + i; }
  for (int s = 0; s < steps; s++) {
    for (int i = 0; i < BODIES; i++)
      for (int j = i + 1; j < BODIES; j++) {
        double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
        double d2 = dx * dx + dy * dy + dz * dz + 0.01, mag = 0.001 / (d2 * __builtin_sqrt(d2));
        vx[i] -= dx * ms[j] * mag; vy[i] -= dy * ms[j] * mag; vz[i] -= dz * ms[j] * mag;
        vx[j] += dx * ms[i] * mag; vy[j] += dy * ms[i] * mag; vz[j] += dz * ms[i] * mag;
      }
    for (int i = 0; i < BODIES; i++) { px[i] += 0.001 * vx[i]; py[i] += 0.001 * vy[i]; pz[i] += 0.001 * vz[i]; }
  }
  double e = 0;
  for (int i = 0; i < BODIES; i++) e += px[i] + py[i] + pz[i];
  return (uint64_t)(int64_t)(e * 1e6);
}

static char *put(char *p, const char *s) { while (*s) *p++ = *s++; return p; }
static char *num(char *p, uint64_t v) {
  char t[24]; int n = 0;
  do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) *p++ = t[--n];
  return p;
}

int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 10;
  uint64_t t0 = now_ns(), sum = 0;
  for (int k = 0; k < iters; k++) sum += hash_round(2000000) + sieve() + nbody(20000);
  uint64_t ns = now_ns() - t0;
  char line[128], *p = line;
  p = put(p, "kernel=c-cpu iters="); p = num(p, (uint64_t)iters);
  p = put(p, " checksum="); p = num(p, sum);
  p = put(p, " ns="); p = num(p, ns); *p++ = '\n';
  write(1, line, (size_t)(p - line));
  return 0;
}
