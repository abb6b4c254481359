// Types for the parts of cpio-stream 1.4 that tools/cpio uses (the package ships none).
declare module 'cpio-stream' {
  import type { Readable, Writable } from 'node:stream';

  export interface PackHeader {
    name: string;
    mode?: number;
    size?: number;
    linkname?: string;
    [field: string]: unknown;
  }

  export interface Pack extends Readable {
    /** Adds an entry; with a buffer (or none) the body is complete, else write it to the returned stream. */
    entry(header: PackHeader, callback?: (err?: Error | null) => void): Writable;
    entry(header: PackHeader, buffer: Buffer | string, callback?: (err?: Error | null) => void): Writable;
    finalize(): void;
  }

  export function pack(opts?: { format?: 'odc' | 'newc' }): Pack;
  export function extract(): Writable;
  const cpio: { pack: typeof pack; extract: typeof extract };
  export default cpio;
}
