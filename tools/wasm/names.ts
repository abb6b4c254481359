// The `name` custom section (WebAssembly core 2.0 §7.4.1, plus the extended
// name section's global names, id 7). Custom section contents are not part
// of a module's semantics: a malformed name section is ignored from the
// point where it breaks, never an error.

import { Reader } from './reader.ts';
import type { Names } from './types.ts';

export function emptyNames(): Names {
  return { module: null, functions: new Map(), locals: new Map(), globals: new Map() };
}

/** namemap (§7.4.1.4): vec(idx name). */
function nameMap(r: Reader, into: Map<number, string>): void {
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const idx = r.u32();
    into.set(idx, r.name());
  }
}

function subsection(r: Reader, id: number, names: Names): void {
  switch (id) {
    case 0: names.module = r.name(); break;
    case 1: nameMap(r, names.functions); break;
    case 2: {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const func = r.u32();
        const map = new Map<number, string>();
        nameMap(r, map);
        names.locals.set(func, map);
      }
      break;
    }
    case 7: nameMap(r, names.globals); break;
    default: break; // labels, types, tables, ...: not needed
  }
}

/** Parses the name section contents at bytes[start, end) into `names`, keeping what parsed before any error. */
export function readNameSection(bytes: Uint8Array, start: number, end: number, names: Names): void {
  const r = new Reader(bytes, start, end);
  try {
    while (!r.atEnd()) {
      const id = r.u8();
      const size = r.u32();
      if (size > r.end - r.pos) return;
      const sub = new Reader(bytes, r.pos, r.pos + size);
      subsection(sub, id, names);
      r.pos += size;
    }
  } catch {
    // Malformed name section: keep the names read so far (§7.4.1 is advisory).
  }
}
