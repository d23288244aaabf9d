// tar-fs ships no types; the one call Berth makes.
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';
  export function pack(dir: string, opts?: { ignore?: (path: string) => boolean; dereference?: boolean }): Readable;
}
