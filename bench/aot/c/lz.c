/* bench/aot/c/lz.c — a compression workload: greedy LZ77 with a hash table of
 * the last position of each 4-byte prefix (64 KiB window), tokens
 * `literal run length, literals, match length, 16-bit distance`, over 256 KiB
 * of generated text; every iteration compresses, decompresses and checks the
 * round trip. checksum = compressed sizes and an FNV hash of the output. */
#include "bench.h"

#define N (256 * 1024)
#define HBITS 14
#define MINMATCH 4

static uint8_t text[N], packed[N + N / 8 + 64], unpacked[N];
static uint32_t head[1 << HBITS];

static const char *WORDS[] = {
  "the ", "of ", "and ", "a ", "to ", "in ", "is ", "you ", "that ", "it ", "file ", "kernel ",
  "memory ", "page ", "table ", "driver ", "block ", "inode ", "read ", "write ", "\n", ", ", ". ",
};

static void make_text(void) {
  uint32_t s = 0x12345678;
  size_t k = 0;
  while (k < N) {
    s = bench_xorshift(s);
    const char *w = WORDS[s % (sizeof WORDS / sizeof WORDS[0])];
    if ((s >> 8) % 11 == 0) { text[k++] = (uint8_t)('A' + (s >> 16) % 26); continue; }
    while (*w && k < N) text[k++] = (uint8_t)*w++;
  }
}

static uint32_t hash4(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return (v * 2654435761u) >> (32 - HBITS);
}

static uint8_t *put_len(uint8_t *o, size_t n) {    /* 255-continued length */
  while (n >= 255) { *o++ = 255; n -= 255; }
  *o++ = (uint8_t)n;
  return o;
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
  memset(head, 0xff, sizeof head);
  uint8_t *o = out;
  size_t i = 0, lit = 0;
  while (i + MINMATCH <= n) {
    uint32_t h = hash4(in + i), cand = head[h];
    head[h] = (uint32_t)i;
    if (cand != 0xffffffffu && i - cand <= 0xffff && memcmp(in + cand, in + i, MINMATCH) == 0) {
      size_t len = MINMATCH;
      while (i + len < n && in[cand + len] == in[i + len]) len++;
      o = put_len(o, i - lit);
      memcpy(o, in + lit, i - lit); o += i - lit;
      o = put_len(o, len - MINMATCH);
      *o++ = (uint8_t)(i - cand); *o++ = (uint8_t)((i - cand) >> 8);
      size_t e = i + len;
      for (size_t j = i + 1; j < e && j + MINMATCH <= n; j++) head[hash4(in + j)] = (uint32_t)j;
      i = lit = e;
      continue;
    }
    i++;
  }
  o = put_len(o, n - lit);                           /* last token: literals only */
  memcpy(o, in + lit, n - lit); o += n - lit;
  return (size_t)(o - out);
}

static const uint8_t *get_len(const uint8_t *p, size_t *n) {
  size_t v = 0;
  while (*p == 255) { v += 255; p++; }
  *n = v + *p++;
  return p;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
  const uint8_t *p = in, *end = in + n;
  uint8_t *o = out;
  for (;;) {
    size_t lit, len;
    p = get_len(p, &lit);
    memcpy(o, p, lit); o += lit; p += lit;
    if (p >= end) break;
    p = get_len(p, &len);
    len += MINMATCH;
    size_t dist = p[0] | (size_t)p[1] << 8;
    p += 2;
    const uint8_t *from = o - dist;
    while (len--) *o++ = *from++;                    /* overlapping copies repeat */
  }
  return (size_t)(o - out);
}

int main(int argc, char **argv) {
  int iters = bench_iters(argc, argv, 20);
  make_text();
  uint64_t t0 = bench_now(), sum = 0;
  for (int it = 0; it < iters; it++) {
    text[(uint32_t)it * 7919u % N] ^= (uint8_t)it;   /* each round compresses different data */
    size_t c = compress(text, N, packed);
    size_t d = decompress(packed, c, unpacked);
    if (d != N || memcmp(text, unpacked, N) != 0) return 3;
    uint32_t h = 0x811c9dc5u;
    for (size_t k = 0; k < c; k++) h = (h ^ packed[k]) * 0x01000193u;
    sum = sum * 31 + c + h;
  }
  bench_report("lz", iters, sum, bench_now() - t0);
  return 0;
}
