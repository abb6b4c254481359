// Errors of the AOT compiler. `unsupported`: the module uses something we do
// not compile (the user can change the module); `invalid`: the module is
// malformed or ill-typed in a way the compiler noticed; `internal`: our bug.

export type AotErrorCode = 'unsupported' | 'internal' | 'invalid';

export class AotError extends Error {
  constructor(readonly code: AotErrorCode, message: string) {
    super(`aot ${code}: ${message}`);
    this.name = 'AotError';
  }
}

/** Throws an AotError locating the problem at `where` (function + op + byte offset). */
export function aotFail(code: AotErrorCode, where: string, what: string): never {
  throw new AotError(code, `${where}: ${what}`);
}
