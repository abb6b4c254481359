// test/wasm-spec.ts — where the official WebAssembly spec suite is: the copy
// vendored in vendor/wasm-spec (see its UPSTREAM and LICENSE). Every test
// reading the suite takes this path; ASUK_SPEC_DIR overrides it.
import { fileURLToPath } from 'node:url';

export const SPEC_DIR = process.env.ASUK_SPEC_DIR ?? fileURLToPath(new URL('../vendor/wasm-spec', import.meta.url));
