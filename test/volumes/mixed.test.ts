// Mixing (issue 6, the seed's "Mixing and Matching"): an initrd at `/` and a
// 9p volume at /nginx/html over a directory the archive also has. The
// volume's content shows there (not the archive's), the rest of the archive
// is intact, writes below /nginx/html reach the host and writes elsewhere
// stay in the ramfs. Plus `mkmp` creating a mount point inside the initrd
// root (/srv/live does not exist in the archive).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QemuResult } from '../../tools/qemu/index.ts';
import {
  between, bootVol, findLinesOf, freshDir, hostManifest, imageElf, packOurs, panicked, sortedLines, tmp, VOL_MACHINES,
} from './helpers.ts';

describe.each(VOL_MACHINES)('-M %s', (machine) => {
  let root = '';
  let html = '';
  let live = '';
  let r: QemuResult;
  let want: string[] = [];

  beforeAll(async () => {
    root = freshDir(`mixed-root-${machine}`);
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/nginx.conf'), 'worker_processes 1;\n');
    mkdirSync(join(root, 'nginx/html/old'), { recursive: true });
    writeFileSync(join(root, 'nginx/html/index.html'), '<h1>packed page</h1>\n');
    writeFileSync(join(root, 'nginx/html/old/only-in-archive.html'), 'hidden by the volume\n');
    writeFileSync(join(root, 'nginx/mime.types'), 'text/html html;\n');
    html = freshDir(`mixed-html-${machine}`);
    writeFileSync(join(html, 'index.html'), '<h1>live page</h1>\n');
    mkdirSync(join(html, 'img'));
    writeFileSync(join(html, 'img/logo.svg'), '<svg/>\n');
    live = freshDir(`mixed-live-${machine}`);
    writeFileSync(join(live, 'note'), 'second volume\n');
    want = expected(); // before the guest writes
    const [elf, cpio] = await Promise.all([imageElf('shell'), packOurs(root, join(tmp, `mixed-${machine}.cpio`))]);
    const cmds = [
      'echo --1', 'find /', 'echo --2', 'cat /nginx/html/index.html', 'cat /etc/nginx.conf', 'mounts',
      'write /nginx/html/new.html "from the guest"', 'write /etc/guest.conf "ramfs only"', 'cat /srv/live/note',
    ];
    r = await bootVol({
      machine,
      kernel: elf, initrd: [cpio],
      volumes: [{ src: html, dst: '/nginx/html', readonly: false }, { src: live, dst: '/srv/live', readonly: false }],
      fstab: ['initrd0:/:extract::ramfs=1:', 'fs0:/nginx/html:9pfs:::', 'fs1:/srv/live:9pfs:::mkmp'],
      cmds: cmds.join('; '),
    });
  }, 120_000);

  /** The expected `find /`: the archive without its /nginx/html subtree, the volumes' trees, /srv, /tmp. */
  function expected(): string[] {
    const arc = hostManifest(root).filter((x) => !x.path.startsWith('/nginx/html'));
    const srv = { path: '/srv', line: 'd 0755 - - /srv' };
    const tmpDir = { path: '/tmp', line: 'd 1777 - - /tmp' };
    return sortedLines([...arc, ...hostManifest(html, '/nginx/html'), srv, ...hostManifest(live, '/srv/live'), tmpDir]);
  }

  describe('initrd at / with 9p volumes at /nginx/html and /srv/live', () => {
    it('boots and runs every command', () => {
      expect(r.timedOut).toBe(false);
      expect(panicked(r.serial)).toBe(false);
      expect(r.serial).not.toMatch(/^(error|rootfs: error)/m);
      expect(r.guestExit).toBe(0);
    });

    it("find / shows the volume's content at /nginx/html and the rest of the archive intact", () => {
      expect(findLinesOf(between(r.serial, '--1', '--2').join('\n'))).toEqual(want);
      expect(r.serial).toContain('<h1>live page</h1>');
      expect(r.serial).not.toContain('packed page');
      expect(r.serial).toContain('worker_processes 1;');
      expect(r.serial).toContain('second volume');
    });

    it('mounts lists the initrd and both volumes', () => {
      expect(r.serial).toMatch(/^initrd0 \/ ramfs extract$/m);
      expect(r.serial).toMatch(/^fs0 \/nginx\/html 9pfs 9pfs$/m);
      expect(r.serial).toMatch(/^fs1 \/srv\/live 9pfs 9pfs$/m);
    });

    it('a write below the volume reaches the host; a write elsewhere does not', () => {
      expect(readFileSync(join(html, 'new.html'), 'utf8')).toBe('from the guest');
      expect(readdirSync(html).sort()).toEqual(['img', 'index.html', 'new.html']);
      expect(readdirSync(root).sort()).toEqual(['etc', 'nginx']);
      expect(readdirSync(join(root, 'etc'))).toEqual(['nginx.conf']);
    });
  });
});
