// ELF32 executable writer for the kernel image (System V ABI, "ELF-32 Object
// File Format" 1.2: §1 ELF header, §2 program header, sections, symbols).
//
// The image is ELF32/EM_386 because QEMU's multiboot loader refuses ELF64; it
// holds 64-bit code all the same. File layout:
//
//   0x0000  ELF header (52 bytes) + program headers (32 bytes each)
//   0x1000  bytes of each segment with filesz > 0 (offset = paddr mod 0x1000
//           rounded up in order), so the multiboot header that opens the first
//           such segment lies inside the file's first 8 KiB (Multiboot §3.1.1)
//   ....    .symtab, .strtab, .shstrtab, then the section header table
//
// Sections exist for tools only (objdump/gdb): `.text` for the executable part
// (or `textRange`), `.data` for other file bytes, a NOBITS section for each
// memsz > filesz tail.

export const PF_X = 1, PF_W = 2, PF_R = 4;

export interface ElfSegment {
  paddr: number;
  bytes: Uint8Array;
  memsz: number;
  flags: number;
  /** Name of the NOBITS section for the zero-filled tail (default `.bss`). */
  bssName?: string;
}
export interface ElfSymbol { name: string; addr: number; size: number }
export interface Elf32Input {
  entry: number;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
  /** The executable address range inside a segment: `.text`; the rest of that segment's bytes become `.data`. */
  textRange?: [number, number];
}

export class ElfError extends Error {
  constructor(readonly code: 'invalid', message: string) {
    super(`elf32 [${code}]: ${message}`);
    this.name = 'ElfError';
  }
}

const EHSIZE = 52, PHENTSIZE = 32, SHENTSIZE = 40, SYMSIZE = 16;
const PT_LOAD = 1;
const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const STB_GLOBAL = 1, STT_OBJECT = 1, STT_FUNC = 2;
const PAGE = 0x1000;

interface Section {
  name: string; type: number; flags: number; addr: number;
  offset: number; size: number; link: number; info: number; align: number; entsize: number;
}

/** A growing string table (index 0 is the empty string). */
class StrTab {
  private parts: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;
  private seen = new Map<string, number>();
  add(s: string): number {
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    const b = new TextEncoder().encode(s + '\0');
    const at = this.size;
    this.parts.push(b);
    this.size += b.length;
    this.seen.set(s, at);
    return at;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

function checkInput(o: Elf32Input): void {
  for (const s of o.segments) {
    if (s.memsz < s.bytes.length) throw new ElfError('invalid', `segment at 0x${s.paddr.toString(16)}: memsz < filesz`);
    if (s.paddr < 0 || s.paddr + s.memsz > 0x1_0000_0000) {
      throw new ElfError('invalid', `segment at 0x${s.paddr.toString(16)} does not fit in 32 bits`);
    }
  }
}

/** Places each segment's file bytes; returns their file offsets and the end of the data. */
function placeSegments(segs: ElfSegment[]): { offsets: number[]; end: number } {
  let off = PAGE;
  const offsets = segs.map((s) => {
    if (s.bytes.length === 0) return 0;
    const at = alignUp(off - (s.paddr % PAGE), PAGE) + (s.paddr % PAGE);
    off = at + s.bytes.length;
    return at;
  });
  return { offsets, end: off };
}

/** Derives the tool-only sections (text/data/bss) from the segments. */
function loadSections(o: Elf32Input, offsets: number[]): Section[] {
  const out: Section[] = [];
  const sec = (name: string, type: number, flags: number, addr: number, offset: number, size: number): void => {
    if (size > 0) out.push({ name, type, flags, addr, offset, size, link: 0, info: 0, align: 16, entsize: 0 });
  };
  o.segments.forEach((s, i) => {
    const fl = s.bytes.length, a = s.paddr, off = offsets[i];
    const w = s.flags & PF_W ? SHF_WRITE : 0;
    const tr = o.textRange;
    if (tr && tr[0] >= a && tr[1] <= a + fl) {
      sec('.data', SHT_PROGBITS, SHF_ALLOC | w, a, off, tr[0] - a);
      sec('.text', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR | w, tr[0], off + tr[0] - a, tr[1] - tr[0]);
      sec('.data', SHT_PROGBITS, SHF_ALLOC | w, tr[1], off + tr[1] - a, a + fl - tr[1]);
    } else if (!tr && s.flags & PF_X) {
      sec('.text', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR | w, a, off, fl);
    } else {
      sec('.data', SHT_PROGBITS, SHF_ALLOC | w, a, off, fl);
    }
    sec(s.bssName ?? '.bss', SHT_NOBITS, SHF_ALLOC | SHF_WRITE, a + fl, off + fl, s.memsz - fl);
  });
  return out;
}

/** Symbol table bytes; each symbol points at the section holding its address (else SHN_ABS). */
function symbolTable(syms: ElfSymbol[], secs: Section[], strtab: StrTab): Uint8Array {
  const b = new Uint8Array((syms.length + 1) * SYMSIZE);
  const v = new DataView(b.buffer);
  syms.forEach((s, i) => {
    const o = (i + 1) * SYMSIZE;
    const si = secs.findIndex((x) => s.addr >= x.addr && s.addr < x.addr + x.size);
    const exec = si >= 0 && (secs[si].flags & SHF_EXECINSTR) !== 0;
    v.setUint32(o, strtab.add(s.name), true);
    v.setUint32(o + 4, s.addr >>> 0, true);
    v.setUint32(o + 8, s.size >>> 0, true);
    b[o + 12] = (STB_GLOBAL << 4) | (exec ? STT_FUNC : STT_OBJECT);
    v.setUint16(o + 14, si >= 0 ? si + 1 : 0xfff1, true);
  });
  return b;
}

function writeHeader(v: DataView, o: Elf32Input, phnum: number, shoff: number, shnum: number): void {
  const b = new Uint8Array(v.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* LSB */, 1 /* EV_CURRENT */], 0);
  v.setUint16(16, 2, true);            // ET_EXEC
  v.setUint16(18, 3, true);            // EM_386
  v.setUint32(20, 1, true);            // e_version
  v.setUint32(24, o.entry >>> 0, true);
  v.setUint32(28, EHSIZE, true);       // e_phoff
  v.setUint32(32, shoff, true);
  v.setUint16(40, EHSIZE, true);
  v.setUint16(42, PHENTSIZE, true);
  v.setUint16(44, phnum, true);
  v.setUint16(46, SHENTSIZE, true);
  v.setUint16(48, shnum, true);
  v.setUint16(50, shnum - 1, true);    // .shstrtab is last
}

/** Writes an ELF32 ET_EXEC image: one PT_LOAD per segment (p_vaddr = p_paddr), sections and symbols for tools. */
export function writeElf32(o: Elf32Input): Uint8Array {
  checkInput(o);
  const { offsets, end } = placeSegments(o.segments);
  const secs = loadSections(o, offsets);
  const strtab = new StrTab();
  const symtab = symbolTable(o.symbols, secs, strtab);
  const strBytes = strtab.bytes();
  const shstr = new StrTab();
  const symOff = alignUp(end, 4);
  const strOff = symOff + symtab.length;
  const shstrtabOff = strOff + strBytes.length;
  const symIdx = secs.length + 1;
  secs.push({ name: '.symtab', type: SHT_SYMTAB, flags: 0, addr: 0, offset: symOff, size: symtab.length,
    link: symIdx + 1, info: 1, align: 4, entsize: SYMSIZE });
  secs.push({ name: '.strtab', type: SHT_STRTAB, flags: 0, addr: 0, offset: strOff, size: strBytes.length,
    link: 0, info: 0, align: 1, entsize: 0 });
  const names = secs.map((s) => shstr.add(s.name));
  const shstrName = shstr.add('.shstrtab');
  const shstrBytes = shstr.bytes();
  const shoff = alignUp(shstrtabOff + shstrBytes.length, 4);
  const shnum = secs.length + 2;       // null + sections + .shstrtab
  const out = new Uint8Array(shoff + shnum * SHENTSIZE);
  const v = new DataView(out.buffer);
  writeHeader(v, o, o.segments.length, shoff, shnum);
  o.segments.forEach((s, i) => {
    const p = EHSIZE + i * PHENTSIZE;
    const f = [PT_LOAD, offsets[i], s.paddr, s.paddr, s.bytes.length, s.memsz, s.flags, PAGE];
    f.forEach((x, k) => v.setUint32(p + 4 * k, x >>> 0, true));
    out.set(s.bytes, offsets[i]);
  });
  out.set(symtab, symOff);
  out.set(strBytes, strOff);
  out.set(shstrBytes, shstrtabOff);
  secs.push({ name: '.shstrtab', type: SHT_STRTAB, flags: 0, addr: 0, offset: shstrtabOff,
    size: shstrBytes.length, link: 0, info: 0, align: 1, entsize: 0 });
  names.push(shstrName);
  secs.forEach((s, i) => {
    const p = shoff + (i + 1) * SHENTSIZE;
    const f = [names[i], s.type, s.flags, s.addr, s.offset, s.size, s.link, s.info, s.align, s.entsize];
    f.forEach((x, k) => v.setUint32(p + 4 * k, x >>> 0, true));
  });
  return out;
}
