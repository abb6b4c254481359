// bench/fs/linux.ts — the Linux peer: Debian's kernel (linux-image-amd64)
// and a busybox-static initramfs built here, never committed.
//
//   findLinux()        the installed kernel, its 9p modules, busybox (or an
//                      error naming bench/fs/setup.sh)
//   linuxBase(l, full) the initramfs: /init (init.sh), busybox + applet links,
//                      /dev/console; `full` adds the 9p modules (DESIGN.md's
//                      list, virtio_mmio left out: -M pc has PCI) and
//                      /bench/small.cpio for the /tmp workload
//   LINUX_APPEND       the kernel command line (serial console, quiet)
// Data trees are appended as a second archive: Linux unpacks concatenated
// newc archives into one rootfs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dir, file, newcArchive, symlink, S_IFCHR, type Entry } from './newc.ts';
import { smallArchive } from './data.ts';

/** The modules 9p needs, in load order (each after what it depends on). */
export const P9_MODULES = [
  'virtio_ring', 'virtio', 'virtio_pci_legacy_dev', 'virtio_pci_modern_dev', 'virtio_pci',
  'netfs', 'fscache', '9pnet', '9pnet_virtio', '9p',
];
/** The applets init.sh runs (as /bin links to busybox). */
const APPLETS = ['sh', 'mount', 'find', 'wc', 'cat', 'cpio', 'rm', 'insmod', 'mkdir', 'dd', 'poweroff'];
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'];

/** loglevel=1: only KERN_EMERG (panics) on the console, so no kernel line splits a `bench` line. */
export const LINUX_APPEND = 'console=ttyS0 quiet loglevel=1 panic=-1';

export interface LinuxPeer { version: string; kernel: string; modules: Map<string, string>; busybox: string }

export class SetupError extends Error {
  constructor(what: string) {
    super(`bench/fs: E_SETUP ${what}: run bench/fs/setup.sh as root (apt-get install linux-image-amd64 busybox-static)`);
  }
}

/** Lists every *.ko under `dir` by module name. */
function moduleFiles(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) moduleFiles(p, out);
    else if (e.name.endsWith('.ko')) out.set(e.name.slice(0, -3), p);
  }
  return out;
}

/** The newest installed Debian kernel with every module of P9_MODULES, and busybox. */
export function findLinux(): LinuxPeer {
  const kernels = existsSync('/boot') ? readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')).sort().reverse() : [];
  if (!kernels.length) throw new SetupError('no /boot/vmlinuz-*');
  const busybox = BUSYBOX.find((p) => existsSync(p));
  if (!busybox) throw new SetupError('no busybox');
  for (const k of kernels) {
    const version = k.slice('vmlinuz-'.length);
    const mdir = `/lib/modules/${version}/kernel`;
    if (!existsSync(mdir)) continue;
    const all = moduleFiles(mdir);
    const missing = P9_MODULES.filter((m) => !all.has(m));
    if (missing.length) throw new SetupError(`kernel ${version} lacks modules ${missing.join(',')} (compressed modules are not supported)`);
    return { version, kernel: join('/boot', k), modules: new Map(P9_MODULES.map((m) => [m, all.get(m)!])), busybox };
  }
  throw new SetupError('no /lib/modules for the installed kernels');
}

/** The peer's initramfs (see the file comment). */
export function linuxBase(l: LinuxPeer, full: boolean): Buffer {
  const init = readFileSync(process.env.FSBENCH_INIT ?? new URL('./init.sh', import.meta.url));
  const entries: Entry[] = [
    dir('bin'), dir('dev'), dir('proc'), dir('tmp'),
    { name: 'dev/console', mode: S_IFCHR | 0o600, rdev: [5, 1] },
    { name: 'dev/null', mode: S_IFCHR | 0o666, rdev: [1, 3] },
    { name: 'dev/zero', mode: S_IFCHR | 0o666, rdev: [1, 5] },
    file('bin/busybox', readFileSync(l.busybox), 0o755),
    ...APPLETS.map((a) => symlink(`bin/${a}`, 'busybox')),
    file('init', init, 0o755),
  ];
  if (full) {
    entries.push(dir('mods'), ...P9_MODULES.map((m) => file(`mods/${m}.ko`, readFileSync(l.modules.get(m)!))));
    entries.push(dir('bench'), file('bench/small.cpio', smallArchive()));
  }
  return newcArchive(entries);
}
