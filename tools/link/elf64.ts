// ELF64 static executable writer for the Linux user-space target
// (tools/aot/linux). One PT_LOAD segment (RWX: code and data of the blob, then
// zero-filled bss), a PT_GNU_STACK header (non-executable stack), and section
// headers (.text, .bss, .symtab, .strtab, .shstrtab) so that `objdump -d`
// shows function names. Layout (System V gABI, ELF-64 Object File Format 1.5):
//
//   file offset 0       ELF header (64 bytes)
//               64      program headers (2 x 56 bytes)
//               0x1000  code (loaded at `base`, so p_offset ≡ p_vaddr mod 4 KiB)
//               ...     .symtab, .strtab, .shstrtab, section headers

export interface Elf64Symbol { name: string; offset: number; size: number }

export interface Elf64ExecOptions {
  /** Virtual address of code byte 0 (a multiple of 4 KiB, e.g. 0x400000). */
  base: number;
  code: Uint8Array;
  /** Zero-filled bytes after the code in the same segment. */
  bssSize: number;
  /** Entry point as an offset into `code`. */
  entry: number;
  /** Function symbols, offsets relative to code byte 0. */
  symbols: Elf64Symbol[];
}

export class Elf64Error extends Error {
  constructor(readonly code: 'invalid', message: string) {
    super(`elf64 [${code}]: ${message}`);
    this.name = 'Elf64Error';
  }
}

const EHDR = 64, PHDR = 56, SHDR = 64, SYM = 24;
const CODE_OFF = 0x1000;
const PT_LOAD = 1, PT_GNU_STACK = 0x6474e551;
const PF_X = 1, PF_W = 2, PF_R = 4;
const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const STT_FUNC = 2, STB_GLOBAL = 1;

/** A string table: offsets of NUL-terminated names (offset 0 is the empty name). */
class StrTab {
  private parts: Uint8Array[] = [new Uint8Array(1)];
  size = 1;
  add(s: string): number {
    const b = new TextEncoder().encode(s + '\0');
    const off = this.size;
    this.parts.push(b);
    this.size += b.length;
    return off;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let p = 0;
    for (const b of this.parts) { out.set(b, p); p += b.length; }
    return out;
  }
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Builds the executable. Returns the file bytes. */
export function writeElf64Exec(o: Elf64ExecOptions): Uint8Array {
  if (o.base % 0x1000 !== 0) throw new Elf64Error('invalid', `base 0x${o.base.toString(16)} is not 4 KiB aligned`);
  if (o.entry < 0 || o.entry >= o.code.length) throw new Elf64Error('invalid', `entry offset ${o.entry} outside code (${o.code.length} bytes)`);
  const strtab = new StrTab();
  const shstr = new StrTab();
  const syms = [...o.symbols].sort((a, b) => a.offset - b.offset);
  const symOff = align(CODE_OFF + o.code.length, 8);
  const symSize = SYM * (syms.length + 1);
  const symNames = syms.map((s) => strtab.add(s.name));
  const strOff = symOff + symSize;
  const sections = [
    { name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR | SHF_WRITE, addr: o.base, off: CODE_OFF, size: o.code.length, link: 0, info: 0, align: 16, entsize: 0 },
    { name: '.bss', type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE, addr: o.base + o.code.length, off: CODE_OFF + o.code.length, size: o.bssSize, link: 0, info: 0, align: 1, entsize: 0 },
    { name: '.symtab', type: SHT_SYMTAB, flags: 0, addr: 0, off: symOff, size: symSize, link: 4, info: 1, align: 8, entsize: SYM },
    { name: '.strtab', type: SHT_STRTAB, flags: 0, addr: 0, off: strOff, size: strtab.size, link: 0, info: 0, align: 1, entsize: 0 },
  ];
  const shNames = sections.map((s) => shstr.add(s.name));
  const shstrName = shstr.add('.shstrtab');
  const shstrOff = strOff + strtab.size;
  const shOff = align(shstrOff + shstr.size, 8);
  const nsec = sections.length + 2; // + null + .shstrtab
  const file = new Uint8Array(shOff + SHDR * nsec);
  const dv = new DataView(file.buffer);
  writeEhdr(dv, o.base + o.entry, shOff, nsec);
  writePhdrs(dv, o);
  file.set(o.code, CODE_OFF);
  syms.forEach((s, i) => writeSym(dv, symOff + SYM * (i + 1), symNames[i]!, o.base + s.offset, s.size));
  file.set(strtab.bytes(), strOff);
  file.set(shstr.bytes(), shstrOff);
  sections.forEach((s, i) => writeShdr(dv, shOff + SHDR * (i + 1), { ...s, nameOff: shNames[i]! }));
  writeShdr(dv, shOff + SHDR * (nsec - 1), { nameOff: shstrName, type: SHT_STRTAB, flags: 0, addr: 0, off: shstrOff, size: shstr.size, link: 0, info: 0, align: 1, entsize: 0 });
  return file;
}

function writeEhdr(dv: DataView, entry: number, shOff: number, nsec: number): void {
  const ident = [0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* LSB */, 1 /* EV_CURRENT */, 0 /* SYSV */];
  ident.forEach((b, i) => dv.setUint8(i, b));
  dv.setUint16(16, 2, true);        // e_type ET_EXEC
  dv.setUint16(18, 62, true);       // e_machine EM_X86_64
  dv.setUint32(20, 1, true);        // e_version
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(EHDR), true); // e_phoff
  dv.setBigUint64(40, BigInt(shOff), true);
  dv.setUint32(48, 0, true);        // e_flags
  dv.setUint16(52, EHDR, true);
  dv.setUint16(54, PHDR, true);
  dv.setUint16(56, 2, true);        // e_phnum
  dv.setUint16(58, SHDR, true);
  dv.setUint16(60, nsec, true);
  dv.setUint16(62, nsec - 1, true); // e_shstrndx: .shstrtab is last
}

function writePhdrs(dv: DataView, o: Elf64ExecOptions): void {
  const p = EHDR;
  dv.setUint32(p, PT_LOAD, true);
  dv.setUint32(p + 4, PF_R | PF_W | PF_X, true);
  dv.setBigUint64(p + 8, BigInt(CODE_OFF), true);
  dv.setBigUint64(p + 16, BigInt(o.base), true);
  dv.setBigUint64(p + 24, BigInt(o.base), true);
  dv.setBigUint64(p + 32, BigInt(o.code.length), true);
  dv.setBigUint64(p + 40, BigInt(o.code.length + o.bssSize), true);
  dv.setBigUint64(p + 48, 0x1000n, true);
  const q = EHDR + PHDR;
  dv.setUint32(q, PT_GNU_STACK, true);
  dv.setUint32(q + 4, PF_R | PF_W, true);
  dv.setBigUint64(q + 48, 16n, true);
}

function writeSym(dv: DataView, at: number, name: number, value: number, size: number): void {
  dv.setUint32(at, name, true);
  dv.setUint8(at + 4, (STB_GLOBAL << 4) | STT_FUNC);
  dv.setUint8(at + 5, 0);           // st_other: default visibility
  dv.setUint16(at + 6, 1, true);    // st_shndx: .text
  dv.setBigUint64(at + 8, BigInt(value), true);
  dv.setBigUint64(at + 16, BigInt(size), true);
}

interface Shdr { nameOff: number; type: number; flags: number; addr: number; off: number; size: number; link: number; info: number; align: number; entsize: number }

function writeShdr(dv: DataView, at: number, s: Shdr): void {
  dv.setUint32(at, s.nameOff, true);
  dv.setUint32(at + 4, s.type, true);
  dv.setBigUint64(at + 8, BigInt(s.flags), true);
  dv.setBigUint64(at + 16, BigInt(s.addr), true);
  dv.setBigUint64(at + 24, BigInt(s.off), true);
  dv.setBigUint64(at + 32, BigInt(s.size), true);
  dv.setUint32(at + 40, s.link, true);
  dv.setUint32(at + 44, s.info, true);
  dv.setBigUint64(at + 48, BigInt(s.align), true);
  dv.setBigUint64(at + 56, BigInt(s.entsize), true);
}
