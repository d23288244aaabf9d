/**
 * Byte transfers over contract streams, for any stream that follows the two shapes: a download
 * sends base64 pieces; an upload takes base64 pieces as input and acknowledges `{ bytes }` taken
 * (at most UPLOAD_WINDOW pieces go unacknowledged, so a big file is never all in flight).
 */
import type { BerthError } from '../../electron/shared/errors';
import { UPLOAD_PIECE, UPLOAD_WINDOW } from '../../electron/shared/transfer';
import { fromBase64, toBase64 } from '../lib/base64';
import type { StreamCallbacks, StreamHandle } from './client';

export interface Transfer<T> {
  /** The result; undefined when cancelled; rejects with the BerthError when the stream failed. */
  done: Promise<T | undefined>;
  cancel(): void;
}

export function receiveBlob(open: (on: StreamCallbacks<string>) => StreamHandle<never>, type: string, onBytes: (total: number) => void): Transfer<Blob> {
  let cancel = () => {};
  const done = new Promise<Blob | undefined>((resolve, reject) => {
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let bytes = 0;
    const h = open({
      onData: (b64) => {
        const part = fromBase64(b64);
        parts.push(part);
        bytes += part.length;
        onBytes(bytes);
      },
      onEnd: (error?: BerthError) => (error ? reject(error) : resolve(new Blob(parts, { type }))),
    });
    cancel = () => {
      h.cancel();
      resolve(undefined);
    };
  });
  return { done, cancel: () => cancel() };
}

export function sendBlob<C extends { bytes: number }>(open: (on: StreamCallbacks<C>) => StreamHandle<{ data: string }>, file: Blob, onChunk: (c: NoInfer<C>) => void): Transfer<C> {
  let cancel = () => {};
  const done = new Promise<C | undefined>((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    let reading = false;
    let over = false;
    let last: C | undefined;
    const pump = async () => {
      if (reading) return;
      reading = true;
      while (!over && sent < file.size && sent - acked < UPLOAD_WINDOW * UPLOAD_PIECE) {
        const piece = new Uint8Array(await file.slice(sent, sent + UPLOAD_PIECE).arrayBuffer());
        if (over) break;
        sent += piece.length;
        h.send({ data: toBase64(piece) });
      }
      reading = false;
    };
    const h = open({
      onData: (c) => {
        last = c;
        acked = c.bytes;
        onChunk(c);
        void pump();
      },
      onEnd: (error?: BerthError) => {
        over = true;
        if (error) reject(error);
        else resolve(last ?? ({ bytes: file.size } as C));
      },
    });
    cancel = () => {
      over = true;
      h.cancel(); // the server drops what it staged: nothing reaches the engine
      resolve(undefined);
    };
    void pump();
  });
  return { done, cancel: () => cancel() };
}
