#!/bin/sh
# bench/fs/setup.sh — installs the Linux peer of the filesystem benchmark:
# Debian's kernel (with its 9p modules) and busybox-static. Never committed:
# bench/fs builds the initramfs from them at bench time.
set -e
need=""
ls /boot/vmlinuz-* > /dev/null 2>&1 || need="$need linux-image-amd64"
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || need="$need busybox-static"
if [ -z "$need" ]; then echo "bench/fs: the Linux peer is installed"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "bench/fs: install as root: apt-get install$need" >&2
  exit 1
fi
apt-get install -y$need
