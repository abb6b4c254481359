// drivers/virtio under Node: the `virtio_mmio.device=<size>@<base>[:<irq>]`
// parser (outside input: table cases and a random-input fuzz loop), the
// driver table by device ID, and the virtio-mmio transport (virtio 1.2
// §4.2.2-3) against a JS model of a device's registers. Real devices:
// test/volumes on -M microvm (virtio-mmio) and -M pc (virtio-pci).
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAs, instantiate, lowerString } from '../kernel/harness.ts';

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { wasm = (await compileAs('test/drivers/as/virtio.ts', ['--exportRuntime'])).wasm; }, 90_000);

/** A virtio-mmio device's registers (§4.2.2), at `base`. */
class MmioDev {
  regs = new Map<number, number>();
  devSel = 0; drvSel = 0; qsel = 0;
  driverFeatures = [0, 0];
  status = 0;
  notified: number[] = [];
  queues = new Map<number, Record<string, number>>();
  constructor(public base: bigint, public o: { version: number; id: number; features: bigint; qmax: number; tag?: string }) {}
  read(off: number, width: number): number {
    const o = this.o;
    if (off >= 0x100) { // config: tag_len u16 | tag
      const tag = Buffer.from(o.tag ?? '');
      const cfg = Buffer.concat([Buffer.from([tag.length & 0xff, tag.length >> 8]), tag, Buffer.alloc(8)]);
      return width === 1 ? cfg[off - 0x100] : width === 2 ? cfg.readUInt16LE(off - 0x100) : cfg.readUInt32LE(off - 0x100);
    }
    switch (off) {
      case 0x000: return 0x74726976;
      case 0x004: return o.version;
      case 0x008: return o.id;
      case 0x010: return Number((o.features >> BigInt(32 * this.devSel)) & 0xffffffffn);
      case 0x034: return this.qsel === 0 ? o.qmax : 0;
      case 0x044: return this.queues.get(this.qsel)?.ready ?? 0;
      case 0x060: return 3;
      case 0x070: return this.status;
      case 0x0fc: return 0;
      default: throw new Error(`read of register ${off.toString(16)}`);
    }
  }
  write(off: number, v: number): void {
    const q = () => { if (!this.queues.has(this.qsel)) this.queues.set(this.qsel, {}); return this.queues.get(this.qsel)!; };
    switch (off) {
      case 0x014: this.devSel = v; break;
      case 0x024: this.drvSel = v; break;
      case 0x020: this.driverFeatures[this.drvSel] = v; break;
      case 0x030: this.qsel = v; break;
      case 0x038: q().num = v; break;
      case 0x044: q().ready = v; break;
      case 0x050: this.notified.push(v); break;
      case 0x064: this.regs.set(0x64, v); break;
      case 0x070: {
        const want = (BigInt(this.driverFeatures[1] >>> 0) << 32n) | BigInt(this.driverFeatures[0] >>> 0);
        if ((v & 8) && (want & ~this.o.features) !== 0n) v &= ~8; // FEATURES_OK refused (§2.2.2)
        this.status = v === 0 ? 0 : v;
        if (v === 0) this.driverFeatures = [0, 0];
        break;
      }
      case 0x080: case 0x084: case 0x090: case 0x094: case 0x0a0: case 0x0a4: q()[`r${off.toString(16)}`] = v >>> 0; break;
      default: throw new Error(`write of register ${off.toString(16)}`);
    }
  }
}

function withDevices(devs: MmioDev[]) {
  const find = (a: bigint) => {
    const d = devs.find((x) => a >= x.base && a < x.base + 0x200n);
    return d ? { d, off: Number(a - d.base) } : null;
  };
  const { machine } = instantiate(wasm);
  const imports = machine.imports() as { hw: Record<string, unknown> };
  const rd = (w: number) => (a: bigint) => { const f = find(a); return f ? f.d.read(f.off, w) : 0; };
  const wr = (a: bigint, v: number) => { const f = find(a); if (f) f.d.write(f.off, v); };
  Object.assign(imports.hw, { mmioRead8: rd(1), mmioRead16: rd(2), mmioRead32: rd(4), mmioWrite8: wr, mmioWrite16: wr, mmioWrite32: wr });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), imports as WebAssembly.Imports);
  machine.memory = instance.exports.memory as WebAssembly.Memory;
  return instance.exports as Record<string, any>;
}

interface Spec { size: number; base: bigint; irq: number }
function parse(k: Record<string, any>, s: string): Spec | null {
  const mem = k.memory as WebAssembly.Memory;
  const out = k.alloc(16) as number;
  const r = k.specParse(lowerString(k, mem, s), out);
  if (r < 0) return null;
  const v = new DataView(mem.buffer);
  return { size: v.getUint32(out, true), base: v.getBigUint64(out + 4, true), irq: v.getInt32(out + 12, true) };
}

describe('virtio_mmio.device= values (Linux syntax <size>@<base>[:<irq>])', () => {
  it('accepts what QEMU and Linux write; refuses the malformed, one by one', () => {
    const k = withDevices([]);
    expect(parse(k, '512@0xfeb00e00:12')).toEqual({ size: 512, base: 0xfeb00e00n, irq: 12 });
    expect(parse(k, '4K@0xd0000000')).toEqual({ size: 4096, base: 0xd0000000n, irq: -1 });
    expect(parse(k, '512@4272947200:5')).toEqual({ size: 512, base: 0xfeb00000n, irq: 5 });
    for (const bad of ['', '512', '@0x1000', '512@', '512@0xzz', '0@0x1000', '512@0', '512@0x100000000', '512@0xffffff00',
      '2M@0x1000', '512@0x1000:', '512@0x1000:256', '512@0x1000:-1', '99999999999999999999999@0x1000', '0x@0x1000',
      '512@0x1000:12:3', '512@@0x1000']) {
      expect(parse(k, bad), bad).toBeNull();
    }
  });

  it('fuzz: 3000 random values never trap; every accepted one prints and parses back the same', () => {
    const k = withDevices([]);
    let seed = 13;
    const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    const alphabet = '0123456789xXaAfFkK@:-';
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const len = rnd(16);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)];
      if (rnd(2)) s = `${rnd(5000)}@0x${rnd(0xfffff).toString(16)}${rnd(2) ? `:${rnd(300)}` : s}`;
      const r = parse(k, s);
      if (r === null) continue;
      accepted++;
      const again = parse(k, `${r.size}@0x${r.base.toString(16)}${r.irq >= 0 ? `:${r.irq}` : ''}`);
      expect(again, s).toEqual(r);
      expect(r.size).toBeGreaterThan(0);
      expect(r.base + BigInt(r.size)).toBeLessThanOrEqual(0x100000000n);
    }
    expect(accepted).toBeGreaterThan(300); // the loop reaches the accepting paths, not only refusals
  });
});

describe('the driver table', () => {
  it('the first driver registered for an ID gets its devices; unknown IDs have none', () => {
    expect(withDevices([]).registryCall(9)).toBe(1);
    expect(withDevices([]).registryCall(1)).toBe(2);
    expect(withDevices([]).registryCall(2)).toBe(-1);
  });
});

describe('virtio-mmio transport (§4.2)', () => {
  const VERSION_1 = 1n << 32n;
  const base = 0xfeb02e00n;

  it('tells an empty slot, a legacy and a modern device apart', () => {
    const k = withDevices([
      new MmioDev(0xfeb00000n, { version: 2, id: 0, features: 0n, qmax: 0 }),
      new MmioDev(0xfeb00200n, { version: 1, id: 9, features: 0n, qmax: 0 }),
      new MmioDev(0xfeb00400n, { version: 2, id: 9, features: VERSION_1, qmax: 0 }),
    ]);
    expect(k.mmioVersion(0xfeb00000n)).toBe(0);
    expect(k.mmioVersion(0xfeb00200n)).toBe(1);
    expect(k.mmioVersion(0xfeb00400n)).toBe(2);
    expect(k.mmioVersion(0xfeb00600n)).toBe(0); // nothing there: the magic is missing
  });

  it('negotiates: features it wants & offered, VERSION_1 always; status ACK|DRIVER|FEATURES_OK', () => {
    const d = new MmioDev(base, { version: 2, id: 9, features: VERSION_1 | 1n | 32n, qmax: 128, tag: 'fs0' });
    const k = withDevices([d]);
    expect(k.mmioNegotiate(base, 1n | (1n << 40n))).toBe(0);
    expect(k.mmioFeatures()).toBe(VERSION_1 | 1n);
    expect(k.mmioDeviceId()).toBe(9);
    expect(d.status).toBe(1 | 2 | 8);
    expect(d.driverFeatures).toEqual([1, 1]);
    expect(k.mmioCfg16(0)).toBe(3);
  });

  it('a device without VERSION_1 is refused (-ENODEV) and marked FAILED', () => {
    const d = new MmioDev(base, { version: 2, id: 9, features: 1n, qmax: 128 });
    const k = withDevices([d]);
    expect(k.mmioNegotiate(base, 1n)).toBe(-19);
    expect(d.status & 128).toBe(128);
  });

  it('sets up a queue: a power of two <= both limits, the three areas, ready; notify writes the index', () => {
    const d = new MmioDev(base, { version: 2, id: 9, features: VERSION_1, qmax: 100 });
    const k = withDevices([d]);
    expect(k.mmioNegotiate(base, 0n)).toBe(0);
    expect(k.mmioQueue(1, 128)).toBe(0); // no queue 1 (QueueNumMax 0)
    expect(k.mmioQueue(0, 128)).toBe(64);
    const q = d.queues.get(0)!;
    expect(q.num).toBe(64);
    expect(q.ready).toBe(1);
    expect([q.r80, q.r84, q.r90, q.r94, q.ra0, q.ra4]).toEqual([k.queueDesc(), 0, k.queueAvail(), 0, k.queueUsed(), 0]);
    expect(q.r80 % 16).toBe(0);
    k.mmioNotify();
    expect(d.notified).toEqual([0]);
    expect(k.mmioIsr()).toBe(3);
    expect(d.regs.get(0x64)).toBe(3); // acknowledged
  });
});
