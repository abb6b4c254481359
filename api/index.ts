// api/ — what an asuk app imports. Two entries (package root shims):
//
//   "asuk"        index.ts -> this file: process (argv, getenv/environ, kernelArg, exit),
//                 console (log, error, write), time (now, hrtime, uptime;
//                 Date.now() works too), random (randomBytes)
//   "asuk/files"  files.ts -> api/files.ts: POSIX-shaped calls and Node-named
//                 whole-file helpers. Importing it links the VFS, the boot-time
//                 mounts and 9p volumes; an app without it carries none.
//
// Layers: api/ -> kernel/ (and kernel/vfs through files.ts). The reference
// with every export and its errors is docs/api.md.
export { argv, getenv, environ, kernelArg, exit, apiBake, apiExitCode, EXIT_MAX } from "./process";
export { log, error, write } from "./console";
export { now, hrtime, uptime } from "./time";
export { randomBytes } from "./random";
