// images/httpd/server.ts — the connection loop over net/'s sockets.
//
//   accept -> READ: bytes into the connection's head buffer; httpParse
//          -> a complete head: answer() queues the head bytes and, for a
//             body, an open file descriptor with an offset and a count
//          -> SEND: head bytes, then the file in chunks read at the offset
//             into one shared buffer, sized to what the socket accepts now
//             (a large file is never held whole in memory)
//          -> done: keep-alive goes back to READ (a pipelined request
//             already buffered is answered at once), else close
//
// Limits: MAX_CONNS connections (more are closed on accept), a head must
// complete within HEAD_TIMEOUT_US of its first byte (slow or idle half-open
// clients cannot hold a slot forever), an idle keep-alive connection is
// closed after IDLE_TIMEOUT_US, an answer that makes no progress for
// SEND_TIMEOUT_US (a client that stopped reading) is abandoned.

import { uptimeUs } from "asuk/kernel/index";
import { O_RDONLY } from "asuk/files";
import { Errno, S_IFDIR, S_IFMT, S_IFREG, vfsClose, vfsOpen, vfsPread } from "asuk/kernel/vfs/index";
import {
  netPoll, POLLERR, POLLHUP, POLLIN, POLLOUT, sockClose, sockRecv, sockSend, sockSendSpace, tcpAccept,
} from "asuk/net";
import { httpDate, httpDateParse } from "./date";
import { resolveUnder, Resolved } from "./files";
import { mimeType } from "./mime";
import { pathParse, PATH_BAD, PATH_OK, ReqPath } from "./path";
import { ByteRange, rangeParse, RANGE_OK, RANGE_UNSATISFIABLE } from "./range";
import { HttpRequest, httpParse, MAX_HEAD, METHOD_HEAD } from "./request";
import { concat, errorBody, Head } from "./response";

export const MAX_CONNS: i32 = 1024;
const HEAD_TIMEOUT_US: u64 = 20_000_000;
const IDLE_TIMEOUT_US: u64 = 30_000_000;
const SEND_TIMEOUT_US: u64 = 60_000_000;
const CHUNK: i32 = 65536;
const chunk = heap.alloc(<usize>CHUNK);

class Conn {
  sock: i32;
  inbuf: usize = heap.alloc(<usize>MAX_HEAD);
  inLen: i32 = 0;
  out: Uint8Array | null = null;
  outOff: i32 = 0;
  fd: i32 = -1;
  fileOff: u64 = 0;
  fileLeft: u64 = 0;
  closeAfter: bool = false;
  dead: bool = false;
  deadline: u64;
  constructor(sock: i32) { this.sock = sock; this.deadline = uptimeUs() + HEAD_TIMEOUT_US; }
  sending(): bool { return this.out !== null || this.fd >= 0; }
}

export class Server {
  root: string;
  ls: i32;
  conns: Conn[] = [];
  req: HttpRequest = new HttpRequest();
  rp: ReqPath = new ReqPath();
  res: Resolved = new Resolved();
  rng: ByteRange = new ByteRange();
  served: u64 = 0;

  constructor(root: string, ls: i32) { this.root = root; this.ls = ls; }

  /** Serves forever. */
  run(): void {
    let socks = new Array<i32>(), ev = new Array<i32>(), rev = new Array<i32>();
    while (true) {
      socks.length = 0; ev.length = 0; rev.length = 0;
      socks.push(this.ls); ev.push(POLLIN); rev.push(0);
      let now = uptimeUs();
      let next: u64 = u64.MAX_VALUE;
      for (let i = 0; i < this.conns.length; i++) {
        let c = this.conns[i];
        socks.push(c.sock); ev.push(c.sending() ? POLLOUT : POLLIN); rev.push(0);
        if (c.deadline < next) next = c.deadline;
      }
      let timeout: i32 = next == u64.MAX_VALUE ? -1 : (next <= now ? 0 : <i32>((next - now) / 1000) + 1);
      netPoll(socks, ev, rev, timeout);
      let polled = socks.length - 1; // connections accepted below have no revents yet
      if ((rev[0] & POLLIN) != 0) this.acceptAll();
      now = uptimeUs();
      for (let i = 0; i < this.conns.length; i++) {
        let c = this.conns[i];
        let r = i < polled ? rev[i + 1] : POLLIN;
        if (r != 0) this.step(c, r);
        if (!c.dead && now >= c.deadline) this.close(c);
      }
      this.sweep();
    }
  }

  private acceptAll(): void {
    while (true) {
      let s = tcpAccept(this.ls);
      if (s < 0) return;
      if (this.conns.length >= MAX_CONNS) { sockClose(s); continue; }
      this.conns.push(new Conn(s));
    }
  }

  private step(c: Conn, r: i32): void {
    if (c.sending()) {
      // An HTTP client does not half-close: HUP or ERR mid-answer means it went away
      // (and polling on would spin, since both are always reported).
      if ((r & (POLLERR | POLLHUP)) != 0) { this.close(c); return; }
      if ((r & POLLOUT) != 0) this.drive(c);
      return;
    }
    if ((r & (POLLIN | POLLERR | POLLHUP)) == 0) return;
    let room = MAX_HEAD - c.inLen;
    let n = room > 0 ? sockRecv(c.sock, c.inbuf + <usize>c.inLen, room) : 0;
    if (n == -Errno.EAGAIN) return;
    if (n <= 0 && room > 0) { this.close(c); return; }
    c.inLen += n;
    this.drive(c);
  }

  /** Sends, then answers buffered (pipelined) requests, until the socket is full or input runs out. */
  private drive(c: Conn): void {
    while (!c.dead) {
      if (c.sending()) {
        this.pump(c);
        if (c.dead || c.sending()) return;
        continue;
      }
      if (!this.next(c)) return;
    }
  }

  /** Queues the answer to the buffered request if a whole head is there; returns whether it did. */
  private next(c: Conn): bool {
    if (c.inLen == 0) return false;
    let req = this.req;
    let used = httpParse(c.inbuf, c.inLen, req);
    if (used == 0) return false;
    if (used < 0) {
      this.error(c, -used, false, true);
      c.inLen = 0;
    } else {
      memory.copy(c.inbuf, c.inbuf + <usize>used, <usize>(c.inLen - used));
      c.inLen -= used;
      this.answer(c, req);
    }
    return true;
  }

  private queue(c: Conn, bytes: Uint8Array, keep: bool): void {
    c.deadline = uptimeUs() + SEND_TIMEOUT_US;
    c.out = bytes;
    c.outOff = 0;
    c.closeAfter = !keep;
  }

  private error(c: Conn, status: i32, keep: bool, http11: bool, head: bool = false): void {
    let body = String.UTF8.encode(errorBody(status));
    let h = new Head(status).field("Content-Type", "text/html; charset=utf-8")
      .field("Content-Length", body.byteLength.toString());
    if (status == 405) h.field("Allow", "GET, HEAD");
    let b = h.connection(keep, http11).bytes();
    this.queue(c, head ? b : concat(b, Uint8Array.wrap(body)), keep);
  }

  private answer(c: Conn, req: HttpRequest): void {
    let keep = req.keepAlive && !req.hasBody;
    let isHead = req.method == METHOD_HEAD;
    let rp = this.rp;
    let p = pathParse(req.target, rp);
    if (p != PATH_OK) { this.error(c, -p, p == PATH_BAD ? false : keep, req.http11, isHead); return; } // a malformed target ends the connection
    let res = this.res;
    let r = resolveUnder(this.root, rp.segs, res);
    if (r < 0) { this.error(c, -r, keep, req.http11, isHead); return; }
    let kind = res.st.mode & S_IFMT;
    if (kind == S_IFDIR) {
      if (!rp.dirSlash) { this.redirect(c, rp.raw + "/" + rp.query, keep, req.http11); return; }
      rp.segs.push("index.html");
      r = resolveUnder(this.root, rp.segs, res);
      if (r < 0) { this.error(c, r == -404 ? 403 : -r, keep, req.http11, isHead); return; }
      kind = res.st.mode & S_IFMT;
    }
    if (kind != S_IFREG) { this.error(c, 403, keep, req.http11, isHead); return; }
    this.file(c, req, res, keep, isHead);
  }

  private redirect(c: Conn, location: string, keep: bool, http11: bool): void {
    let body = String.UTF8.encode(errorBody(301));
    let h = new Head(301).field("Location", location).field("Content-Type", "text/html; charset=utf-8")
      .field("Content-Length", body.byteLength.toString()).connection(keep, http11).bytes();
    this.queue(c, concat(h, Uint8Array.wrap(body)), keep);
  }

  private file(c: Conn, req: HttpRequest, res: Resolved, keep: bool, isHead: bool): void {
    let size = res.st.size;
    let mtime = res.st.mtime;
    let lm = httpDate(mtime);
    let ims = req.ims.length > 0 && req.range.length == 0 ? httpDateParse(req.ims) : -1;
    if (ims >= 0 && mtime <= ims) {
      this.queue(c, new Head(304).field("Last-Modified", lm).connection(keep, req.http11).bytes(), keep);
      return;
    }
    let status = 200;
    let first: u64 = 0, count = size;
    let h: Head;
    let rk = rangeParse(req.range, size, this.rng);
    if (rk == RANGE_UNSATISFIABLE) {
      let b = new Head(416).field("Content-Range", "bytes */" + size.toString()).field("Content-Length", "0")
        .connection(keep, req.http11).bytes();
      this.queue(c, b, keep);
      return;
    }
    if (rk == RANGE_OK) {
      status = 206;
      first = this.rng.first;
      count = this.rng.last - first + 1;
    }
    h = new Head(status).field("Content-Type", mimeType(res.path)).field("Content-Length", count.toString())
      .field("Last-Modified", lm).field("Accept-Ranges", "bytes");
    if (status == 206) h.field("Content-Range", "bytes " + first.toString() + "-" + this.rng.last.toString() + "/" + size.toString());
    this.queue(c, h.connection(keep, req.http11).bytes(), keep);
    if (isHead || count == 0) return;
    let fd = vfsOpen(res.path, O_RDONLY);
    if (fd < 0) { this.error(c, 403, keep, req.http11); return; }
    c.fd = fd;
    c.fileOff = first;
    c.fileLeft = count;
  }

  /** Sends what the socket takes now: head bytes, then file chunks. */
  private pump(c: Conn): void {
    while (c.out !== null) {
      let o = changetype<Uint8Array>(c.out);
      let n = sockSend(c.sock, o.dataStart + <usize>c.outOff, o.length - c.outOff);
      if (n == -Errno.EAGAIN) return;
      if (n < 0) { this.close(c); return; }
      c.outOff += n;
      if (c.outOff >= o.length) c.out = null;
      else return;
    }
    while (c.fd >= 0 && c.fileLeft > 0) {
      let space = sockSendSpace(c.sock);
      if (space < 0) { this.close(c); return; }
      if (space == 0) return;
      let want = <u64>(space < CHUNK ? space : CHUNK);
      if (want > c.fileLeft) want = c.fileLeft;
      let got = vfsPread(c.fd, chunk, <usize>want, <i64>c.fileOff);
      if (got <= 0) { this.close(c); return; } // the file shrank or failed: the length promised cannot be kept
      let n = sockSend(c.sock, chunk, <i32>got);
      if (n == -Errno.EAGAIN) return;
      if (n < 0) { this.close(c); return; }
      c.fileOff += <u64>n;
      c.fileLeft -= <u64>n;
      c.deadline = uptimeUs() + SEND_TIMEOUT_US;
    }
    if (c.fd >= 0) { vfsClose(c.fd); c.fd = -1; }
    this.served++;
    if (c.closeAfter) { this.close(c); return; }
    c.deadline = uptimeUs() + (c.inLen > 0 ? HEAD_TIMEOUT_US : IDLE_TIMEOUT_US);
  }

  private close(c: Conn): void {
    if (c.dead) return;
    c.dead = true;
    if (c.fd >= 0) { vfsClose(c.fd); c.fd = -1; }
    sockClose(c.sock);
    heap.free(c.inbuf);
    c.inbuf = 0;
    c.out = null;
  }

  private sweep(): void {
    let j = 0;
    for (let i = 0; i < this.conns.length; i++) {
      let c = this.conns[i];
      if (!c.dead) this.conns[j++] = c;
    }
    this.conns.length = j;
  }
}
