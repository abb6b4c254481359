// tools/qemu/diag.ts — the host end of the kernel's diagnostics channel.
//
// The kernel writes diagnostics to QEMU's debugcon (port 0xe9) when it is
// given `asuk.verbose=1` (kernel/console.ts). QEMU sends that device to a
// Unix socket this file listens on (`-chardev socket,path=...` connecting as
// a client), so the host gets the lines apart from the serial console,
// whatever QEMU's stdout and stderr are. (A file chardev on /dev/stderr fails
// when stderr is a socket, as Node's child pipes are; `-add-fd` refuses fds
// 0-2.)

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DiagChannel {
  /** The socket QEMU connects to. */
  path: string;
  /** Everything received so far. */
  text(): string;
  /** Resolves once QEMU's end has closed (or after `waitMs`), then removes the socket. */
  close(waitMs?: number): Promise<string>;
}

/** QEMU arguments that send debugcon (port 0xe9) to the socket at `path`. */
export function diagArgs(path: string): string[] {
  return ['-chardev', `socket,id=asukdiag,path=${path}`, '-device', 'isa-debugcon,iobase=0xe9,chardev=asukdiag'];
}

/**
 * Listens on a fresh socket; `onData` sees whole lines as they arrive (the CLI
 * copies them to stderr): on a terminal that shows stdout and stderr together,
 * a diagnostic is then never cut by the console's bytes. A last line without
 * its newline comes at close.
 */
export async function openDiag(onData?: (chunk: string) => void): Promise<DiagChannel> {
  const dir = mkdtempSync(join(tmpdir(), 'asuk-diag-'));
  const path = join(dir, 'diag.sock');
  let buf = '', partial = '';
  let peer: Socket | null = null;
  let ended: () => void = () => {};
  const done = new Promise<void>((res) => { ended = res; });
  const server: Server = createServer((s) => {
    peer = s;
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      buf += c;
      partial += c;
      const nl = partial.lastIndexOf('\n');
      if (nl >= 0) { onData?.(partial.slice(0, nl + 1)); partial = partial.slice(nl + 1); }
    });
    s.on('close', () => ended());
    s.on('error', () => ended());
  });
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(path, res); });
  return {
    path,
    text: () => buf,
    async close(waitMs = 2000) {
      if (peer !== null) await Promise.race([done, new Promise((r) => setTimeout(r, waitMs))]);
      (peer as Socket | null)?.destroy();
      if (partial !== '') { onData?.(partial); partial = ''; }
      await new Promise<void>((res) => server.close(() => res()));
      rmSync(dir, { recursive: true, force: true });
      return buf;
    },
  };
}
