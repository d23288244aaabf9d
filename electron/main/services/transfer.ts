/**
 * Files between the client and the engine, through the contract: downloads as base64 pieces with
 * backpressure, uploads as acknowledged base64 pieces staged in a temp file (so a cancelled upload
 * hands nothing to the engine).
 */
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { BerthError } from '../../shared/errors';
import type { TransferProgress } from '../../shared/models';
import type { StreamSink } from '../api/router';

/** A download piece before base64. */
const DOWNLOAD_PIECE = 128 * 1024;

/** Runs `fn` over an engine stream, ending the request when the client cancels and once done. */
export async function withStream<T>(stream: Readable, signal: AbortSignal, fn: () => Promise<T>): Promise<T | undefined> {
  const stop = () => stream.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await fn();
  } catch (e) {
    if (signal.aborted) return undefined;
    throw e;
  } finally {
    signal.removeEventListener('abort', stop);
    stream.destroy();
  }
}

/** Sends the stream's bytes as base64 pieces of about DOWNLOAD_PIECE, waiting on the client. */
export async function sendFile(stream: Readable, sink: StreamSink<string>): Promise<void> {
  let pending: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    const piece = Buffer.concat(pending);
    pending = [];
    size = 0;
    await sink.write(piece.toString('base64'));
  };
  for await (const data of stream) {
    pending.push(data as Buffer);
    size += (data as Buffer).length;
    if (size >= DOWNLOAD_PIECE) await flush();
  }
  if (size) await flush();
}

/** Writes the client's pieces to `file` until `size` bytes came (or the stream was cancelled). */
export function receiveToFile(file: string, size: number, sink: StreamSink<TransferProgress, { data: string }>): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    let received = 0;
    const finish = (e?: Error) => {
      sink.signal.removeEventListener('abort', onAbort);
      if (e) {
        out.destroy();
        reject(e);
      } else out.end(() => resolve());
    };
    const onAbort = () => {
      out.destroy();
      resolve();
    };
    sink.signal.addEventListener('abort', onAbort, { once: true });
    out.on('error', (e) => finish(e));
    sink.onInput(({ data }) => {
      if (out.destroyed || out.writableEnded) return;
      const bytes = Buffer.from(data, 'base64');
      if (received + bytes.length > size) return finish(new BerthError('INVALID_ARGUMENT', `More data than the announced ${size} bytes.`));
      received += bytes.length;
      const at = received;
      out.write(bytes, () => void sink.write({ bytes: at }));
      if (received === size) finish();
    });
    if (size === 0) finish();
  });
}
