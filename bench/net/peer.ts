// bench/net/peer.ts — the Linux peer for bench/net: Debian's kernel
// (bench/fs/linux.ts finds it) with a busybox initramfs that loads
// virtio-net, configures QEMU's user network statically (as asuk's DHCP
// gets: 10.0.2.15/24 via 10.0.2.2) and runs busybox httpd on /www.
import { readFileSync } from 'node:fs';
import { dir, file, newcArchive, symlink, S_IFCHR, type Entry } from '../fs/newc.ts';
import { findLinux, type LinuxPeer } from '../fs/linux.ts';
import { existsSync } from 'node:fs';

/** virtio-net and what it depends on, in load order. */
export const NET_MODULES = [
  'virtio_ring', 'virtio', 'virtio_pci_legacy_dev', 'virtio_pci_modern_dev', 'virtio_pci',
  'failover', 'net_failover', 'virtio_net',
];
const APPLETS = ['sh', 'mount', 'insmod', 'ip', 'httpd', 'mkdir', 'sleep'];

const INIT = `#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
for m in ${NET_MODULES.join(' ')}; do insmod /mods/$m.ko || echo "bench error insmod $m"; done
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
httpd -p 80 -h /www
echo "bench ready"
while true; do sleep 3600; done
`;

function modulePath(l: LinuxPeer, m: string): string {
  const base = `/lib/modules/${l.version}/kernel`;
  for (const p of [`${base}/drivers/virtio/${m}.ko`, `${base}/drivers/net/${m}.ko`, `${base}/net/core/${m}.ko`]) if (existsSync(p)) return p;
  const known = l.modules.get(m);
  if (known) return known;
  throw new Error(`bench/net: E_SETUP kernel ${l.version} has no ${m}.ko (apt-get install linux-image-amd64)`);
}

/** The kernel and the initramfs (the files of `www` under /www). */
export function linuxHttpd(www: Map<string, Uint8Array>): { kernel: string; initrd: Buffer; version: string } {
  const l = findLinux();
  const entries: Entry[] = [
    dir('bin'), dir('dev'), dir('proc'), dir('tmp'), dir('mods'), dir('www'),
    { name: 'dev/console', mode: S_IFCHR | 0o600, rdev: [5, 1] },
    { name: 'dev/null', mode: S_IFCHR | 0o666, rdev: [1, 3] },
    file('bin/busybox', readFileSync(l.busybox), 0o755),
    ...APPLETS.map((a) => symlink(`bin/${a}`, 'busybox')),
    file('init', Buffer.from(INIT), 0o755),
    ...NET_MODULES.map((m) => file(`mods/${m}.ko`, readFileSync(modulePath(l, m)))),
    ...[...www].map(([name, body]) => file(`www/${name}`, body)),
  ];
  return { kernel: l.kernel, initrd: newcArchive(entries), version: l.version };
}
