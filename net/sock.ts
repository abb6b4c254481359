// net/sock.ts — the socket handle table. A socket is a Sock subclass (TCP
// connection, TCP listener, UDP); the app holds its index in the table.
import { Errno } from "../kernel/vfs/errno";

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
  /** POLL* bits that hold now. */
  abstract ready(): i32;
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
}

/** The socket of handle h, or null. */
export function sockGet(h: i32): Sock | null {
  if (h < 0 || h >= table.length) return null;
  return unchecked(table[h]);
}

export function ebadf(): i32 { return -Errno.EBADF; }
