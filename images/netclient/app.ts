// images/netclient — asuk as a TCP client (test/net-qemu/client.test.ts runs
// a Node server on the host's 127.0.0.1, which the guest reaches at 10.0.2.2).
//
//   -> "asuk SEND RECV\n", then SEND bytes of the pattern (i * 7 + 3) & 0xff
//   <- RECV bytes of the same pattern, then the server closes
// Prints "netclient: sent S, received R, pattern ok|BAD" and exits 0 when
// both counts and every received byte are right.
import { print, println, printU64 } from "asuk/kernel/index";
import { Errno } from "asuk/kernel/errno";
import {
  ipParse, netPoll, netUp, POLLERR, POLLHUP, POLLIN, POLLOUT, sockClose, sockError, sockRecv, sockSend, sockSendString, tcpConnect,
} from "asuk/net";
import { virtioNetProbe } from "asuk/drivers/virtio-net/index";

@inline function pattern(i: u64): u8 { return <u8>((i * 7 + 3) & 0xff); }

function fail(why: string): i32 { print("netclient: "); println(why); return 1; }

export function main(argv: string[]): i32 {
  if (argv.length != 4) return fail("usage: netclient HOST PORT SEND RECV");
  let ip = ipParse(argv[0]);
  let port = I32.parseInt(argv[1]);
  let sendN = <u64>I64.parseInt(argv[2]), recvN = <u64>I64.parseInt(argv[3]);
  if (ip < 0) return fail("bad host '" + argv[0] + "'");
  if (virtioNetProbe() == 0) return fail("no virtio-net device");
  if (netUp() < 0) return fail("network did not come up");
  let s = tcpConnect(<u32>ip, port);
  if (s < 0) return fail("connect failed");
  let socks: i32[] = [s], ev: i32[] = [POLLOUT], rev: i32[] = [0];
  if (netPoll(socks, ev, rev, 20000) <= 0 || (rev[0] & POLLERR) != 0) {
    print("netclient: connect error "); printU64(<u64>-sockError(s)); println("");
    return 1;
  }
  let head = "asuk " + sendN.toString() + " " + recvN.toString() + "\n";
  if (sockSendString(s, head) != head.length) return fail("header did not fit the send buffer");
  let buf = heap.alloc(16384);
  let sent: u64 = 0, got: u64 = 0;
  let ok = true;
  while (true) {
    ev[0] = sent < sendN ? POLLIN | POLLOUT : POLLIN;
    netPoll(socks, ev, rev, 30000);
    if (rev[0] == 0) return fail("timed out");
    if (sent < sendN && (rev[0] & POLLOUT) != 0) {
      let n = sendN - sent < 16384 ? sendN - sent : 16384;
      for (let i: u64 = 0; i < n; i++) store<u8>(buf + <usize>i, pattern(sent + i));
      let r = sockSend(s, buf, <i32>n);
      if (r > 0) sent += <u64>r;
      else if (r != -Errno.EAGAIN) return fail("send failed");
    }
    if ((rev[0] & (POLLIN | POLLHUP | POLLERR)) != 0) {
      let r = sockRecv(s, buf, 16384);
      if (r == 0) break;
      if (r == -Errno.EAGAIN) continue;
      if (r < 0) return fail("receive failed");
      for (let i = 0; i < r; i++) if (load<u8>(buf + <usize>i) != pattern(got + <u64>i)) ok = false;
      got += <u64>r;
    }
  }
  sockClose(s);
  print("netclient: sent "); printU64(sent); print(", received "); printU64(got);
  println(ok ? ", pattern ok" : ", pattern BAD");
  return ok && sent == sendN && got == recvN ? 0 : 1;
}
