// Host-call imports (driver mode, LinuxBuildOptions.hostImports): a function
// import the target does not implement itself becomes a stub that asks the
// process on the other end of the driver protocol to run it (the spec
// harness uses this to link a module against another module's exports, each
// instance being its own process).
//
// While a request is being served the driver may send
//   u8 15 (STATUS_HOST_CALL), u32 import ordinal (index among the module's
//   function imports), one u64 per parameter
// and the host answers
//   u8 0, one u64 per result           -> the import returns them
//   u8 k (1..11)                        -> the import traps with kind k
//
// The stub follows the wasm ABI (ABI.md): parameters at [rbp + 16 + 8i],
// one result in rax/xmm0, several in the caller's argument area.

import { type Label, RAX, RDX, RSI, RDI, RBP, RSP } from '../../x86/index.ts';
import { type FuncType, ValType } from '../../wasm/index.ts';
import { type Rt, q, d, i, m, rip } from './emit.ts';

export const STATUS_HOST_CALL = 15;

export interface HostImport { module: string; name: string; ordinal: number; type: FuncType }

/** Emits `import:<module>.<name>` for every host-call import (a shared buffer sized for the largest). */
export function emitHostCalls(rt: Rt, imports: HostImport[]): void {
  if (imports.length === 0) return;
  const slots = Math.max(1, ...imports.map((h) => Math.max(h.type.params.length, h.type.results.length)));
  const buf = rt.data.zeros('hostcall', 8 + 8 * slots);
  const done = new Set<string>();
  for (const h of imports) {
    const key = `${h.module}.${h.name}`;
    if (done.has(key)) continue;
    done.add(key);
    emitStub(rt, h, buf);
  }
}

function emitStub(rt: Rt, h: HostImport, buf: Label): void {
  const { asm, data } = rt;
  const P = h.type.params.length, R = h.type.results.length;
  const trapped = asm.label();
  asm.bind(asm.sym(`import:${h.module}.${h.name}`));
  asm.i('push', q(RBP));
  asm.i('mov', q(RBP), q(RSP));
  asm.i('mov', rip(buf, 0, 8), i(STATUS_HOST_CALL));
  asm.i('mov', rip(buf, 1, 32), i(h.ordinal));
  for (let k = 0; k < P; k++) {
    asm.i('mov', q(RAX), m(RBP, 16 + 8 * k));
    asm.i('mov', rip(buf, 5 + 8 * k), q(RAX));
  }
  asm.i('mov', d(RDI), i(1));
  asm.i('lea', q(RSI), rip(buf));
  asm.i('mov', d(RDX), i(5 + 8 * P));
  asm.i('call', rt.L('write_all'));
  asm.i('lea', q(RDI), rip(buf));
  asm.i('mov', d(RSI), i(1));
  asm.i('call', rt.L('read_exact'));
  asm.i('movzx', d(RAX), rip(buf, 0, 8));
  asm.i('test', d(RAX), d(RAX));
  asm.i('jnz', trapped);
  if (R > 0) {
    asm.i('lea', q(RDI), rip(buf));
    asm.i('mov', d(RSI), i(8 * R));
    asm.i('call', rt.L('read_exact'));
  }
  if (R === 1) {
    asm.i('mov', q(RAX), rip(buf));
    const t = h.type.results[0];
    if (t === ValType.F32 || t === ValType.F64) asm.i('movq', { k: 'x', n: 0 }, q(RAX));
  } else {
    for (let k = 0; k < R; k++) {
      asm.i('mov', q(RAX), rip(buf, 8 * k));
      asm.i('mov', m(RBP, 16 + 8 * k), q(RAX));
    }
  }
  asm.i('pop', q(RBP));
  asm.i('ret');
  asm.bind(trapped);
  asm.i('mov', d(RDI), d(RAX));
  asm.i('lea', q(RSI), rip(data.str(`${h.module}.${h.name}`)));
  asm.i('call', asm.sym('trap'));
}
