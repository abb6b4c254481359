// lseek on a 9p volume and on ramfs (Unikraft's 9pfs ignores seek, issue 6):
// a write after lseek lands at the offset, a write past the end leaves a
// hole of zeros, a read after lseek starts at the offset.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QemuResult } from '../../tools/qemu/index.ts';
import { bootVol, freshDir, imageElf, VOL_MACHINES } from './helpers.ts';

const CMDS = (d: string) => [
  `seekwrite ${d}/f 3 XY`, `seekread ${d}/f 5 3`, `seekread ${d}/f 8 10`,
  `seekwrite ${d}/g 4 Z`, `seekread ${d}/g 0 5`, `seekread ${d}/f 50 1`,
].join('; ');

describe.each(VOL_MACHINES)('-M %s', (machine) => {
  let vol = '';
  let r9: QemuResult;
  let rram: QemuResult;
  beforeAll(async () => {
    vol = freshDir(`seek-vol-${machine}`);
    writeFileSync(join(vol, 'f'), '0123456789');
    const elf = await imageElf('shell');
    r9 = await bootVol({ machine, kernel: elf, volumes: [{ src: vol, dst: '/v', readonly: false }], cmds: CMDS('/v') });
    rram = await bootVol({ machine, kernel: elf, cmds: `write /tmp/f 0123456789; ${CMDS('/tmp')}` });
  }, 120_000);

  describe('lseek then write/read', () => {
    for (const [name, get] of [['9p', () => r9], ['ramfs', () => rram]] as const) {
      it(`${name}: offsets are honoured, holes read as zeros`, () => {
        const r = get();
        const out = r.serial.split(/\r?\n/);
        const i = out.indexOf('567');
        expect(i, r.serial).toBeGreaterThanOrEqual(0);
        expect(out.slice(i, i + 4)).toEqual(['567', '89', '....Z', '']);
        expect(r.guestExit).toBe(0);
      });
    }
    it('9p: the host file has the bytes at the offsets', () => {
      expect(readFileSync(join(vol, 'f'), 'utf8')).toBe('012XY56789');
      expect([...readFileSync(join(vol, 'g'))]).toEqual([0, 0, 0, 0, 0x5a]);
    });
  });
});
