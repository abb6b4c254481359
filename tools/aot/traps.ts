// Trap kinds shared by the compiler and its targets (tools/aot/ABI.md "Traps").
// Compiled code traps with `mov edi, KIND; lea rsi, [rip + name]; call trap`.

export enum TrapKind {
  Unreachable = 1,
  DivByZero = 2,
  IntOverflow = 3,
  InvalidConversion = 4,
  UndefinedElement = 5,
  UninitializedElement = 6,
  IndirectCallTypeMismatch = 7,
  MemoryOutOfBounds = 8,
  StackExhausted = 9,
  TableOutOfBounds = 10,
  DataOutOfBounds = 11,
}

/** The spec test suite's wording for each trap kind. */
export const trapMessages: Record<number, string> = {
  1: 'unreachable',
  2: 'integer divide by zero',
  3: 'integer overflow',
  4: 'invalid conversion to integer',
  5: 'undefined element',
  6: 'uninitialized element',
  7: 'indirect call type mismatch',
  8: 'out of bounds memory access',
  9: 'call stack exhausted',
  10: 'out of bounds table access',
  11: 'out of bounds memory access',
};
