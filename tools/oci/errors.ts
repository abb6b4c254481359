// Errors of tools/oci. `invalid`: the image is malformed (a missing blob, a
// manifest that is not JSON); `unsupported`: a valid image uses something we
// do not read (zstd layers, foreign media types); `internal`: our bug.

export type OciErrorCode = 'invalid' | 'unsupported' | 'internal';

export class OciError extends Error {
  constructor(readonly code: OciErrorCode, message: string) {
    super(`oci ${code}: ${message}`);
    this.name = 'OciError';
  }
}
