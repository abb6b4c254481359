#!/bin/sh
# bench/fs/init.sh — /init of the Linux peer's busybox initramfs (bench/fs/linux.ts
# packs it). The same workloads as images/fsbench, the same output lines:
#   bench <name> <value> <unit>
# Arguments (the kernel passes the words after `--`): boot | tree DIR | tmp | 9p.
# The clock is CLOCK_MONOTONIC read from /proc/timer_list with shell builtins
# only (busybox's date has no %N and a fork per read would cost milliseconds
# under TCG); `bench clock-overhead` is the cost of one reading, which bench/fs
# subtracts from every interval.
export PATH=/bin
mount -t proc proc /proc

# T = nanoseconds of CLOCK_MONOTONIC ("now at N nsecs", the third line).
now() { { read _l; read _l; read _a _b T _c; } < /proc/timer_list; }

now
echo "bench boot-guest $((T / 1000)) us"
now; _t0=$T; now
echo "bench clock-overhead $(((T - _t0) / 1000)) us"

# span NAME: reports the time since the last `mark`.
mark() { now; _t0=$T; }
span() { now; echo "bench $1 $(((T - _t0) / 1000)) us"; }
err() { echo "bench error $1"; }

tree() {
  mark; find "$1" > /dev/null || err "tree: find $1"; span tree-stat
  echo "bench tree-entries $(find "$1" | wc -l) n"
  # through a pipe: busybox cat straight to /dev/null uses sendfile, which
  # never copies the bytes anywhere; the second cat read()s them (one copy, as asuk)
  mark; cat "$1"/*/* | cat > /dev/null || err "tree: cat"; span tree-read
  echo "bench tree-bytes $(cat "$1"/*/* | wc -c) B"
}

tmpw() {
  cd /tmp || err "tmp: cd"
  mark; cpio -id < /bench/small.cpio 2> /dev/null || err "tmp: cpio"; span tmp-create
  set -- /tmp/b/*
  [ $# = 10000 ] || err "tmp: $# files created"
  mark; cat /tmp/b/* > /dev/null || err "tmp: cat"; span tmp-read
  mark; rm -r /tmp/b || err "tmp: rm"; span tmp-delete
  cd /
}

p9() {
  mark
  for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
           netfs fscache 9pnet 9pnet_virtio 9p; do
    insmod /mods/$m.ko || err "9p: insmod $m"
  done
  mkdir -p /p9
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 fs0 /p9 || err "9p: mount"
  span 9p-mount
  mark; dd if=/p9/in64.bin of=/dev/null bs=1M 2> /dev/null || err "9p: read"; span 9p-read
  echo "bench 9p-read-bytes $(wc -c < /p9/in64.bin) B"
  mark; dd if=/dev/zero of=/p9/out64.bin bs=1M count=64 2> /dev/null || err "9p: write"; span 9p-write
  mark; set -- /p9/many/*; span 9p-list
  echo "bench 9p-list-count $# n"
}

while [ $# -gt 0 ]; do
  case "$1" in
    boot) ;;
    tree) tree "$2"; shift ;;
    tmp) tmpw ;;
    9p) p9 ;;
    *) err "usage: unknown workload '$1' (boot, tree DIR, tmp, 9p)" ;;
  esac
  shift
done
echo "bench done"
poweroff -f
