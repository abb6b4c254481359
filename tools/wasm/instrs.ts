// Instruction decoding (WebAssembly core 2.0 §5.4): one opcode and its
// immediates per call to readInstr; expressions (§5.4.9) and function bodies
// are sequences ending in `end` at nesting depth 0.

import { Imm, Op, opInfo } from './opcodes.ts';
import { Reader } from './reader.ts';
import type { BlockType, Instr, ValType } from './types.ts';

/** Imm kind of each single-byte opcode, -1 where the byte is no opcode. */
const IMM1 = new Int8Array(256).fill(-1);
/** Imm kind of each 0xFC sub-opcode. */
const IMMFC = new Int8Array(32).fill(-1);
for (let b = 0; b < 256; b++) {
  const info = opInfo(b);
  if (info) IMM1[b] = info.imm;
}
for (let s = 0; s < 32; s++) {
  const info = opInfo(0xfc00 | s);
  if (info) IMMFC[s] = info.imm;
}

const EMPTY: BlockType = { kind: 'empty' };
const VALUE_BT = new Map<number, BlockType>();
for (const t of [0x7f, 0x7e, 0x7d, 0x7c, 0x70, 0x6f]) VALUE_BT.set(t, { kind: 'value', type: t as ValType });

/** Decodes one instruction at r.pos. Throws WasmDecodeError on malformed input. */
export function readInstr(r: Reader): Instr {
  // Every instruction gets every field (one object shape): each compiler pass
  // reads `ins.op` in its loop, a fast load only while all instructions share a shape.
  const ins: Instr = { op: Op.Unreachable, pos: 0, a: undefined, b: undefined, i64: undefined, blockType: undefined, targets: undefined, types: undefined };
  readInstrInto(r, ins);
  return ins;
}

/** Scratch instruction of the validating pass over bodies (readExpr without `out`): no object per instruction. */
const SCRATCH: Instr = { op: Op.Unreachable, pos: 0, a: undefined, b: undefined, i64: undefined, blockType: undefined, targets: undefined, types: undefined };

/**
 * readInstr into `ins` (whose immediates other than this opcode's are left as they were).
 * `keep` false (the validating pass, SCRATCH): i64/f64 constants and br_table targets are
 * checked but not made (a bigint or an array each, garbage at once).
 */
function readInstrInto(r: Reader, ins: Instr, keep = true): void {
  const pos = r.pos;
  const b = r.u8();
  let op: number = b;
  let imm: number;
  if (b === 0xfc) {
    const sub = r.u32();
    imm = sub < 32 ? IMMFC[sub]! : -1;
    if (imm < 0) r.fail(`illegal opcode 0xfc ${sub}`, pos);
    op = 0xfc00 | sub;
  } else {
    imm = IMM1[b]!;
    if (imm < 0) {
      if (b === 0xfd) r.fail('unsupported: SIMD', pos);
      r.fail(`illegal opcode 0x${b.toString(16)}`, pos);
    }
  }
  ins.op = op as Op;
  ins.pos = pos;
  if (imm !== Imm.None) readImm(r, ins, imm, keep);
}

function readImm(r: Reader, ins: Instr, imm: Imm, keep: boolean): void {
  switch (imm) {
    case Imm.Index: ins.a = r.u32(); return;
    case Imm.I32: ins.a = r.s32(); return;
    case Imm.MemArg: ins.a = r.u32(); ins.b = r.u32(); return;
    case Imm.BlockType: ins.blockType = readBlockType(r); return;
    case Imm.I64: if (keep) ins.i64 = r.s64(); else r.skipS64(); return;
    case Imm.F32: ins.a = r.u32le(); return;
    case Imm.F64: if (keep) ins.i64 = r.u64le(); else r.skipU64le(); return;
    case Imm.BrTable: readBrTable(r, ins, keep); return;
    case Imm.CallIndirect: ins.a = r.u32(); ins.b = r.u32(); return;
    case Imm.SelectT: {
      const n = r.u32();
      const types: ValType[] = [];
      for (let i = 0; i < n; i++) types.push(r.valType());
      ins.types = types;
      return;
    }
    case Imm.Memory: r.zeroByte(); return;
    case Imm.RefType: ins.a = r.refType(); return;
    case Imm.MemoryInit: ins.a = r.u32(); r.zeroByte(); return;
    case Imm.MemoryCopy: r.zeroByte(); r.zeroByte(); return;
    case Imm.TableInit: ins.a = r.u32(); ins.b = r.u32(); return;
    case Imm.TableCopy: ins.a = r.u32(); ins.b = r.u32(); return;
    default: r.fail(`internal: no decoder for immediate kind ${imm}`);
  }
}

function readBrTable(r: Reader, ins: Instr, keep: boolean): void {
  const n = r.u32();
  if (n > r.end - r.pos) r.fail('length out of bounds');
  if (keep) {
    const targets = new Array<number>(n);
    for (let i = 0; i < n; i++) targets[i] = r.u32();
    ins.targets = targets;
  } else {
    for (let i = 0; i < n; i++) r.u32();
  }
  ins.a = r.u32();
}

/** Block type (§5.4.1): 0x40, a value type, or an s33 type index >= 0. */
export function readBlockType(r: Reader): BlockType {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x40) return EMPTY;
  const v = VALUE_BT.get(b);
  if (v) return v;
  if (b === 0x7b) r.fail('unsupported: SIMD (v128 block type)', at);
  r.pos = at;
  const idx = r.s33();
  if (idx < 0) r.fail(`malformed block type 0x${b.toString(16)}`, at);
  return { kind: 'func', index: idx };
}

/**
 * Decodes instructions from r.pos through the `end` that closes depth 0.
 * Pushes them (the final `end` included) to `out` when given; returns the
 * number decoded. Sets `sawDataIndex` in `flags` when memory.init or
 * data.drop occurs (§5.5.13: they need a data count section).
 */
export function readExpr(r: Reader, out: Instr[] | null, flags?: { dataIndex: boolean }): number {
  let depth = 0;
  let n = 0;
  for (;;) {
    if (r.pos >= r.end) r.fail('END opcode expected: expression ends without `end`');
    let ins: Instr;
    if (out) { ins = readInstr(r); out.push(ins); } else { ins = SCRATCH; readInstrInto(r, ins, false); }
    n++;
    const op = ins.op;
    if (op === Op.Block || op === Op.Loop || op === Op.If) depth++;
    else if (op === Op.End) {
      if (depth === 0) return n;
      depth--;
    } else if (flags && (op === Op.MemoryInit || op === Op.DataDrop)) flags.dataIndex = true;
  }
}

/**
 * Instruction objects reused from one body to the next (decodeBodyReuse): a
 * large module's bodies would otherwise allocate one object per instruction,
 * most of a compile's garbage. `out` is the body, `pool` every object made so far.
 */
export interface InstrPool { pool: Instr[]; out: Instr[] }

/** readExpr into `p`'s reused objects: every field is reset, so one shape and no stale immediates. Returns p.out. */
export function readExprReuse(r: Reader, p: InstrPool): Instr[] {
  const { pool, out } = p;
  let depth = 0;
  let n = 0;
  for (;;) {
    if (r.pos >= r.end) r.fail('END opcode expected: expression ends without `end`');
    let ins = pool[n];
    if (ins === undefined) {
      ins = { op: Op.Unreachable, pos: 0, a: undefined, b: undefined, i64: undefined, blockType: undefined, targets: undefined, types: undefined };
      pool.push(ins);
    } else {
      ins.a = undefined; ins.b = undefined; ins.i64 = undefined; ins.blockType = undefined; ins.targets = undefined; ins.types = undefined;
    }
    readInstrInto(r, ins);
    if (n < out.length) out[n] = ins; else out.push(ins);
    n++;
    const op = ins.op;
    if (op === Op.Block || op === Op.Loop || op === Op.If) depth++;
    else if (op === Op.End) {
      if (depth === 0) { out.length = n; return out; }
      depth--;
    }
  }
}

/** A constant expression (§5.4.9) without its final `end`. */
export function readConstExpr(r: Reader): Instr[] {
  const out: Instr[] = [];
  readExpr(r, out);
  out.pop();
  return out;
}

/** Yields the instructions of bytes[start, end), absolute positions in `bytes`. */
export function* readInstrs(bytes: Uint8Array, start: number, end: number): Generator<Instr> {
  const r = new Reader(bytes, start, end);
  r.endReason = 'unexpected end of section or function';
  while (!r.atEnd()) yield readInstr(r);
}
