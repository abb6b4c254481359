// What an app links follows from its imports (tools/image/app.ts appFeatures):
// app folders written here, and every images/NAME of the repository against
// what its tests rely on (demo: the VFS without 9p; hello: nothing).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appFeatures, appSources } from '../../tools/image/app.ts';
import { imageFeatures } from '../../tools/image/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'asuk-features-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An app folder with these files (path -> text); returns its path. */
function app(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

const MAIN = 'export function main(args: string[]): i32 { return 0; }\n';
const none = { files: false, volumes: false, net: false };

describe('appFeatures', () => {
  it.each([
    ['only "asuk"', 'import { log } from "asuk";\n', none],
    ['"asuk/files": VFS and 9p volumes', 'import { readFile } from "asuk/files";\n', { files: true, volumes: true, net: false }],
    ['a deep VFS import: the VFS alone', 'import { vfsOpen } from "asuk/kernel/vfs/index";\n', { files: true, volumes: false, net: false }],
    ['a deep 9pfs import: both', 'import {\n  p9fsMount,\n} from "asuk/fs/9pfs/index";\n', { files: true, volumes: true, net: false }],
    ['"asuk/net"', "import { netStart } from 'asuk/net';\n", { files: false, volumes: false, net: true }],
    ['a deep net import', 'export { tcpListen } from "asuk/net/index";\n', { files: false, volumes: false, net: true }],
    ['a driver below the stack: no NIC by default', 'import { virtioNetProbe } from "asuk/drivers/virtio-net/index";\n', none],
  ])('%s', (_, imports, want) => {
    expect(appFeatures(app(`a${Math.abs(imports.length * 31 + imports.charCodeAt(10))}`, { 'app.ts': imports + MAIN }))).toEqual(want);
  });

  it('follows relative imports (a file, a folder index) and ignores files app.ts never reaches', () => {
    const dir = app('chain', {
      'app.ts': `import { x } from "./lib/util";\n${MAIN}`,
      'lib/util.ts': 'export { y as x } from "../store";\n',
      'store/index.ts': 'import { writeFile } from "asuk/files";\nexport const y = 1;\n',
      'unused.ts': 'import { netStart } from "asuk/net";\n',
    });
    expect(appSources(dir).map((f) => f.slice(dir.length + 1))).toEqual(['app.ts', 'lib/util.ts', 'store/index.ts']);
    expect(appFeatures(dir)).toEqual({ files: true, volumes: true, net: false });
  });
});

describe('images/NAME link what their tests rely on', () => {
  it.each([
    ['hello', none],
    ['demo', { files: true, volumes: false, net: false }],
    ['shell', { files: true, volumes: true, net: false }],
    ['kvstore', { files: true, volumes: true, net: false }],
    ['fsbench', { files: true, volumes: true, net: false }],
    ['httpd', { files: true, volumes: true, net: true }],
    ['netclient', { files: false, volumes: false, net: true }],
    ['nettest', none],
  ])('%s', (name, want) => {
    expect(imageFeatures(name)).toEqual(want);
  });
});
