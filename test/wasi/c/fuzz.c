// fuzz: raw WASI calls with random descriptors, pointers (valid, at the end
// of memory, anywhere), lengths, flags and path bytes (., .., /, names of
// symlinks that point out). The layer must answer every call with an errno
// or a result: no trap, no hang, nothing outside the preopen touched.
// argv[1] = seed, argv[2] = calls.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
IMPORT(path_open) int32_t w_path_open(int32_t, int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t, int32_t);
IMPORT(path_create_directory) int32_t w_mkdir(int32_t, int32_t, int32_t);
IMPORT(path_unlink_file) int32_t w_unlink(int32_t, int32_t, int32_t);
IMPORT(path_remove_directory) int32_t w_rmdir(int32_t, int32_t, int32_t);
IMPORT(path_rename) int32_t w_rename(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_symlink) int32_t w_symlink(int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_link) int32_t w_link(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_readlink) int32_t w_readlink(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_filestat_get) int32_t w_pstat(int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_filestat_set_times) int32_t w_ptimes(int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t);
IMPORT(fd_read) int32_t w_read(int32_t, int32_t, int32_t, int32_t);
IMPORT(fd_write) int32_t w_write(int32_t, int32_t, int32_t, int32_t);
IMPORT(fd_pread) int32_t w_pread(int32_t, int32_t, int32_t, int64_t, int32_t);
IMPORT(fd_readdir) int32_t w_readdir(int32_t, int32_t, int32_t, int64_t, int32_t);
IMPORT(fd_seek) int32_t w_seek(int32_t, int64_t, int32_t, int32_t);
IMPORT(fd_close) int32_t w_close(int32_t);
IMPORT(fd_renumber) int32_t w_renumber(int32_t, int32_t);
IMPORT(fd_filestat_set_size) int32_t w_setsize(int32_t, int64_t);
IMPORT(fd_fdstat_get) int32_t w_fdstat(int32_t, int32_t);
IMPORT(fd_fdstat_set_rights) int32_t w_setrights(int32_t, int64_t, int64_t);
IMPORT(fd_prestat_dir_name) int32_t w_prename(int32_t, int32_t, int32_t);
IMPORT(poll_oneoff) int32_t w_poll(int32_t, int32_t, int32_t, int32_t);
IMPORT(random_get) int32_t w_random(int32_t, int32_t);
IMPORT(args_get) int32_t w_args(int32_t, int32_t);
IMPORT(environ_get) int32_t w_environ(int32_t, int32_t);

static uint32_t state;
static uint32_t rnd(void) { state ^= state << 13; state ^= state >> 17; state ^= state << 5; return state; }
static uint32_t pick(uint32_t n) { return rnd() % n; }

static char buf[65536];
static uint32_t ptr(void) {
  uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  switch (pick(4)) {
    case 0: case 1: return (uint32_t)(uintptr_t)buf + pick(60000);
    case 2: return end - pick(64);
    default: return rnd();
  }
}
static uint32_t len(void) { return pick(8) ? pick(300) : rnd(); }
static int32_t fd(void) { return pick(8) ? 3 + (int32_t)pick(10) : (int32_t)rnd(); }

static const char *parts[] = { ".", "..", "/", "a", "b", "up", "abs", "loop", "f", "//", "d/" };
/** A random path in buf at 40000 (sometimes cut mid-way, sometimes with a NUL); returns its length. */
static uint32_t path(uint32_t at) {
  uint32_t n = 0, k = 1 + pick(6);
  for (uint32_t i = 0; i < k; i++) {
    const char *p = parts[pick(sizeof parts / sizeof *parts)];
    size_t l = strlen(p);
    memcpy(buf + at + n, p, l); n += l;
    if (pick(2)) buf[at + n++] = '/';
  }
  if (!pick(20)) buf[at + pick(n)] = 0;
  return n;
}

int main(int argc, char **argv) {
  state = argc > 1 ? (uint32_t)atoi(argv[1]) * 2654435761u + 1 : 1;
  int calls = argc > 2 ? atoi(argv[2]) : 2000;
  for (int i = 0; i < calls; i++) {
    uint32_t pa = 40000, pb = 50000, la = path(pa), lb = path(pb);
    uint32_t pp = pick(4) ? (uint32_t)(uintptr_t)buf + pa : ptr(), qp = pick(4) ? (uint32_t)(uintptr_t)buf + pb : ptr();
    switch (pick(24)) {
      case 0: case 1: w_path_open(fd(), pick(2), pp, la, pick(16), (int64_t)rnd() << 32 | rnd(), -1, pick(32), ptr()); break;
      case 2: w_mkdir(fd(), pp, la); break;
      case 3: w_unlink(fd(), pp, la); break;
      case 4: w_rmdir(fd(), pp, la); break;
      case 5: w_rename(fd(), pp, la, fd(), qp, lb); break;
      case 6: w_symlink(qp, lb, fd(), pp, la); break;
      case 7: w_link(fd(), pick(2), pp, la, fd(), qp, lb); break;
      case 8: w_readlink(fd(), pp, la, ptr(), len(), ptr()); break;
      case 9: w_pstat(fd(), pick(2), pp, la, ptr()); break;
      case 10: w_ptimes(fd(), pick(2), pp, la, rnd(), rnd(), pick(16)); break;
      case 11: w_read(fd(), ptr(), pick(4), ptr()); break;
      case 12: { uint32_t iov = (uint32_t)(uintptr_t)buf + 100; ((uint32_t *)(buf + 100))[0] = ptr(); ((uint32_t *)(buf + 100))[1] = pick(64);
        w_write(fd() == 1 ? 3 : fd(), pick(4) ? iov : ptr(), pick(3), ptr()); break; }
      case 13: w_pread(fd(), ptr(), pick(4), (int64_t)rnd() - 100, ptr()); break;
      case 14: w_readdir(fd(), ptr(), len(), pick(3) ? 0 : rnd(), ptr()); break;
      case 15: w_seek(fd(), (int64_t)(int32_t)rnd(), pick(4), ptr()); break;
      case 16: if (!pick(10)) w_close(fd()); break;
      case 17: if (!pick(10)) w_renumber(fd(), fd()); break;
      case 18: w_setsize(fd(), pick(5000)); break;
      case 19: w_fdstat(fd(), ptr()); w_setrights(fd(), (int64_t)rnd(), (int64_t)rnd()); break;
      case 20: w_prename(fd(), ptr(), len()); break;
      case 21: { uint32_t s = (uint32_t)(uintptr_t)buf + 2000; for (int k = 0; k < 96; k++) buf[2000 + k] = (char)rnd();
        buf[2000 + 8] = (char)pick(3); buf[2000 + 48 + 8] = 0;  // clocks sleep at most 1 us: a long sleep is a legal request
        *(uint64_t *)(buf + 2000 + 24) = pick(1000); *(uint64_t *)(buf + 2000 + 48 + 24) = pick(1000);
        *(uint32_t *)(buf + 2000 + 16) = (uint32_t)fd(); *(uint32_t *)(buf + 2000 + 48 + 16) = pick(4);
        w_poll(s, ptr(), pick(3), ptr()); break; }
      case 22: w_random(ptr(), pick(4) ? pick(100) : len()); break;
      default: w_args(ptr(), ptr()); w_environ(ptr(), ptr()); break;
    }
  }
  printf("survived %d calls\n", calls);
  return 0;
}
