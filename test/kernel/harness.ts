// test/kernel/harness.ts — compiles kernel AssemblyScript with asc (the image
// flags) and runs it in Node's WebAssembly with a JS `hw` import object that
// emulates just enough machine: COM1 output bytes, port 0x61/PIT channel 2, a
// virtual TSC, CPUID, memLayout and poweroff (thrown as PowerOff).
import asc from 'assemblyscript/asc';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { ASC_FLAGS, packageFlags, packageReadFile } from '../../tools/image/index.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The asc flags tools/image uses for a kernel image (entry file first). */
export const IMAGE_FLAGS = ASC_FLAGS.filter((f) => f !== '--noExportMemory');

export interface Compiled { wasm: Uint8Array<ArrayBuffer>; stderr: string; wat?: string }

/** Compiles `entry` (relative to the repo root) with IMAGE_FLAGS; throws with asc's stderr on error. */
export async function compileAs(entry: string, extra: string[] = []): Promise<Compiled> {
  const out: { wasm?: Uint8Array<ArrayBuffer>; wat?: string } = {};
  const errs: string[] = [];
  const sink = { write(s: string | Uint8Array) { errs.push(typeof s === 'string' ? s : Buffer.from(s).toString()); return true; } };
  // An entry importing the package as "asuk/…" (images/NAME) compiles against it the way tools/image does.
  const asPackage = /from\s+["']asuk[/"']/.test(readFileSync(path.join(ROOT, entry), 'utf8'));
  const flags = asPackage ? packageFlags().filter((f) => f !== '--noExportMemory') : IMAGE_FLAGS;
  const { error } = await asc.main([entry, ...flags, '--baseDir', ROOT, '-o', 'out.wasm', ...extra], {
    stdout: sink, stderr: sink, readFile: packageReadFile,
    writeFile(name: string, contents: Uint8Array | string) {
      if (name.endsWith('.wasm') && typeof contents !== 'string') out.wasm = new Uint8Array(contents);
      if (name.endsWith('.wat')) out.wat = typeof contents === 'string' ? contents : Buffer.from(contents).toString();
    },
  });
  if (error || !out.wasm) throw new Error(`asc failed for ${entry}: ${error?.message}\n${errs.join('')}`);
  return { wasm: out.wasm, stderr: errs.join(''), wat: out.wat };
}

/** A JS string as a pinned AssemblyScript string (class id 2, UTF-16); needs asc's --exportRuntime. */
export function lowerString(ex: Record<string, any>, mem: WebAssembly.Memory, s: string): number {
  const p = ex.__pin(ex.__new(s.length * 2, 2)) as number;
  const u16 = new Uint16Array(mem.buffer, p, s.length);
  for (let i = 0; i < s.length; i++) u16[i] = s.charCodeAt(i);
  return p;
}

/** The AssemblyScript string at `p` (UTF-16, byte length at p - 4) as a JS string. */
export function liftString(mem: WebAssembly.Memory, p: number): string {
  const bytes = new Uint32Array(mem.buffer, p - 4, 1)[0];
  return Buffer.from(new Uint8Array(mem.buffer, p, bytes)).toString('utf16le');
}

/** Direct callees of every function in asc's text output (`(func $name` ... `call $callee`). */
export function callGraph(wat: string): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  let cur: Set<string> | null = null;
  for (const line of wat.split('\n')) {
    const f = /^ \(func \$(\S+)/.exec(line);
    if (f) { cur = new Set(); g.set(f[1], cur); continue; }
    const c = /\b(?:call|return_call) \$(\S+)/.exec(line);
    if (c && cur) cur.add(c[1].replace(/\)+$/, ''));
  }
  return g;
}

/** Every function reachable from `root` by direct calls. */
export function reachable(g: Map<string, Set<string>>, root: string): Set<string> {
  const seen = new Set<string>([root]);
  const todo = [root];
  while (todo.length) for (const c of g.get(todo.pop()!) ?? []) if (!seen.has(c)) { seen.add(c); todo.push(c); }
  return seen;
}

/** Thrown by the fake hw.poweroff. */
export class PowerOff extends Error {
  constructor(public code: number) { super(`poweroff(${code})`); }
}

export interface MachineOpts {
  /** Which PIT the machine has: 'pc' (channels + port 0x61 gate/OUT), 'ch0' (no port 0x61, as microvm), 'none'. */
  pit?: 'pc' | 'ch0' | 'none';
  /** TSC ticks per PIT tick (1193182 Hz): the TSC frequency is 1.193182 MHz x this. */
  tscPerPitTick?: bigint;
  /** TSC ticks each inb() advances the virtual clock by (the time a port read takes). */
  ticksPerInb?: bigint;
  /** CPUID results by leaf: [eax, ebx, ecx, edx]. */
  cpuid?: Record<number, [number, number, number, number]>;
  /** memLayout(pages) also grows Node's memory to `pages`, as the kernel's memory.size would read. */
  applyLayout?: boolean;
}

/** The emulated machine state a test inspects. */
export class Machine {
  serial: number[] = [];
  layouts: [number, number][] = [];
  ports: [number, number][] = [];
  tsc = 1_000_000n;
  private lcr = 0;
  /** Per PIT channel: TSC at which its count was loaded, the count, bytes written, latched value. */
  private pitCh = [0, 1, 2].map(() => ({ loadTsc: -1n, count: 0, wrote: 0, latch: -1, readHi: false }));
  memory!: WebAssembly.Memory;
  constructor(private o: MachineOpts = {}) {}

  /** Serial output as text (UTF-8 decoded). */
  text(): string { return Buffer.from(this.serial).toString('utf8'); }

  imports(): WebAssembly.Imports {
    const m = this;
    const hw: Record<string, (...a: never[]) => unknown> = {
      outb: (port: number, v: number) => m.outb(port, v),
      inb: (port: number) => m.inb(port),
      rdtsc: () => { m.tsc += 7n; return m.tsc; },
      cpuid: (leaf: number, _sub: number, out: number) => {
        const r = (m.o.cpuid ?? {})[leaf] ?? [0, 0, 0, 0];
        const v = new DataView(m.memory.buffer);
        r.forEach((x, i) => v.setUint32(out + 4 * i, x >>> 0, true));
      },
      memLayout: (pages: number, max: number) => {
        m.layouts.push([pages >>> 0, max >>> 0]);
        const cur = m.memory.buffer.byteLength / 65536;
        if (m.o.applyLayout && pages > cur) m.memory.grow(pages - cur);
      },
      backtrace: () => {}, // the boot stub prints it; nothing to print here
      poweroff: (code: number) => { throw new PowerOff(code); },
    };
    for (const n of ['outw', 'outl', 'inw', 'inl', 'hlt', 'pause', 'mfence', 'lfence', 'sfence', 'cli', 'sti',
      'rdmsr', 'wrmsr', 'mmioRead8', 'mmioRead16', 'mmioRead32', 'mmioRead64',
      'mmioWrite8', 'mmioWrite16', 'mmioWrite32', 'mmioWrite64']) {
      hw[n] = () => { throw new Error(`unexpected hw.${n}`); };
    }
    return { hw };
  }

  private outb(port: number, v: number): void {
    v &= 0xff;
    this.ports.push([port, v]);
    if (port === 0x3fb) this.lcr = v;
    else if (port === 0x3f8 && (this.lcr & 0x80) === 0) this.serial.push(v);
    else if (port === 0x43 && this.pitKind() !== 'none') this.pitCommand(v);
    else if (port >= 0x40 && port <= 0x42 && this.pitKind() !== 'none') {
      const ch = this.pitCh[port - 0x40];
      ch.count = ch.wrote === 0 ? v : ch.count | (v << 8);
      if (++ch.wrote === 2) { ch.loadTsc = this.tsc; ch.wrote = 0; }
    }
  }

  private pitKind() { return this.o.pit ?? 'pc'; }

  private pitCommand(v: number): void {
    const ch = this.pitCh[v >> 6];
    if (!ch) return;
    if ((v & 0x30) === 0) { ch.latch = this.pitValue(v >> 6); ch.readHi = false; return; } // counter latch
    ch.loadTsc = -1n; ch.wrote = 0; // new mode: OUT low, wait for a count (8254 mode 0)
  }

  /** Current count of channel i (mode 0: counts down to 0 and stays). */
  private pitValue(i: number): number {
    const ch = this.pitCh[i];
    if (ch.loadTsc < 0n) return ch.count;
    const ticks = Number((this.tsc - ch.loadTsc) / (this.o.tscPerPitTick ?? 2514n));
    return Math.max(0, ch.count - ticks);
  }

  private inb(port: number): number {
    this.tsc += this.o.ticksPerInb ?? 1000n;
    if (port === 0x3fd) return 0x60; // THR empty, transmitter idle
    const kind = this.pitKind();
    if (port === 0x61) {
      if (kind !== 'pc') return 0xff;
      const ch = this.pitCh[2];
      return ch.loadTsc >= 0n && this.pitValue(2) === 0 ? 0x20 : 0; // OUT of channel 2 in bit 5
    }
    if (port >= 0x40 && port <= 0x42 && kind !== 'none') {
      const ch = this.pitCh[port - 0x40];
      const val = ch.latch >= 0 ? ch.latch : this.pitValue(port - 0x40);
      if (ch.readHi) { ch.readHi = false; ch.latch = -1; return (val >> 8) & 0xff; }
      ch.readHi = true;
      return val & 0xff;
    }
    return 0xff;
  }
}

/** Instantiates `wasm` on a fresh Machine. */
export function instantiate(wasm: Uint8Array<ArrayBuffer>, o: MachineOpts = {}) {
  const machine = new Machine(o);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), machine.imports());
  machine.memory = instance.exports.memory as WebAssembly.Memory;
  return { machine, exports: instance.exports as Record<string, any> };
}

/** Runs `f`, returning the PowerOff code it threw (undefined when it returned). */
export function powerOffCode(f: () => unknown): number | undefined {
  try { f(); } catch (e) { if (e instanceof PowerOff) return e.code; throw e; }
  return undefined;
}

// ---- a Multiboot v1 info block laid out in low memory (below asc's 1 MiB memoryBase) ----

export interface MbLayout {
  cmdline?: string;
  mods?: { start: number; end: number; string: string }[];
  mmap?: { base: bigint; length: bigint; type: number }[];
  memLowerKiB?: number;
  memUpperKiB?: number;
}

export const MBI_ADDR = 0x9000;
const MMAP_ADDR = 0x9400;
const MODS_ADDR = 0x9c00;
const STR_ADDR = 0xa000;

/** Writes an info block at MBI_ADDR (Multiboot 0.6.96 §3.3); returns the addresses used and their ends. */
export function writeMultiboot(mem: WebAssembly.Memory, l: MbLayout) {
  const v = new DataView(mem.buffer);
  const u8 = new Uint8Array(mem.buffer);
  u8.fill(0, MBI_ADDR, STR_ADDR + 0x1000);
  let strp = STR_ADDR;
  const cstr = (s: string) => { const b = Buffer.from(s + '\0'); u8.set(b, strp); const a = strp; strp += b.length; return a; };
  let flags = 0;
  if (l.memLowerKiB !== undefined) { flags |= 1; v.setUint32(MBI_ADDR + 4, l.memLowerKiB, true); v.setUint32(MBI_ADDR + 8, l.memUpperKiB ?? 0, true); }
  if (l.cmdline !== undefined) { flags |= 4; v.setUint32(MBI_ADDR + 16, cstr(l.cmdline), true); }
  if (l.mods) {
    flags |= 8;
    v.setUint32(MBI_ADDR + 20, l.mods.length, true);
    v.setUint32(MBI_ADDR + 24, MODS_ADDR, true);
    l.mods.forEach((m, i) => {
      v.setUint32(MODS_ADDR + 16 * i, m.start, true);
      v.setUint32(MODS_ADDR + 16 * i + 4, m.end, true);
      v.setUint32(MODS_ADDR + 16 * i + 8, cstr(m.string), true);
    });
  }
  if (l.mmap) {
    flags |= 64;
    l.mmap.forEach((e, i) => {
      const a = MMAP_ADDR + 24 * i;
      v.setUint32(a, 20, true);
      v.setBigUint64(a + 4, e.base, true);
      v.setBigUint64(a + 12, e.length, true);
      v.setUint32(a + 20, e.type, true);
    });
    v.setUint32(MBI_ADDR + 44, 24 * l.mmap.length, true);
    v.setUint32(MBI_ADDR + 48, MMAP_ADDR, true);
  }
  v.setUint32(MBI_ADDR, flags, true);
  return { mbi: MBI_ADDR, mmap: MMAP_ADDR, mods: MODS_ADDR, strEnd: strp };
}

/** The memory map QEMU's multiboot ROM reports for `-m <mib>M` on -M pc (below 3 GiB). */
export function qemuPcMmap(mib: number) {
  return [
    { base: 0n, length: 0x9fc00n, type: 1 },
    { base: 0x9fc00n, length: 0x400n, type: 2 },
    { base: 0xf0000n, length: 0x10000n, type: 2 },
    { base: 0x100000n, length: BigInt(mib) * 0x100000n - 0x100000n - 0x20000n, type: 1 },
    { base: BigInt(mib) * 0x100000n - 0x20000n, length: 0x20000n, type: 2 },
    { base: 0xfffc0000n, length: 0x40000n, type: 2 },
  ];
}
