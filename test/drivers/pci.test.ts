// drivers/pci under Node against a JS model of configuration mechanism #1
// (ports 0xCF8/0xCFC) with BARs that behave like hardware (size probing by
// writing all ones), a multi-function device, a PCI-to-PCI bridge and a
// capability list that loops. The real devices are exercised under QEMU in
// test/9p/qemu.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAs } from '../kernel/harness.ts';

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { wasm = (await compileAs('test/drivers/as/entry.ts')).wasm; }, 60_000);

interface Bar { base: bigint; size: bigint; io?: boolean; is64?: boolean; prefetch?: boolean }
interface Fn {
  vendor: number; device: number; cls: number; header?: number; bars?: (Bar | null)[];
  caps?: [number, number, number][]; // [offset, id, next]
  secondaryBus?: number;
}

/** Config space of one function: 256 bytes plus BAR behaviour. */
class Func {
  cfg = new DataView(new ArrayBuffer(256));
  bars: (Bar | null)[];
  constructor(public f: Fn) {
    const c = this.cfg;
    c.setUint16(0, f.vendor, true);
    c.setUint16(2, f.device, true);
    c.setUint8(0x0b, f.cls >> 16); c.setUint8(0x0a, (f.cls >> 8) & 0xff); c.setUint8(0x09, f.cls & 0xff);
    c.setUint8(0x0e, f.header ?? 0);
    this.bars = f.bars ?? [];
    this.bars.forEach((b, i) => { if (b) this.writeBar(i, b.base); });
    if (f.caps?.length) {
      c.setUint16(6, 0x10, true);
      c.setUint8(0x34, f.caps[0][0]);
      for (const [off, id, next] of f.caps) { c.setUint8(off, id); c.setUint8(off + 1, next); }
    }
    if (f.secondaryBus !== undefined) c.setUint8(0x19, f.secondaryBus);
  }
  private barFlags(b: Bar): number { return b.io ? 1 : (b.is64 ? 4 : 0) | (b.prefetch ? 8 : 0); }
  writeBar(i: number, base: bigint): void {
    const b = this.bars[i];
    if (!b) return;
    const v = (base & ~(b.size - 1n)) & (b.is64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn);
    this.cfg.setUint32(0x10 + 4 * i, Number(v & 0xffff_fff0n) | this.barFlags(b), true);
    if (b.is64) this.cfg.setUint32(0x14 + 4 * i, Number(v >> 32n), true);
  }
  write32(off: number, v: number): void {
    if (off >= 0x10 && off < 0x28 && (this.f.header ?? 0) === 0) { this.writeBarReg((off - 0x10) >> 2, v >>> 0); return; }
    if (off < 4) return; // IDs are read-only
    this.cfg.setUint32(off, v >>> 0, true);
  }
  /** A BAR register write: only the base bits above the size stick (PCI 3.0 §6.2.5.1). */
  private writeBarReg(i: number, v: number): void {
    const b = this.bars[i];
    if (b) {
      const hi = b.is64 ? BigInt(this.cfg.getUint32(0x14 + 4 * i, true)) << 32n : 0n;
      this.writeBar(i, hi | (BigInt(v) & ~0xfn));
      return;
    }
    const prev = this.bars[i - 1];
    if (prev?.is64) this.cfg.setUint32(0x10 + 4 * i, Number(BigInt(v) & ~((prev.size - 1n) >> 32n) & 0xffff_ffffn), true);
    // otherwise an unimplemented BAR: reads 0
  }
}

function machine(fns: Record<string, Fn>) {
  const map = new Map<string, Func>();
  for (const [k, f] of Object.entries(fns)) map.set(k, new Func(f));
  let addr = 0;
  const at = () => map.get(`${(addr >> 16) & 0xff}:${(addr >> 11) & 0x1f}.${(addr >> 8) & 7}`);
  const log: string[] = [];
  const readCfg = (port: number, width: number) => {
    const f = at();
    const off = (addr & 0xfc) + (port - 0xcfc);
    if (!f || !(addr & 0x80000000)) return width === 4 ? 0xffffffff : width === 2 ? 0xffff : 0xff;
    return width === 4 ? f.cfg.getUint32(off, true) : width === 2 ? f.cfg.getUint16(off, true) : f.cfg.getUint8(off);
  };
  const writeCfg = (port: number, width: number, v: number) => {
    const f = at();
    if (!f) return;
    const off = (addr & 0xfc) + (port - 0xcfc);
    if (width === 4) f.write32(off, v);
    else if (width === 2) f.cfg.setUint16(off, v, true);
    else f.cfg.setUint8(off, v);
  };
  const hw: Record<string, (...a: never[]) => unknown> = {
    outl: (p: number, v: number) => { if (p === 0xcf8) addr = v >>> 0; else if (p >= 0xcfc) writeCfg(p, 4, v); },
    outw: (p: number, v: number) => writeCfg(p, 2, v & 0xffff),
    outb: (p: number, v: number) => { if (p >= 0xcfc && p < 0xd00) writeCfg(p, 1, v & 0xff); else log.push(String.fromCharCode(v)); },
    inl: (p: number) => readCfg(p, 4) >>> 0,
    inw: (p: number) => readCfg(p, 2),
    inb: (p: number) => (p === 0x3fd ? 0x60 : readCfg(p, 1)),
    rdtsc: () => 0n, cpuid: () => {}, pause: () => {}, mfence: () => {},
    backtrace: () => {},
    poweroff: (c: number) => { throw new Error(`poweroff ${c}: ${log.join('')}`); },
  };
  for (const n of ['mmioRead8', 'mmioRead16', 'mmioRead32', 'mmioWrite8', 'mmioWrite16', 'mmioWrite32', 'mmioRead64', 'mmioWrite64'])
    hw[n] = () => { throw new Error(`unexpected ${n}`); };
  const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm), { hw, env: { abort: () => { throw new Error('abort'); } } });
  return { k: inst.exports as Record<string, any>, map };
}

const VIRTIO: Fn = {
  vendor: 0x1af4, device: 0x1009, cls: 0x000200,
  bars: [null, { base: 0xfebf1000n, size: 0x1000n }, null, null, { base: 0x8_0000_0000n, size: 0x4000n, is64: true, prefetch: true }],
  caps: [[0x40, 0x09, 0x50], [0x50, 0x09, 0x60], [0x60, 0x11, 0x00]],
};

function pcMachine() {
  return machine({
    '0:0.0': { vendor: 0x8086, device: 0x1237, cls: 0x060000 },
    '0:1.0': { vendor: 0x8086, device: 0x7000, cls: 0x060100, header: 0x80 },
    '0:1.1': { vendor: 0x8086, device: 0x7010, cls: 0x010180, bars: [null, null, null, null, { base: 0xc000n, size: 16n, io: true }] },
    '0:2.0': { vendor: 0x1234, device: 0x1111, cls: 0x030000, bars: [{ base: 0xfebfc000n, size: 0x4000n }, { base: 0xfebf8000n, size: 0x4000n }] },
    '0:3.0': VIRTIO,
    '0:3.1': { vendor: 0xdead, device: 0xbeef, cls: 0 }, // answers, but 0:3 is not multi-function
    '0:4.0': { vendor: 0x8086, device: 0x2448, cls: 0x060400, header: 1, secondaryBus: 1 },
    '1:0.0': { vendor: 0x1af4, device: 0x1049, cls: 0x000200, caps: [[0x40, 0x09, 0x48], [0x48, 0x09, 0x40]] },
  });
}

function list(k: Record<string, any>) {
  const n = k.scan();
  return Array.from({ length: n }, (_, i) => `${k.devBus(i)}:${k.devSlot(i)}.${k.devFn(i)} ${k.devVendor(i).toString(16)}:${k.devDevice(i).toString(16)}`);
}

describe('PCI enumeration', () => {
  it('finds bus 0, functions of multi-function devices only, and the bus behind a bridge', () => {
    const { k } = pcMachine();
    expect(list(k)).toEqual([
      '0:0.0 8086:1237', '0:1.0 8086:7000', '0:1.1 8086:7010', '0:2.0 1234:1111', '0:3.0 1af4:1009',
      '0:4.0 8086:2448', '1:0.0 1af4:1049',
    ]);
    expect(k.devClass(2)).toBe(0x010180);
  });
});

describe('BARs', () => {
  it('decodes and sizes I/O, 32-bit and 64-bit memory BARs, and restores them', () => {
    const { k, map } = pcMachine();
    k.scan();
    expect(k.barProbe(2, 4)).toBe(1); // I/O
    expect(BigInt(k.barBase())).toBe(0xc000n);
    expect(BigInt(k.barSize())).toBe(16n);
    expect(k.barProbe(4, 1)).toBe(2); // mem32
    expect(BigInt(k.barBase())).toBe(0xfebf1000n);
    expect(BigInt(k.barSize())).toBe(0x1000n);
    expect(k.barProbe(4, 4)).toBe(3); // mem64
    expect(BigInt.asUintN(64, k.barBase())).toBe(0x8_0000_0000n);
    expect(BigInt(k.barSize())).toBe(0x4000n);
    expect(k.barPrefetch()).toBe(1);
    expect(k.barProbe(4, 0)).toBe(0); // unimplemented
    const cfg = map.get('0:3.0')!.cfg;
    expect(cfg.getUint32(0x20, true)).toBe(0x0000000c); // BAR4 low: base bits 0 + 64-bit prefetchable flags
    expect(cfg.getUint32(0x24, true)).toBe(8); // BAR4 high: 0x8_0000_0000 >> 32
  });

  it('moves a BAR above 4 GiB to the highest free slot of the PCI hole, leaves low ones alone', () => {
    const { k, map } = pcMachine();
    k.scan();
    expect(k.barLow(4, 4)).toBe(1);
    expect(BigInt(k.barBase())).toBe(0xfebf4000n); // 0xfebfc000 and 0xfebf8000 are taken by 0:2.0
    const cfg = map.get('0:3.0')!.cfg;
    expect(cfg.getUint32(0x20, true)).toBe(0xfebf400c);
    expect(cfg.getUint32(0x24, true)).toBe(0);
    expect(k.barLow(4, 1)).toBe(1);
    expect(BigInt(k.barBase())).toBe(0xfebf1000n);
    expect(k.barLow(2, 4)).toBe(0); // an I/O BAR is not a memory BAR
  });
});

describe('capabilities', () => {
  it('walks the list by ID, continuing after a given capability', () => {
    const { k } = pcMachine();
    k.scan();
    expect(k.devFindCap(4, 0x09, 0)).toBe(0x40);
    expect(k.devFindCap(4, 0x09, 0x40)).toBe(0x50);
    expect(k.devFindCap(4, 0x09, 0x50)).toBe(0);
    expect(k.devFindCap(4, 0x11, 0)).toBe(0x60);
    expect(k.devFindCap(0, 0x09, 0)).toBe(0); // no capability list
  });

  it('a looping list ends instead of hanging', () => {
    const { k } = pcMachine();
    k.scan();
    expect(k.devFindCap(6, 0x09, 0)).toBe(0x40);
    expect(k.devFindCap(6, 0x05, 0)).toBe(0);
  });
});
