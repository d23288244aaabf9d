/**
 * Byte transfers over contract streams, for any stream that follows the two shapes: a download
 * sends pieces of bytes; an upload takes pieces of bytes as input and acknowledges `{ bytes }`
 * taken (at most UPLOAD_WINDOW pieces go unacknowledged, so a big file is never all in flight).
 * The bytes travel as they are: binary WebSocket frames in browser mode, Uint8Arrays over IPC.
 * If the connection to Berth drops mid-way, the transfer fails with that said in words.
 */
import { BerthError } from '../../electron/shared/errors';
import { UPLOAD_PIECE, UPLOAD_WINDOW } from '../../electron/shared/transfer';
import type { StreamCallbacks, StreamHandle } from './client';

export interface Transfer<T> {
  /** The result; undefined when cancelled; rejects with the BerthError when the stream failed. */
  done: Promise<T | undefined>;
  cancel: () => void;
}

/** The stream's error, told as what it means for this transfer when it is the connection that went. */
function explain(error: BerthError, kind: 'download' | 'upload'): BerthError {
  if (error.code !== 'DISCONNECTED') return error;
  const what = kind === 'download' ? 'the download; nothing was saved' : 'the upload; it did not finish';
  return new BerthError('DISCONNECTED', `Lost the connection to Berth during ${what}.`, { hint: 'Try again once Berth is back (it reconnects by itself).' });
}

export function receiveBlob(open: (on: StreamCallbacks<Uint8Array>) => StreamHandle<never>, type: string, onBytes: (total: number) => void): Transfer<Blob> {
  let cancel = () => {};
  const done = new Promise<Blob | undefined>((resolve, reject) => {
    const parts: Uint8Array[] = [];
    let bytes = 0;
    const h = open({
      onData: (part) => {
        parts.push(part);
        bytes += part.length;
        onBytes(bytes);
      },
      onEnd: (error?: BerthError) => (error ? reject(explain(error, 'download')) : resolve(new Blob(parts as BlobPart[], { type }))),
    });
    cancel = () => {
      h.cancel();
      resolve(undefined);
    };
  });
  return { done, cancel: () => cancel() };
}

export function sendBlob<C extends { bytes: number }>(open: (on: StreamCallbacks<C>) => StreamHandle<Uint8Array<ArrayBuffer>>, file: Blob, onChunk: (c: NoInfer<C>) => void): Transfer<C> {
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
      try {
        while (!over && sent < file.size && sent - acked < UPLOAD_WINDOW * UPLOAD_PIECE) {
          const piece = new Uint8Array(await file.slice(sent, sent + UPLOAD_PIECE).arrayBuffer());
          if (over) break;
          sent += piece.length;
          h.send(piece);
        }
      } catch (e) {
        over = true; // the file changed or went away while it was read
        h.cancel();
        reject(new BerthError('NOT_FOUND', `Could not read the file: ${(e as Error).message}`));
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
        if (error) reject(explain(error, 'upload'));
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
