/* bench/host/wasm2c-main.c — the benchmark peer's host (NOT part of asuk):
 * a main for a module translated by wabt's wasm2c (module name "m") that
 * provides the WASI preview1 imports bench/lib/wasi.ts uses. Built at bench
 * time with gcc -O2 into a temp dir by bench/host/wasm2c.ts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "m.h"
#include "wasm-rt-impl.h"

struct Z_wasi_snapshot_preview1_instance_t { wasm_rt_memory_t* mem; int argc; char** argv; };

static u8* mem_at(struct Z_wasi_snapshot_preview1_instance_t* w, u32 a) { return w->mem->data + a; }
static u32 rd32(struct Z_wasi_snapshot_preview1_instance_t* w, u32 a) { u32 v; memcpy(&v, mem_at(w, a), 4); return v; }
static void wr32(struct Z_wasi_snapshot_preview1_instance_t* w, u32 a, u32 v) { memcpy(mem_at(w, a), &v, 4); }

u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t* w, u32 fd, u32 iovs, u32 n, u32 nw) {
  u32 total = 0;
  for (u32 k = 0; k < n; k++) {
    u32 p = rd32(w, iovs + 8 * k), len = rd32(w, iovs + 8 * k + 4);
    u32 off = 0;
    while (off < len) { ssize_t r = write(fd, mem_at(w, p + off), len - off); if (r <= 0) return 29; off += (u32)r; }
    total += len;
  }
  wr32(w, nw, total);
  return 0;
}
void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t* w, u32 code) { (void)w; exit((int)code); }
u32 Z_wasi_snapshot_preview1Z_args_sizes_get(struct Z_wasi_snapshot_preview1_instance_t* w, u32 argc, u32 size) {
  u32 s = 0;
  for (int k = 0; k < w->argc; k++) s += (u32)strlen(w->argv[k]) + 1;
  wr32(w, argc, (u32)w->argc); wr32(w, size, s);
  return 0;
}
u32 Z_wasi_snapshot_preview1Z_args_get(struct Z_wasi_snapshot_preview1_instance_t* w, u32 argv, u32 buf) {
  for (int k = 0; k < w->argc; k++) {
    u32 len = (u32)strlen(w->argv[k]) + 1;
    wr32(w, argv + 4 * (u32)k, buf);
    memcpy(mem_at(w, buf), w->argv[k], len);
    buf += len;
  }
  return 0;
}
u32 Z_wasi_snapshot_preview1Z_clock_time_get(struct Z_wasi_snapshot_preview1_instance_t* w, u32 id, u64 prec, u32 out) {
  (void)prec;
  struct timespec ts;
  clock_gettime(id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
  u64 t = (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
  memcpy(mem_at(w, out), &t, 8);
  return 0;
}

int main(int argc, char** argv) {
  static Z_m_instance_t inst;
  static struct Z_wasi_snapshot_preview1_instance_t wasi;
  wasm_rt_init();
  Z_m_init_module();
  wasi.argc = argc; wasi.argv = argv;
  Z_m_instantiate(&inst, &wasi);
  wasi.mem = Z_mZ_memory(&inst);
  wasm_rt_trap_t code = wasm_rt_impl_try();
  if (code != 0) { fprintf(stderr, "trap: %s\n", wasm_rt_strerror(code)); return 134; }
  Z_mZ__start(&inst);
  Z_m_free(&inst);
  wasm_rt_free();
  return 0;
}
