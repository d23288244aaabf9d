/**
 * Typed router: one handler per contract method. Validates arguments with the contract's schema,
 * runs the handler, and encodes every failure as `{ ok: false, error: { code, message, hint } }`.
 * Never throws: a transport can hand it anything a client sent.
 */
import {
  requests,
  streams,
  type ChunkOf,
  type InputOf,
  type Method,
  type ParsedArgsOf,
  type ParsedStreamArgsOf,
  type ResultOf,
  type StreamName,
} from '../../shared/api-contract';
import { BerthError, type ErrorPayload } from '../../shared/errors';
import { formatIssues } from '../../shared/validation';
import type { Reply } from '../../shared/wire';

export type Handlers = { [M in Method]: (args: ParsedArgsOf<M>) => Promise<ResultOf<M>> };

/**
 * Where a stream handler sends its chunks. `write` resolves when the consumer can take more
 * (backpressure: await it before reading more from the source). `signal` aborts on cancel.
 */
export interface StreamSink<C, I = never> {
  write(chunk: C): Promise<void>;
  signal: AbortSignal;
  /** Registers the listener for the client's (validated) input. */
  onInput(listener: (input: I) => void): void;
}

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
  const mapError = opts.mapError ?? ((e: unknown) => (e instanceof BerthError ? e : new BerthError('INTERNAL', String((e as Error)?.message ?? e))));
  const failure = (e: unknown, name: string): BerthError => {
    const err = mapError(e);
    if (err.code === 'INTERNAL') console.error(`[berth] ${name} failed:`, e);
    opts.onError?.(err, name);
    return err;
  };
  return {
    openStream(name, args, write) {
      const closed = (error?: BerthError): OpenStream => ({ cancel: () => {}, input: () => 'stream is closed', done: Promise.resolve(error?.toPayload()) });
      if (typeof name !== 'string' || !Object.hasOwn(streams, name)) {
        return closed(new BerthError('UNKNOWN_METHOD', `Unknown stream: ${String(name).slice(0, 100)}`));
      }
      const s = name as StreamName;
      const parsed = streams[s].args.safeParse(args ?? {});
      if (!parsed.success) return closed(new BerthError('INVALID_ARGUMENT', formatIssues(parsed.error)));
      const abort = new AbortController();
      let onInput: ((i: unknown) => void) | undefined;
      const early: unknown[] = []; // input that came before the handler listened (a terminal typed into at once)
      const handler = streamHandlers[s] as (a: unknown, sink: StreamSink<unknown, unknown>) => Promise<void>;
      const sink: StreamSink<unknown, unknown> = {
        write: (c) => (abort.signal.aborted ? Promise.resolve() : write(c)),
        signal: abort.signal,
        onInput: (l) => {
          onInput = l;
          for (const i of early.splice(0)) l(i);
        },
      };
      const done = handler(parsed.data, sink).then(
        () => undefined,
        (e: unknown) => (abort.signal.aborted ? undefined : failure(e, s).toPayload()),
      );
      return {
        cancel: () => abort.abort(),
        input: (data) => {
          const r = streams[s].input.safeParse(data);
          if (!r.success) return formatIssues(r.error);
          if (onInput) onInput(r.data);
          else if (early.length < 1000) early.push(r.data);
          return undefined;
        },
        done,
      };
    },
    async handle(method, args) {
      if (typeof method !== 'string' || !Object.hasOwn(requests, method)) {
        return fail(new BerthError('UNKNOWN_METHOD', `Unknown API call: ${String(method).slice(0, 100)}`));
      }
      const m = method as Method;
      const parsed = requests[m].args.safeParse(args ?? {});
      if (!parsed.success) return fail(new BerthError('INVALID_ARGUMENT', formatIssues(parsed.error)));
      try {
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
