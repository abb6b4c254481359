// buildKernelElf: the whole path from a kernel .wasm to a bootable ELF32
// (decode -> H0 from the declared memory -> linkKernel with the compiler).

import { decodeModule } from '../wasm/index.ts';
import { CodeMap, compileModule } from '../aot/index.ts';
import { type LinkResult, linkKernel } from './link.ts';

/** The module's initial memory in pages (defined or imported memory 0); 0 if it has none. */
function initialPagesOf(m: ReturnType<typeof decodeModule>): number {
  if (m.memories.length > 0) return m.memories[0].limits.min;
  for (const imp of m.imports) if (imp.desc.kind === 'memory') return imp.desc.memory.limits.min;
  return 0;
}

export interface KernelBuildOptions {
  /** An embedded initrd (CPIO): loaded after the bss; the kernel sees it as multiboot module "embedded". */
  einitrd?: Uint8Array;
  /** Lock the einitrd as `/` (see LinkInput.locked). */
  locked?: boolean;
  /**
   * Wasm offset -> "file:line" (asc's source map, tools/image/srcmap.ts):
   * the image then carries `bt_lines` for the functions outside the package
   * (names not under ~lib/), and a backtrace names the line of each frame.
   */
  sourceMap?: { where(offset: number): string | null };
}

/** decodeModule -> layout -> boot stub -> compileModule(target 'kernel') -> ELF32. */
export function buildKernelElf(wasm: Uint8Array, opts: KernelBuildOptions = {}): LinkResult {
  const t0 = performance.now();
  const m = decodeModule(wasm);
  const decodeMs = performance.now() - t0;
  const r = linkKernel({
    initialPages: initialPagesOf(m),
    einitrd: opts.einitrd,
    locked: opts.locked,
    emitKernel: (asm) => {
      if (!opts.sourceMap) return compileModule(m, asm, { target: 'kernel' });
      const map = opts.sourceMap;
      const codeMap = new CodeMap((i) => !(m.names.functions.get(i) ?? '~lib/').startsWith('~lib/'));
      const r = compileModule(m, asm, { target: 'kernel', codeMap });
      return { ...r, lines: codeMap.entries.map((e) => ({ code: e.code, text: e.pos < 0 ? null : map.where(e.pos) })) };
    },
  });
  r.stats.decodeMs = decodeMs;
  r.stats.totalMs += decodeMs;
  return r;
}
