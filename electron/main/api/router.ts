/**
 * Typed router: one handler per contract method. Validates arguments with the contract's schema,
 * runs the handler, and encodes every failure as `{ ok: false, error: { code, message, hint } }`.
 * Never throws and never rejects: a transport can hand it anything a client sent, and a handler
 * that throws (even synchronously, even from an input listener) becomes an error reply and a log line.
 */
import { requests, streams, type ChunkOf, type InputOf, type Method, type ParsedArgsOf, type ParsedStreamArgsOf, type ResultOf, type StreamName } from '../../shared/api-contract';
import { BerthError, type ErrorPayload } from '../../shared/errors';
import { UPLOAD_PIECE, UPLOAD_WINDOW } from '../../shared/transfer';
import { formatIssues } from '../../shared/validation';
import type { Reply } from '../../shared/wire';
import type { StreamSink } from '../stream-sink';

/**
 * The most input a stream keeps before its handler listens: a full upload window (what a
 * well-behaved client sends before its first acknowledgement). Past it the stream fails.
 */
export const EARLY_INPUT_BYTES = UPLOAD_WINDOW * UPLOAD_PIECE;
/** What one kept input counts for: its bytes, and at least this much for its bookkeeping. */
const MIN_INPUT_BYTES = 64;
const inputBytes = (i: unknown): number => {
  const data = i instanceof Uint8Array ? i : (i as { data?: unknown } | null)?.data;
  const n = data instanceof Uint8Array ? data.byteLength : typeof data === 'string' ? data.length : 0;
  return Math.max(n, MIN_INPUT_BYTES);
};

export type Handlers = { [M in Method]: (args: ParsedArgsOf<M>) => Promise<ResultOf<M>> };

/** A stream handler resolves when its stream is over and rejects when it failed. */
export type StreamHandlers = { [S in StreamName]: (args: ParsedStreamArgsOf<S>, sink: StreamSink<ChunkOf<S>, InputOf<S>>) => Promise<void> };

export interface OpenStream {
  cancel(): void;
  /** Hands client input to the stream; returns the reason when it is not valid input for it. */
  input(data: unknown): string | undefined;
  /** Resolves when the stream is over: with the error if it failed, undefined if it ended or was cancelled. */
  done: Promise<ErrorPayload | undefined>;
}

export interface RouterOptions {
  /** Turns a thrown value into a BerthError (e.g. the engine's mapping). */
  mapError?: (e: unknown) => BerthError;
  /** Called with every error reply, e.g. to notice that the engine went away. */
  onError?: (e: BerthError, name: string) => void;
}

export interface Router {
  handle(method: unknown, args?: unknown): Promise<Reply>;
  openStream(name: unknown, args: unknown, write: (chunk: unknown) => Promise<void>): OpenStream;
}

export function createRouter(handlers: Handlers, streamHandlers: StreamHandlers, opts: RouterOptions = {}): Router {
  const mapError = opts.mapError ?? ((e: unknown) => BerthError.from(e));
  const failure = (e: unknown, name: string): BerthError => {
    let err: BerthError;
    try {
      err = mapError(e);
      if (err.code === 'INTERNAL') console.error(`[berth] ${name} failed:`, e);
      opts.onError?.(err, name);
    } catch (mapping) {
      console.error(`[berth] ${name} failed:`, e, 'and mapping the error failed:', mapping);
      err = new BerthError('INTERNAL', `${name} failed.`);
    }
    return err;
  };
  return {
    openStream(name, args, write) {
      const closed = (error?: BerthError): OpenStream => ({ cancel: () => {}, input: () => 'stream is closed', done: Promise.resolve(error?.toPayload()) });
      if (typeof name !== 'string' || !Object.hasOwn(streams, name)) {
        return closed(new BerthError('UNKNOWN_METHOD', `Unknown stream: ${nameOf(name)}`));
      }
      const s = name as StreamName;
      let parsed;
      try {
        parsed = streams[s].args.safeParse(args ?? {});
      } catch (e) {
        return closed(failure(e, s)); // e.g. arguments nested too deep for the validator
      }
      if (!parsed.success) return closed(new BerthError('INVALID_ARGUMENT', formatIssues(parsed.error)));
      const abort = new AbortController();
      let broken: BerthError | undefined; // the handler's input listener threw: the stream ends with this
      let onInput: ((i: unknown) => void) | undefined;
      const early: unknown[] = []; // input that came before the handler listened (a terminal typed into at once)
      let earlyBytes = 0;
      const handler = streamHandlers[s] as (a: unknown, sink: StreamSink<unknown, unknown>) => Promise<void>;
      const sink: StreamSink<unknown, unknown> = {
        write: async (c) => {
          if (!abort.signal.aborted) await write(c); // a write that throws rejects: the handler fails with it
        },
        signal: abort.signal,
        onInput: (l) => {
          onInput = l;
          earlyBytes = 0;
          for (const i of early.splice(0)) l(i);
        },
      };
      let running: Promise<void>;
      try {
        running = handler(parsed.data, sink);
      } catch (e) {
        running = Promise.reject(e); // a handler that throws before its first await
      }
      const done = running.then(
        () => broken?.toPayload(),
        (e: unknown) => broken?.toPayload() ?? (abort.signal.aborted ? undefined : failure(e, s).toPayload()),
      );
      return {
        cancel: () => abort.abort(),
        input: (data) => {
          if (broken) return 'stream is closed';
          let r;
          try {
            r = streams[s].input.safeParse(data);
          } catch {
            return 'input that cannot be read'; // e.g. nested too deep for the validator
          }
          if (!r.success) return formatIssues(r.error);
          try {
            if (onInput) onInput(r.data);
            else if ((earlyBytes += inputBytes(r.data)) <= EARLY_INPUT_BYTES) early.push(r.data);
            else {
              early.length = 0;
              broken = new BerthError('INVALID_ARGUMENT', `More than ${EARLY_INPUT_BYTES / 1024} KiB of input came before the ${s} stream was ready; it was ended.`, {
                hint: 'Wait for each piece to be acknowledged before sending more.',
              });
              abort.abort();
              return 'too much input before the stream was ready';
            }
          } catch (e) {
            broken = failure(e, s);
            abort.abort();
            return 'the stream failed on this input';
          }
          return undefined;
        },
        done,
      };
    },
    async handle(method, args) {
      if (typeof method !== 'string' || !Object.hasOwn(requests, method)) {
        return fail(new BerthError('UNKNOWN_METHOD', `Unknown API call: ${nameOf(method)}`));
      }
      const m = method as Method;
      try {
        const parsed = requests[m].args.safeParse(args ?? {});
        if (!parsed.success) return fail(new BerthError('INVALID_ARGUMENT', formatIssues(parsed.error)));
        const handler = handlers[m] as (a: unknown) => Promise<unknown>;
        const value = await handler(parsed.data);
        return { ok: true, value: value ?? null };
      } catch (e) {
        return fail(failure(e, m));
      }
    },
  };
}

function fail(e: BerthError): Reply {
  return { ok: false, error: e.toPayload() };
}

/** A method name a client sent, for an error message (whatever it sent: String() of a deep array overflows). */
function nameOf(name: unknown): string {
  return typeof name === 'string' ? name.slice(0, 100) : typeof name;
}
