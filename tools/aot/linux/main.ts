// The two ways the Linux target runs a module, and how traps end.
//
// Command mode (WASI preview1 command): rt:main calls `instantiate`, then
// `export:_start`, then exits 0. `trap` prints "trap: <message> in <name>"
// to stderr and exits 134; `abort` prints "abort: MSG at FILE:LINE:COL".
//
// Driver mode (tests): rt:main loops over requests on fd 0 and answers on
// fd 1, little-endian:
//   request  u8 kind, u32 ordinal, then for kind 1 one u64 per parameter
//            kind 1 invoke the ordinal-th exported function (export order)
//            kind 2 read the ordinal-th exported global
//            kind 3 exit 0                (also: end of input)
//            kind 4 instantiate only      (ordinal ignored; multi.ts: instance ordinal)
//   response u8 status, then on status 0 one u64 per result (a global: one u64)
//            status 0 ok, 1..11 trap kind (tools/aot/ABI.md), 12 abort,
//            13 bad request, 14 unsupported (global not addressable)
//            15 host call (hostcall.ts): not an answer; the peer runs an import
//               and replies, then the driver goes on with the request
// `instantiate` runs lazily before the first request is served; if it traps,
// that request answers with the trap status. `trap` and `abort` restore the
// rsp saved before the call into wasm code and answer the current request.

import { type Label, RAX, RBX, RCX, RDX, RSI, RDI, RSP, R12 } from '../../x86/index.ts';
import { ValType } from '../../wasm/index.ts';
import { type Rt, EXIT_TRAP, q, d, b, i, m, mi, rip } from './emit.ts';

/** Trap messages by TrapKind (tools/aot/ABI.md "Traps"; spec wording). */
export const TRAP_MESSAGES = [
  'unknown trap', 'unreachable', 'integer divide by zero', 'integer overflow',
  'invalid conversion to integer', 'undefined element', 'uninitialized element',
  'indirect call type mismatch', 'out of bounds memory access', 'call stack exhausted',
  'out of bounds table access', 'out of bounds memory access',
];
export const STATUS_ABORT = 12, STATUS_BAD_REQUEST = 13, STATUS_UNSUPPORTED = 14;

export interface DriverFunc { label: Label; params: ValType[]; results: ValType[] }
/** An exported global: the label of its storage (8-byte slot, value in the low bytes), or null if the compiler gives none. */
export interface DriverGlobal { label: Label | null }

/** Emits `trap` for either mode. */
export function emitTrap(rt: Rt): void {
  const { asm, data } = rt;
  asm.bind(asm.sym('trap'));
  if (rt.mode === 'driver') {
    asm.i('jmp', rt.L('answer_status'));
    return;
  }
  const known = asm.label();
  const tab = data.table('trap_messages', TRAP_MESSAGES.map((s) => data.str(s)));
  asm.i('mov', d(RBX), d(RDI));
  asm.i('mov', q(R12), q(RSI));
  asm.i('call', rt.L('sb_reset'));
  asm.i('lea', q(RDI), rip(data.str('trap: ')));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('cmp', d(RBX), i(TRAP_MESSAGES.length));
  asm.i('jb', known);
  asm.i('xor', d(RBX), d(RBX));
  asm.bind(known);
  asm.i('lea', q(RCX), rip(tab));
  asm.i('mov', q(RDI), mi(RCX, RBX, 8));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('lea', q(RDI), rip(data.str(' in ')));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('mov', q(RDI), q(R12));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('jmp', rt.L('die'));
}

/**
 * `abort(edi msg, esi file, edx line, ecx col)` (AssemblyScript env.abort):
 * prints "abort: MSG at FILE:LINE:COL" to stderr; command mode exits 134,
 * driver mode answers status 12. Also rt:die: newline, flush to stderr, exit 134.
 */
export function emitAbort(rt: Rt): void {
  const { asm, data } = rt;
  asm.bind(asm.sym('abort'));
  asm.i('mov', d(R12), d(RDI));
  asm.i('push', q(RCX));
  asm.i('push', q(RDX));
  asm.i('push', q(RSI));
  asm.i('call', rt.L('sb_reset'));
  asm.i('lea', q(RDI), rip(data.str('abort: ')));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('mov', d(RDI), d(R12));
  asm.i('call', rt.L('sb_utf16'));
  asm.i('lea', q(RDI), rip(data.str(' at ')));
  asm.i('call', rt.L('sb_cstr'));
  asm.i('pop', q(RDI));
  asm.i('call', rt.L('sb_utf16'));
  for (let k = 0; k < 2; k++) {
    asm.i('mov', d(RDI), i(0x3a));          // ':'
    asm.i('call', rt.L('sb_byte'));
    asm.i('pop', q(RDI));
    asm.i('mov', d(RDI), d(RDI));           // line/col are u32
    asm.i('call', rt.L('sb_dec'));
  }
  if (rt.mode === 'driver') {
    asm.i('mov', d(RDI), i(10));
    asm.i('call', rt.L('sb_byte'));
    asm.i('mov', d(RDI), i(2));
    asm.i('call', rt.L('sb_flush'));
    asm.i('mov', d(RDI), i(STATUS_ABORT));
    asm.i('jmp', rt.L('answer_status'));
  }
  asm.bind(rt.L('die'));
  asm.i('mov', d(RDI), i(10));
  asm.i('call', rt.L('sb_byte'));
  asm.i('mov', d(RDI), i(2));
  asm.i('call', rt.L('sb_flush'));
  asm.i('mov', d(RDI), i(EXIT_TRAP));
  asm.i('jmp', rt.L('exit'));
}

/** Command mode rt:main: instantiate, call export:_start, exit 0. */
export function emitCommandMain(rt: Rt, start: Label): void {
  const { asm } = rt;
  asm.bind(rt.L('main'));
  asm.i('call', asm.sym('instantiate'));
  asm.i('call', start);
  asm.i('xor', d(RDI), d(RDI));
  asm.i('jmp', rt.L('exit'));
}

/**
 * Driver mode rt:main (the request loop), rt:answer_status and one thunk per
 * exported function. With `instances` (a multi-instance executable, multi.ts)
 * request 4 runs the ordinal-th instance's `instantiate` and nothing is
 * instantiated lazily; ordinals of kinds 1 and 2 run over all instances' exports.
 */
export function emitDriverMain(rt: Rt, funcs: DriverFunc[], globals: DriverGlobal[], instances?: Label[]): void {
  const { asm, data } = rt;
  const maxParams = Math.max(1, ...funcs.map((f) => f.params.length));
  const maxResults = Math.max(1, ...funcs.map((f) => f.results.length));
  const req = data.zeros('req', 8), argbuf = data.zeros('args', 8 * maxParams);
  const resp = data.zeros('resp', 8 + 8 * maxResults), saved = data.zeros('saved_rsp', 8);
  const ready = data.zeros('instantiated', 8);
  const loop = rt.L('main'), isReady = asm.label();
  const thunks = funcs.map(() => asm.label());
  const funcTab = data.table('invoke_tab', thunks);
  const globTab = data.table('global_tab', globals.map((g) => g.label ?? 0n));

  asm.bind(loop);
  asm.i('lea', q(RDI), rip(req));
  asm.i('mov', d(RSI), i(5));
  asm.i('call', rt.L('read_exact'));
  asm.i('cmp', rip(req, 0, 8), i(3));
  asm.i('je', rt.L('exit0'));
  if (!instances) {
    asm.i('cmp', rip(ready, 0, 64), i(0));
    asm.i('jne', isReady);
    asm.i('mov', rip(ready, 0, 64), i(1));
    asm.i('mov', rip(saved), q(RSP));
    asm.i('call', asm.sym('instantiate'));
  }
  asm.bind(isReady);
  if (instances) emitInstantiateRequest(rt, req, saved, instances);
  emitDispatch(rt, req, funcTab, funcs.length, globTab, globals.length, resp);

  // answer_status(edi = status): unwind to the loop's stack, answer one byte.
  asm.bind(rt.L('answer_status'));
  asm.i('mov', q(RSP), rip(saved));
  asm.i('mov', rip(resp), b(RDI));
  asm.i('mov', d(RDI), i(1));
  asm.i('lea', q(RSI), rip(resp));
  asm.i('mov', d(RDX), i(1));
  asm.i('call', rt.L('write_all'));
  asm.i('jmp', loop);
  asm.bind(rt.L('exit0'));
  asm.i('xor', d(RDI), d(RDI));
  asm.i('jmp', rt.L('exit'));

  funcs.forEach((f, k) => emitThunk(rt, thunks[k]!, f, argbuf, resp, saved));
}

/** Request 4 with ordinal k < instances: run instance k's `instantiate`, answer 0 (or its trap). */
function emitInstantiateRequest(rt: Rt, req: Label, saved: Label, instances: Label[]): void {
  const { asm, data } = rt;
  const other = asm.label();
  const tab = data.table('instantiate_tab', instances);
  asm.i('cmp', rip(req, 0, 8), i(4));
  asm.i('jne', other);
  asm.i('mov', d(RCX), rip(req, 1, 32));
  asm.i('cmp', d(RCX), i(instances.length));
  asm.i('jae', other);
  asm.i('mov', rip(saved), q(RSP));
  asm.i('lea', q(RDX), rip(tab));
  asm.i('call', mi(RDX, RCX, 8, 0, 64));
  asm.i('xor', d(RDI), d(RDI));
  asm.i('jmp', rt.L('answer_status'));
  asm.bind(other);
}

function emitDispatch(rt: Rt, req: Label, funcTab: Label, nFuncs: number, globTab: Label, nGlobals: number, resp: Label): void {
  const { asm } = rt;
  const notInvoke = asm.label(), notGlobal = asm.label(), bad = asm.label(), unsupported = asm.label();
  asm.i('movzx', d(RAX), rip(req, 0, 8));
  asm.i('mov', d(RCX), rip(req, 1, 32));
  asm.i('cmp', d(RAX), i(1));
  asm.i('jne', notInvoke);
  asm.i('cmp', d(RCX), i(nFuncs));
  asm.i('jae', bad);
  asm.i('lea', q(RDX), rip(funcTab));
  asm.i('jmp', mi(RDX, RCX, 8, 0, 64));
  asm.bind(notInvoke);
  asm.i('cmp', d(RAX), i(2));
  asm.i('jne', notGlobal);
  asm.i('cmp', d(RCX), i(nGlobals));
  asm.i('jae', bad);
  asm.i('lea', q(RDX), rip(globTab));
  asm.i('mov', q(RDX), mi(RDX, RCX, 8));
  asm.i('test', q(RDX), q(RDX));
  asm.i('jz', unsupported);
  asm.i('mov', q(RAX), m(RDX, 0));
  asm.i('mov', rip(resp, 1), q(RAX));
  answer(rt, resp, 9);
  asm.bind(notGlobal);
  asm.i('xor', d(RDI), d(RDI));
  asm.i('cmp', d(RAX), i(4));
  asm.i('je', rt.L('answer_status'));
  asm.bind(bad);
  asm.i('mov', d(RDI), i(STATUS_BAD_REQUEST));
  asm.i('jmp', rt.L('answer_status'));
  asm.bind(unsupported);
  asm.i('mov', d(RDI), i(STATUS_UNSUPPORTED));
  asm.i('jmp', rt.L('answer_status'));
}

/** Writes status 0 and `length - 1` result bytes already in resp+1, then back to the loop. */
function answer(rt: Rt, resp: Label, length: number): void {
  const { asm } = rt;
  asm.i('mov', rip(resp, 0, 8), i(0));
  asm.i('mov', d(RDI), i(1));
  asm.i('lea', q(RSI), rip(resp));
  asm.i('mov', d(RDX), i(length));
  asm.i('call', rt.L('write_all'));
  asm.i('jmp', rt.L('main'));
}

/** One exported function: read its arguments, call it with the wasm ABI, answer its results. */
function emitThunk(rt: Rt, at: Label, f: DriverFunc, argbuf: Label, resp: Label, saved: Label): void {
  const { asm } = rt;
  const P = f.params.length, R = f.results.length;
  const frame = Math.ceil(Math.max(P, R) / 2) * 16;
  asm.bind(at);
  if (P > 0) {
    asm.i('lea', q(RDI), rip(argbuf));
    asm.i('mov', d(RSI), i(8 * P));
    asm.i('call', rt.L('read_exact'));
  }
  asm.i('mov', rip(saved), q(RSP));
  if (frame > 0) asm.i('sub', q(RSP), i(frame));
  for (let k = 0; k < P; k++) {
    asm.i('mov', q(RAX), rip(argbuf, 8 * k));
    asm.i('mov', m(RSP, 8 * k), q(RAX));
  }
  asm.i('call', f.label);
  if (R === 1) {
    const t = f.results[0]!;
    if (t === ValType.F32 || t === ValType.F64) asm.i('movq', q(RAX), { k: 'x', n: 0 });
    asm.i('mov', rip(resp, 1), q(RAX));
  } else {
    for (let k = 0; k < R; k++) {
      asm.i('mov', q(RAX), m(RSP, 8 * k));
      asm.i('mov', rip(resp, 1 + 8 * k), q(RAX));
    }
  }
  asm.i('mov', q(RSP), rip(saved));
  answer(rt, resp, 1 + 8 * R);
}
