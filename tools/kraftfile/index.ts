// tools/kraftfile — reads a Kraftfile (KraftKit's project file, spec v0.6),
// the subset asuk uses:
//
//   spec: v0.6            (or `specification:`; v0.5 and v0.6 accepted)
//   name: shell           the image (images/NAME) to build and run
//   rootfs: ./rootfs      directory, CPIO archive, OCI image or Dockerfile
//   volumes:              `SRC:DST[:ro]` strings, or
//     - ./html:/nginx/html    { source, destination, readOnly } maps
//   cmd: ["find", "/"]    app arguments: a list, or one string
//   env:                  the app's environment: a mapping KEY: value,
//     GREETING: hello         or a list of KEY=VALUE strings
//
// `name` defaults to the Kraftfile's folder name, as in kraft (name: null
// when the file says nothing; the CLI decides).
// Relative paths are resolved against the Kraftfile's folder. Other keys a
// kraft project carries (unikraft, targets, libraries, runtime, ...) are
// reported in `ignored`, so the CLI can say they have no effect here.
// YAML is parsed by the `yaml` package (YAML 1.2).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';

/** The file names kraft looks for, in its order. */
export const KRAFTFILE_NAMES = ['Kraftfile', 'kraft.yaml', 'kraft.yml', 'Kraftfile.yaml', 'Kraftfile.yml'];
const SPECS = new Set(['v0.5', 'v0.6', '0.5', '0.6']);
const USED = new Set(['spec', 'specification', 'name', 'rootfs', 'volumes', 'cmd', 'env', 'wasm']);

export class KraftfileError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'KraftfileError';
  }
}

export interface Kraftfile {
  /** The file read. */
  path: string;
  name?: string;
  /** Absolute path of the rootfs. */
  rootfs?: string;
  /** Absolute path of a WASI command to run as the app (`wasm: prog.wasm`; asuk's key, not kraft's). */
  wasm?: string;
  /** `SRC:DST[:ro]` specs, SRC absolute. */
  volumes: string[];
  cmd: string[];
  /** `KEY=VALUE` pairs, in file order. */
  env: string[];
  /** Top-level keys present but without effect in asuk. */
  ignored: string[];
}

/** The Kraftfile in `dir`, or null when it has none. */
export function findKraftfile(dir: string): string | null {
  for (const n of KRAFTFILE_NAMES) {
    const p = join(dir, n);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return null;
}

/** Reads the Kraftfile in `dir` (null when there is none). */
export function readKraftfileIn(dir: string): Kraftfile | null {
  const p = findKraftfile(dir);
  return p ? readKraftfile(p) : null;
}

/** Parses the Kraftfile at `path`; throws KraftfileError saying what is wrong and where. */
export function readKraftfile(path: string): Kraftfile {
  const shown = relative(process.cwd(), path) || path;
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: false, lineCounter: lines });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = `line ${lines.linePos(e.pos[0]).line}: `;
    throw new KraftfileError(shown, `not valid YAML: ${at}${e.message.split('\n')[0]}`);
  }
  return parseKraftfile(doc.toJS() as unknown, path, shown);
}

/** Checks and resolves the parsed YAML value `v` of the Kraftfile at `path`. */
export function parseKraftfile(v: unknown, path: string, shown = path): Kraftfile {
  const fail = (m: string): never => { throw new KraftfileError(shown, m); };
  if (v === null || v === undefined) v = {};
  if (typeof v !== 'object' || Array.isArray(v)) fail('expected a mapping of keys (spec, name, rootfs, volumes, cmd)');
  const o = v as Record<string, unknown>;
  const spec = o.spec ?? o.specification;
  if (spec !== undefined && !SPECS.has(String(spec))) fail(`spec '${String(spec)}' is not supported: use v0.6`);
  const dir = resolve(path, '..');
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const str = (k: string) => {
    if (o[k] === undefined || o[k] === null) return undefined;
    if (typeof o[k] !== 'string' || o[k] === '') fail(`'${k}' must be a non-empty string`);
    return o[k] as string;
  };
  const rootfs = str('rootfs'), wasm = str('wasm');
  return {
    path, name: str('name'), rootfs: rootfs !== undefined ? at(rootfs) : undefined, wasm: wasm !== undefined ? at(wasm) : undefined,
    volumes: parseVolumes(o.volumes, at, fail), cmd: parseCmd(o.cmd, fail), env: parseEnv(o.env, fail),
    ignored: Object.keys(o).filter((k) => !USED.has(k)),
  };
}

/** `volumes:` -> `SRC:DST[:ro]` specs with SRC resolved. */
function parseVolumes(v: unknown, at: (p: string) => string, fail: (m: string) => never): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return fail("'volumes' must be a list (- ./src:/dst[:ro], or - {source, destination, readOnly})");
  return v.map((item, i) => {
    if (typeof item === 'string') {
      const colon = item.indexOf(':');
      if (colon <= 0) fail(`volumes[${i}] '${item}': expected SRC:DST[:ro]`);
      return `${at(item.slice(0, colon))}${item.slice(colon)}`;
    }
    if (typeof item !== 'object' || item === null) return fail(`volumes[${i}]: expected SRC:DST[:ro] or a mapping`);
    const m = item as Record<string, unknown>;
    const src = m.source, dst = m.destination ?? m.dest;
    if (typeof src !== 'string' || typeof dst !== 'string') return fail(`volumes[${i}]: needs 'source' and 'destination' strings`);
    if (m.driver !== undefined && m.driver !== '9pfs') fail(`volumes[${i}]: driver '${String(m.driver)}' is not supported: use 9pfs`);
    const ro = m.readOnly ?? m.readonly;
    if (ro !== undefined && typeof ro !== 'boolean') fail(`volumes[${i}]: 'readOnly' must be true or false`);
    return `${at(src)}:${dst}${ro ? ':ro' : ''}`;
  });
}

/** `cmd:` -> argument words (a string is one word list split on spaces, as kraft does). */
function parseCmd(v: unknown, fail: (m: string) => never): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v.split(/\s+/).filter(Boolean);
  if (Array.isArray(v) && v.every((w) => typeof w === 'string' || typeof w === 'number')) return v.map(String);
  return fail("'cmd' must be a string or a list of strings");
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks one `KEY=VALUE` pair (from a Kraftfile or -e); returns an error message or null. */
export function envPairError(pair: string): string | null {
  const eq = pair.indexOf('=');
  if (eq <= 0) return `'${pair}': expected KEY=VALUE`;
  if (!ENV_KEY.test(pair.slice(0, eq))) return `'${pair.slice(0, eq)}': a variable name is letters, digits and _ (not first a digit)`;
  if (pair.includes('\0')) return `'${pair.slice(0, eq)}': the value holds a NUL byte, which the kernel command line cannot carry`;
  return null;
}

/** `env:` -> KEY=VALUE pairs (a mapping, or a list of KEY=VALUE strings). */
function parseEnv(v: unknown, fail: (m: string) => never): string[] {
  if (v === undefined || v === null) return [];
  const pairs = Array.isArray(v)
    ? v.map((p, i) => (typeof p === 'string' ? p : fail(`env[${i}]: expected a KEY=VALUE string`)))
    : typeof v === 'object'
      ? Object.entries(v as Record<string, unknown>).map(([k, x]) => {
        if (x !== null && typeof x === 'object') fail(`env.${k}: expected a string, number or boolean`);
        return `${k}=${x ?? ''}`;
      })
      : fail("'env' must be a mapping (KEY: value) or a list of KEY=VALUE");
  for (const p of pairs) { const e = envPairError(p); if (e) fail(`env ${e}`); }
  return pairs;
}
