/* bench/aot/c/kv.c — a database-like workload: a table of fixed-size records
 * (id, 16-byte name, balance) in malloc'd storage with an open-addressing
 * hash index on id (linear probing, tombstones), and per iteration: inserts,
 * point lookups (hits and misses), balance transfers, deletes, and an ordered
 * scan of the live records through qsort. checksum = lookups found, balances
 * and the scan's order. */
#include "bench.h"

#define NREC 20000
#define SLOTS (1 << 16)                          /* power of two > 2 * NREC */
#define EMPTY 0u
#define TOMB 0xffffffffu

typedef struct { uint32_t id; char name[16]; int64_t balance; uint32_t live; } Record;

static Record *recs;
static uint32_t *index_;                          /* slot -> record number + 1, EMPTY or TOMB */
static uint32_t nrec;

static uint32_t slot_of(uint32_t id) { return (id * 0x9e3779b1u) >> 16 & (SLOTS - 1); }

static Record *find(uint32_t id) {
  for (uint32_t s = slot_of(id);; s = (s + 1) & (SLOTS - 1)) {
    uint32_t v = index_[s];
    if (v == EMPTY) return NULL;
    if (v != TOMB && recs[v - 1].id == id) return &recs[v - 1];
  }
}

static void insert(uint32_t id, int64_t balance) {
  Record *r = &recs[nrec++];
  r->id = id; r->balance = balance; r->live = 1;
  for (int k = 0; k < 15; k++) r->name[k] = (char)('a' + (id >> (k % 8) * 4 & 15));
  r->name[15] = 0;
  uint32_t s = slot_of(id);
  while (index_[s] != EMPTY && index_[s] != TOMB) s = (s + 1) & (SLOTS - 1);
  index_[s] = nrec;
}

static int erase(uint32_t id) {
  for (uint32_t s = slot_of(id);; s = (s + 1) & (SLOTS - 1)) {
    uint32_t v = index_[s];
    if (v == EMPTY) return 0;
    if (v != TOMB && recs[v - 1].id == id) { recs[v - 1].live = 0; index_[s] = TOMB; return 1; }
  }
}

static int by_name(const void *a, const void *b) {
  const Record *x = *(Record *const *)a, *y = *(Record *const *)b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->id > y->id) - (x->id < y->id);
}

static uint64_t round_(uint32_t seed) {
  memset(index_, 0, SLOTS * sizeof *index_);
  nrec = 0;
  uint32_t s = seed | 1;
  for (int k = 0; k < NREC; k++) { s = bench_xorshift(s); insert(s, (int64_t)(s % 1000)); }
  uint64_t sum = 0;
  uint32_t q = seed | 1;
  for (int k = 0; k < 4 * NREC; k++) {            /* hits replay the insert stream, misses are odd ids */
    q = bench_xorshift(q);
    Record *a = find(k & 1 ? q | 0x80000000u : q), *b = find(bench_xorshift(q));
    if (a && b) { a->balance -= 7; b->balance += 7; sum += 3; }
    else if (a) sum += (uint64_t)a->balance;
  }
  q = seed | 1;
  for (int k = 0; k < NREC / 4; k++) { q = bench_xorshift(bench_xorshift(q)); sum += (uint64_t)erase(q); }
  Record **live = malloc(nrec * sizeof *live);
  uint32_t n = 0;
  for (uint32_t k = 0; k < nrec; k++) if (recs[k].live) live[n++] = &recs[k];
  qsort(live, n, sizeof *live, by_name);
  for (uint32_t k = 0; k < n; k += 97) sum = sum * 31 + live[k]->id + (uint64_t)live[k]->balance;
  free(live);
  return sum + n;
}

int main(int argc, char **argv) {
  int iters = bench_iters(argc, argv, 10);
  recs = malloc(NREC * sizeof *recs);
  index_ = malloc(SLOTS * sizeof *index_);
  if (!recs || !index_) return 2;
  uint64_t t0 = bench_now(), sum = 0;
  for (int it = 0; it < iters; it++) sum = sum * 1000003 + round_(0x2545f491u + (uint32_t)it * 977u);
  bench_report("kv", iters, sum, bench_now() - t0);
  return 0;
}
