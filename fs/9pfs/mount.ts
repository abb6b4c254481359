// fs/9pfs/mount.ts — joins the pieces: a virtio-9p device (by mount tag) as
// a P9Transport, one P9Client session per device (Tversion), a Tattach per
// mount, a P9Fs mounted in the VFS.

import { Errno, vfsMount } from "../../kernel/vfs/index";
import { V9pDevice, v9pFind } from "../../drivers/virtio-9p/index";
import { P9Client, P9FS_MSIZE, P9Transport } from "./client";
import { P9Fs } from "./node";

/** Mount flag: read-only (Linux MS_RDONLY, the fstab flags field). */
export const MS_RDONLY: u32 = 1;

/** A virtio-9p device as the client's transport. */
export class V9pTransport extends P9Transport {
  d: V9pDevice;
  constructor(d: V9pDevice) { super(); this.d = d; }
  begin(): void { this.d.begin(); }
  out(addr: usize, len: u32): void { this.d.out(addr, len); }
  into(addr: usize, len: u32): void { this.d.into(addr, len); }
  run(): i64 { return this.d.run(); }
}

/** The last error p9fsOpen met (0: none). */
let lastErr: i32 = 0;
export function p9fsLastError(): i32 { return lastErr; }

/**
 * Opens a session on `t` and attaches export `aname` ("" = the whole share).
 * Returns the filesystem, or null with the reason in p9fsLastError().
 */
export function p9fsOpen(t: P9Transport, aname: string, flags: u32, msize: u32 = P9FS_MSIZE): P9Fs | null {
  let c = new P9Client(t, msize);
  let r = c.version();
  if (r < 0) { lastErr = r; return null; }
  let fid = c.attach(aname);
  if (fid < 0) { lastErr = <i32>fid; return null; }
  lastErr = 0;
  return new P9Fs(c, <u32>fid, c.qid, (flags & MS_RDONLY) != 0);
}

/** One 9P session per device: every mount of one mount tag shares it. */
class Session {
  d: V9pDevice;
  c: P9Client;
  constructor(d: V9pDevice, c: P9Client) { this.d = d; this.c = c; }
}
const sessions = new Array<Session>();

/**
 * The session on `d`, opened (Tversion) on first use with `msize`. A
 * Tversion resets the server's whole session, and fids belong to a session
 * (9P2000 version(5)): a second client on the same device would clunk the
 * first one's fids and reuse their numbers. Null with p9fsLastError() set
 * when the server refuses.
 */
function sessionOn(d: V9pDevice, msize: u32): P9Client | null {
  for (let i = 0; i < sessions.length; i++) if (sessions[i].d === d) return sessions[i].c;
  let c = new P9Client(new V9pTransport(d), msize);
  let r = c.version();
  if (r < 0) { lastErr = r; return null; }
  sessions.push(new Session(d, c));
  return c;
}

/**
 * The whole share of device `d` as a filesystem (not yet mounted): the
 * device's session (opened with `msize` the first time; later mounts get
 * the session's msize), a fresh root fid (Tattach). flags: MS_RDONLY.
 * Null with the reason in p9fsLastError().
 */
export function p9fsAttach(d: V9pDevice, flags: u32, msize: u32 = P9FS_MSIZE): P9Fs | null {
  let c = sessionOn(d, msize);
  if (c === null) return null;
  let fid = c.attach("");
  if (fid < 0) { lastErr = <i32>fid; return null; }
  lastErr = 0;
  return new P9Fs(c, <u32>fid, c.qid, (flags & MS_RDONLY) != 0);
}

/**
 * Mounts the virtio-9p share with mount tag `tag` at `path` (which must
 * exist). flags: MS_RDONLY. Returns 0, -ENODEV (no device has that tag),
 * or the session's / the VFS's error.
 */
export function p9fsMount(tag: string, path: string, flags: u32): i32 {
  let d = v9pFind(tag);
  if (d === null) return -Errno.ENODEV;
  let fs = p9fsAttach(d, flags);
  if (fs === null) return lastErr;
  return vfsMount(path, fs);
}
