#!/usr/bin/env bash
# Installs what building and testing asuk needs on a Debian machine:
# npm dependencies, QEMU, wabt (wat2wasm/wast2json for tests) and binutils
# (objdump, which checks the x86 encoder). As root it installs missing
# packages with apt-get; otherwise it names them and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v wast2json >/dev/null || need+=(wabt)
command -v objdump >/dev/null || need+=(binutils)
command -v cpio >/dev/null || need+=(cpio)
command -v node >/dev/null || need+=(nodejs npm)
# bench/aot's C programs: clang for wasm32-wasi with Debian's wasi-libc
command -v clang >/dev/null || need+=(clang)
command -v wasm-ld >/dev/null || need+=(lld)
[ -f /usr/lib/wasm32-wasi/libc.a ] || need+=(wasi-libc)
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' >/dev/null || need+=(libclang-rt-dev-wasm32)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]}: install them (Debian: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "setup: node $major is too old: asuk needs Node.js 20 or newer" >&2
  exit 1
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
