/**
 * Files between the client and the engine, through the contract: downloads in pieces of bytes
 * with backpressure, uploads as acknowledged pieces staged in a temp file (so a cancelled upload
 * hands nothing to the engine). Each helper copes with a signal that is already aborted when it
 * starts (a cancel, or a client gone, while the stream was still starting) and leaves no engine
 * request and no open file behind.
 */
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { BerthError } from '../../shared/errors';
import type { TransferProgress } from '../../shared/models';
import { DOWNLOAD_PIECE } from '../../shared/transfer';
import type { StreamSink } from '../stream-sink';

/** Runs `fn` over an engine stream, ending the request when the client cancels and once done. */
export async function withStream<T>(stream: Readable, signal: AbortSignal, fn: () => Promise<T>): Promise<T | undefined> {
  if (signal.aborted) {
    stream.destroy(); // cancelled while the request was being made: no abort event will come
    return undefined;
  }
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

/** Sends the stream's bytes in pieces of about DOWNLOAD_PIECE, waiting on the client. */
export async function sendFile(stream: Readable, sink: StreamSink<Uint8Array>): Promise<void> {
  let pending: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    const piece = Buffer.concat(pending);
    pending = [];
    size = 0;
    await sink.write(piece);
  };
  for await (const data of stream) {
    pending.push(data as Buffer);
    size += (data as Buffer).length;
    if (size >= DOWNLOAD_PIECE) await flush();
  }
  if (size) await flush();
}

/**
 * Writes the client's pieces to `file` until `size` bytes came, acknowledging each once it is on
 * disk. Settles once the file is closed: resolves when complete or cancelled (check the signal),
 * rejects when the client sent too much or the disk failed.
 */
export function receiveToFile(file: string, size: number, sink: StreamSink<TransferProgress, Uint8Array>): Promise<void> {
  if (sink.signal.aborted) return Promise.resolve(); // cancelled before it started: no file at all
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    let received = 0;
    let failure: Error | undefined;
    let stopping = false;
    const stop = (e?: Error, complete = false) => {
      failure ??= e;
      if (stopping) return;
      stopping = true;
      sink.signal.removeEventListener('abort', onAbort);
      if (complete) out.end();
      else out.destroy();
    };
    const onAbort = () => stop();
    out.once('close', () => (failure ? reject(failure) : resolve()));
    out.on('error', (e) => stop(e));
    sink.signal.addEventListener('abort', onAbort, { once: true });
    sink.onInput((bytes) => {
      if (stopping) return;
      if (received + bytes.length > size) return stop(new BerthError('INVALID_ARGUMENT', `More data than the announced ${size} bytes.`));
      received += bytes.length;
      const at = received;
      out.write(bytes, (e) => {
        if (!e) sink.write({ bytes: at }).catch((err: Error) => stop(err));
      });
      if (received === size) stop(undefined, true);
    });
    if (size === 0) stop(undefined, true);
  });
}
