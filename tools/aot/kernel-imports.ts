// tools/aot/kernel-imports.ts — imports the kernel target answers with a
// function of the module itself: AssemblyScript's standard library imports
// `env.Date.now` (Date.now()) and `env.seed` (Math.random's seed); the image
// entry (tools/image) exports the kernel's implementations under the names
// below, and calls to the import become calls to that export.

import type { Module } from '../wasm/types.ts';

/** Import "module.name" -> the export that implements it. */
export const KERNEL_IMPORT_EXPORTS: ReadonlyMap<string, string> = new Map([
  ['env.Date.now', 'asuk_date_now'],
  ['env.seed', 'asuk_seed'],
]);

/** The function index of the export answering import `key`, or null when the module has none. */
export function kernelImportTarget(m: Module, key: string): number | null {
  const name = KERNEL_IMPORT_EXPORTS.get(key);
  if (!name) return null;
  const e = m.exports.find((x) => x.name === name && x.kind === 'func');
  return e ? e.index : null;
}
