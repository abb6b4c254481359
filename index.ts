// The "asuk" package entry for AssemblyScript apps: `import { log } from "asuk"`.
// See api/index.ts (the map) and docs/api.md (the reference).
export * from "./api/index";
