// net/sock.ts — the socket handle table. A socket is a Sock subclass (TCP
// connection, TCP listener, UDP); the app holds its index in the table.
import { Errno } from "../kernel/errno";

export const POLLIN_: i32 = 0x1;
export const POLLOUT_: i32 = 0x4;
export const POLLERR_: i32 = 0x8;
export const POLLHUP_: i32 = 0x10;
export const POLLNVAL_: i32 = 0x20;

export const SOCK_TCP: i32 = 1;
export const SOCK_LISTEN: i32 = 2;
export const SOCK_UDP: i32 = 3;

export abstract class Sock {
  /** Index in the handle table, -1 while the app has no handle (half-open, orphaned). */
  handle: i32 = -1;
  kind: i32 = 0;
  /** Pending error (negative errno), cleared by sockError(). */
  err: i32 = 0;
  /** Events the app watches with sockWatch (0: none). */
  watch: i32 = 0;
  inDirty: bool = false;
  /** POLL* bits that hold now. */
  abstract ready(): i32;
}

// ---- the watch list: sockets whose state may have changed (netWaitReady) ----
const dirty: Sock[] = [];

/** Notes that s's readiness may have changed (the protocol calls this on every event). */
export function sockTouch(s: Sock): void {
  if (s.watch != 0 && !s.inDirty) { s.inDirty = true; dirty.push(s); }
}

/**
 * Walks the touched sockets: those with watched events (or ERR/HUP) go to
 * ready/revents (up to their length) and stay listed (level-triggered);
 * the others leave the list. Returns the count written.
 */
export function sockCollect(ready: i32[], revents: i32[]): i32 {
  let n = 0;
  let cap = min(ready.length, revents.length);
  for (let i = 0; i < dirty.length; ) {
    let s = unchecked(dirty[i]);
    let r = s.handle >= 0 && s.watch != 0 ? s.ready() & (s.watch | POLLERR_ | POLLHUP_) : 0;
    if (r == 0) {
      s.inDirty = false;
      let last = dirty.pop();
      if (i < dirty.length) unchecked(dirty[i] = last);
      continue;
    }
    if (n < cap) { unchecked(ready[n] = s.handle); unchecked(revents[n] = r); n++; }
    i++;
  }
  return n;
}

const table: Array<Sock | null> = [];
const freeHandles: i32[] = [];

/** Gives s a handle; returns it. */
export function sockAttach(s: Sock): i32 {
  let h: i32;
  if (freeHandles.length > 0) { h = freeHandles.pop(); table[h] = s; }
  else { h = table.length; table.push(s); }
  s.handle = h;
  return h;
}

/** Frees s's handle (the object may live on, orphaned). */
export function sockDetach(s: Sock): void {
  let h = s.handle;
  if (h < 0) return;
  table[h] = null;
  freeHandles.push(h);
  s.handle = -1;
  s.watch = 0;
}

/** The socket of handle h, or null. */
export function sockGet(h: i32): Sock | null {
  if (h < 0 || h >= table.length) return null;
  return unchecked(table[h]);
}

export function ebadf(): i32 { return -Errno.EBADF; }
