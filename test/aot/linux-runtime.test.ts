// The Linux target's runtime (tools/aot/linux) tested on its own: the module
// "compiler" here is a hand-written stand-in that binds the labels of
// tools/aot/ABI.md (instantiate, func:N, export:NAME, stack_limit, mem_pages,
// global:N) to tiny machine-code bodies, so every path of the runtime (driver
// protocol, traps, fault handler, memory_grow, abort, WASI, exit codes) runs
// for real, whatever state the compiler is in.

import { describe, it, expect, afterAll } from 'vitest';
import {
  type Assembler, r64, r32, imm, mem, memIdx, ripMem, xmm, RAX, RCX, RDX, RSI, RDI, RSP, RBP, R15,
} from '../../tools/x86/index.ts';
import { numImportedFuncs, type Module } from '../../tools/wasm/index.ts';
import { buildWith, type CompileFn } from '../../tools/aot/linux/build.ts';
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { compileWat, NativeInstance, runCommand, tmpPath, type Builder } from './linux-runner.ts';

type Body = (asm: Assembler) => void;

/** A stand-in compiler: export name -> body; `instantiate` and `global:N` optional. */
function fake(bodies: Record<string, Body>, globals: bigint[] = []): Builder {
  const compile: CompileFn = (m: Module, asm: Assembler) => {
    asm.align(8, 0);
    asm.bind(asm.sym('stack_limit')); asm.u64(0);
    asm.bind(asm.sym('mem_pages')); asm.u32(0);
    asm.bind(asm.sym('mem_max_pages')); asm.u32(0); asm.u64(0n); asm.u64(0n); // base, bytes (ABI.md "Memory")
    globals.forEach((v, k) => { asm.bind(asm.sym(`global:${k}`)); asm.u64(v); });
    asm.bind(asm.sym('instantiate'));
    (bodies.instantiate ?? ((a: Assembler) => a.i('ret')))(asm);
    const nImp = numImportedFuncs(m);
    m.funcs.forEach((_, k) => {
      asm.bind(asm.sym(`func:${nImp + k}`));
      const exp = m.exports.find((e) => e.kind === 'func' && e.index === nImp + k);
      if (exp) asm.bind(asm.sym(`export:${exp.name}`));
      const body = exp && bodies[exp.name];
      if (body) body(asm); else asm.i('ud2');
    });
    return {};
  };
  return (wasm, opts) => buildWith(wasm, opts, compile);
}

const q = r64, d = r32;
const trapWith = (kind: number): Body => (a) => {
  const name = a.label();
  a.i('mov', d(RDI), imm(kind));
  a.i('lea', q(RSI), ripMem(name));
  a.i('call', a.sym('trap'));
  a.bind(name);
  a.bytes([0x66, 0x00]); // "f"
};
/** Calls `label` with the wasm ABI: args stored in the argument area. */
function wasmCall(a: Assembler, label: string, args: (number | 'rax')[]): void {
  const frame = Math.ceil(args.length / 2) * 16 + 8; // entered with rsp ≡ 8 (mod 16)
  a.i('sub', q(RSP), imm(frame));
  args.forEach((v, k) => {
    if (v === 'rax') a.i('mov', mem(RSP, 8 * k), q(RAX));
    else a.i('mov', mem(RSP, 8 * k, 64), imm(v));
  });
  a.i('call', a.sym(label));
  a.i('add', q(RSP), imm(frame));
}

const open: NativeInstance[] = [];
async function start(wat: string, bodies: Record<string, Body>, globals?: bigint[]): Promise<NativeInstance> {
  const inst = await NativeInstance.start(await compileWat(wat), { build: fake(bodies, globals) });
  open.push(inst);
  return inst;
}
afterAll(async () => { await Promise.all(open.map((i) => i.close())); });

describe('linux runtime: driver protocol', () => {
  const wat = `(module (memory 1 3)
    (func (export "answer") (result i32) unreachable)
    (func (export "add") (param i64 i64) (result i64) unreachable)
    (func (export "pair") (param i32) (result i32 i64) unreachable)
    (func (export "half") (param f64) (result f64) unreachable)
    (func (export "div0") (result i32) unreachable)
    (func (export "load") (param i32) (result i32) unreachable)
    (func (export "grow") (param i32) (result i32) unreachable)
    (func (export "deep") unreachable)
    (func (export "unchecked") unreachable)
    (global (export "g") i64 (i64.const 0)))`;
  const bodies: Record<string, Body> = {
    answer: (a) => { a.i('mov', d(RAX), imm(42)); a.i('ret'); },
    add: (a) => { a.i('mov', q(RAX), mem(RSP, 8)); a.i('add', q(RAX), mem(RSP, 16)); a.i('ret'); },
    pair: (a) => {
      a.i('mov', d(RAX), mem(RSP, 8)); a.i('inc', d(RAX)); a.i('mov', mem(RSP, 8), q(RAX));
      a.i('mov', q(RAX), imm(-5)); a.i('mov', mem(RSP, 16), q(RAX)); a.i('ret');
    },
    half: (a) => {
      a.i('movsd', xmm(0), mem(RSP, 8)); a.i('mov', q(RAX), imm(0x3fe0000000000000n));
      a.i('movq', xmm(1), q(RAX)); a.i('mulsd', xmm(0), xmm(1)); a.i('ret');
    },
    div0: trapWith(2),
    load: (a) => { a.i('mov', d(RCX), mem(RSP, 8)); a.i('mov', d(RAX), memIdx(R15, RCX, 1)); a.i('ret'); },
    grow: (a) => { a.i('mov', d(RDI), mem(RSP, 8)); a.i('call', a.sym('memory_grow')); a.i('ret'); },
    deep: (a) => { // recursion with the ABI's stack check
      const again = a.label(), exhausted = a.label();
      a.bind(again);
      a.i('push', q(RBP)); a.i('mov', q(RBP), q(RSP)); a.i('sub', q(RSP), imm(64));
      a.i('cmp', q(RSP), ripMem(a.sym('stack_limit')));
      a.i('jb', exhausted);
      a.i('call', again);
      a.i('leave'); a.i('ret');
      a.bind(exhausted);
      trapWith(9)(a);
    },
  };
  bodies.unchecked = (a) => { const again = a.label(); a.bind(again); a.i('push', q(RBP)); a.i('call', again); };
  let inst: NativeInstance;
  it('starts and returns values of every shape', async () => {
    inst = await start(wat, bodies, [0x1234_5678_9abc_def0n]);
    expect(await inst.invoke('answer', [])).toEqual({ results: [42n] });
    expect(await inst.invoke('add', [5n, -7n])).toEqual({ results: [BigInt.asUintN(64, -2n)] });
    expect(await inst.invoke('pair', [0xffff_ffffn])).toEqual({ results: [0n, BigInt.asUintN(64, -5n)] });
    expect(await inst.invoke('half', [0x4010000000000000n])).toEqual({ results: [0x4000000000000000n] }); // 4.0 -> 2.0
    expect(await inst.getGlobal('g')).toEqual({ results: [0x1234_5678_9abc_def0n] });
  });
  it('reports a trap and keeps serving', async () => {
    expect(await inst.invoke('div0', [])).toEqual({ trap: 'integer divide by zero', results: [] });
    expect(await inst.invoke('answer', [])).toEqual({ results: [42n] });
  });
  it('turns faults in the reservation into out of bounds memory access', async () => {
    expect(await inst.invoke('load', [65532n])).toEqual({ results: [0n] });
    expect(await inst.invoke('load', [65533n])).toEqual({ trap: 'out of bounds memory access', results: [] });
    expect(await inst.invoke('load', [0xffff_fff0n])).toEqual({ trap: 'out of bounds memory access', results: [] });
    expect(await inst.invoke('answer', [])).toEqual({ results: [42n] });
  });
  it('grows memory up to the module maximum', async () => {
    expect(await inst.invoke('grow', [1n])).toEqual({ results: [1n] });
    expect(await inst.invoke('load', [65536n + 65532n])).toEqual({ results: [0n] });
    expect(await inst.invoke('load', [131072n])).toEqual({ trap: 'out of bounds memory access', results: [] });
    expect(await inst.invoke('grow', [2n])).toEqual({ results: [0xffff_ffffn] });
    expect(await inst.invoke('grow', [0n])).toEqual({ results: [2n] });
    expect(await inst.invoke('grow', [1n])).toEqual({ results: [2n] });
    expect(await inst.invoke('load', [3n * 65536n - 4n])).toEqual({ results: [0n] });
  });
  it('reports call stack exhaustion from the stack_limit check', async () => {
    expect(await inst.invoke('deep', [])).toEqual({ trap: 'call stack exhausted', results: [] });
    expect(await inst.invoke('answer', [])).toEqual({ results: [42n] });
  });
  it('reports a fault in the stack guard page as call stack exhausted', async () => {
    expect(await inst.invoke('unchecked', [])).toEqual({ trap: 'call stack exhausted', results: [] });
    expect(await inst.invoke('unchecked', [])).toEqual({ trap: 'call stack exhausted', results: [] });
    expect(await inst.invoke('answer', [])).toEqual({ results: [42n] });
  });
});

describe('linux runtime: instantiate and abort', () => {
  it('reports a trap in instantiate on the first request', async () => {
    const inst = await start(`(module (func (export "f") (result i32) unreachable))`, {
      instantiate: trapWith(1), f: (a) => { a.i('mov', d(RAX), imm(1)); a.i('ret'); },
    });
    expect(await inst.instantiate()).toEqual({ trap: 'unreachable', results: [] });
  });
  it('prints abort messages and answers status abort', async () => {
    // "hi" as an AssemblyScript string at 16: byte length 4 at 12.
    const inst = await start(`(module (memory 1) (func (export "f") unreachable))`, {
      instantiate: (a) => {
        a.i('mov', mem(R15, 12, 32), imm(4)); a.i('mov', mem(R15, 16, 32), imm(0x690068)); a.i('ret');
      },
      f: (a) => {
        a.i('mov', d(RDI), imm(16)); a.i('mov', d(RSI), imm(16)); a.i('mov', d(RDX), imm(3)); a.i('mov', d(RCX), imm(77));
        a.i('call', a.sym('abort'));
      },
    });
    expect(await inst.invoke('f', [])).toEqual({ trap: 'abort', results: [] });
    expect(await inst.waitStderr('abort: hi at hi:3:77')).toContain('abort: hi at hi:3:77\n');
  });
});

describe('linux runtime: host-call imports', () => {
  it('forwards an import to the peer and returns its result or trap', async () => {
    const wat = `(module (import "other" "mul" (func (param i32 i64) (result i64)))
      (func (export "f") (param i32) (result i64) unreachable))`;
    const calls: bigint[][] = [];
    const inst = await NativeInstance.start(await compileWat(wat), {
      build: fake({
        f: (a) => {
          a.i('mov', d(RAX), mem(RSP, 8));
          a.i('sub', q(RSP), imm(24));
          a.i('mov', mem(RSP, 0), q(RAX));
          a.i('mov', q(RAX), imm(1000));
          a.i('mov', mem(RSP, 8), q(RAX));
          a.i('call', a.sym('import:other.mul'));
          a.i('add', q(RSP), imm(24));
          a.i('ret');
        },
      }),
      hostImports: async (module, name, args) => {
        calls.push(args);
        if (args[0] === 0n) return { trap: 'integer overflow', results: [] };
        return { results: [args[0]! * args[1]!] };
      },
    });
    open.push(inst);
    expect(await inst.invoke('f', [7n])).toEqual({ results: [7000n] });
    expect(await inst.invoke('f', [0n])).toEqual({ trap: 'integer overflow', results: [] });
    expect(calls).toEqual([[7n, 1000n], [0n, 1000n]]);
  });
});

describe('linux runtime: WASI command mode', () => {
  const wasiWat = `(module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
    (import "wasi_snapshot_preview1" "args_sizes_get" (func (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_get" (func (param i32 i32) (result i32)))
    (memory 1) (func (export "_start") unreachable))`;
  it('prints hello and exits 0 when _start returns', async () => {
    const r = await runCommand(await compileWat(wasiWat), [], {
      build: fake({
        _start: (a) => {
          a.i('mov', mem(R15, 0, 32), imm(8)); a.i('mov', mem(R15, 4, 32), imm(6));
          a.i('mov', mem(R15, 8, 32), imm(0x6c6c6568)); a.i('mov', mem(R15, 12, 32), imm(0x0a6f));
          wasmCall(a, 'import:wasi_snapshot_preview1.fd_write', [1, 0, 1, 100]);
          a.i('mov', d(RCX), mem(R15, 100)); a.i('ret');
        },
      }),
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hello\n' });
  });
  it('passes argv through and exits with proc_exit status', async () => {
    const r = await runCommand(await compileWat(wasiWat), ['a', 'bc'], {
      build: fake({
        _start: (a) => {
          wasmCall(a, 'import:wasi_snapshot_preview1.args_sizes_get', [0, 4]);
          wasmCall(a, 'import:wasi_snapshot_preview1.args_get', [64, 1024]);
          a.i('mov', mem(R15, 32, 32), imm(1024)); a.i('mov', d(RAX), mem(R15, 4)); a.i('mov', mem(R15, 36), d(RAX));
          wasmCall(a, 'import:wasi_snapshot_preview1.fd_write', [1, 32, 1, 100]);
          a.i('mov', d(RAX), mem(R15, 0)); // argc
          wasmCall(a, 'import:wasi_snapshot_preview1.proc_exit', ['rax']);
          a.i('ud2');
        },
      }),
    });
    expect(r.exitCode).toBe(3);
    expect(r.stdout.split('\0').slice(1)).toEqual(['a', 'bc', '']);
  });
  it('prints the trap message and exits 134', async () => {
    const r = await runCommand(await compileWat(wasiWat), [], { build: fake({ _start: trapWith(3) }) });
    expect(r.exitCode).toBe(134);
    expect(r.stderr).toBe('trap: integer overflow in f\n');
  });
  it('names the function of an out-of-bounds fault', async () => {
    const wat = `(module (memory 1) (func $boom (export "_start") unreachable))`;
    const r = await runCommand(await compileWat(wat), [], {
      build: fake({ _start: (a) => { a.i('mov', d(RAX), mem(R15, 0x10000)); a.i('ret'); } }),
    });
    expect(r.exitCode).toBe(134);
    expect(r.stderr).toMatch(/^trap: out of bounds memory access in boom\n$/);
  });
  it('exits 134 on a stack overflow past the limit check', async () => {
    const wat = `(module (func $loop (export "_start") unreachable))`;
    const r = await runCommand(await compileWat(wat), [], {
      build: fake({ _start: (a) => { const l = a.label(); a.bind(l); a.i('push', q(RBP)); a.i('call', l); } }),
    });
    expect(r).toMatchObject({ exitCode: 134, stderr: 'trap: call stack exhausted in loop\n' });
  });
  it('reports a fault outside linear memory as a fatal signal', async () => {
    const wat = `(module (memory 1) (func (export "_start") unreachable))`;
    const r = await runCommand(await compileWat(wat), [], {
      build: fake({ _start: (a) => { a.i('xor', d(RCX), d(RCX)); a.i('mov', d(RAX), mem(RCX, 8)); a.i('ret'); } }),
    });
    expect(r.exitCode).toBe(134);
    expect(r.stderr).toMatch(/^fatal signal 11 at address 0x0000000000000008, pc 0x/);
  });
  it('rejects imports the target does not provide', async () => {
    const wat = `(module (import "env" "nope" (func)) (func (export "_start")))`;
    await expect(runCommand(await compileWat(wat), [], { build: fake({}) })).rejects.toThrow(/unsupported import env\.nope/);
  });
});

describe('linux runtime: ELF64 image', () => {
  it('is a static executable whose symbols objdump shows', async () => {
    const wasm = await compileWat(`(module (func (export "answer") (result i32) unreachable))`);
    const path = tmpPath('elf');
    writeFileSync(path, fake({ answer: (a) => { a.i('mov', d(RAX), imm(42)); a.i('ret'); } })(wasm, { mode: 'driver' }));
    const hdr = (await execa('readelf', ['-hl', path])).stdout;
    expect(hdr).toMatch(/Type:\s+EXEC/);
    expect(hdr).toMatch(/Machine:\s+Advanced Micro Devices X86-64/);
    expect(hdr).toMatch(/GNU_STACK/);
    const dis = (await execa('objdump', ['-d', '-M', 'intel', path])).stdout;
    expect(dis).toMatch(/<_start>:/);
    expect(dis).toMatch(/<(func:0|export:answer)>:\n.*mov\s+eax,0x2a/);
  });
});
