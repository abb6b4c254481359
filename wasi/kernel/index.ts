// wasi/kernel/ — the unikernel as the machine below wasi/: a WASI command
// runs as the image's app (tools/image/wasm.ts builds it). Three instances
// share one blob (tools/image/wasm-glue.ts): the kernel, wasi/ (the layer:
// witx ABI, descriptors, rights, capability rules — the same code as on the
// Linux target) and the app. The layer asks the machine for Linux calls
// (`host.sys`); here the kernel answers them over its VFS.
//
//   index.ts  wasiMain: the app's and the layer's memories (regions of the
//             kernel heap), argv/envp for the layer, then run; asuk_sys
//   sys.ts    the Linux calls: dispatch, clocks, random (RDRAND), exit
//   files.ts  the calls on descriptors and names, over kernel/vfs
//   fds.ts    the descriptor table, resolution beneath a directory
//   sock.ts   the socket calls over net/ (linked only into an image with a
//             network: its entry calls wasiNetInstall)
//
// Arguments: `-- ARGS` of the boot line, else the cmd `asuk pkg` baked in
// (argv[0] is the program's name). Environment: the baked env, then
// `env.vars=[ "K=V" ... ]`. Preopens: `wasi.dirs=[ "HOST::GUEST" ]`
// (default `/`, so every mount is visible through fd 3). Listening sockets:
// `wasi.tcplisten=[ "0.0.0.0:80" ]` (wasmtime's --tcplisten, numbered after
// the preopened directories as on the Linux target: fd 4 with the default).

import { heapHeadroom } from "../../kernel/memory";
import { println, diagEnabled, diagLine } from "../../kernel/console";
import { kernelOption } from "../../kernel/main";
import { cmdlineList } from "../../kernel/cmdline";
import { environ, argv as apiArgv, apiBake } from "../../api/process";
import { fdsInit, sockHave, sockCall, SOCK_START } from "./fds";
import { wasiSys, wasiEntropySource, wasiDrain } from "./sys";
import { cstr } from "./files";
import { vfsSetClock } from "../../kernel/vfs/index";
import { wallClockMs } from "../../kernel/rtc";

function wallSeconds(): i64 { return wallClockMs() / 1000; }

export { wasiSys, wasiEntropySource } from "./sys";

// @ts-ignore: decorator
@external("wasiapp", "cells") declare function glueCells(which: i32): usize;
// @ts-ignore: decorator
@external("wasiapp", "run") declare function glueRun(): void;

const PAGE: u64 = 65536;
/** The layer's region: its own data, the preopens' names, argument copies (it never frees). */
const LAYER_PAGES: u32 = 256;
/** The most the app's memory may reach: one heap block (AssemblyScript's TLSF takes blocks below 1 GiB). */
const MAX_APP_PAGES: u64 = 16383;
/** RAM kept for the kernel (VFS, ramfs files, 9p buffers) beyond the app's memory. */
const KERNEL_RESERVE: u64 = 24 << 20;

/** Gives an instance's cells a zeroed region of the kernel heap: its initial pages, room up to `maxPages`. */
function placeMemory(cells: usize, maxPages: u32): bool {
  let initial = load<u32>(cells), max = min<u32>(load<u32>(cells, 4), maxPages);
  if (max < initial) return false;
  let base = heap.alloc(<usize>(<u64>max * PAGE));
  memory.fill(base, 0, <usize>(<u64>initial * PAGE));
  store<u32>(cells, max, 4);
  store<u64>(cells, base, 8);
  return true;
}

const keep = new Array<ArrayBuffer>();

/** A native (kernel-address) NULL-terminated array of C strings, kept alive. */
function cArray(words: string[], extraZeros: i32): usize {
  let arr = new ArrayBuffer((words.length + 1 + extraZeros) << 3);
  keep.push(arr);
  let p = changetype<usize>(arr);
  for (let k = 0; k < words.length; k++) {
    let s = String.UTF8.encode(words[k], true);
    keep.push(s);
    store<u64>(p + (<usize>k << 3), changetype<usize>(s));
  }
  return p;
}

/** The TCP listeners `asuk pkg --tcplisten` baked in (wasi.tcplisten replaces them). */
let bakedListen = new Array<string>();

/** Hands api/process what `asuk pkg` baked in (glue cell 4: cmd words, "", env pairs, "", listeners, ""). */
function bake(p: usize): void {
  let lists = [new Array<string>(), new Array<string>(), new Array<string>()];
  for (let k = 0; k < 3; k++) {
    while (load<u8>(p) != 0) {
      let s = cstr(<i64>p);
      lists[k].push(s);
      p += <usize>String.UTF8.byteLength(s) + 1;
    }
    p++;
  }
  apiBake(lists[0], lists[1]);
  bakedListen = lists[2];
}

/** The layer's argv: the name, its options (preopens), `--`, then the app's arguments. */
function layerArgv(name: string): string[] {
  let out = [name];
  let dirs = kernelOption("wasi.dirs");
  let list = dirs !== null ? cmdlineList(dirs) : ["/"];
  for (let k = 0; k < list.length; k++) { out.push("--dir"); out.push(list[k]); }
  let listen = kernelOption("wasi.tcplisten");
  let socks = listen !== null ? cmdlineList(listen) : bakedListen;
  for (let k = 0; k < socks.length; k++) { out.push("--tcplisten"); out.push(socks[k]); }
  out.push("--");
  let a = apiArgv();
  for (let k = 0; k < a.length; k++) out.push(a[k]);
  return out;
}

function envWords(): string[] {
  let m = environ();
  let keys = m.keys();
  let out = new Array<string>();
  for (let k = 0; k < keys.length; k++) out.push(keys[k] + "=" + m.get(keys[k]));
  return out;
}

/**
 * Runs the WASI command (its name from the glue): places the memories, hands the layer its
 * argv/envp, runs both instances' start-up and the app's `_start`. Returns 0
 * when `_start` returns (proc_exit powers off with its code from sys.ts).
 * 1 with a line when RAM cannot hold the app's initial memory, when the network does not
 * come up, or when wasi.tcplisten asks for sockets in an image without one.
 */
export function wasiMain(): i32 {
  fdsInit();
  vfsSetClock(wallSeconds); // mtimes of the app's files: the wall clock, as a WASI host gives
  let name = cstr(<i64>glueCells(3));
  bake(glueCells(4));
  let room = heapHeadroom();
  let appPages = room > KERNEL_RESERVE + <u64>LAYER_PAGES * PAGE ? <u32>min<u64>((room - KERNEL_RESERVE) / PAGE - LAYER_PAGES, MAX_APP_PAGES) : 0;
  if (!placeMemory(glueCells(1), LAYER_PAGES) || !placeMemory(glueCells(0), appPages)) {
    println("wasi: not enough RAM for the app's initial memory: give QEMU more -m");
    return 1;
  }
  if (!sockHave() && (kernelOption("wasi.tcplisten") !== null || bakedListen.length > 0)) {
    println("wasi: wasi.tcplisten needs an image with the network: asuk run prog.wasm -p HOST:GUEST");
    return 1;
  }
  if (sockHave() && sockCall(SOCK_START, 0, 0, 0, 0) < 0) return 1;
  let argvp = cArray(layerArgv(name), 0);
  let envp = cArray(envWords(), 2); // envp's NULL, then an empty auxv (no vDSO: wasi/vdso.ts)
  let cell = glueCells(2);
  store<u64>(cell, argvp);
  store<u64>(cell, envp, 8);
  if (diagEnabled()) diagLine("wasi: app memory " + (load<u32>(glueCells(0), 4)).toString() + " pages at most, random_get from " + wasiEntropySource());
  glueRun();
  wasiDrain();
  return 0;
}

/** The `host.sys` import of the layer (tools/image/wasm-glue.ts calls it with r15 = 0). */
export function wasiSysExport(nr: i64, a: i64, b: i64, c: i64, d: i64, e: i64, f: i64): i64 {
  return wasiSys(nr, a, b, c, d, e, f);
}
