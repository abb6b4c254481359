// api/process.ts — the app's process: argv, environment, exit.
//
// Arguments and environment come from the kernel command line (`asuk run`
// passes them: `-- ARGS`, `env.vars=[ "K=V" ... ]`), else from what
// `asuk pkg` baked into the image (apiBake, called by the generated entry).
import { args, exit as kernelExit, kernelOption } from "../kernel/index";
import { cmdlineList } from "../kernel/cmdline";
import { println } from "../kernel/console";

let bakedArgs: string[] = [];
let bakedEnv: string[] = [];
let envCache: Map<string, string> | null = null;

/** Called by the generated entry before main: the command and environment `asuk pkg` baked in. */
export function apiBake(cmd: string[], env: string[]): void {
  bakedArgs = cmd;
  bakedEnv = env;
}

/** The app's arguments (without a program name): the boot line's words after `--`, else the baked cmd. */
export function argv(): string[] {
  let a = args();
  return a.length > 0 ? a : bakedArgs;
}

function addPairs(m: Map<string, string>, pairs: string[]): void {
  for (let i = 0; i < pairs.length; i++) {
    let eq = pairs[i].indexOf("=");
    if (eq > 0) m.set(pairs[i].substring(0, eq), pairs[i].substring(eq + 1));
  }
}

/** The environment: baked pairs, then the boot line's `env.vars` (which win for the same key). */
export function environ(): Map<string, string> {
  let m = envCache;
  if (m !== null) return m;
  let fresh = new Map<string, string>();
  addPairs(fresh, bakedEnv);
  let v = kernelOption("env.vars");
  if (v !== null) addPairs(fresh, cmdlineList(v));
  envCache = fresh;
  return fresh;
}

/** The value of environment variable `key`, or null when it is not set (Node: process.env[key]). */
export function getenv(key: string): string | null {
  let m = environ();
  return m.has(key) ? m.get(key) : null;
}

/** The highest exit code an app can report: 127 is the kernel's panic code (QEMU exits (code << 1) | 1, 8 bits). */
export const EXIT_MAX: i32 = 126;

/** `code` if it is 0..EXIT_MAX; else prints why and returns EXIT_MAX (never 127, which means a panic). */
export function apiExitCode(code: i32): i32 {
  if (code >= 0 && code <= EXIT_MAX) return code;
  println("exit: code " + code.toString() + " is outside 0..126 (127 means a panic): exiting 126");
  return EXIT_MAX;
}

/**
 * The value of kernel argument `key` (`asuk run -a key=value`, or
 * `key=value` on the boot line before `--`), raw, or null when it is not
 * there (a word without `=` has no value: null too). The last one wins.
 */
export function kernelArg(key: string): string | null {
  return kernelOption(key);
}

/** Ends the app now with `code` (0..126, see apiExitCode). Never returns. */
export function exit(code: i32): void {
  kernelExit(apiExitCode(code));
}
