// tools/cpio/newc.ts — encodes one CPIO newc header (+ name + padding), the
// layout defined once in fs/cpio/format.ts.
import {
  CPIO_ALIGN, CPIO_FIELD_SIZE, CPIO_HEADER_SIZE, CPIO_MAGIC_NEWC, CPIO_NAME_MAX,
  CPIO_OFF_CHECK, CPIO_OFF_DEVMAJOR, CPIO_OFF_DEVMINOR, CPIO_OFF_FILESIZE, CPIO_OFF_GID,
  CPIO_OFF_INO, CPIO_OFF_MAGIC, CPIO_OFF_MODE, CPIO_OFF_MTIME, CPIO_OFF_NAMESIZE, CPIO_OFF_NLINK,
  CPIO_OFF_RDEVMAJOR, CPIO_OFF_RDEVMINOR, CPIO_OFF_UID,
} from '../../fs/cpio/format.ts';

export interface NewcHeader {
  name: string;
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  size: number;
  devmajor: number;
  devminor: number;
  rdevmajor: number;
  rdevminor: number;
}

function hex8(v: number, field: string): string {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new Error(`mkcpio: ${field} ${v} does not fit the 8 hex digits of a newc header (EOVERFLOW)`);
  }
  return v.toString(16).toUpperCase().padStart(CPIO_FIELD_SIZE, '0');
}

/** Header, NUL-terminated name and padding to a multiple of 4 from the header start. */
export function encodeNewc(h: NewcHeader): Buffer {
  const name = Buffer.from(`${h.name}\0`, 'utf8');
  if (name.length > CPIO_NAME_MAX) throw new Error(`mkcpio: ${h.name}: name longer than ${CPIO_NAME_MAX - 1} bytes (ENAMETOOLONG)`);
  const total = CPIO_HEADER_SIZE + name.length;
  const padded = Math.ceil(total / CPIO_ALIGN) * CPIO_ALIGN;
  const buf = Buffer.alloc(padded);
  buf.write(CPIO_MAGIC_NEWC, CPIO_OFF_MAGIC, 'latin1');
  const fields: [number, number, string][] = [
    [CPIO_OFF_INO, h.ino, 'ino'], [CPIO_OFF_MODE, h.mode, 'mode'], [CPIO_OFF_UID, h.uid, 'uid'],
    [CPIO_OFF_GID, h.gid, 'gid'], [CPIO_OFF_NLINK, h.nlink, 'nlink'], [CPIO_OFF_MTIME, h.mtime, 'mtime'],
    [CPIO_OFF_FILESIZE, h.size, 'size'], [CPIO_OFF_DEVMAJOR, h.devmajor, 'devmajor'],
    [CPIO_OFF_DEVMINOR, h.devminor, 'devminor'], [CPIO_OFF_RDEVMAJOR, h.rdevmajor, 'rdevmajor'],
    [CPIO_OFF_RDEVMINOR, h.rdevminor, 'rdevminor'], [CPIO_OFF_NAMESIZE, name.length, 'namesize'],
    [CPIO_OFF_CHECK, 0, 'check'],
  ];
  for (const [off, v, field] of fields) buf.write(hex8(v, `${h.name}: ${field}`), off, 'latin1');
  name.copy(buf, CPIO_HEADER_SIZE);
  return buf;
}
