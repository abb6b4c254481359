// tools/cli/init.ts — `asuk init [DIR]`: scaffolds an app folder that
// `asuk build|run|pkg` use as it is: package.json (asuk as a dependency),
// Kraftfile, app.ts, an example rootfs/, README.md, .gitignore. Existing files
// are never overwritten: one error line names them.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { ROOT } from '../image/index.ts';
import { UsageError } from './errors.ts';

const APP = `// An asuk app: main runs after the kernel has booted and mounted the rootfs.
// API reference: node_modules/asuk/docs/api.md
import { getenv, log, now } from "asuk";
import { exists, lastErrorName, mkdir, readFile, writeFile } from "asuk/files";

export function main(args: string[]): i32 {
  let who = getenv("GREETING");
  log((who !== null ? who : "hello") + " from asuk" + (args.length > 0 ? " (args: " + args.join(" ") + ")" : ""));

  let motd = readFile("/etc/motd");
  if (motd === null) { log("cannot read /etc/motd: " + lastErrorName()); return 1; }
  log("/etc/motd: " + motd.trim());

  let year = new Date(now()).getUTCFullYear();
  log("the year is " + year.toString());

  // A host folder shared with -v ./out:/data shows up here.
  if (exists("/data")) {
    if (mkdir("/data/logs", true) < 0 || writeFile("/data/logs/hello.txt", "written by asuk in " + year.toString() + "\\n") < 0) {
      log("cannot write /data/logs/hello.txt: " + lastErrorName());
      return 1;
    }
    log("wrote /data/logs/hello.txt");
  }
  return 0;
}
`;

const KRAFTFILE = `spec: v0.6
# name: defaults to this folder's name
rootfs: ./rootfs
cmd: []
env:
  GREETING: hello
`;

const README = (name: string) => `# ${name}

An [asuk](https://www.npmjs.com/package/asuk) unikernel app: \`app.ts\` is the
program, \`rootfs/\` its files, \`Kraftfile\` how it runs.

    npx asuk build                       # -> .asuk/${name}.elf
    npx asuk run                         # boot it in QEMU (serial console here)
    npx asuk run -e GREETING=hi -v ./out:/data -- some args
    npx asuk pkg                         # ${name}.elf: rootfs, cmd and env inside
    qemu-system-x86_64 -kernel ${name}.elf -nographic

Test: \`npm test\` boots the app and fails unless it exits 0. The API
reference and the guide are in node_modules/asuk/docs/.
`;

const GITIGNORE = 'node_modules/\n.asuk/\n*.elf\n';

/** The version of this asuk package (for the scaffold's dependency). */
function ownVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function packageJson(dir: string, name: string): string {
  const p = join(dir, 'package.json');
  const pkg = existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown> : { name, version: '0.1.0', private: true };
  const deps = (pkg.dependencies ?? {}) as Record<string, string>;
  deps.asuk ??= `^${ownVersion()}`;
  pkg.dependencies = deps;
  const scripts = (pkg.scripts ?? {}) as Record<string, string>;
  scripts.build ??= 'asuk build';
  scripts.start ??= 'asuk run';
  scripts.test ??= 'asuk run --timeout 120';
  pkg.scripts = scripts;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** `asuk init [DIR]`: writes the scaffold (see the file comment); prints what to do next. */
export function initCommand(dirArg: string | undefined): void {
  const dir = resolve(dirArg ?? '.');
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  const files: [string, string][] = [
    ['app.ts', APP], ['Kraftfile', KRAFTFILE], ['README.md', README(name)], ['.gitignore', GITIGNORE],
    ['rootfs/etc/motd', `Welcome to ${name}, an asuk unikernel.\n`],
  ];
  const taken = files.map(([f]) => f).filter((f) => existsSync(join(dir, f)));
  if (taken.length) throw new UsageError(`${relative(process.cwd(), dir) || '.'} already has ${taken.join(', ')}: init writes only into a folder without them`);
  mkdirSync(join(dir, 'rootfs', 'etc'), { recursive: true });
  for (const [f, text] of files) writeFileSync(join(dir, f), text);
  writeFileSync(join(dir, 'package.json'), packageJson(dir, name));
  const rel = relative(process.cwd(), dir);
  const shown = rel.startsWith('..') ? dir : rel;
  process.stderr.write(`created app '${name}' in ${shown || '.'}: ${shown ? `cd ${shown} && ` : ''}npx asuk run\n`);
}
