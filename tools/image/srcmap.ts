// tools/image/srcmap.ts — asc's source map (`--sourceMap`, Source Map v3 as
// Binaryen writes it for Wasm: one generated line whose columns are byte
// offsets in the module) read back, so the image can name file:line:
// `where(offset)` gives "app.ts:12:5" (`line`: "app.ts:12") for the app's own sources and null for
// the package's (~lib/…) and the generated entry. tools/link puts the
// answers in the image (boot/backtrace.ts emitLineTable); tools/aot says
// which offset each code address came from (tools/aot/srcmap.ts).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export class SourceMapError extends Error {
  constructor(message: string) { super(`source map: ${message}`); this.name = 'SourceMapError'; }
}

/** One mapping: generated offset, source index, line and column (0-based). */
interface Mapping { at: number; src: number; line: number; col: number }

/** Decodes a segment's base64 VLQ fields (Source Map v3 §"mappings"). */
function vlqFields(seg: string): number[] {
  const out: number[] = [];
  let v = 0, shift = 0;
  for (const ch of seg) {
    const d = B64.indexOf(ch);
    if (d < 0) throw new SourceMapError(`bad character '${ch}' in mappings`);
    v += (d & 31) * 2 ** shift;
    if (d & 32) { shift += 5; if (shift > 30) throw new SourceMapError('VLQ value too long'); continue; }
    out.push(v % 2 === 1 ? -Math.floor(v / 2) : Math.floor(v / 2));
    v = 0; shift = 0;
  }
  if (shift !== 0) throw new SourceMapError('mappings end inside a VLQ value');
  return out;
}

function decodeMappings(text: string, nSources: number): Mapping[] {
  const out: Mapping[] = [];
  const s = { at: 0, src: 0, line: 0, col: 0 };
  for (const line of text.split(';')) { // Wasm: everything is on generated line 1
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const f = vlqFields(seg);
      s.at += f[0];
      if (f.length < 4) continue;
      s.src += f[1]; s.line += f[2]; s.col += f[3];
      if (s.src < 0 || s.src >= nSources || s.line < 0 || s.col < 0 || s.at < 0) throw new SourceMapError('a mapping points outside its sources');
      out.push({ ...s });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The app's own sources: not the package (~lib/…) nor the generated entry (.asuk/…). */
function ownSource(path: string): boolean {
  return !path.startsWith('~lib/') && !/(^|\/)\.asuk\//.test(path);
}

export class SourceMap {
  private readonly maps: Mapping[];
  private readonly sources: string[];

  /** Parses asc's `.wasm.map` JSON; throws SourceMapError naming what is wrong. */
  constructor(json: string) {
    let v: { sources?: unknown; mappings?: unknown };
    try { v = JSON.parse(json); } catch (e) { throw new SourceMapError(`not JSON: ${(e as Error).message}`); }
    if (!Array.isArray(v.sources) || !v.sources.every((x) => typeof x === 'string') || typeof v.mappings !== 'string') {
      throw new SourceMapError('expected "sources" (strings) and "mappings" (a string)');
    }
    this.sources = v.sources as string[];
    this.maps = decodeMappings(v.mappings, this.sources.length);
  }

  /** "file:line:col" (1-based) of the last mapping at or below Wasm offset `at`, when it is in the app's own code. */
  where(at: number): string | null {
    let lo = 0, hi = this.maps.length - 1, hit = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.maps[mid].at <= at) { hit = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (hit < 0) return null;
    const m = this.maps[hit];
    const src = this.sources[m.src];
    return ownSource(src) ? `${src}:${m.line + 1}:${m.col + 1}` : null;
  }

  /**
   * "file:line" of `where(at)`: what the image keeps. Without the column a
   * run of instructions on one line is one bt_lines row: the table is about
   * a quarter of the size (images/httpd: +12 KiB instead of +53 KiB).
   */
  line(at: number): string | null {
    return this.where(at)?.replace(/:\d+$/, '') ?? null;
  }
}
