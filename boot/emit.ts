// Small helpers shared by the stub's emitters: a pool of NUL-terminated
// strings emitted once after the code, and addressing of the bss.

import { type Assembler, type Label, type Mem, type MemSize, ripMem } from '../tools/x86/index.ts';

/** Context passed to every part of the stub. */
export interface StubCtx {
  asm: Assembler;
  /** `bss_start`: page-aligned, bound by the linker after the compiled code. */
  bss: Label;
  strings: StringPool;
  /** Address of the end of the early heap (H0): `mem_pages` = H0 >> 16. */
  heapEnd: number;
  /** Bytes of the embedded initrd loaded at bss_start + BSS.size (0: none). */
  einitrdSize: number;
  /** image_end as an offset from bss_start: the end of the bss, or of the page-rounded einitrd. */
  imageEndOff: number;
}

/** [bss_start + off] (64-bit: RIP-relative; 32-bit: absolute). */
export function bssMem(c: StubCtx, off: number, size?: MemSize): Mem {
  return ripMem(c.bss, off, size);
}

/** [rip + the pooled string s] (lea it to get a C-string pointer). */
export function strMem(c: StubCtx, s: string): Mem {
  return ripMem(c.strings.get(s));
}

/** NUL-terminated ASCII strings, deduplicated, emitted together by `flush`. */
export class StringPool {
  private labels = new Map<string, Label>();
  constructor(private asm: Assembler) {}
  /** The label of `s` (emitted later by `flush`). */
  get(s: string): Label {
    let l = this.labels.get(s);
    if (!l) {
      l = this.asm.label();
      this.labels.set(s, l);
    }
    return l;
  }
  flush(): void {
    for (const [s, l] of this.labels) {
      this.asm.bind(l);
      for (let i = 0; i < s.length; i++) this.asm.u8(s.charCodeAt(i) & 0x7f);
      this.asm.u8(0);
    }
    this.labels.clear();
  }
}
