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
//   --tcplisten A.B.C.D:PORT          a listening TCP socket, after the preopens
//                                     (sock_accept on it; wasmtime's option)
//   --                                end of runtime options
// argv[0] stays the app's argv[0].

import { DIR_RIGHTS, FILE_RIGHTS } from './rights';
import { sys, nativeU64, nativeStrlen, copyNative, argvNative, envpNative, own } from './host';
import {
  SYS_openat, SYS_dup2, SYS_close, SYS_write, SYS_exit_group, SYS_socket, SYS_setsockopt, SYS_bind, SYS_listen,
  O_RDONLY, O_DIRECTORY, O_CLOEXEC,
} from './linux';

export const MAX_FD: i32 = 1024;
export const KIND_FREE: u8 = 0, KIND_OPEN: u8 = 1, KIND_PREOPEN: u8 = 2, KIND_SOCKET: u8 = 3;
export const RIGHTS_ALL: u64 = 0x3fffffff;

const kinds = new StaticArray<u8>(MAX_FD);
const rightsBase = new StaticArray<u64>(MAX_FD);
const rightsInh = new StaticArray<u64>(MAX_FD);
/** Guest names of preopens, UTF-8 (encoded once: the layer's allocator never frees). */
const names = new StaticArray<ArrayBuffer | null>(MAX_FD);

/** The app's argv and environment: native string pointers with their lengths. */
export const argPtrs = new Array<i64>(), argLens = new Array<u32>();
export const envPtrs = new Array<i64>(), envLens = new Array<u32>();
/** --env strings live in own memory; their native addresses go in envPtrs. */
const ownStrings = new Array<ArrayBuffer>();

export function fdKind(fd: i32): u8 { return fd >= 0 && fd < MAX_FD ? kinds[fd] : KIND_FREE; }
export function fdBase(fd: i32): u64 { return rightsBase[fd]; }
export function fdInh(fd: i32): u64 { return rightsInh[fd]; }
export function fdName(fd: i32): ArrayBuffer | null { return names[fd]; }

export function fdSet(fd: i32, kind: u8, base: u64, inh: u64, name: ArrayBuffer | null = null): void {
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
  fdSet(want, KIND_PREOPEN, DIR_RIGHTS, RIGHTS_ALL, String.UTF8.encode(guest));
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
  const dirs = new Array<string>(), envs = new Array<string>(), listens = new Array<string>();
  for (;; k++) {
    p = nativeU64(argv + 8 * k);
    if (p == 0) break;
    const a = nativeString(p);
    if (a == '--') { k++; break; }
    if ((a == '--dir' || a == '--env' || a == '--tcplisten') && nativeU64(argv + 8 * (k + 1)) != 0) {
      const v = nativeString(nativeU64(argv + 8 * (k + 1)));
      if (a == '--dir') dirs.push(v); else if (a == '--env') envs.push(v); else listens.push(v);
      k++;
    } else if (a.startsWith('--dir=')) dirs.push(a.substring(6));
    else if (a.startsWith('--env=')) envs.push(a.substring(6));
    else if (a.startsWith('--tcplisten=')) listens.push(a.substring(12));
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
  for (let j = 0; j < listens.length; j++) listen(listens[j]);
}

/** A.B.C.D:PORT -> sockaddr_in at sa (family, port and address big-endian); false when malformed. */
function parseIpv4(spec: string, sa: usize): bool {
  const colon = spec.lastIndexOf(':');
  if (colon < 0) return false;
  const quads = spec.substring(0, colon).split('.');
  const port = spec.substring(colon + 1);
  if (quads.length != 4 || port.length == 0 || port.length > 5) return false;
  let addr: u32 = 0;
  for (let k = 0; k < 4; k++) {
    const q = quads[k];
    if (q.length == 0 || q.length > 3) return false;
    for (let c = 0; c < q.length; c++) if (q.charCodeAt(c) < 48 || q.charCodeAt(c) > 57) return false;
    const v = I32.parseInt(q);
    if (v > 255) return false;
    addr = (addr << 8) | <u32>v;
  }
  for (let c = 0; c < port.length; c++) if (port.charCodeAt(c) < 48 || port.charCodeAt(c) > 57) return false;
  const p = I32.parseInt(port);
  if (p > 65535) return false;
  memory.fill(sa, 0, 16);
  store<u16>(sa, 2);
  store<u16>(sa, bswap<u16>(<u16>p), 2);
  store<u32>(sa, bswap<u32>(addr), 4);
  return true;
}

function listen(spec: string): void {
  const want = 3 + preopenCount;
  const sa = changetype<usize>(new ArrayBuffer(16)), one = changetype<usize>(new ArrayBuffer(4));
  if (want >= MAX_FD || !parseIpv4(spec, sa)) { fail(`--tcplisten ${spec}: expected A.B.C.D:PORT`); return; }
  const s = <i32>sys(SYS_socket, 2, 1 | O_CLOEXEC, 0); // AF_INET, SOCK_STREAM
  store<u32>(one, 1);
  sys(SYS_setsockopt, s, 1, 2, own(one), 4);           // SOL_SOCKET, SO_REUSEADDR
  let r = s < 0 ? <i64>s : sys(SYS_bind, s, own(sa), 16);
  if (r == 0) r = sys(SYS_listen, s, 128);
  if (r < 0) { fail(`--tcplisten ${spec}: cannot listen there (errno ${-r})`); return; }
  if (s != want) { sys(SYS_dup2, s, want); sys(SYS_close, s); }
  fdSet(want, KIND_SOCKET, FILE_RIGHTS, FILE_RIGHTS);
  preopenCount++;
}
