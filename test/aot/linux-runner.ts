// Test helpers for running compiled Wasm natively through the Linux target
// (tools/aot/linux): wat -> wasm, a driver-mode process spoken to over the
// stdin/stdout protocol (tools/aot/linux/main.ts), and WASI command runs.
//
//   compileWat(text)                       wasm bytes (wat2wasm, temp dir)
//   NativeInstance.start(wasm, opts?)      build + spawn a driver executable
//     .invoke(name, args) / .getGlobal(name) / .instantiate() / .close()
//   NativeInstance.startMulti(instances)   several linked instances, one driver;
//     .member(k) is instance k (NativeMember)
//   runCommand(wasm, argv?, opts?)         build + run a WASI command

import { mkdtempSync, writeFileSync, readFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { decodeModule, funcTypeOf, globalTypeOf, ValType } from '../../tools/wasm/index.ts';
import { TRAP_MESSAGES, STATUS_ABORT } from '../../tools/aot/linux/main.ts';
import { STATUS_HOST_CALL } from '../../tools/aot/linux/hostcall.ts';

let tmpRoot: string | null = null;
let tmpCount = 0;
/** A fresh path in this process's temp directory (removed at exit). */
export function tmpPath(name: string): string {
  if (!tmpRoot) {
    tmpRoot = mkdtempSync(join(tmpdir(), 'asuk-linux-'));
    const root = tmpRoot;
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return join(tmpRoot, `${tmpCount++}-${name}`);
}

/** Assembles WebAssembly text with wat2wasm (all wabt 1.0.32 default features). */
export async function compileWat(watText: string): Promise<Uint8Array> {
  const src = tmpPath('m.wat'), out = tmpPath('m.wasm');
  writeFileSync(src, watText);
  await execa('wat2wasm', [src, '--debug-names', '-o', out], { timeout: 20_000 });
  return new Uint8Array(readFileSync(out));
}

export type Builder = (
  wasm: Uint8Array,
  opts: { mode: 'driver' | 'command'; hostImports?: boolean; globalValues?: Map<string, bigint>; bounds?: 'guard' | 'explicit' },
) => Uint8Array;

/** One instance of a multi-instance driver: imports that earlier instances provide, "module.name" -> (instance, export). */
export interface LinkedInstance { wasm: Uint8Array; links: Map<string, { instance: number; name: string }> }
export type MultiBuilder = (instances: LinkedInstance[], opts: { bounds?: 'guard' | 'explicit' }) => Uint8Array;

/**
 * What the spec harness needs of a running instance: a NativeInstance, or
 * one member of a multi-instance driver (getGlobal of a table or memory
 * export reads its cell: u32 size in the low half, u32 capacity in the high).
 */
export interface NativeMember {
  invoke(name: string, args: bigint[]): Promise<CallResult>;
  getGlobal(name: string): Promise<CallResult>;
  instantiate(): Promise<CallResult>;
  exportKind(name: string): string | undefined;
  exportedFunc(name: string): { params: ValType[]; results: ValType[] } | undefined;
  exportedGlobal(name: string): { type: ValType; mutable: boolean } | undefined;
  close(): Promise<void>;
}

/** Runs an import the executable does not implement (host calls, tools/aot/linux/hostcall.ts). */
export type HostImports = (module: string, name: string, args: bigint[]) => Promise<CallResult>;

/** The default builder: tools/aot/linux buildLinuxExecutable (loaded lazily: it pulls in the compiler). */
async function defaultBuilder(): Promise<Builder> {
  const mod = await import('../../tools/aot/linux/index.ts');
  return mod.buildLinuxExecutable;
}

function writeExecutable(elf: Uint8Array): string {
  const path = tmpPath('prog');
  writeFileSync(path, elf);
  chmodSync(path, 0o755);
  return path;
}

export interface CallResult { trap?: string; results: bigint[] }
interface FuncInfo { ordinal: number; params: ValType[]; results: ValType[] }
interface GlobalInfo { ordinal: number; type: ValType; mutable: boolean }
interface ImportInfo { module: string; name: string; params: ValType[]; results: ValType[] }

/** Masks a raw u64 slot to the value's width: i32/f32 live in the low 32 bits. */
export function maskValue(t: ValType, v: bigint): bigint {
  return t === ValType.I32 || t === ValType.F32 ? v & 0xffff_ffffn : BigInt.asUintN(64, v);
}

export class NativeInstance implements NativeMember {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: (() => void) | null = null;
  private exited: string | null = null;
  private stderr = '';
  private busy = false;

  private constructor(
    private proc: ResultPromise,
    private funcs: Map<string, FuncInfo>,
    private globals: Map<string, GlobalInfo>,
    readonly path: string,
    private timeoutMs: number,
    private imports: ImportInfo[],
    private host: HostImports | undefined,
    private kinds: Map<string, string>,
  ) {
    proc.stdout!.on('data', (c: Buffer) => { this.chunks.push(c); this.buffered += c.length; this.wake(); });
    proc.stderr!.on('data', (c: Buffer) => { if (this.stderr.length < 8192) this.stderr += c.toString('latin1'); });
    proc.stdin!.on('error', () => {});
    proc.catch(() => {}).finally(() => {
      this.exited = `driver exited (code ${proc.exitCode ?? 'none'}, signal ${proc.signalCode ?? 'none'})`;
      this.wake();
    });
  }

  /** Builds `wasm` as a driver executable and starts it. */
  static async start(
    wasm: Uint8Array,
    opts: {
      build?: Builder; timeoutMs?: number; hostImports?: HostImports; globalValues?: Map<string, bigint>; bounds?: 'guard' | 'explicit';
    } = {},
  ): Promise<NativeInstance> {
    const m = decodeModule(wasm);
    const funcs = new Map<string, FuncInfo>(), globals = new Map<string, GlobalInfo>();
    const imports: ImportInfo[] = [];
    m.imports.forEach((imp) => {
      if (imp.desc.kind !== 'func') return;
      const t = funcTypeOf(m, imports.length);
      imports.push({ module: imp.module, name: imp.name, params: t.params, results: t.results });
    });
    for (const e of m.exports) {
      if (e.kind === 'func') {
        const t = funcTypeOf(m, e.index);
        funcs.set(e.name, { ordinal: funcs.size, params: t.params, results: t.results });
      } else if (e.kind === 'global') {
        const g = globalTypeOf(m, e.index);
        globals.set(e.name, { ordinal: globals.size, type: g?.type ?? ValType.I64, mutable: g?.mutable ?? false });
      }
    }
    const build = opts.build ?? await defaultBuilder();
    const path = writeExecutable(build(wasm, {
      mode: 'driver', hostImports: !!opts.hostImports, globalValues: opts.globalValues, bounds: opts.bounds,
    }));
    const kinds = new Map(m.exports.map((e) => [e.name, e.kind] as const));
    const proc = execa(path, [], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, encoding: 'buffer', reject: false });
    return new NativeInstance(proc, funcs, globals, path, opts.timeoutMs ?? 15_000, imports, opts.hostImports, kinds);
  }

  /** Calls an exported function. Arguments are raw bits (floats as their IEEE bits). */
  async invoke(exportName: string, args: bigint[]): Promise<CallResult> {
    const f = this.funcs.get(exportName);
    if (!f) throw new Error(`NativeInstance: no exported function "${exportName}"`);
    if (args.length !== f.params.length) throw new Error(`NativeInstance: ${exportName} takes ${f.params.length} arguments, got ${args.length}`);
    const req = Buffer.alloc(5 + 8 * args.length);
    req.writeUInt8(1, 0);
    req.writeUInt32LE(f.ordinal, 1);
    args.forEach((a, k) => req.writeBigUInt64LE(BigInt.asUintN(64, a), 5 + 8 * k));
    return this.exchange(req, f.results);
  }

  /** Reads an exported global's value (raw bits). */
  async getGlobal(name: string): Promise<CallResult> {
    const g = this.globals.get(name);
    if (!g) throw new Error(`NativeInstance: no exported global "${name}"`);
    const req = Buffer.alloc(5);
    req.writeUInt8(2, 0);
    req.writeUInt32LE(g.ordinal, 1);
    return this.exchange(req, [g.type]);
  }

  /** Runs instantiation (data/elem segments, start function) now; reports its trap. In a multi-instance driver: instance `k`'s. */
  async instantiate(k = 0): Promise<CallResult> {
    const req = Buffer.alloc(5);
    req.writeUInt8(4, 0);
    req.writeUInt32LE(k, 1);
    return this.exchange(req, []);
  }

  /**
   * Builds several linked instances into one driver (tools/aot/linux multi.ts)
   * and starts it; `member(k)` is instance k. Nothing is instantiated until
   * `member(k).instantiate()`.
   */
  static async startMulti(
    instances: LinkedInstance[], opts: { build?: MultiBuilder; timeoutMs?: number; bounds?: 'guard' | 'explicit' } = {},
  ): Promise<NativeInstance> {
    const funcs = new Map<string, FuncInfo>(), globals = new Map<string, GlobalInfo>(), kinds = new Map<string, string>();
    instances.forEach((inst, k) => {
      const m = decodeModule(inst.wasm);
      for (const e of m.exports) {
        const key = `${k}:${e.name}`;
        kinds.set(key, e.kind);
        if (e.kind === 'func') {
          const t = funcTypeOf(m, e.index);
          funcs.set(key, { ordinal: funcs.size, params: t.params, results: t.results });
        } else {
          const g = e.kind === 'global' ? globalTypeOf(m, e.index) : undefined;
          globals.set(key, { ordinal: globals.size, type: g?.type ?? ValType.I64, mutable: g?.mutable ?? false });
        }
      }
    });
    const build = opts.build ?? (await import('../../tools/aot/linux/index.ts')).buildLinuxMulti;
    const path = writeExecutable(build(instances, { bounds: opts.bounds }));
    const proc = execa(path, [], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, encoding: 'buffer', reject: false });
    return new NativeInstance(proc, funcs, globals, path, opts.timeoutMs ?? 15_000, [], undefined, kinds);
  }

  /** Instance k of a multi-instance driver (startMulti). */
  member(k: number): NativeMember {
    const key = (name: string): string => `${k}:${name}`;
    return {
      invoke: (name, args) => this.invoke(key(name), args),
      getGlobal: (name) => this.getGlobal(key(name)),
      instantiate: () => this.instantiate(k),
      exportKind: (name) => this.exportKind(key(name)),
      exportedFunc: (name) => this.exportedFunc(key(name)),
      exportedGlobal: (name) => this.exportedGlobal(key(name)),
      close: async () => {},
    };
  }

  /** Asks the driver to exit, then kills it if it lingers. */
  async close(): Promise<void> {
    if (!this.exited) {
      try { this.proc.stdin!.end(Buffer.from([3, 0, 0, 0, 0])); } catch { /* already gone */ }
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 2000);
      await this.proc.catch(() => {});
      clearTimeout(t);
    }
  }

  /** The type of an exported function, or undefined. */
  exportedFunc(name: string): { params: ValType[]; results: ValType[] } | undefined {
    return this.funcs.get(name);
  }

  /** The type of an exported global, or undefined. */
  exportedGlobal(name: string): { type: ValType; mutable: boolean } | undefined {
    return this.globals.get(name);
  }

  /** The kind of an export (func, table, memory, global), or undefined. */
  exportKind(name: string): string | undefined { return this.kinds.get(name); }

  /** What the driver printed on stderr so far (abort messages, fatal signals). */
  get stderrText(): string { return this.stderr; }

  /** Waits (up to `ms`) until stderr contains `text` (stderr and stdout are separate pipes: no ordering). */
  async waitStderr(text: string, ms = 2000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!this.stderr.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.stderr;
  }

  private async exchange(req: Buffer, types: ValType[]): Promise<CallResult> {
    if (this.busy) throw new Error('NativeInstance: one call at a time');
    this.busy = true;
    try {
      this.proc.stdin!.write(req);
      let status = (await this.read(1))[0]!;
      while (status === STATUS_HOST_CALL) {
        await this.serveHostCall();
        status = (await this.read(1))[0]!;
      }
      if (status === 0) {
        const body = await this.read(8 * types.length);
        return { results: types.map((t, k) => maskValue(t, body.readBigUInt64LE(8 * k))) };
      }
      if (status < TRAP_MESSAGES.length) return { trap: TRAP_MESSAGES[status]!, results: [] };
      if (status === STATUS_ABORT) return { trap: 'abort', results: [] };
      throw new Error(`NativeInstance: driver answered status ${status} (13 bad request, 14 unsupported)`);
    } finally {
      this.busy = false;
    }
  }

  /** Answers one host call: u32 import ordinal + u64 args in, u8 status (+ u64 results) out. */
  private async serveHostCall(): Promise<void> {
    const ordinal = (await this.read(4)).readUInt32LE(0);
    const imp = this.imports[ordinal];
    if (!imp || !this.host) throw new Error(`NativeInstance: host call to unknown import #${ordinal}`);
    const raw = await this.read(8 * imp.params.length);
    const args = imp.params.map((t, k) => maskValue(t, raw.readBigUInt64LE(8 * k)));
    const r = await this.host(imp.module, imp.name, args);
    if (r.trap) {
      const kind = TRAP_MESSAGES.indexOf(r.trap);
      this.proc.stdin!.write(Buffer.from([kind > 0 ? kind : 1]));
      return;
    }
    const out = Buffer.alloc(1 + 8 * imp.results.length);
    r.results.forEach((v, k) => out.writeBigUInt64LE(BigInt.asUintN(64, v), 1 + 8 * k));
    this.proc.stdin!.write(out);
  }

  private wake(): void { const w = this.waiter; this.waiter = null; w?.(); }

  private async read(n: number): Promise<Buffer> {
    const deadline = Date.now() + this.timeoutMs;
    while (this.buffered < n) {
      if (this.exited) throw new Error(`NativeInstance: ${this.exited}; stderr: ${this.stderr.trim()}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        this.proc.kill('SIGKILL');
        throw new Error(`NativeInstance: no answer within ${this.timeoutMs} ms (killed); stderr: ${this.stderr.trim()}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => { clearTimeout(t); resolve(); };
      });
    }
    const all = Buffer.concat(this.chunks);
    this.chunks = [all.subarray(n)];
    this.buffered = all.length - n;
    return all.subarray(0, n);
  }
}

export interface CommandResult { exitCode: number | undefined; stdout: string; stderr: string }

/** Builds `wasm` as a WASI command and runs it with `argv` (after the program name). */
export async function runCommand(
  wasm: Uint8Array, argv: string[] = [],
  opts: { build?: Builder; env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const build = opts.build ?? await defaultBuilder();
  const path = writeExecutable(build(wasm, { mode: 'command' }));
  const r = await execa(path, argv, {
    reject: false, timeout: opts.timeoutMs ?? 15_000, env: opts.env, extendEnv: !opts.env,
    input: opts.input ?? '', encoding: 'utf8', stripFinalNewline: false,
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}
