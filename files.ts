// The "asuk/files" entry for AssemblyScript apps: `import { readFile } from "asuk/files"`.
// See api/files.ts and docs/api.md.
export * from "./api/files";
