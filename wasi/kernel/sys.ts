// wasi/kernel/sys.ts — `asuk_sys(nr, a..f)`: the Linux x86-64 calls wasi/
// makes (wasi/linux.ts numbers), answered by the kernel. Files go to
// files.ts; here are clocks, randomness, exit and the dispatch. A call the
// kernel does not give is -ENOSYS, which wasi/ reports to the app as ENOSYS.

import { Errno } from "../../kernel/errno";
import { exit } from "../../kernel/panic";
import { cpuid, rdtsc, pause } from "../../kernel/hw";
import { uptimeUs, tscKhz } from "../../kernel/time";
import { rtcReadMs } from "../../kernel/rtc";
import { randomU64 } from "../../kernel/random";
import {
  sysOpenat, sysOpenat2, sysClose, sysDup2, sysRw, sysRwv, sysLseek, sysFstat, sysNewfstatat, sysGetdents64,
  sysMkdirat, sysUnlinkat, sysRenameat, sysLinkat, sysSymlinkat, sysReadlinkat, sysFcntl, sysFtruncate, sysFsync,
  sysFallocate, sysNotSocket, sysPpoll, sysUtimensat,
} from "./files";
import { sockCall, sockHave, SOCK_DRAIN } from "./fds";

// @ts-ignore: decorator
@external("wasiapp", "rdrand") declare function glueRdrand(out: usize): i32;

// ---- clocks: CLOCK_REALTIME from the RTC (read once) advanced by the TSC; the others the TSC ----

let wallBaseNs: i64 = -1, wallBaseTsc: u64 = 0;

function nowNs(clock: i64): i64 {
  let t = rdtsc();
  if (clock == 0) {
    if (wallBaseNs < 0) { wallBaseNs = rtcReadMs() * 1_000_000; wallBaseTsc = t; }
    return wallBaseNs + <i64>((t - wallBaseTsc) * 1_000_000 / tscKhz());
  }
  return <i64>uptimeUs() * 1000 + <i64>(((t * 1_000_000 / tscKhz()) % 1000));
}

function clockGettime(clock: i64, ts: i64): i64 {
  if (clock < 0 || clock > 7) return -Errno.EINVAL;
  let ns = nowNs(clock);
  store<i64>(<usize>ts, ns / 1_000_000_000);
  store<i64>(<usize>ts, ns % 1_000_000_000, 8);
  return 0;
}

function clockGetres(clock: i64, ts: i64): i64 {
  if (clock < 0 || clock > 7) return -Errno.EINVAL;
  store<i64>(<usize>ts, 0);
  store<i64>(<usize>ts, 1, 8);
  return 0;
}

/** clock_nanosleep(clock, flags, req, rem): spins on the TSC (one task: nothing else to run). */
function nanosleep(clock: i64, flags: i64, req: i64): i64 {
  let want = load<i64>(<usize>req) * 1_000_000_000 + load<i64>(<usize>req, 8);
  let until = (flags & 1) != 0 ? want : nowNs(clock) + want;
  while (nowNs(clock) < until) pause();
  return 0;
}

// ---- randomness: RDRAND when CPUID.1:ECX[30] says so, else the kernel's TSC/RTC-seeded generator ----

let rdrandState: i32 = -1;
const word = memory.data(16);

function hasRdrand(): bool {
  if (rdrandState < 0) {
    cpuid(1, 0, word);
    rdrandState = (load<u32>(word, 8) >> 30) & 1; // out: eax, ebx, ecx, edx
  }
  return rdrandState == 1;
}

function random64(): u64 {
  if (hasRdrand()) {
    for (let k = 0; k < 10; k++) if (glueRdrand(word) != 0) return load<u64>(word);
  }
  return randomU64();
}

function getrandom(buf: i64, len: i64): i64 {
  for (let k: i64 = 0; k < len; k += 8) {
    let v = random64();
    let n = min<i64>(8, len - k);
    for (let j: i64 = 0; j < n; j++) store<u8>(<usize>(buf + k + j), <u8>(v >> (8 * j)));
  }
  return len;
}

/** Which entropy source random_get uses ("rdrand" or "tsc-rtc"), for the boot diagnostics. */
export function wasiEntropySource(): string { return hasRdrand() ? "rdrand" : "tsc-rtc"; }

/** ppoll: ready descriptors now, else the timeout spent (nothing can become ready while the app waits). */
function ppoll(fds: i64, n: i64, ts: i64): i64 {
  let r = sysPpoll(fds, n);
  if (r != 0 || ts == 0) return r;
  nanosleep(1, 0, ts);
  return 0;
}

/** Before the machine powers off: the sockets' queued data and FINs leave (sock.ts), when the image has a network. */
export function wasiDrain(): void { if (sockHave()) sockCall(SOCK_DRAIN, 0, 0, 0, 0); }

/** One Linux call. Returns its result or -Errno. */
export function wasiSys(nr: i64, a: i64, b: i64, c: i64, d: i64, e: i64, f: i64): i64 {
  switch (<i32>nr) {
    case 0: return sysRw(a, b, c, -1, false);
    case 1: return sysRw(a, b, c, -1, true);
    case 3: return sysClose(a);
    case 5: return sysFstat(a, b);
    case 8: return sysLseek(a, b, c);
    case 17: return sysRw(a, b, c, d, false);
    case 18: return sysRw(a, b, c, d, true);
    case 19: return sysRwv(a, b, c, -1, false);
    case 20: return sysRwv(a, b, c, -1, true);
    case 24: return 0;                                   // sched_yield: one task
    case 33: return sysDup2(a, b);
    case 292: return sysDup2(a, b);                      // dup3
    case 39: return 1;                                   // getpid
    case 62: wasiDrain(); exit(<i32>(128 + b)); return 0;             // kill(self, sig): the app raised a signal
    case 72: return sysFcntl(a, b, c);
    case 74: case 75: return sysFsync(a);
    case 77: return sysFtruncate(a, b);
    case 217: return sysGetdents64(a, b, c);
    case 221: return 0;                                  // fadvise64: advice only
    case 228: return clockGettime(a, b);
    case 229: return clockGetres(a, b);
    case 230: return nanosleep(a, b, c);
    case 231: wasiDrain(); exit(<i32>(a & 0xff)); return 0;           // exit_group
    case 257: return sysOpenat(a, b, <i32>c, <u32>d, false);
    case 258: return sysMkdirat(a, b, c);
    case 262: return sysNewfstatat(a, b, c, d);
    case 263: return sysUnlinkat(a, b, c);
    case 264: return sysRenameat(a, b, c, d);
    case 265: return sysLinkat(a, b, c, d, e);
    case 266: return sysSymlinkat(a, b, c);
    case 267: return sysReadlinkat(a, b, c, d);
    case 280: return sysUtimensat(a, b, c, d);
    case 285: return sysFallocate(a, b, c, d);
    case 295: return sysRwv(a, b, c, d, false);
    case 296: return sysRwv(a, b, c, d, true);
    case 318: return getrandom(a, b);
    case 437: return sysOpenat2(a, b, c, d);
    case 46: case 47: case 48: case 288:                 // sendmsg recvmsg shutdown accept4
      return sockHave() ? sockCall(<i32>nr, a, b, c, d) : sysNotSocket(a);
    case 41: case 49: case 50: case 54: return sockCall(<i32>nr, a, b, c, d); // socket bind listen setsockopt
    case 271: return sockHave() ? sockCall(271, a, b, c, 0) : ppoll(a, b, c);
    default: return -Errno.ENOSYS;
  }
}
