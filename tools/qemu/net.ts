// tools/qemu/net.ts — the guest's network: QEMU user networking (slirp) with
// host forwards, and one virtio-net device.
//
//   -p HOST:GUEST[/tcp|/udp]        kraft's and Docker's flag; the forward
//   -p ADDR:HOST:GUEST[/tcp|/udp]   listens on 127.0.0.1 unless ADDR is given
//
// The guest sees QEMU's user network: 10.0.2.15/24 by DHCP, gateway (and
// the host's loopback) at 10.0.2.2, DNS at 10.0.2.3.

import type { Machine } from './index.ts';

export interface PortMap { bind: string; host: number; guest: number; proto: 'tcp' | 'udp' }

export class PortError extends Error {
  constructor(message: string) { super(message); this.name = 'PortError'; }
}

function port(text: string, spec: string, which: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new PortError(`bad port mapping '${spec}': ${which} port '${text}' is not a number (expected HOST:GUEST[/tcp|/udp])`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw new PortError(`bad port mapping '${spec}': ${which} port ${n} is outside 1..65535`);
  return n;
}

/** Parses `[ADDR:]HOST:GUEST[/tcp|/udp]`. */
export function parsePort(spec: string): PortMap {
  const [body, proto = 'tcp', ...rest] = spec.split('/');
  if (rest.length || (proto !== 'tcp' && proto !== 'udp')) {
    throw new PortError(`bad port mapping '${spec}': protocol must be tcp or udp`);
  }
  const parts = body.split(':');
  if (parts.length < 2 || parts.length > 3) throw new PortError(`bad port mapping '${spec}': expected HOST:GUEST[/tcp|/udp]`);
  const bind = parts.length === 3 ? parts[0] : '127.0.0.1';
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(bind)) throw new PortError(`bad port mapping '${spec}': '${bind}' is not an IPv4 address`);
  return { bind, host: port(parts[parts.length - 2], spec, 'host'), guest: port(parts[parts.length - 1], spec, 'guest'), proto: proto as 'tcp' | 'udp' };
}

/** The hostfwd rule of one mapping (QEMU's `-netdev user,hostfwd=`). */
export function hostfwd(p: PortMap): string {
  return `hostfwd=${p.proto}:${p.bind}:${p.host}-:${p.guest}`;
}

/** QEMU arguments for a user-network virtio-net device with these forwards. */
export function netArgs(ports: PortMap[], machine: Machine = 'pc'): string[] {
  const seen = new Set<string>();
  for (const p of ports) {
    const k = `${p.proto}:${p.bind}:${p.host}`;
    if (seen.has(k)) throw new PortError(`host port ${p.host}/${p.proto} is mapped twice`);
    seen.add(k);
  }
  const user = ['user', 'id=net0', ...ports.map(hostfwd)].join(',');
  // romfile= : no iPXE option ROM (the guest has its own driver; the ROM only slows the boot).
  const device = machine === 'microvm' ? 'virtio-net-device,netdev=net0' : 'virtio-net-pci,netdev=net0,romfile=';
  return ['-netdev', user, '-device', device];
}
