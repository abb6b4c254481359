// tools/cpio/check.ts — validates a newc/crc archive on the host, with the
// same rules as the kernel's loader (fs/cpio), so an image whose einitrd is
// malformed fails at build time instead of at boot. Layout: fs/cpio/format.ts.

import {
  CPIO_ALIGN, CPIO_FIELD_SIZE, CPIO_HEADER_SIZE, CPIO_MAGIC_CRC, CPIO_MAGIC_NEWC, CPIO_NAME_MAX,
  CPIO_OFF_CHECK, CPIO_OFF_FILESIZE, CPIO_OFF_MODE, CPIO_OFF_NAMESIZE, CPIO_TRAILER,
} from '../../fs/cpio/format.ts';

export class CpioError extends Error {
  constructor(readonly offset: number, readonly entry: string, readonly reason: string) {
    super(`cpio: error: ${entry}: ${reason} at offset ${offset}`);
    this.name = 'CpioError';
  }
}

export interface CpioSummary { entries: number; archives: number }

const S_IFMT = 0o170000, S_IFREG = 0o100000;
const align = (n: number) => Math.ceil(n / CPIO_ALIGN) * CPIO_ALIGN;

function field(b: Uint8Array, at: number, entry: string): number {
  let v = 0;
  for (let i = 0; i < CPIO_FIELD_SIZE; i++) {
    const c = b[at + i];
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1;
    if (d < 0) throw new CpioError(at, entry, 'header field is not hexadecimal');
    v = v * 16 + d;
  }
  return v;
}

/** Refuses a name that would land outside the mount point. */
function checkName(name: string, at: number, entry: string): void {
  for (const part of name.split('/')) {
    if (part === '..') throw new CpioError(at, entry, "name has a '..' component");
  }
}

/** Validates every header, name, body and checksum; throws CpioError at the first problem. */
export function checkCpio(b: Uint8Array): CpioSummary {
  let at = 0, entries = 0, archives = 0, open = false;
  const text = new TextDecoder('utf-8');
  while (at < b.length) {
    if (!open) {
      while (at < b.length && b[at] === 0) at++; // NUL padding between concatenated archives
      if (at >= b.length) break;
      open = true;
      archives++;
    }
    const entry = `entry #${entries}`;
    if (at + CPIO_HEADER_SIZE > b.length) throw new CpioError(at, entry, 'truncated header');
    const magic = text.decode(b.subarray(at, at + 6));
    if (magic !== CPIO_MAGIC_NEWC && magic !== CPIO_MAGIC_CRC) {
      throw new CpioError(at, entry, `bad magic '${magic.replace(/[^\x20-\x7e]/g, '?')}' (want 070701 or 070702)`);
    }
    const nameSize = field(b, at + CPIO_OFF_NAMESIZE, entry);
    const size = field(b, at + CPIO_OFF_FILESIZE, entry);
    const mode = field(b, at + CPIO_OFF_MODE, entry);
    if (nameSize < 2 || nameSize > CPIO_NAME_MAX) throw new CpioError(at, entry, `name size ${nameSize} out of range`);
    const nameAt = at + CPIO_HEADER_SIZE;
    if (nameAt + nameSize > b.length) throw new CpioError(at, entry, 'name runs past the end of the archive');
    if (b[nameAt + nameSize - 1] !== 0) throw new CpioError(at, entry, 'name is not NUL-terminated');
    const name = text.decode(b.subarray(nameAt, nameAt + nameSize - 1));
    const bodyAt = at + align(CPIO_HEADER_SIZE + nameSize);
    if (bodyAt + size > b.length) throw new CpioError(at, `"${name}"`, `file size ${size} runs past the end of the archive`);
    if (name === CPIO_TRAILER) {
      open = false;
      at = bodyAt + align(size);
      continue;
    }
    checkName(name, at, `"${name}"`);
    if (magic === CPIO_MAGIC_CRC && (mode & S_IFMT) === S_IFREG) {
      let sum = 0;
      for (let i = bodyAt; i < bodyAt + size; i++) sum = (sum + b[i]) >>> 0;
      if (sum !== field(b, at + CPIO_OFF_CHECK, entry)) throw new CpioError(at, `"${name}"`, 'crc checksum mismatch');
    }
    entries++;
    at = bodyAt + align(size);
  }
  if (open) throw new CpioError(b.length, 'archive', "ends without a 'TRAILER!!!' entry");
  if (archives === 0) throw new CpioError(0, 'archive', 'is empty');
  return { entries, archives };
}
