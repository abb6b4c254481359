// bench/net/peer.ts — the Linux peers for bench/net: Debian's kernel
// (bench/fs/linux.ts finds it) with a busybox initramfs that loads
// virtio-net, configures QEMU's user network statically (as asuk's DHCP
// gets: 10.0.2.15/24 via 10.0.2.2) and runs a server on /www:
//   busybox   busybox httpd (forks per connection, no keep-alive)
//   nginx     Debian's nginx (the host's /usr/sbin/nginx and the shared
//             libraries ldd names, one worker, sendfile, keep-alive)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dir, file, newcArchive, symlink, S_IFCHR, type Entry } from '../fs/newc.ts';
import { findLinux, type LinuxPeer } from '../fs/linux.ts';

/** virtio-net and what it depends on, in load order. */
export const NET_MODULES = [
  'virtio_ring', 'virtio', 'virtio_pci_legacy_dev', 'virtio_pci_modern_dev', 'virtio_pci',
  'failover', 'net_failover', 'virtio_net',
];
const APPLETS = ['sh', 'mount', 'insmod', 'ip', 'httpd', 'mkdir', 'sleep'];

export type PeerServer = 'busybox' | 'nginx';

const NGINX = '/usr/sbin/nginx';
const SERVE: Record<PeerServer, string> = {
  busybox: 'httpd -p 80 -h /www',
  nginx: 'nginx -e stderr -c /etc/nginx.conf',
};

const init = (server: PeerServer) => `#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
for m in ${NET_MODULES.join(' ')}; do insmod /mods/$m.ko || echo "bench error insmod $m"; done
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
${SERVE[server]} || echo "bench error server"
echo "bench ready"
while true; do sleep 3600; done
`;

/** nginx as a benchmark server: one worker (one vCPU), no logs, sendfile, long keep-alive. */
const NGINX_CONF = `user root root;
worker_processes 1;
pid /tmp/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  types { text/html html; application/octet-stream bin; }
  server { listen 80; root /www; }
}
`;

/** The nginx binary, its configuration and what it needs at run time (libraries by ldd, passwd, its default dirs). */
function nginxEntries(): Entry[] {
  if (!existsSync(NGINX)) throw new Error('bench/net: E_SETUP no /usr/sbin/nginx (apt-get install nginx; only its binary is used)');
  const libs = execFileSync('ldd', [NGINX], { encoding: 'utf8' }).split('\n')
    .map((l) => /(\/\S+) \(0x/.exec(l)?.[1]).filter((p): p is string => !!p);
  const dirs = new Set<string>();
  for (const p of ['etc', 'var', 'var/log', 'var/log/nginx', 'var/lib', 'var/lib/nginx', 'run', ...libs.map((l) => l.slice(1, l.lastIndexOf('/')))]) {
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [
    ...[...dirs].sort().map((d) => dir(d)),
    file('bin/nginx', readFileSync(NGINX), 0o755),
    ...libs.map((l) => file(l.slice(1), readFileSync(realpathSync(l)), 0o755)),
    file('etc/nginx.conf', Buffer.from(NGINX_CONF)),
    file('etc/passwd', Buffer.from('root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n')),
    file('etc/group', Buffer.from('root:x:0:\nnogroup:x:65534:\n')),
  ];
}

/** The nginx version (`nginx -v` writes it to stderr), for the results. */
export function nginxVersion(): string {
  return execFileSync('sh', ['-c', `${NGINX} -v 2>&1`], { encoding: 'utf8' }).trim().replace(/^nginx version: /, '');
}

function modulePath(l: LinuxPeer, m: string): string {
  const base = `/lib/modules/${l.version}/kernel`;
  for (const p of [`${base}/drivers/virtio/${m}.ko`, `${base}/drivers/net/${m}.ko`, `${base}/net/core/${m}.ko`]) if (existsSync(p)) return p;
  const known = l.modules.get(m);
  if (known) return known;
  throw new Error(`bench/net: E_SETUP kernel ${l.version} has no ${m}.ko (apt-get install linux-image-amd64)`);
}

/** The kernel and the initramfs running `server` on the files of `www` under /www. */
export function linuxPeer(server: PeerServer, www: Map<string, Uint8Array>): { kernel: string; initrd: Buffer; version: string } {
  const l = findLinux();
  const entries: Entry[] = [
    dir('bin'), dir('dev'), dir('proc'), dir('tmp'), dir('mods'), dir('www'),
    { name: 'dev/console', mode: S_IFCHR | 0o600, rdev: [5, 1] },
    { name: 'dev/null', mode: S_IFCHR | 0o666, rdev: [1, 3] },
    file('bin/busybox', readFileSync(l.busybox), 0o755),
    ...APPLETS.map((a) => symlink(`bin/${a}`, 'busybox')),
    ...(server === 'nginx' ? nginxEntries() : []),
    file('init', Buffer.from(init(server)), 0o755),
    ...NET_MODULES.map((m) => file(`mods/${m}.ko`, readFileSync(modulePath(l, m)))),
    ...[...www].map(([name, body]) => file(`www/${name}`, body)),
  ];
  return { kernel: l.kernel, initrd: newcArchive(entries), version: l.version };
}
