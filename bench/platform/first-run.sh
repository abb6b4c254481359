#!/usr/bin/env bash
# bench/platform/first-run.sh — the figures of "asuk as a platform":
#   tarball   npm pack size (bytes, files)
#   cold      empty folder -> app running: npm install TARBALL + asuk init + build + boot
#             (npm's cache warm: the registry is not what is measured)
#   warm      the same app again: asuk run with the Wasm cached in .asuk/
#   rebuild   after an edit to app.ts: asc again, then boot
# Usage: bench/platform/first-run.sh   (prints one line per figure; QEMU under TCG)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/asuk-first-run-XXXX)
trap 'rm -rf "$work"' EXIT
ms() { date +%s%3N; }

cd "$repo"
tgz=$(npm pack --silent --pack-destination "$work" | tail -1)
files=$(tar tzf "$work/$tgz" | wc -l)
echo "tarball: $(stat -c %s "$work/$tgz") bytes, $files files ($tgz)"

mkdir "$work/app" && cd "$work/app"
t0=$(ms)
npm install --silent --no-audit --no-fund --prefer-offline "$work/$tgz" >/dev/null
t1=$(ms)
npx --no-install asuk init hello 2>/dev/null
cd hello
npx --no-install asuk run --timeout 300 >/dev/null
t2=$(ms)
echo "cold: $((t2 - t0)) ms from an empty folder to the app's exit (npm install $((t1 - t0)) ms, init+build+boot $((t2 - t1)) ms)"
t3=$(ms)
npx --no-install asuk run --timeout 300 >/dev/null
t4=$(ms)
echo "warm: $((t4 - t3)) ms for asuk run with the Wasm cached"
echo '// edited' >> app.ts
t5=$(ms)
npx --no-install asuk run --timeout 300 >/dev/null
t6=$(ms)
echo "rebuild: $((t6 - t5)) ms for asuk run after an edit to app.ts"
