// tools/image/wasm-glue.ts — the machine code that joins the three instances
// of a WASI-app image (tools/image/wasm.ts) in one blob:
//
//   kernel (target 'kernel', no prefix, r15 = 0)
//     --import:wasiapp.run-->  wasi.instantiate, app.instantiate, app._start
//     --import:wasiapp.cells--> address of app (0) / layer (1) memory cells, the
//                                {argv, envp} cell (2), the program's name (3, NUL-terminated),
//                                the cmd, env and TCP listeners `asuk pkg` baked in (4)
//     --import:wasiapp.rdrand-> one RDRAND (CF says whether it gave a value)
//   app (target 'linux', prefix `app.`, explicit bounds)
//     --import:wasi_snapshot_preview1.NAME--> wasi.export:NAME (layer.ts thunk)
//   layer wasi/ (target 'linux', prefix `wasi.`, explicit bounds)
//     --import:host.sys--> export:asuk_sys of the kernel with r15 = 0
//     --import:host.app_base/app_size/own_base/copy/argv/envp/call2
//   glue:layer_abort: the layer's env.abort, its string addresses made the kernel's
//   memory_grow_at: grows an instance's memory inside the region the kernel
//     reserved for it (max pages cell), zeroing the new pages.
//
// The layer reloads r15 after each call (ABI.md "Several instances"); the
// app's code keeps r15 = its base (InstanceOptions.fixedBase: `run` sets it,
// the WASI thunks save and restore it, as on the Linux target); the kernel's
// code assumes r15 = 0, so every way into it sets r15 to 0 and `run` leaves it 0. rbx, r12-r14 are saved by `run` (the
// kernel's compiled code never uses rbx; app code may).

import { type Assembler, type Label, r64, r32, r8, imm, mem, ripMem, RAX, RCX, RDX, RSI, RDI, RSP, RBP, RBX, R12, R13, R14, R15 } from '../x86/index.ts';

const q = r64, d = r32, i = imm, m = mem;

/** Kernel imports the glue answers (the kernel module's `@external("wasiapp", ...)`). */
export const KERNEL_GLUE_IMPORTS = ['wasiapp.cells', 'wasiapp.run', 'wasiapp.rdrand'];
/** Layer imports the glue answers (wasi/host.ts). */
export const LAYER_GLUE_IMPORTS = ['host.sys', 'host.app_base', 'host.app_size', 'host.own_base', 'host.copy',
  'host.argv', 'host.envp', 'host.call2'];

/** What `asuk pkg` bakes into a WASI-app image: cmd words, env pairs, TCP listeners (A.B.C.D:PORT, wasi.tcplisten's default). */
export interface WasmBake { cmd: string[]; env: string[]; listen?: string[] }

/** Emits every glue label (the app exports `_start`: tools/image/wasm.ts checks). */
export function emitWasmGlue(asm: Assembler, name: string, bake: WasmBake = { cmd: [], env: [] }): void {
  const P = (k: number) => m(RSP, 8 + 8 * k);
  const fn = (name: string, body: () => void) => { asm.bind(asm.sym(name)); body(); asm.i('ret'); };
  const appCells = asm.sym('app.mem_pages'), layerCells = asm.sym('wasi.mem_pages');
  const args = asm.label(), nameLabel = asm.label(), bakeLabel = asm.label();
  fn('import:wasiapp.cells', () => {
    // cells(k): 0 the app's memory cells, 1 the layer's, 2 the arguments, 3 the name, else the baked list.
    const done = asm.label();
    asm.i('mov', q(RCX), P(0));
    [appCells, layerCells, args, nameLabel].forEach((label, k) => {
      const next = asm.label();
      asm.i('cmp', d(RCX), i(k)); asm.i('jne', next);
      asm.i('lea', q(RAX), ripMem(label)); asm.i('jmp', done);
      asm.bind(next);
    });
    asm.i('lea', q(RAX), ripMem(bakeLabel));
    asm.bind(done);
  });
  fn('import:wasiapp.rdrand', () => {
    // rdrand rax (REX.W 0F C7 /6), setc cl; the value goes to [P0]; returns CF.
    asm.i('mov', d(RDX), { ...P(0), size: 32 });    // an i32 argument: the slot's upper half is undefined
    asm.bytes(Uint8Array.of(0x48, 0x0f, 0xc7, 0xf0));
    asm.bytes(Uint8Array.of(0x0f, 0x92, 0xc1));
    asm.i('mov', m(RDX, 0), q(RAX));
    asm.i('movzx', d(RAX), r8(RCX));
  });
  fn('import:wasiapp.run', () => {
    asm.i('push', q(RBP)); asm.i('mov', q(RBP), q(RSP));
    for (const r of [RBX, R12, R13, R14]) asm.i('push', q(r));
    asm.i('call', asm.sym('wasi.instantiate'));
    asm.i('mov', q(R15), ripMem(appCells, 8));        // the app's code keeps r15 = its base (fixedBase)
    asm.i('call', asm.sym('app.instantiate'));
    asm.i('call', asm.sym('app.export:_start'));
    asm.i('xor', d(R15), d(R15));
    for (const r of [R14, R13, R12, RBX]) asm.i('pop', q(r));
    asm.i('pop', q(RBP));
  });
  emitLayerHost(asm, appCells, layerCells, args);
  // The layer's env.abort(msg, file, line, col): the kernel's `abort` with the strings' kernel addresses.
  asm.bind(asm.sym('glue:layer_abort'));
  for (const [k, r] of [[0, RDI], [1, RSI]] as const) {
    const zero = asm.label();
    asm.i('mov', d(r), { ...P(k), size: 32 });
    asm.i('test', d(r), d(r)); asm.i('jz', zero);
    asm.i('add', q(r), ripMem(layerCells, 8));
    asm.bind(zero);
  }
  asm.i('mov', d(RDX), { ...P(2), size: 32 });
  asm.i('mov', d(RCX), { ...P(3), size: 32 });
  asm.i('xor', d(R15), d(R15));
  asm.i('jmp', asm.sym('abort'));
  emitGrow(asm);
  asm.align(8, 0);
  asm.bind(args); asm.u64(0n); asm.u64(0n);
  asm.bind(nameLabel); asm.bytes(new TextEncoder().encode(`${name}\0`));
  // What `asuk pkg` baked in: the cmd words, the env pairs, the listeners, each list ended by an empty string (NUL-terminated each).
  asm.bind(bakeLabel);
  asm.bytes(new TextEncoder().encode([...bake.cmd, '', ...bake.env, '', ...(bake.listen ?? []), ''].map((w) => `${w}\0`).join('')));
}

/** The layer's `import:host.*` (wasi/host.ts), over the kernel's flat address space. */
function emitLayerHost(asm: Assembler, appCells: Label, layerCells: Label, args: Label): void {
  const P = (k: number) => m(RSP, 8 + 8 * k);
  const fn = (name: string, body: () => void) => { asm.bind(asm.sym(`import:host.${name}`)); body(); asm.i('ret'); };
  fn('sys', () => {
    asm.i('push', q(RBP)); asm.i('mov', q(RBP), q(RSP));
    asm.i('sub', q(RSP), i(64));
    for (let k = 0; k < 7; k++) {
      asm.i('mov', q(RAX), m(RBP, 16 + 8 * k));
      asm.i('mov', m(RSP, 8 * k), q(RAX));
    }
    asm.i('xor', d(R15), d(R15));
    asm.i('call', asm.sym('export:asuk_sys'));
    asm.i('leave');
  });
  fn('app_base', () => asm.i('mov', q(RAX), ripMem(appCells, 8)));
  fn('app_size', () => asm.i('mov', q(RAX), ripMem(appCells, 16)));
  fn('own_base', () => asm.i('mov', q(RAX), ripMem(layerCells, 8)));
  fn('copy', () => {
    asm.i('mov', q(RDI), P(0));
    asm.i('mov', q(RSI), P(1));
    asm.i('mov', q(RCX), P(2));
    asm.i('rep movsb');
  });
  fn('argv', () => asm.i('mov', q(RAX), ripMem(args, 0)));
  fn('envp', () => asm.i('mov', q(RAX), ripMem(args, 8)));
  // No vDSO here: the kernel's envp ends with an empty auxv, so wasi/vdso.ts never calls this.
  fn('call2', () => asm.i('xor', d(RAX), d(RAX)));
}

/**
 * memory_grow_at (edi = delta pages, rsi = the memory's cells: u32 pages,
 * u32 max pages, u64 base, u64 bytes): old pages in eax, or -1 past max.
 * The new pages are zeroed (the kernel's region is not).
 */
function emitGrow(asm: Assembler): void {
  asm.bind(asm.sym('memory_grow_at'));
  const fail = asm.label();
  asm.i('mov', d(RAX), m(RSI, 0));
  asm.i('mov', d(RCX), d(RDI));
  asm.i('add', q(RCX), q(RAX));
  asm.i('mov', d(RDX), m(RSI, 4));
  asm.i('cmp', q(RCX), q(RDX));
  asm.i('ja', fail);
  asm.i('mov', m(RSI, 0), d(RCX));
  asm.i('shl', q(RCX), i(16));
  asm.i('mov', m(RSI, 16), q(RCX));
  asm.i('mov', q(RDX), q(RAX));
  asm.i('shl', q(RDX), i(16));                 // old bytes
  asm.i('sub', q(RCX), q(RDX));                // bytes to zero
  asm.i('mov', q(RDI), m(RSI, 8));
  asm.i('add', q(RDI), q(RDX));                // base + old bytes
  asm.i('push', q(RAX));
  asm.i('xor', d(RAX), d(RAX));
  asm.i('rep stosb');
  asm.i('pop', q(RAX));
  asm.i('ret');
  asm.bind(fail);
  asm.i('mov', d(RAX), i(-1));
  asm.i('ret');
}
