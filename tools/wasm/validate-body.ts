// Function body validation: the algorithm of WebAssembly core 2.0 §A.3
// (appendix "Validation Algorithm") with an operand stack and a control
// stack, including the polymorphic stack after unreachable/br/return.

import { Op } from './opcodes.ts';
import { ValType } from './types.ts';
import type { BlockType, FuncType, GlobalType, Instr, LocalDecl, MemType, TableType } from './types.ts';
import { MEM_ACCESS, NUMERIC_SIGS } from './validate-sigs.ts';

/** An unknown operand type (bottom), on the polymorphic part of the stack. */
const UNKNOWN = 0;
type Operand = ValType | typeof UNKNOWN;

/** What a body may refer to: the module's context C (§3.1.1). */
export interface ValidationContext {
  types: FuncType[];
  funcs: number[];          // type index per function (full index space)
  tables: TableType[];
  mems: MemType[];
  globals: GlobalType[];
  elems: ValType[];         // element segment types
  datas: number;            // number of data segments
  refs: Set<number>;        // C.refs: functions declared for ref.func
}

/** A validation failure inside a body: caller adds the function index. */
export class BodyError extends Error {
  constructor(readonly pos: number, readonly reason: string) {
    super(reason);
  }
}

interface Frame {
  op: Op;
  start: ValType[];
  end: ValType[];
  height: number;
  unreachable: boolean;
}

/** Single-byte opcode lookups as arrays: Map.get per instruction is the validator's hot spot. */
const NUMERIC_SIGS1 = Array.from({ length: 256 }, (_, op) => NUMERIC_SIGS.get(op));
const MEM_ACCESS1 = Array.from({ length: 256 }, (_, op) => MEM_ACCESS.get(op));

const isNum = (t: Operand): boolean => t === ValType.I32 || t === ValType.I64 || t === ValType.F32 || t === ValType.F64;
const isRef = (t: Operand): boolean => t === ValType.FuncRef || t === ValType.ExternRef;

export class BodyValidator {
  private vals: Operand[] = [];
  private ctrls: Frame[] = [];
  private locals: ValType[] = [];
  /** For very many locals: cumulative end index and type of each run, instead of `locals`. */
  private runs: { end: number; type: ValType }[] | null = null;
  private pos = 0;

  constructor(private readonly c: ValidationContext) {}

  fail(reason: string): never {
    throw new BodyError(this.pos, reason);
  }

  /** Validates `body` (with its final `end`) of a function of type `type` with `decls` locals. */
  run(type: FuncType, decls: LocalDecl[], body: Instr[]): void {
    this.vals = [];
    this.ctrls = [];
    this.setLocals(type.params, decls);
    this.pushCtrl(Op.Block, [], type.results);
    for (const ins of body) {
      this.pos = ins.pos;
      if (this.ctrls.length === 0) this.fail('type mismatch: instructions after the function end');
      this.step(ins, type);
    }
    if (this.ctrls.length !== 0) this.fail('type mismatch: function body not closed');
  }

  private setLocals(params: ValType[], decls: LocalDecl[]): void {
    let total = params.length;
    for (const d of decls) total += d.count;
    this.locals = [...params];
    this.runs = null;
    if (total <= 0x10000) {
      for (const d of decls) for (let i = 0; i < d.count; i++) this.locals.push(d.type);
      return;
    }
    let end = params.length;
    this.runs = decls.map((d) => ({ end: (end += d.count), type: d.type }));
  }

  // ---- the stacks (§A.3) ----

  private push(t: Operand): void {
    this.vals.push(t);
  }

  private popAny(): Operand {
    const top = this.ctrls[this.ctrls.length - 1]!;
    if (this.vals.length === top.height) {
      if (top.unreachable) return UNKNOWN;
      this.fail('type mismatch: operand stack underflow');
    }
    return this.vals.pop()!;
  }

  private pop(expect: Operand): Operand {
    const actual = this.popAny();
    if (actual !== expect && actual !== UNKNOWN && expect !== UNKNOWN) {
      this.fail(`type mismatch: expected ${ValType[expect]}, got ${ValType[actual]}`);
    }
    return actual;
  }

  private pushAll(ts: readonly Operand[]): void {
    for (const t of ts) this.vals.push(t);
  }

  private popAll(ts: readonly Operand[]): void {
    for (let i = ts.length - 1; i >= 0; i--) this.pop(ts[i]!);
  }

  /** Like popAll, returning the operands popped (UNKNOWN where polymorphic). */
  private popCollect(ts: readonly Operand[]): Operand[] {
    const out = new Array<Operand>(ts.length);
    for (let i = ts.length - 1; i >= 0; i--) out[i] = this.pop(ts[i]!);
    return out;
  }

  private pushCtrl(op: Op, start: ValType[], end: ValType[]): void {
    this.ctrls.push({ op, start, end, height: this.vals.length, unreachable: false });
    this.pushAll(start);
  }

  private popCtrl(): Frame {
    const frame = this.ctrls[this.ctrls.length - 1]!;
    this.popAll(frame.end);
    if (this.vals.length !== frame.height) this.fail('type mismatch: values left on the stack at end of block');
    this.ctrls.pop();
    return frame;
  }

  private labelTypes(frame: Frame): ValType[] {
    return frame.op === Op.Loop ? frame.start : frame.end;
  }

  private label(depth: number): Frame {
    if (depth >= this.ctrls.length) this.fail(`unknown label ${depth}`);
    return this.ctrls[this.ctrls.length - 1 - depth]!;
  }

  private unreachable(): void {
    const top = this.ctrls[this.ctrls.length - 1]!;
    this.vals.length = top.height;
    top.unreachable = true;
  }

  // ---- instructions ----

  private step(ins: Instr, fn: FuncType): void {
    const op = ins.op;
    const sig = op < 0x100 ? NUMERIC_SIGS1[op] : NUMERIC_SIGS.get(op);
    if (sig) {
      this.popAll(sig.params);
      this.pushAll(sig.results);
      return;
    }
    const mem = op < 0x100 ? MEM_ACCESS1[op] : undefined;
    if (mem) return this.memAccess(ins, mem.type, mem.bytes, mem.store);
    if (this.control(ins, fn)) return;
    if (this.variable(ins)) return;
    if (this.tableOrRef(ins)) return;
    this.other(ins);
  }

  private blockSig(bt: BlockType): FuncType {
    if (bt.kind === 'empty') return { params: [], results: [] };
    if (bt.kind === 'value') return { params: [], results: [bt.type] };
    const t = this.c.types[bt.index];
    if (!t) this.fail(`unknown type ${bt.index}`);
    return t;
  }

  /** Control instructions (§3.3.8). Returns false when `ins` is not one. */
  private control(ins: Instr, fn: FuncType): boolean {
    switch (ins.op) {
      case Op.Unreachable: this.unreachable(); return true;
      case Op.Nop: return true;
      case Op.Block: case Op.Loop: {
        const t = this.blockSig(ins.blockType!);
        this.popAll(t.params);
        this.pushCtrl(ins.op, t.params, t.results);
        return true;
      }
      case Op.If: {
        const t = this.blockSig(ins.blockType!);
        this.pop(ValType.I32);
        this.popAll(t.params);
        this.pushCtrl(Op.If, t.params, t.results);
        return true;
      }
      case Op.Else: {
        const frame = this.popCtrl();
        if (frame.op !== Op.If) this.fail('type mismatch: else without if');
        this.pushCtrl(Op.Else, frame.start, frame.end);
        return true;
      }
      case Op.End: {
        const frame = this.popCtrl();
        if (frame.op === Op.If && !sameTypes(frame.start, frame.end)) this.fail('type mismatch: if without else must not change the stack');
        this.pushAll(frame.end);
        return true;
      }
      case Op.Br: this.popAll(this.labelTypes(this.label(ins.a!))); this.unreachable(); return true;
      case Op.BrIf: {
        this.pop(ValType.I32);
        const lt = this.labelTypes(this.label(ins.a!));
        this.popAll(lt);
        this.pushAll(lt);
        return true;
      }
      case Op.BrTable: this.brTable(ins); return true;
      case Op.Return: this.popAll(fn.results); this.unreachable(); return true;
      case Op.Call: {
        const ti = this.c.funcs[ins.a!];
        if (ti === undefined) this.fail(`unknown function ${ins.a}`);
        this.callSig(this.c.types[ti]!);
        return true;
      }
      case Op.CallIndirect: {
        const table = this.c.tables[ins.b!];
        if (!table) this.fail(`unknown table ${ins.b}`);
        if (table.elem !== ValType.FuncRef) this.fail('type mismatch: call_indirect through a table of externref');
        const t = this.c.types[ins.a!];
        if (!t) this.fail(`unknown type ${ins.a}`);
        this.pop(ValType.I32);
        this.callSig(t);
        return true;
      }
      default: return false;
    }
  }

  private callSig(t: FuncType): void {
    this.popAll(t.params);
    this.pushAll(t.results);
  }

  private brTable(ins: Instr): void {
    this.pop(ValType.I32);
    const def = this.labelTypes(this.label(ins.a!));
    const arity = def.length;
    for (const l of ins.targets!) {
      const lt = this.labelTypes(this.label(l));
      if (lt.length !== arity) this.fail('type mismatch: br_table targets of different arity');
      this.pushAll(this.popCollect(lt));
    }
    this.popAll(def);
    this.unreachable();
  }

  /** Parametric and variable instructions (§3.3.4, §3.3.5). */
  private variable(ins: Instr): boolean {
    switch (ins.op) {
      case Op.Drop: this.popAny(); return true;
      case Op.Select: this.select(); return true;
      case Op.SelectT: {
        const ts = ins.types!;
        if (ts.length !== 1) this.fail('invalid result arity');
        this.pop(ValType.I32);
        this.pop(ts[0]!);
        this.pop(ts[0]!);
        this.push(ts[0]!);
        return true;
      }
      case Op.LocalGet: this.push(this.local(ins.a!)); return true;
      case Op.LocalSet: this.pop(this.local(ins.a!)); return true;
      case Op.LocalTee: { const t = this.local(ins.a!); this.pop(t); this.push(t); return true; }
      case Op.GlobalGet: this.push(this.global(ins.a!).type); return true;
      case Op.GlobalSet: {
        const g = this.global(ins.a!);
        if (!g.mutable) this.fail('global is immutable');
        this.pop(g.type);
        return true;
      }
      default: return false;
    }
  }

  private select(): void {
    this.pop(ValType.I32);
    const t1 = this.popAny();
    const t2 = this.popAny();
    if (!((isNum(t1) || t1 === UNKNOWN) && (isNum(t2) || t2 === UNKNOWN))) this.fail('type mismatch: select of reference types needs a type annotation');
    if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) this.fail('type mismatch: select operands differ');
    this.push(t1 === UNKNOWN ? t2 : t1);
  }

  private local(i: number): ValType {
    const t = this.locals[i] ?? this.runs?.find((r) => i < r.end)?.type;
    if (t === undefined) this.fail(`unknown local ${i}`);
    return t;
  }

  private global(i: number): GlobalType {
    const g = this.c.globals[i];
    if (!g) this.fail(`unknown global ${i}`);
    return g;
  }

  private table(i: number): TableType {
    const t = this.c.tables[i];
    if (!t) this.fail(`unknown table ${i}`);
    return t;
  }

  private elem(i: number): ValType {
    const t = this.c.elems[i];
    if (t === undefined) this.fail(`unknown elem segment ${i}`);
    return t;
  }

  /** Table and reference instructions (§3.3.2, §3.3.6). */
  private tableOrRef(ins: Instr): boolean {
    const I = ValType.I32;
    switch (ins.op) {
      case Op.TableGet: { const t = this.table(ins.a!); this.pop(I); this.push(t.elem); return true; }
      case Op.TableSet: { const t = this.table(ins.a!); this.pop(t.elem); this.pop(I); return true; }
      case Op.TableSize: this.table(ins.a!); this.push(I); return true;
      case Op.TableGrow: { const t = this.table(ins.a!); this.pop(I); this.pop(t.elem); this.push(I); return true; }
      case Op.TableFill: { const t = this.table(ins.a!); this.pop(I); this.pop(t.elem); this.pop(I); return true; }
      case Op.TableCopy: {
        const dst = this.table(ins.a!);
        const src = this.table(ins.b!);
        if (dst.elem !== src.elem) this.fail('type mismatch: table.copy between tables of different types');
        this.popAll([I, I, I]);
        return true;
      }
      case Op.TableInit: {
        const t = this.table(ins.b!);
        const e = this.elem(ins.a!);
        if (t.elem !== e) this.fail('type mismatch: table.init of a segment of another type');
        this.popAll([I, I, I]);
        return true;
      }
      case Op.ElemDrop: this.elem(ins.a!); return true;
      case Op.RefNull: this.push(ins.a as ValType); return true;
      case Op.RefIsNull: {
        const t = this.popAny();
        if (!isRef(t) && t !== UNKNOWN) this.fail('type mismatch: ref.is_null of a non-reference');
        this.push(I);
        return true;
      }
      case Op.RefFunc: {
        if (this.c.funcs[ins.a!] === undefined) this.fail(`unknown function ${ins.a}`);
        if (!this.c.refs.has(ins.a!)) this.fail('undeclared function reference');
        this.push(ValType.FuncRef);
        return true;
      }
      default: return false;
    }
  }

  private needMemory(): void {
    if (this.c.mems.length === 0) this.fail('unknown memory 0');
  }

  /** Loads and stores (§3.3.7): memory 0 exists, 2^align <= width. */
  private memAccess(ins: Instr, type: ValType, bytes: number, store: boolean): void {
    this.needMemory();
    if (2 ** ins.a! > bytes) this.fail('alignment must not be larger than natural');
    if (store) {
      this.pop(type);
      this.pop(ValType.I32);
    } else {
      this.pop(ValType.I32);
      this.push(type);
    }
  }

  /** Constants and the remaining memory instructions. */
  private other(ins: Instr): void {
    const I = ValType.I32;
    switch (ins.op) {
      case Op.I32Const: this.push(I); return;
      case Op.I64Const: this.push(ValType.I64); return;
      case Op.F32Const: this.push(ValType.F32); return;
      case Op.F64Const: this.push(ValType.F64); return;
      case Op.MemorySize: this.needMemory(); this.push(I); return;
      case Op.MemoryGrow: this.needMemory(); this.pop(I); this.push(I); return;
      case Op.MemoryFill: case Op.MemoryCopy: this.needMemory(); this.popAll([I, I, I]); return;
      case Op.MemoryInit:
        this.needMemory();
        if (ins.a! >= this.c.datas) this.fail(`unknown data segment ${ins.a}`);
        this.popAll([I, I, I]);
        return;
      case Op.DataDrop:
        if (ins.a! >= this.c.datas) this.fail(`unknown data segment ${ins.a}`);
        return;
      default: this.fail(`internal: no validation rule for opcode 0x${ins.op.toString(16)}`);
    }
  }
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
