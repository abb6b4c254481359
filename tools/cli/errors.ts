// tools/cli/errors.ts — how the CLI fails: one line `asuk: WHAT (what to do)`
// on stderr and a nonzero exit. Errors of the tools it drives (image, qemu,
// oci, kraftfile, aot, wasm, cpio) are user-facing too and print the same way;
// anything else is our bug: one `asuk: internal error:` line (the stack only
// with ASUK_DEBUG=1).

import { AotError } from '../aot/errors.ts';
import { CpioError } from '../cpio/check.ts';
import { ImageError } from '../image/index.ts';
import { KraftfileError } from '../kraftfile/index.ts';
import { OciError } from '../oci/index.ts';
import { QemuError } from '../qemu/index.ts';

/** A wrong input or environment: the message says what is wrong and what to do. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit status for user errors (wrong input, missing tools) and for our bugs (EX_SOFTWARE). */
export const EXIT_USAGE = 1;
export const EXIT_INTERNAL = 70;

const KNOWN = [UsageError, ImageError, QemuError, OciError, KraftfileError, AotError, CpioError];

function isKnown(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  if (KNOWN.some((k) => e instanceof k)) return true;
  return e.name === 'WasmDecodeError' || e.name === 'AotError';
}

/** A Node system error (ENOENT, EACCES, ENOSPC, ...) as one line, or null. */
function systemError(e: unknown): string | null {
  const s = e as { code?: unknown; path?: unknown; syscall?: unknown; message?: unknown };
  if (!(e instanceof Error) || typeof s.code !== 'string' || !/^E[A-Z]+$/.test(s.code)) return null;
  const what = typeof s.path === 'string' ? `${s.path}: ` : '';
  const hint = s.code === 'ENOSPC' ? ' (free some disk space)' : s.code === 'EACCES' || s.code === 'EPERM' ? ' (check permissions)' : '';
  return `${what}${e.message.replace(/^[A-Z]+: /, '').split('\n')[0]}${hint}`;
}

/** The one line printed for `e` (without `asuk: `), and the exit status. */
export function describeError(e: unknown): { line: string; status: number } {
  if (isKnown(e)) return { line: e.message.split('\n')[0], status: EXIT_USAGE };
  const sys = systemError(e);
  if (sys) return { line: sys, status: EXIT_USAGE };
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return { line: `internal error: ${msg} (a bug in asuk; ASUK_DEBUG=1 shows the stack)`, status: EXIT_INTERNAL };
}

/** Prints `e` as one line and exits. */
export function fail(e: unknown): never {
  const { line, status } = describeError(e);
  const detail = (e as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string' && detail) process.stderr.write(`${detail}\n\n`);
  process.stderr.write(`asuk: ${line}\n`);
  if (process.env.ASUK_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(status);
}

/** One warning line on stderr (always: warnings are not progress). */
export function warn(message: string): void {
  process.stderr.write(`asuk: warning: ${message}\n`);
}
