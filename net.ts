// The "asuk/net" entry for AssemblyScript apps: `import { netStart, tcpListen } from "asuk/net"`.
// The socket API is net/index.ts (TCP, UDP, netPoll); this entry adds the one
// call that links the NIC driver, so an app that never imports it carries no
// network code. See docs/api.md ("asuk/net").
export * from "./net/index";
import { netUp } from "./net/index";
import { virtioNetProbe } from "./drivers/virtio-net/index";
import { Errno } from "./kernel/errno";

/**
 * Starts the virtio-net card(s) (PCI or virtio-mmio) and brings the interface
 * up: `netdev.ip=IP/PREFIX:GW[:DNS]` when given on the kernel command line,
 * else DHCP for at most `timeoutMs`. Returns 0, -ENODEV (no NIC: `asuk run -p
 * HOST:GUEST` adds one), -EINVAL (a malformed netdev.ip, named on the console)
 * or -ETIMEDOUT (no DHCP answer). Calling it again returns 0 at once.
 */
export function netStart(timeoutMs: i32 = 10000): i32 {
  if (virtioNetProbe() == 0) return -Errno.ENODEV;
  return netUp(timeoutMs);
}
