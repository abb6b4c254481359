// wasi/misc.ts — args, environ, clocks, random, proc_*, sched_yield (witx
// wasi_snapshot_preview1: args_*, environ_*, clock_*, random_get, proc_*).

import { sys, putU32, putU64, appNative, nativeCopy, own } from './host';
import { vdsoClockGettime } from './vdso';
import { argPtrs, argLens, envPtrs, envLens } from './fd';
import { errnoOf, E_FAULT, E_INVAL, E_SUCCESS, E_OVERFLOW } from './errno';
import { SYS_clock_gettime, SYS_clock_getres, SYS_getrandom, SYS_exit_group, SYS_sched_yield, SYS_kill, SYS_getpid } from './linux';

const ts = memory.data(16);

function sizes(ptrs: Array<i64>, lens: Array<u32>, countPtr: u32, sizePtr: u32): i32 {
  let total: u32 = 0;
  for (let k = 0; k < lens.length; k++) total += lens[k] + 1;
  if (!putU32(countPtr, ptrs.length) || !putU32(sizePtr, total)) return E_FAULT;
  return E_SUCCESS;
}

/** Copies each native string (with its NUL) to buf and its address to ptrs[k]. */
function strings(ptrs: Array<i64>, lens: Array<u32>, ptrsOut: u32, buf: u32): i32 {
  let at = buf;
  for (let k = 0; k < ptrs.length; k++) {
    const n = lens[k] + 1;
    const dst = appNative(at, n);
    if (dst < 0 || !putU32(ptrsOut + 4 * k, at)) return E_FAULT;
    nativeCopy(dst, ptrs[k], n);
    at += n;
  }
  return E_SUCCESS;
}

export function args_sizes_get(c: u32, s: u32): i32 { return sizes(argPtrs, argLens, c, s); }
export function args_get(p: u32, b: u32): i32 { return strings(argPtrs, argLens, p, b); }
export function environ_sizes_get(c: u32, s: u32): i32 { return sizes(envPtrs, envLens, c, s); }
export function environ_get(p: u32, b: u32): i32 { return strings(envPtrs, envLens, p, b); }

/** WASI clock ids realtime 0, monotonic 1, process_cputime 2, thread_cputime 3 = Linux's 0..3. */
export function clock_res_get(id: u32, out: u32): i32 {
  if (id > 3) return E_INVAL;
  const r = sys(SYS_clock_getres, id, own(ts));
  if (r < 0) return errnoOf(r);
  return putU64(out, load<u64>(ts) * 1_000_000_000 + load<u64>(ts, 8)) ? E_SUCCESS : E_FAULT;
}

export function clock_time_get(id: u32, precision: u64, out: u32): i32 {
  if (id > 3) return E_INVAL;
  let r = vdsoClockGettime(id, own(ts));
  if (r == 1) r = sys(SYS_clock_gettime, id, own(ts));
  if (r < 0) return errnoOf(r);
  const sec = load<u64>(ts);
  if (sec > 18_446_744_073) return E_OVERFLOW;
  return putU64(out, sec * 1_000_000_000 + load<u64>(ts, 8)) ? E_SUCCESS : E_FAULT;
}

export function random_get(buf: u32, len: u32): i32 {
  const dst = appNative(buf, len);
  if (dst < 0) return E_FAULT;
  let done: u32 = 0;
  while (done < len) {
    const r = sys(SYS_getrandom, dst + done, len - done, 0);
    if (r == -4) continue;
    if (r < 0) return errnoOf(r);
    done += <u32>r;
  }
  return E_SUCCESS;
}

export function proc_exit(code: u32): void { sys(SYS_exit_group, code); unreachable(); }

/** witx `signal`: 1..15 are Linux's numbers; 16 (chld) .. 30 (sys) are Linux's + 1 (no stkflt). */
export function proc_raise(sig: u32): i32 {
  if (sig == 0 || sig > 30) return E_INVAL;
  const r = sys(SYS_kill, sys(SYS_getpid), sig < 16 ? sig : sig + 1);
  return r < 0 ? errnoOf(r) : E_SUCCESS;
}

export function sched_yield(): i32 { sys(SYS_sched_yield); return E_SUCCESS; }
