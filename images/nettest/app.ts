// images/nettest — exercises drivers/virtio-net and kernel/irq below any
// protocol stack (test/net-qemu/driver.test.ts drives it). Frames are built
// by hand here; the real stack lives in net/.
//
//   arp        ARP request for 10.0.2.2 (QEMU's gateway) -> its reply
//   udp PORT   a datagram to 10.0.2.2:PORT (the host's 127.0.0.1:PORT),
//              transport checksum offloaded when the device allows; the
//              echo must come back with a good checksum
//   idle S     netdevWait with a deadline S seconds away: halts, prints how
//              many times the CPU woke
import { print, println, printU64, printHex, uptimeUs } from "asuk/kernel/index";
import { netdevCount, netdevGet, netdevWait, NetDevice, NETDEV_CSUM_NONE, NETDEV_OFFLOAD_TX_CSUM, NETDEV_RX_CSUM_VALID } from "asuk/kernel/netdev";
import { irqHalts } from "asuk/kernel/irq";
import { virtioNetFeatures, virtioNetIrq, virtioNetProbe } from "asuk/drivers/virtio-net/index";

const MY_IP: u32 = 0x0a00020f;   // 10.0.2.15
const GW_IP: u32 = 0x0a000202;   // 10.0.2.2
const BCAST: u64 = 0xffffffffffff;
const frame = memory.data(2048);
let gwMac: u64 = 0;
let reply: string = "";
let replyCsumOk = false;

@inline function be16(p: usize, v: u32): void { store<u8>(p, <u8>(v >> 8)); store<u8>(p, <u8>v, 1); }
@inline function be32(p: usize, v: u32): void { be16(p, v >> 16); be16(p + 2, v & 0xffff); }
@inline function rd16(p: usize): u32 { return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p, 1); }
@inline function rd32(p: usize): u32 { return (rd16(p) << 16) | rd16(p + 2); }
function mac6(p: usize, m: u64): void { for (let i = 0; i < 6; i++) store<u8>(p + i, <u8>(m >> (40 - 8 * i))); }
function rdMac(p: usize): u64 { let m: u64 = 0; for (let i = 0; i < 6; i++) m = (m << 8) | <u64>load<u8>(p + i); return m; }

/** Ones' complement sum of n bytes at p, added to s (not folded). */
function sum16(p: usize, n: i32, s: u32): u32 {
  let i = 0;
  for (; i + 1 < n; i += 2) s += rd16(p + i);
  if (i < n) s += <u32>load<u8>(p + i) << 8;
  return s;
}
function fold(s: u32): u32 { while (s >> 16) s = (s & 0xffff) + (s >> 16); return s; }

function onFrame(f: usize, len: i32, flags: u32): void {
  if (len < 14) return;
  let type = rd16(f + 12);
  if (type == 0x0806 && len >= 42 && rd16(f + 20) == 2 && rd32(f + 28) == GW_IP) gwMac = rdMac(f + 22);
  if (type != 0x0800 || len < 42 || load<u8>(f + 23) != 17) return;
  let ihl = <i32>(load<u8>(f + 14) & 15) * 4;
  let u = f + 14 + <usize>ihl;
  let ulen = <i32>rd16(u + 4);
  if (14 + ihl + ulen > len || ulen < 8) return;
  let s = sum16(f + 26, 8, 17 + <u32>ulen);
  replyCsumOk = (flags & NETDEV_RX_CSUM_VALID) != 0 || rd16(u + 6) == 0 || fold(sum16(u, ulen, s)) == 0xffff;
  reply = String.UTF8.decodeUnsafe(u + 8, <usize>(ulen - 8));
}

/** Polls until `done()` or the deadline; netdevWait halts in between. */
function waitFor(dev: NetDevice, ms: u64, done: () => bool): bool {
  let deadline = uptimeUs() + ms * 1000;
  while (true) {
    dev.receive(onFrame);
    if (done()) return true;
    if (uptimeUs() >= deadline) return false;
    netdevWait(deadline);
  }
}

function arp(dev: NetDevice): bool {
  mac6(frame, BCAST); mac6(frame + 6, dev.mac); be16(frame + 12, 0x0806);
  let a = frame + 14;
  be16(a, 1); be16(a + 2, 0x0800); store<u8>(a, 6, 4); store<u8>(a, 4, 5); be16(a + 6, 1);
  mac6(a + 8, dev.mac); be32(a + 14, MY_IP); mac6(a + 18, 0); be32(a + 24, GW_IP);
  while (!dev.transmit(frame, 42, NETDEV_CSUM_NONE, 0)) dev.receive(onFrame);
  let ok = waitFor(dev, 5000, (): bool => gwMac != 0);
  print("arp: 10.0.2.2 is at ");
  printHex(gwMac, 12);
  println(ok ? "" : " (no reply)");
  return ok;
}

function udp(dev: NetDevice, port: u32): bool {
  if (gwMac == 0 && !arp(dev)) return false;
  let msg = "ping-asuk";
  let n = String.UTF8.byteLength(msg);
  mac6(frame, gwMac); mac6(frame + 6, dev.mac); be16(frame + 12, 0x0800);
  let ip = frame + 14;
  let ulen = 8 + n;
  store<u8>(ip, 0x45); store<u8>(ip, 0, 1); be16(ip + 2, 20 + ulen); be32(ip + 4, 0); store<u8>(ip, 64, 8);
  store<u8>(ip, 17, 9); be16(ip + 10, 0); be32(ip + 12, MY_IP); be32(ip + 16, GW_IP);
  be16(ip + 10, ~fold(sum16(ip, 20, 0)) & 0xffff);
  let u = ip + 20;
  be16(u, 40000); be16(u + 2, port); be16(u + 4, ulen); be16(u + 6, 0);
  String.UTF8.encodeUnsafe(changetype<usize>(msg), msg.length, u + 8);
  let pseudo = fold(sum16(ip + 12, 8, 17 + <u32>ulen));
  let off = (dev.offloads & NETDEV_OFFLOAD_TX_CSUM) != 0;
  if (off) be16(u + 6, pseudo); // the device finishes it
  else be16(u + 6, ~fold(sum16(u, ulen, pseudo)) & 0xffff);
  while (!dev.transmit(frame, 34 + ulen, off ? 34 : NETDEV_CSUM_NONE, 6)) dev.receive(onFrame);
  let ok = waitFor(dev, 10000, (): bool => reply.length > 0);
  print("udp: reply '"); print(reply); print("' checksum "); println(replyCsumOk ? "ok" : "BAD");
  return ok && replyCsumOk && reply == "pong:" + msg;
}

function idle(s: u64): bool {
  let h0 = irqHalts();
  let t0 = uptimeUs();
  let deadline = t0 + s * 1000000;
  while (uptimeUs() < deadline) netdevWait(deadline);
  print("idle: "); printU64(s); print(" s, woke "); printU64(irqHalts() - h0); println(" times");
  return true;
}

export function main(argv: string[]): i32 {
  let n = virtioNetProbe();
  print("virtio-net: "); printU64(<u64>n); print(" device(s), features "); printHex(virtioNetFeatures(), 9);
  print(", interrupts "); println(virtioNetIrq() ? "on" : "off");
  if (n == 0) return 2;
  let dev = netdevGet(0);
  print("mac "); printHex(dev.mac, 12); print(" offloads "); printU64(<u64>dev.offloads); println("");
  let ok = true;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a == "arp") ok = arp(dev) && ok;
    else if (a == "udp" && i + 1 < argv.length) ok = udp(dev, <u32>I32.parseInt(argv[++i])) && ok;
    else if (a == "idle" && i + 1 < argv.length) ok = idle(<u64>I32.parseInt(argv[++i])) && ok;
    else { print("nettest: unknown step '"); print(a); println("'"); return 2; }
  }
  println(ok ? "nettest: ok" : "nettest: FAILED");
  return ok ? 0 : 1;
}
