// test/httpd/harness.ts — compiles test/httpd/as/entry.ts once per file and
// wraps its exports for the parser tests and the fuzz target.
import { compileAs, instantiate, liftString, lowerString } from '../kernel/harness.ts';

let mod: Promise<Uint8Array<ArrayBuffer>> | null = null;
function httpdWasm(): Promise<Uint8Array<ArrayBuffer>> {
  mod ??= compileAs('test/httpd/as/entry.ts', ['--exportRuntime']).then((c) => c.wasm);
  return mod;
}

export interface Parsed { r: number; method: number; target: string; keepAlive: boolean; range: string; ims: string; hasBody: boolean }

export class Httpd {
  private k: Record<string, any>;
  private mem: WebAssembly.Memory;
  constructor(wasm: Uint8Array<ArrayBuffer>) {
    const { machine, exports } = instantiate(wasm);
    this.k = exports;
    this.mem = machine.memory;
  }
  static async create(): Promise<Httpd> { return new Httpd(await httpdWasm()); }
  private str(s: string): number { return lowerString(this.k, this.mem, s); }
  private lift(p: number): string { return liftString(this.mem, p); }
  parse(data: Uint8Array | string): Parsed {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const p = this.k.alloc(b.length);
    new Uint8Array(this.mem.buffer, p, b.length).set(b);
    const r = this.k.parse(p, b.length);
    this.k.free(p);
    return {
      r, method: this.k.reqMethod(), target: this.lift(this.k.reqTarget()), keepAlive: this.k.reqKeepAlive() === 1,
      range: this.lift(this.k.reqRange()), ims: this.lift(this.k.reqIms()), hasBody: this.k.reqHasBody() === 1,
    };
  }
  path(t: string): { r: number; segs: string[]; dirSlash: boolean } {
    const r = this.k.path(this.str(t));
    const s = this.lift(this.k.pathSegs());
    return { r, segs: s === '' ? [] : s.split('|'), dirSlash: this.k.pathDirSlash() === 1 };
  }
  range(v: string, size: number): [number, number, number] {
    const r = this.k.range(this.str(v), BigInt(size));
    return [r, Number(this.k.rangeFirst()), Number(this.k.rangeLast())];
  }
  date(t: number): string { return this.lift(this.k.date(BigInt(t))); }
  dateParse(s: string): number { return Number(this.k.dateParse(this.str(s))); }
  mime(n: string): string { return this.lift(this.k.mime(this.str(n))); }
}
