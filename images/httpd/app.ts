// images/httpd — a static HTTP/1.1 server over the VFS (the seed's nginx
// case: `asuk run -p 8080:80 --rootfs ./rootfs.cpio -v ./html:/nginx/html httpd`).
//
//   app.ts       arguments (-- --root DIR --port N), network up, serve
//   server.ts    the connection loop: keep-alive, pipelining, streaming
//   request.ts   the request head parser (fuzzed: test/net/httpd-fuzz.test.ts)
//   path.ts      request-target -> names under the root (%XX, dot segments)
//   files.ts     names -> a file, symlinks followed only inside the root
//   range.ts     Range: bytes=... ; date.ts HTTP-date ; mime.ts Content-Type
//   response.ts  status lines, heads, error bodies
//
// Imports point down: net/ (sockets), drivers/virtio-net, kernel/vfs.
import { print, println, printU64 } from "asuk/kernel/index";
import { vfsStat, Stat, S_IFDIR, S_IFMT } from "asuk/kernel/vfs/index";
import { ipToString, netIp, netUp, tcpListen } from "asuk/net";
import { virtioNetProbe } from "asuk/drivers/virtio-net/index";
import { Server } from "./server";

function usage(why: string): i32 {
  print("httpd: ");
  println(why);
  println("usage: httpd [--root DIR] [--port N]   (defaults: --root /nginx/html --port 80)");
  return 2;
}

export function main(argv: string[]): i32 {
  let root = "/nginx/html";
  let port = 80;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if ((a == "--root" || a == "--port") && i + 1 >= argv.length) return usage(a + " needs a value");
    if (a == "--root") root = argv[++i];
    else if (a == "--port") {
      let v = argv[++i];
      let n = I32.parseInt(v);
      if (v.length == 0 || v.length > 5 || n < 1 || n > 65535 || n.toString() != v) return usage("bad port '" + v + "'");
      port = n;
    } else return usage("unknown argument '" + a + "'");
  }
  while (root.length > 1 && root.endsWith("/")) root = root.substring(0, root.length - 1);
  let st = new Stat();
  if (!root.startsWith("/") || vfsStat(root, st) < 0 || (st.mode & S_IFMT) != S_IFDIR) return usage("root '" + root + "' is not a directory");
  if (virtioNetProbe() == 0) { println("httpd: no virtio-net device (asuk run -p HOST:GUEST adds one)"); return 1; }
  let r = netUp();
  if (r < 0) { print("httpd: the network did not come up (error "); printU64(<u64>-r); println(")"); return 1; }
  let ls = tcpListen(port, 511);
  if (ls < 0) { println("httpd: cannot listen on port " + port.toString()); return 1; }
  println("httpd: serving " + root + " on http://" + ipToString(netIp()) + ":" + port.toString() + "/");
  new Server(root, ls).run();
  return 0;
}
