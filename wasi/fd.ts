// wasi/fd.ts — the descriptor table, start-up options and preopens.
//
// A WASI fd is the Linux fd of the same number; the table says which fds the
// app may use (anything else is EBADF), their rights, and which are preopens
// (with their guest names). Preopens are dup2'ed to 3, 4, ... in the order of
// `--dir` options, so wasi-libc's scan from 3 finds them.
//
// Options the runtime consumes from the front of argv (wasmtime's spelling):
//   --dir HOST[::GUEST] | --dir=...   preopen HOST as GUEST (default: HOST)
//   --env K=V | --env=K=V             add K=V to the app's environment
//   --                                end of runtime options
// argv[0] stays the app's argv[0].

import { DIR_RIGHTS } from './rights';
import { sys, nativeU64, nativeStrlen, copyNative, argvNative, envpNative, own } from './host';
import { SYS_openat, SYS_dup2, SYS_close, SYS_write, SYS_exit_group, O_RDONLY, O_DIRECTORY, O_CLOEXEC } from './linux';

export const MAX_FD: i32 = 1024;
export const KIND_FREE: u8 = 0, KIND_OPEN: u8 = 1, KIND_PREOPEN: u8 = 2, KIND_SOCKET: u8 = 3;
export const RIGHTS_ALL: u64 = 0x3fffffff;

const kinds = new StaticArray<u8>(MAX_FD);
const rightsBase = new StaticArray<u64>(MAX_FD);
const rightsInh = new StaticArray<u64>(MAX_FD);
const names = new StaticArray<string | null>(MAX_FD);

/** The app's argv and environment: native string pointers with their lengths. */
export const argPtrs = new Array<i64>(), argLens = new Array<u32>();
export const envPtrs = new Array<i64>(), envLens = new Array<u32>();
/** --env strings live in own memory; their native addresses go in envPtrs. */
const ownStrings = new Array<ArrayBuffer>();

export function fdKind(fd: i32): u8 { return fd >= 0 && fd < MAX_FD ? kinds[fd] : KIND_FREE; }
export function fdBase(fd: i32): u64 { return rightsBase[fd]; }
export function fdInh(fd: i32): u64 { return rightsInh[fd]; }
export function fdName(fd: i32): string | null { return names[fd]; }

export function fdSet(fd: i32, kind: u8, base: u64, inh: u64, name: string | null = null): void {
  kinds[fd] = kind; rightsBase[fd] = base; rightsInh[fd] = inh; names[fd] = name;
}
export function fdSetRights(fd: i32, base: u64, inh: u64): void { rightsBase[fd] = base; rightsInh[fd] = inh; }
export function fdFree(fd: i32): void { kinds[fd] = KIND_FREE; names[fd] = null; }
export function fdMove(from: i32, to: i32): void {
  fdSet(to, kinds[from], rightsBase[from], rightsInh[from], names[from]);
  fdFree(from);
}

function nativeString(p: i64): string {
  const n = nativeStrlen(p);
  const buf = new ArrayBuffer(n);
  copyNative(changetype<usize>(buf), p, n);
  return String.UTF8.decode(buf);
}

function fail(msg: string): void {
  const b = String.UTF8.encode(`asuk-wasi: ${msg}\n`);
  sys(SYS_write, 2, own(changetype<usize>(b)), b.byteLength);
  sys(SYS_exit_group, 2);
}

function preopen(spec: string): void {
  const sep = spec.indexOf('::');
  const host = sep < 0 ? spec : spec.substring(0, sep);
  const guest = sep < 0 ? spec : spec.substring(sep + 2);
  const want = 3 + preopenCount;
  if (want >= MAX_FD) { fail('too many --dir options'); return; }
  const path = String.UTF8.encode(host, true);
  const r = <i32>sys(SYS_openat, -100, own(changetype<usize>(path)), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (r < 0) { fail(`--dir ${host}: cannot open that directory (errno ${-r})`); return; }
  if (r != want) { sys(SYS_dup2, r, want); sys(SYS_close, r); }
  fdSet(want, KIND_PREOPEN, DIR_RIGHTS, RIGHTS_ALL, guest);
  preopenCount++;
}
let preopenCount: i32 = 0;

function addEnv(kv: string): void {
  const b = String.UTF8.encode(kv, true);
  ownStrings.push(b);
  envPtrs.push(own(changetype<usize>(b)));
  envLens.push(b.byteLength - 1);
}

/** Reads argv/envp, applies the runtime options, opens the preopens. Called once at start. */
export function fdInit(): void {
  for (let fd = 0; fd < 3; fd++) fdSet(fd, KIND_OPEN, RIGHTS_ALL, RIGHTS_ALL);
  const argv = argvNative();
  let k = 0;
  let p = nativeU64(argv);
  if (p != 0) { argPtrs.push(p); argLens.push(nativeStrlen(p)); k = 1; }
  const dirs = new Array<string>(), envs = new Array<string>();
  for (;; k++) {
    p = nativeU64(argv + 8 * k);
    if (p == 0) break;
    const a = nativeString(p);
    if (a == '--') { k++; break; }
    if ((a == '--dir' || a == '--env') && nativeU64(argv + 8 * (k + 1)) != 0) {
      const v = nativeString(nativeU64(argv + 8 * (k + 1)));
      if (a == '--dir') dirs.push(v); else envs.push(v);
      k++;
    } else if (a.startsWith('--dir=')) dirs.push(a.substring(6));
    else if (a.startsWith('--env=')) envs.push(a.substring(6));
    else break;
  }
  for (;; k++) {
    p = nativeU64(argv + 8 * k);
    if (p == 0) break;
    argPtrs.push(p); argLens.push(nativeStrlen(p));
  }
  const envp = envpNative();
  for (let j = 0; ; j++) {
    p = nativeU64(envp + 8 * j);
    if (p == 0) break;
    envPtrs.push(p); envLens.push(nativeStrlen(p));
  }
  for (let j = 0; j < envs.length; j++) {
    if (envs[j].indexOf('=') <= 0) { fail(`--env ${envs[j]}: expected KEY=VALUE`); return; }
    addEnv(envs[j]);
  }
  for (let j = 0; j < dirs.length; j++) preopen(dirs[j]);
}
