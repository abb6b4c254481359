// wasi/host.ts — what the layer needs from the machine below it: raw Linux
// syscalls and copies between the app's linear memory and the layer's own.
// The Linux target (tools/aot/linux/layer.ts) provides every `host.*` import
// in a few instructions of x86; the layer never sees native pointers other
// than through these.
//
// App pointers are checked here once (appNative): an access past the app's
// memory size is EFAULT, never a touch of memory outside it.

// @ts-ignore: decorator
@external("host", "sys") declare function hostSys(nr: i64, a: i64, b: i64, c: i64, d: i64, e: i64, f: i64): i64;
// @ts-ignore: decorator
@external("host", "app_base") declare function hostAppBase(): i64;
// @ts-ignore: decorator
@external("host", "app_size") declare function hostAppSize(): i64;
// @ts-ignore: decorator
@external("host", "own_base") declare function hostOwnBase(): i64;
// @ts-ignore: decorator
@external("host", "copy") declare function hostCopy(dst: i64, src: i64, n: i64): void;
// @ts-ignore: decorator
@external("host", "argv") declare function hostArgv(): i64;
// @ts-ignore: decorator
@external("host", "envp") declare function hostEnvp(): i64;

export const EFAULT_MARK: i64 = -1;

/** Raw syscall: returns the kernel's result (negative errno on failure). */
export function sys(nr: i32, a: i64 = 0, b: i64 = 0, c: i64 = 0, d: i64 = 0, e: i64 = 0, f: i64 = 0): i64 {
  return hostSys(nr, a, b, c, d, e, f);
}

/** Native address of own (layer) pointer p. */
export function own(p: usize): i64 { return hostOwnBase() + <i64>p; }

/** Native address of app range [p, p+len), or -1 when it is not inside the app's memory. */
export function appNative(p: u32, len: u64): i64 {
  if (<u64>p + len > <u64>hostAppSize()) return -1;
  return hostAppBase() + <i64>p;
}

/** Copies len bytes of the app's memory at p into own memory at dst. Returns false when out of bounds. */
export function copyIn(dst: usize, p: u32, len: u32): bool {
  const src = appNative(p, len);
  if (src < 0) return false;
  hostCopy(own(dst), src, len);
  return true;
}

/** Copies len bytes of own memory at src into the app's memory at p. Returns false when out of bounds. */
export function copyOut(p: u32, src: usize, len: u32): bool {
  const dst = appNative(p, len);
  if (dst < 0) return false;
  hostCopy(dst, own(src), len);
  return true;
}

/** Copies n bytes from native address src into own memory at dst. */
export function copyNative(dst: usize, src: i64, n: u32): void { hostCopy(own(dst), src, n); }

const word = memory.data(16);

/** Reads a native u64 (argv/envp arrays). */
export function nativeU64(addr: i64): i64 { hostCopy(own(word), addr, 8); return load<i64>(word); }

/** Length of a NUL-terminated native string (read 1 byte at a time; args and env only). */
export function nativeStrlen(addr: i64): u32 {
  let n: u32 = 0;
  while (true) {
    hostCopy(own(word), addr + n, 1);
    if (load<u8>(word) == 0) return n;
    n++;
  }
}

/** Copies n bytes between native addresses (both already checked by the caller). */
export function nativeCopy(dst: i64, src: i64, n: u32): void { hostCopy(dst, src, n); }

export function argvNative(): i64 { return hostArgv(); }
export function envpNative(): i64 { return hostEnvp(); }

/** App stores/loads of small values through a scratch word; false/EFAULT when out of bounds. */
export function putU32(p: u32, v: u32): bool { store<u32>(word, v); return copyOut(p, word, 4); }
export function putU64(p: u32, v: u64): bool { store<u64>(word, v); return copyOut(p, word, 8); }
